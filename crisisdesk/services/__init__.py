"""Use cases: one function per user action, one transaction, one audit entry.

The GUI, the CLI and the tests all call these. They raise `UserError`s for anything the user
can fix and never import Qt.
"""
