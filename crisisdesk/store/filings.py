"""The filing tracker's rows: one per incident and owed notice, each step a column filled in.

The list of what is owed is computed from the rules (domain/filings.py); this table only holds
what the desk has done about each, so a rule change never leaves a stale "owed" row behind.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from crisisdesk.domain.filings import FilingRecord
from crisisdesk.store import latest_wins

_COLUMNS = ("key", "prepared_at", "prepared_by", "count", "template_key", "template_version",
            "content", "approved_at", "approved_by", "sent_on", "sent_how", "sent_by",
            "confirmation", "acknowledged_on")


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _record(row: tuple[Any, ...]) -> FilingRecord:
    data = dict(zip(_COLUMNS, row, strict=True))
    return FilingRecord(
        key=str(data["key"]), prepared_at=str(data["prepared_at"]),
        prepared_by=str(data["prepared_by"]), count=int(data["count"] or 0),
        template_key=str(data["template_key"]),
        template_version=int(data["template_version"] or 0), content=str(data["content"]),
        approved_at=str(data["approved_at"]), approved_by=str(data["approved_by"]),
        sent_on=_date(data["sent_on"]), sent_how=str(data["sent_how"]),
        sent_by=str(data["sent_by"]), confirmation=str(data["confirmation"]),
        acknowledged_on=_date(data["acknowledged_on"]))


def records(db: sqlite_utils.Database, incident_id: str) -> dict[str, FilingRecord]:
    sql = f"SELECT {', '.join(_COLUMNS)} FROM filings WHERE incident_id = ?"
    return {str(r[0]): _record(r) for r in db.execute(sql, [incident_id])}


def put(db: sqlite_utils.Database, incident_id: str, record: FilingRecord, at: str,
        by: str) -> None:
    """Write the record whole (insert or replace its columns). The columns it changes are
    also kept as a report that travels to the team's other laptops (store/latest_wins.py)."""
    values: dict[str, Any] = {
        "key": record.key, "prepared_at": record.prepared_at,
        "prepared_by": record.prepared_by, "count": record.count,
        "template_key": record.template_key, "template_version": record.template_version,
        "content": record.content, "approved_at": record.approved_at,
        "approved_by": record.approved_by,
        "sent_on": record.sent_on.isoformat() if record.sent_on else "",
        "sent_how": record.sent_how, "sent_by": record.sent_by,
        "confirmation": record.confirmation,
        "acknowledged_on": record.acknowledged_on.isoformat() if record.acknowledged_on else "",
    }
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM filings WHERE incident_id = ? AND "
                     "key = ?", [incident_id, record.key]).fetchone()
    before = dict(zip(_COLUMNS, row, strict=True)) if row else {}
    changed = {c: v for c, v in values.items() if before.get(c) != v}
    # A new preparation starts the filing afresh (approval, sending and all): the report says
    # so whole, so it also undoes a step another laptop took on the old preparation meanwhile.
    latest_wins.note(db, latest_wins.FILINGS, (incident_id, record.key),
                     values if "prepared_at" in changed else changed, at, by)
    columns = ["incident_id", *values, "updated_at", "updated_by"]
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*values, "updated_at", "updated_by"]
                        if c != "key")
    db.execute(
        f"INSERT INTO filings ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
        f"ON CONFLICT(incident_id, key) DO UPDATE SET {updates}",
        [incident_id, *values.values(), at, by])


STEPS = ("prepared_by", "approved_by", "sent_by")


def step_events(db: sqlite_utils.Database, incident_id: str) -> dict[tuple[str, str], str]:
    """(filing key, step column) -> id of the report that set the step's person as shown (the
    last one naming it, in the order store/latest_wins.py applies them)."""
    found: dict[tuple[str, str], str] = {}
    for rid, key, changes in db.execute(
            "SELECT id, key, changes FROM filing_events WHERE incident_id = ? "
            "ORDER BY n, at, id", [incident_id]):
        try:
            cols = json.loads(changes)
        except ValueError:
            continue
        if isinstance(cols, dict):
            found.update({(str(key), c): str(rid) for c in STEPS if c in cols})
    return found
