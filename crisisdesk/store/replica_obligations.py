"""A legal deadline marked done (or not done) on a team desk: one replicated field.

Why edit records and not latest-wins reports (store/latest_wins.py): marking an obligation
done is a claim that the law is satisfied ("the HHS notice went out on March 21, reference
X"). If one laptop marks it done while another, without having seen that, marks it not done
or done on another day, neither should silently win: a deadline shown done that is not, or
the other way round, is exactly what the team must look at. So each change of an obligation's
status is an edit record of the entity `obligation` (id 'incident id/obligation key'), field
`done`, holding the whole row (done day, reference, note; None: not done); two concurrent
different values are a conflict in the inbox, and the obligation shows what it was before both
until a coordinator keeps one laptop's. The row's `updated_by`/`updated_at` are the edit's, so
each desk shows who marked it and when, as the laptop that did. Both ways of marking one done
(the deadlines screen, and the filing tracker when an obligation's last filing is sent) go
through store/incidents.py, which writes the record. A mark that arrives before its incident
(a bundle made for one laptop carried to another first) is kept and applied when the incident
arrives: its creation settles the edits of what lives in it (replica_creations.edit_keys).
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

FIELDS: dict[str, tuple[str, ...]] = {"done": ("done_on", "reference", "note")}
# 'hhs-individual-notice (Ransomware at the lab)'; the key alone on a desk lacking the incident.
LABEL_SQL = ("SELECT substr(?1, instr(?1, '/') + 1) || coalesce(' (' || (SELECT title FROM "
             "incidents WHERE id = substr(?1, 1, instr(?1, '/') - 1)) || ')', '')")


def entity_id(incident_id: str, key: str) -> str:
    return f"{incident_id}/{key}"


def _split(entity: str) -> tuple[str, str]:
    incident_id, _, key = entity.partition("/")
    return incident_id, key


def value(db: sqlite_utils.Database, entity: str) -> dict[str, Any]:
    """The obligation's replicated columns (all None: not done)."""
    row = db.execute("SELECT done_on, reference, note FROM obligation_status WHERE "
                     "incident_id = ? AND obligation_key = ?", list(_split(entity))).fetchone()
    cols = FIELDS["done"]
    return dict(zip(cols, row, strict=True)) if row else dict.fromkeys(cols)


def write(db: sqlite_utils.Database, entity: str, value: dict[str, Any],
          stamp: tuple[str, str] | None) -> None:
    """Write the settled status; nothing on a desk that lacks the incident."""
    incident_id, key = _split(entity)
    if db.execute("SELECT 1 FROM incidents WHERE id = ?", [incident_id]).fetchone() is None:
        return
    if not value.get("done_on"):
        db.execute("DELETE FROM obligation_status WHERE incident_id = ? AND "
                   "obligation_key = ?", [incident_id, key])
        return
    at, by = stamp or _made(db, entity, value)
    put_status(db, incident_id, key, str(value["done_on"]), str(value.get("reference") or ""),
               str(value.get("note") or ""), at, by)


def put_status(db: sqlite_utils.Database, incident_id: str, key: str, done_on: str,
               reference: str, note: str, at: str, by: str) -> None:
    """The one write of a deadline's done status, whether marked here or arriving in an edit."""
    db.execute(
        "INSERT INTO obligation_status (incident_id, obligation_key, done_on, reference, note, "
        "created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(incident_id, obligation_key) DO UPDATE SET done_on = excluded.done_on, "
        "reference = excluded.reference, note = excluded.note, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        [incident_id, key, done_on, reference, note, at, at, by])


def _made(db: sqlite_utils.Database, entity: str, value: dict[str, Any]) -> tuple[str, str]:
    """(when, by whom) of the newest edit that set `value`: what a conflict keeps meanwhile
    still says who marked it done (('', ''): it came with the clone)."""
    for text, at, by in db.execute("SELECT value, at, operator FROM repl_edits WHERE "
                                   "entity = 'obligation' AND entity_id = ? AND field = 'done' "
                                   "ORDER BY at DESC, id DESC", [entity]):
        try:
            if json.loads(str(text)) == value:
                return str(at), str(by)
        except ValueError:
            continue
    row = db.execute("SELECT updated_at, updated_by FROM obligation_status WHERE "
                     "incident_id = ? AND obligation_key = ?", list(_split(entity))).fetchone()
    return (str(row[0] or ""), str(row[1] or "")) if row else ("", "")
