"""The incident timeline (HICS 214 activity log): add, correct, filter. Append-only.

Public API
----------
add_entry(session, text, *, category=Category.NOTE, incident_id=None, at=None, author=None,
          position="") -> TimelineEntry
    A typed entry (one action, one audit entry). `at` is when it happened (default now; local
    time text is accepted); `author` defaults to the operator.
correct_entry(session, entry_id, text, *, category=None) -> TimelineEntry
    A new entry that corrects `entry_id` (which stays, marked as corrected).
record_in_action(session, act, text, *, category=Category.ACTION, source, incident_id=None,
                 position="") -> TimelineEntry | None
    For other services: add an automatic entry *inside their own* `session.action(...)`, so the
    entry commits with the change it describes. Writes to the current incident (None and no
    entry when there is no incident).
list_entries(session, incident_id=None, *, categories=(), text="", since="", until="",
             author="", include_corrected=True) -> list[LogLine]
latest_entries(session, incident_id=None, limit=10) -> list[TimelineEntry]
get_entry(session, entry_ref, incident_id=None) -> TimelineEntry   (id or unique id prefix)

There is deliberately no update or delete: the schema's triggers refuse both.
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.choices import only_match
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.timeline import (
    Category,
    LogLine,
    TimelineEntry,
    clean_text,
    matches,
    with_corrections,
)
from crisisdesk.domain.times import parse_utc
from crisisdesk.services.localtime import parse_time
from crisisdesk.services.session import Action, Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import timeline as timeline_store

FUTURE_SLACK = dt.timedelta(minutes=5)


def _incident_id(session: Session, incident_id: str | None) -> str:
    if incident_id:
        if incident_store.get(session.db, incident_id) is None:
            found = incident_store.find_by_prefix(session.db, incident_id)
            if len(found) != 1:
                raise NotFound(f"No incident {incident_id!r}; see 'crisisdesk incident list'.")
            return found[0].id
        return incident_id
    current = incident_store.current_id(session.db)
    if not current:
        raise NotFound("There is no current incident; create one with "
                       "'crisisdesk incident create' first.")
    return current


def _when(session: Session, at: str | dt.datetime | None) -> str:
    when = parse_time(session, at, "at")
    moment = parse_utc(when)
    if moment > session.now() + FUTURE_SLACK:
        raise ValidationError("A timeline entry cannot be in the future.", {"at": "in the future"})
    return when


def add_entry(session: Session, text: str, *, category: Category = Category.NOTE,
              incident_id: str | None = None, at: str | dt.datetime | None = None,
              author: str | None = None, position: str = "") -> TimelineEntry:
    body = clean_text(text)
    target = _incident_id(session, incident_id)
    when = _when(session, at)
    who = " ".join((author or session.operator.name).split()) or session.operator.name
    with session.action("timeline.add", "timeline", summary=f"Added a {category.value} entry "
                        "to the timeline") as act:
        entry = timeline_store.insert(
            session.db, incident_id=target, at=when, recorded_at=act.at, author=who,
            category=category, text=body, by=session.operator.name,
            position=" ".join(position.split()))
        act.entity_id = entry.id
    return entry


def get_entry(session: Session, entry_ref: str, incident_id: str | None = None) -> TimelineEntry:
    entry = timeline_store.get(session.db, entry_ref.strip())
    if entry is not None:
        return entry
    target = _incident_id(session, incident_id)
    found = timeline_store.find_by_prefix(session.db, target, entry_ref.strip())
    return only_match(found, entry_ref, plural="entries", field_name="entry",
                      not_found=f"No timeline entry {entry_ref!r}.")


def correct_entry(session: Session, entry_id: str, text: str, *,
                  category: Category | None = None) -> TimelineEntry:
    """Correct an entry: the original stays in the log, marked as corrected by this one."""
    original = get_entry(session, entry_id)
    body = clean_text(text)
    with session.action("timeline.correct", "timeline",
                        summary="Corrected a timeline entry") as act:
        entry = timeline_store.insert(
            session.db, incident_id=original.incident_id, at=original.at, recorded_at=act.at,
            author=session.operator.name, category=category or original.category, text=body,
            by=session.operator.name, position=original.position, corrects=original.id,
            source="correction")
        act.entity_id = entry.id
    return entry


def record_in_action(session: Session, act: Action, text: str, *,
                     category: Category = Category.ACTION, source: str,
                     incident_id: str | None = None, position: str = "",
                     at: str | None = None) -> TimelineEntry | None:
    """An automatic entry written inside the caller's open action (same transaction).

    No patient data in `text`: the timeline is printed and shown to the whole team.
    """
    if not session.db.conn.in_transaction:
        raise RuntimeError("record_in_action must run inside session.action(...)")
    target = incident_id or incident_store.current_id(session.db)
    if not target:
        return None
    return timeline_store.insert(
        session.db, incident_id=target, at=at or act.at, recorded_at=act.at,
        author=session.operator.name, category=category, text=clean_text(text),
        by=session.operator.name, position=position, source=source)


def list_entries(session: Session, incident_id: str | None = None, *,
                 categories: tuple[Category, ...] | list[Category] = (), text: str = "",
                 since: str | dt.datetime | None = None, until: str | dt.datetime | None = None,
                 author: str = "", include_corrected: bool = True) -> list[LogLine]:
    """The log in time order, each entry with the correction that replaced it (if any)."""
    target = _incident_id(session, incident_id)
    lines = with_corrections(timeline_store.for_incident(session.db, target))
    since_iso = parse_time(session, since, "since") if since else ""
    if isinstance(until, str) and len(until.strip()) == 10:  # a bare date: the whole day
        until = until.strip() + " 23:59:59"
    until_iso = parse_time(session, until, "until") if until else ""
    return [line for line in lines
            if matches(line, categories=categories, text=text, since=since_iso,
                       until=until_iso, author=author, include_corrected=include_corrected)]


def latest_entries(session: Session, incident_id: str | None = None,
                   limit: int = 10) -> list[TimelineEntry]:
    target = incident_id or incident_store.current_id(session.db)
    if not target:
        return []
    return timeline_store.latest(session.db, target, limit)
