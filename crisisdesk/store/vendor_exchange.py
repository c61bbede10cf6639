"""The monitoring vendor's side of the letters: who is eligible (letters carrying an
enrollment code) and who enrolled (by letter reference)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlite_utils

from crisisdesk.domain.letters import Letter
from crisisdesk.domain.vendor_files import Enrolment
from crisisdesk.store import letters as letter_store


def eligible_letters(db: sqlite_utils.Database, incident_id: str) -> Iterator[Letter]:
    """The incident's letters that carry an enrollment code, in reference order (streamed)."""
    sql = (letter_store._LETTER_SELECT
           + "WHERE l.incident_id = ? AND c.code IS NOT NULL ORDER BY l.ref_no")
    for row in db.execute(sql, [incident_id]):
        yield letter_store._letter(row)


def eligible_states(db: sqlite_utils.Database, incident_id: str) -> dict[str, str]:
    """reference -> state, for every eligible letter of the incident."""
    return {str(r[0]): str(r[1] or "") for r in db.execute(
        "SELECT l.reference, l.state FROM letters l JOIN enrollment_codes c "
        "ON c.letter_id = l.id WHERE l.incident_id = ?", [incident_id])}


def enrolled(db: sqlite_utils.Database, incident_id: str) -> dict[str, str]:
    """reference -> enrolment date (ISO)."""
    return {str(r[0]): str(r[1]) for r in db.execute(
        "SELECT reference, enrolled_on FROM vendor_enrolments WHERE incident_id = ?",
        [incident_id])}


def put_enrolments(db: sqlite_utils.Database, incident_id: str, rows: Iterable[Enrolment],
                   at: str, by: str) -> None:
    db.conn.executemany(
        "INSERT INTO vendor_enrolments (incident_id, reference, enrolled_on, imported_at, "
        "imported_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT(incident_id, reference) DO UPDATE "
        "SET enrolled_on = excluded.enrolled_on, imported_at = excluded.imported_at, "
        "imported_by = excluded.imported_by",
        [(incident_id, e.reference, e.enrolled_on.isoformat(), at, by) for e in rows])
