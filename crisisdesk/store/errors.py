"""Classify SQLite/SQLCipher errors at the storage boundary into errors a user can act on.

sqlcipher3 raises its own exception classes (not subclasses of stdlib sqlite3's), so callers
catch `DB_ERRORS`, and anything unclassified stays a bug for the crash path.
"""

from __future__ import annotations

import sqlite3

from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.errors import DeskBusy, DeskDamaged, UserError, WrongPassphrase

DB_ERRORS: tuple[type[BaseException], ...] = (sqlcipher.DatabaseError, sqlite3.DatabaseError)


def classify(exc: BaseException) -> UserError | None:
    """Map a driver error to a UserError, or None when it is a bug."""
    text = str(exc).lower()
    if "file is not a database" in text or "file is encrypted" in text:
        return WrongPassphrase()
    if "database is locked" in text or "database is busy" in text:
        return DeskBusy("The desk is busy with another change; try again in a moment.")
    if "disk is full" in text or "database or disk is full" in text:
        return DeskDamaged("The disk is full; free some space and try again. Nothing was saved.")
    if "disk i/o error" in text or "malformed" in text:
        return DeskDamaged(
            "The desk file could not be read safely; restore it from a backup "
            "('crisisdesk backup restore')."
        )
    if "readonly" in text or "read-only" in text:
        return DeskDamaged("The desk file is read-only; check the folder's permissions.")
    return None
