"""The desk's `meta` table: one text value per key (desk id, organisation, small desk state).

One reader and one writer, so every feature that keeps a desk-wide value (the current incident,
the approval policy, the notification profile) stores it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlite_utils


def get(db: sqlite_utils.Database, key: str) -> str | None:
    """The value stored under `key`, or None when there is none."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return None if row is None else str(row[0]) if row[0] is not None else ""


def put(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def put_many(db: sqlite_utils.Database, values: Mapping[str, str]) -> None:
    for key, value in values.items():
        put(db, key, value)
