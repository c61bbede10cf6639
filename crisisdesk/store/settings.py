"""The `settings` table: one row per setting an admin changed (absent = the declared default).

Values are JSON text so an int stays an int; what a valid value is lives in domain/settings.py.
"""

from __future__ import annotations

import json

import sqlite_utils


def stored(db: sqlite_utils.Database) -> dict[str, object]:
    """Every stored setting (key -> decoded value); rows that are not valid JSON are skipped."""
    out: dict[str, object] = {}
    for key, value in db.execute("SELECT key, value FROM settings"):
        try:
            out[str(key)] = json.loads(value)
        except (TypeError, ValueError):
            continue
    return out


def put(db: sqlite_utils.Database, key: str, value: object, at: str, by: str) -> None:
    db.execute(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        [key, json.dumps(value), at, by],
    )


def delete(db: sqlite_utils.Database, key: str) -> bool:
    """Remove a stored value; True if there was one."""
    cursor = db.execute("DELETE FROM settings WHERE key = ?", [key])
    return bool(cursor.rowcount)


# -- team-wide settings as replicated edit records (store/replica_edits.py) -------------------
def value_of(db: sqlite_utils.Database, key: str) -> dict[str, object]:
    """{'value': the stored JSON text, or None when the setting has its default}."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return {"value": str(row[0]) if row else None}


def write_value(db: sqlite_utils.Database, key: str, value: dict[str, object],
                stamp: tuple[str, str] | None) -> None:
    """Store the replicated JSON text (None: back to the default)."""
    text = value.get("value")
    if text is None:
        delete(db, key)
        return
    at, by = stamp or ("", "")
    db.execute(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by "
        "WHERE value IS NOT excluded.value",
        [key, str(text), at, by])
