"""Incident rows, which incident is current, and obligations marked done.

JSON columns hold the lists and the per-state counts; the law-enforcement delay is one JSON
object (or NULL). Repositories return domain objects.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from crisisdesk.domain.clocks import Completion
from crisisdesk.domain.incidents import (
    DelayForm,
    Incident,
    IncidentKind,
    IncidentStatus,
    InfoKind,
    LawEnforcementDelay,
)
from crisisdesk.store import meta as meta_store
from crisisdesk.store import replica_edits, replica_obligations

CURRENT_KEY = "current_incident_id"
_COLS = ("id, title, kind, status, discovered_on, breach_started_on, breach_ended_on, "
         "systems_affected, info_kinds, affected_by_state, affected_unknown, "
         "law_enforcement_delay, summary, created_at, updated_at, updated_by, contained_on, "
         "law_enforcement_notified_on, law_enforcement_agency")


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _delay(raw: object) -> LawEnforcementDelay | None:
    if not raw:
        return None
    data: dict[str, str] = json.loads(str(raw))
    starts = _date(data["starts_on"])
    assert starts is not None
    return LawEnforcementDelay(
        official=data.get("official", ""), agency=data.get("agency", ""),
        form=DelayForm(data.get("form", "written")), starts_on=starts,
        until=_date(data.get("until")), written_on=_date(data.get("written_on")),
        contact=data.get("contact", ""), notes=data.get("notes", ""),
    )


def _incident(r: tuple[Any, ...]) -> Incident:
    discovered = _date(r[4])
    assert discovered is not None
    return Incident(
        id=str(r[0]), title=str(r[1]), kind=IncidentKind(r[2]), status=IncidentStatus(r[3]),
        discovered_on=discovered, breach_started_on=_date(r[5]), breach_ended_on=_date(r[6]),
        systems_affected=tuple(json.loads(r[7] or "[]")),
        info_kinds=tuple(InfoKind(k) for k in json.loads(r[8] or "[]")),
        affected_by_state={str(k): int(v) for k, v in json.loads(r[9] or "{}").items()},
        affected_unknown_residence=int(r[10] or 0), delay=_delay(r[11]),
        summary=str(r[12] or ""), created_at=str(r[13] or ""), updated_at=str(r[14] or ""),
        updated_by=str(r[15] or ""), contained_on=_date(r[16]),
        law_enforcement_notified_on=_date(r[17]), law_enforcement_agency=str(r[18] or ""),
    )


def _row(incident: Incident) -> dict[str, Any]:
    return {
        **incident.plain_fields(),
        "systems_affected": json.dumps(list(incident.systems_affected)),
        "info_kinds": json.dumps([k.value for k in incident.info_kinds]),
        "affected_by_state": json.dumps(dict(incident.affected_by_state), sort_keys=True),
        "affected_unknown": incident.affected_unknown_residence,
        "law_enforcement_delay": json.dumps(incident.delay.to_dict()) if incident.delay else None,
    }


def row_values(incident: Incident) -> dict[str, Any]:
    """The incident's stored columns (what its edit records hold)."""
    return _row(incident)


def insert(db: sqlite_utils.Database, incident: Incident) -> None:
    db.table("incidents").insert(_row(incident))


def update(db: sqlite_utils.Database, incident: Incident) -> None:
    row = _row(incident)
    row.pop("created_at")
    # On a team desk each changed field is also an edit record that replicates.
    replica_edits.note_change(db, "incident", incident.id,
                              replica_edits.current(db, "incident", incident.id), row,
                              operator=incident.updated_by, at=incident.updated_at)
    db.table("incidents").update(incident.id, row)


def get(db: sqlite_utils.Database, incident_id: str) -> Incident | None:
    row = db.execute(f"SELECT {_COLS} FROM incidents WHERE id = ?", [incident_id]).fetchone()
    return _incident(row) if row else None


def list_all(db: sqlite_utils.Database) -> list[Incident]:
    """Newest discovery first."""
    rows = db.execute(f"SELECT {_COLS} FROM incidents ORDER BY discovered_on DESC, created_at "
                      "DESC").fetchall()
    return [_incident(r) for r in rows]


def find_by_prefix(db: sqlite_utils.Database, prefix: str) -> list[Incident]:
    rows = db.execute(f"SELECT {_COLS} FROM incidents WHERE id LIKE ? ORDER BY created_at",
                      [prefix.replace("%", "").replace("_", "") + "%"]).fetchall()
    return [_incident(r) for r in rows]


def current_id(db: sqlite_utils.Database) -> str | None:
    return meta_store.get(db, CURRENT_KEY) or None


def set_current(db: sqlite_utils.Database, incident_id: str | None) -> None:
    meta_store.put(db, CURRENT_KEY, incident_id or "")


def completions(db: sqlite_utils.Database, incident_id: str) -> dict[str, Completion]:
    out: dict[str, Completion] = {}
    for key, done_on, reference, note, by, at in db.execute(
        "SELECT obligation_key, done_on, reference, note, updated_by, updated_at "
        "FROM obligation_status WHERE incident_id = ?", [incident_id]
    ):
        out[str(key)] = Completion(dt.date.fromisoformat(str(done_on)), str(reference or ""),
                                   str(note or ""), str(by or ""), str(at or ""))
    return out


def put_completion(db: sqlite_utils.Database, incident_id: str, key: str, done: Completion,
                   at: str, by: str) -> None:
    """Mark an obligation done (on a team desk also an edit record: replica_obligations)."""
    entity = replica_obligations.entity_id(incident_id, key)
    before = replica_edits.current(db, "obligation", entity)
    replica_obligations.put_status(db, incident_id, key, done.done_on.isoformat(),
                                   done.reference, done.note, at, by)
    replica_edits.note_now(db, "obligation", entity, before, operator=by, at=at)


def delete_completion(db: sqlite_utils.Database, incident_id: str, key: str, *, at: str,
                      by: str) -> bool:
    """Mark an obligation not done (on a team desk also an edit record)."""
    entity = replica_obligations.entity_id(incident_id, key)
    before = replica_edits.current(db, "obligation", entity)
    cur = db.execute("DELETE FROM obligation_status WHERE incident_id = ? AND obligation_key = ?",
                     [incident_id, key])
    replica_edits.note_now(db, "obligation", entity, before, operator=by, at=at)
    return bool(cur.rowcount)


def first_mailed_on(db: sqlite_utils.Database, incident_id: str) -> dt.date | None:
    """The first day the mailing log records a letter of this incident as mailed."""
    row = db.execute("SELECT min(CASE WHEN on_date != '' THEN on_date ELSE substr(at, 1, 10) "
                     "END) FROM letter_events WHERE incident_id = ? AND kind = 'mailed'",
                     [incident_id]).fetchone()
    return _date(row[0]) if row and row[0] else None
