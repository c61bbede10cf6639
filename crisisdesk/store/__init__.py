"""Storage: the encrypted desk file, its key vault, the audit log and backups.

The only package that writes SQL. Repositories return domain objects, never Qt objects.
"""
