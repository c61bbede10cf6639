"""The Settings section: desk settings, operators, backups and the recovery key."""
