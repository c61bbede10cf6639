"""Timeline rows: insert and read, nothing else (triggers in the schema refuse UPDATE/DELETE).

`insert` takes the database, not a session, so any service can add an entry inside its own
`session.action(...)` transaction: the entry and the change it describes commit together.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlite_utils

from crisisdesk.domain.timeline import Category, TimelineEntry

_COLS = ("id, incident_id, at, recorded_at, author, category, text, position, corrects, "
         "source, seq")


def _entry(r: tuple[Any, ...]) -> TimelineEntry:
    return TimelineEntry(
        id=str(r[0]), incident_id=str(r[1]), at=str(r[2]), recorded_at=str(r[3] or ""),
        author=str(r[4] or ""), category=Category(r[5]), text=str(r[6]),
        position=str(r[7] or ""), corrects=str(r[8] or ""), source=str(r[9] or "log"),
        seq=int(r[10]),
    )


def insert(db: sqlite_utils.Database, *, incident_id: str, at: str, recorded_at: str,
           author: str, category: Category, text: str, by: str, position: str = "",
           corrects: str = "", source: str = "log") -> TimelineEntry:
    """Append one entry (call inside a write transaction); returns it with its id and seq."""
    last = db.execute("SELECT max(seq) FROM timeline").fetchone()[0]
    seq = int(last or 0) + 1
    entry_id = str(uuid.uuid4())
    db.execute(
        "INSERT INTO timeline (id, seq, incident_id, at, recorded_at, author, position, "
        "category, text, corrects, source, created_at, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [entry_id, seq, incident_id, at, recorded_at, author, position, category.value, text,
         corrects, source, recorded_at, recorded_at, by],
    )
    return TimelineEntry(entry_id, incident_id, at, recorded_at, author, category, text,
                         position, corrects, source, seq)


def get(db: sqlite_utils.Database, entry_id: str) -> TimelineEntry | None:
    row = db.execute(f"SELECT {_COLS} FROM timeline WHERE id = ?", [entry_id]).fetchone()
    return _entry(row) if row else None


def find_by_prefix(db: sqlite_utils.Database, incident_id: str,
                   prefix: str) -> list[TimelineEntry]:
    clean = prefix.replace("%", "").replace("_", "")
    rows = db.execute(f"SELECT {_COLS} FROM timeline WHERE incident_id = ? AND id LIKE ?",
                      [incident_id, clean + "%"]).fetchall()
    return [_entry(r) for r in rows]


def for_incident(db: sqlite_utils.Database, incident_id: str) -> list[TimelineEntry]:
    """Every entry of the incident in time order (ties in the order they were written)."""
    rows = db.execute(f"SELECT {_COLS} FROM timeline WHERE incident_id = ? ORDER BY at, seq",
                      [incident_id]).fetchall()
    return [_entry(r) for r in rows]


def latest(db: sqlite_utils.Database, incident_id: str, limit: int) -> list[TimelineEntry]:
    rows = db.execute(f"SELECT {_COLS} FROM timeline WHERE incident_id = ? "
                      "ORDER BY at DESC, seq DESC LIMIT ?", [incident_id, limit]).fetchall()
    return [_entry(r) for r in reversed(rows)]
