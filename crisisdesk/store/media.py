"""Media-desk rows: inquiry events and cadence events. Append and read, nothing else.

Both tables are append-only (the schema's triggers refuse UPDATE and DELETE): the services fold
events into the current state with `domain.media.fold` and `domain.cadence.fold`. `append_*`
take the database, not a session, so a service writes them inside its own action.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from crisisdesk.domain.cadence import CadenceAudience, CadenceEvent
from crisisdesk.domain.media import InquiryEvent

_MEDIA_COLS = "id, inquiry_id, seq, at, operator, kind, data"
_CADENCE_COLS = "id, seq, audience, kind, at, operator, interval_minutes, note"


def _next_seq(db: sqlite_utils.Database, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]) + 1


def append_inquiry_event(db: sqlite_utils.Database, inquiry_id: str, kind: str, *, at: str,
                         operator: str, data: Mapping[str, Any]) -> InquiryEvent:
    event = InquiryEvent(str(uuid.uuid4()), inquiry_id, _next_seq(db, "media_events"), at,
                         operator, kind, dict(data))
    db.execute(
        "INSERT INTO media_events (id, seq, inquiry_id, kind, at, operator, data, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [event.id, event.seq, inquiry_id, kind, at, operator,
         json.dumps(dict(data), ensure_ascii=False, sort_keys=True), at])
    return event


def _inquiry_event(r: tuple[Any, ...]) -> InquiryEvent:
    return InquiryEvent(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]),
                        json.loads(r[6] or "{}"))


def inquiry_events(db: sqlite_utils.Database, inquiry_id: str | None = None
                   ) -> list[InquiryEvent]:
    """Every event (of one inquiry, or of all), in the order they were written."""
    if inquiry_id is None:
        rows = db.execute(f"SELECT {_MEDIA_COLS} FROM media_events ORDER BY seq").fetchall()
    else:
        rows = db.execute(f"SELECT {_MEDIA_COLS} FROM media_events WHERE inquiry_id = ? "
                          "ORDER BY seq", [inquiry_id]).fetchall()
    return [_inquiry_event(r) for r in rows]


def inquiry_ids_with_prefix(db: sqlite_utils.Database, prefix: str) -> list[str]:
    clean = prefix.replace("%", "").replace("_", "")
    rows = db.execute("SELECT DISTINCT inquiry_id FROM media_events WHERE inquiry_id LIKE ?",
                      [clean + "%"]).fetchall()
    return [str(r[0]) for r in rows]


def append_cadence_event(db: sqlite_utils.Database, audience: CadenceAudience, kind: str, *,
                         at: str, operator: str, interval_minutes: int = 0,
                         note: str = "") -> CadenceEvent:
    event = CadenceEvent(str(uuid.uuid4()), _next_seq(db, "cadence_events"), audience, kind,
                         at, operator, interval_minutes, note)
    db.execute(
        "INSERT INTO cadence_events (id, seq, audience, kind, at, operator, interval_minutes, "
        "note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [event.id, event.seq, audience.value, kind, at, operator, interval_minutes, note, at])
    return event


def cadence_events(db: sqlite_utils.Database) -> list[CadenceEvent]:
    rows = db.execute(f"SELECT {_CADENCE_COLS} FROM cadence_events ORDER BY seq").fetchall()
    out = []
    for r in rows:
        try:
            audience = CadenceAudience(r[2])
        except ValueError:  # an audience a newer version added: not ours to show
            continue
        out.append(CadenceEvent(str(r[0]), int(r[1]), audience, str(r[3]), str(r[4]),
                                str(r[5]), int(r[6] or 0), str(r[7] or "")))
    return out


def template_sources(db: sqlite_utils.Database, prefix: str) -> dict[str, str]:
    """template key -> source, for templates whose source starts with `prefix` (the drafts
    sent for approval from an inquiry are created with source 'media-inquiry:<id>')."""
    rows = db.execute("SELECT key, source FROM templates WHERE source LIKE ?",
                      [prefix.replace("%", "") + "%"]).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}
