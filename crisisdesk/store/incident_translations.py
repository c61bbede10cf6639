"""The `incident_translations` table: an incident's free-text facts in another language."""

from __future__ import annotations

import sqlite_utils


def put(db: sqlite_utils.Database, incident_id: str, field: str, language: str, text: str, *,
        at: str, by: str) -> None:
    db.execute("INSERT INTO incident_translations (incident_id, field, language, text, "
               "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(incident_id, "
               "field, language) DO UPDATE SET text = excluded.text, updated_at = "
               "excluded.updated_at, updated_by = excluded.updated_by",
               [incident_id, field, language, text, at, by])


def remove(db: sqlite_utils.Database, incident_id: str, field: str, language: str) -> bool:
    cur = db.execute("DELETE FROM incident_translations WHERE incident_id = ? AND field = ? "
                     "AND language = ?", [incident_id, field, language])
    return bool(cur.rowcount)


def wording(db: sqlite_utils.Database, incident_id: str, language: str) -> dict[str, str]:
    """{field: text} of the incident in `language`."""
    return {str(r[0]): str(r[1]) for r in db.execute(
        "SELECT field, text FROM incident_translations WHERE incident_id = ? AND language = ?",
        [incident_id, language])}


def rows(db: sqlite_utils.Database, incident_id: str) -> list[tuple[str, str, str, str, str]]:
    """(field, language, text, updated_at, updated_by) of the incident."""
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in db.execute(
        "SELECT field, language, text, updated_at, updated_by FROM incident_translations "
        "WHERE incident_id = ? ORDER BY language, field", [incident_id])]
