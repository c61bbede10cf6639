"""Update cadence per audience: set the rhythm, record that an update was given, see what is due.

Public API
----------
set_cadence(session, audience, every) -> CadenceStatus    `every`: '4h', '90m', '1d' or minutes
stop_cadence(session, audience) -> CadenceStatus
record_update(session, audience, note="") -> CadenceStatus   resets the clock
record_update_in_action(session, act, audience, note="") -> bool   (for statements)
cadence_status(session) -> list[CadenceStatus]             every audience, in a fixed order
alerts(session) -> list[CadenceStatus]                     near or overdue, most urgent first
banner(session) -> str                                     one sentence, '' when all is well

The clock runs on UTC instants (see `domain.cadence`); times are shown in the desk's zone.
How early "near" starts is capped by the `cadence_near_minutes` setting.
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain import cadence as rules
from crisisdesk.domain.cadence import CadenceAudience, CadenceStatus, parse_audience
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.timeline import Category
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Action, Session
from crisisdesk.store import media as store

__all__ = ["CadenceStatus", "alerts", "banner", "cadence_status", "near_cap", "record_update",
           "record_update_in_action", "set_cadence", "show_local", "stop_cadence"]


def near_cap(session: Session) -> dt.timedelta:
    """At most how long before an update is due it shows as near (a desk setting)."""
    return dt.timedelta(minutes=int(settings_service.get(session, "cadence_near_minutes")))


def cadence_status(session: Session) -> list[CadenceStatus]:
    return rules.statuses(store.cadence_events(session.db), session.now(), near_cap(session))


def _one(session: Session, audience: CadenceAudience) -> CadenceStatus:
    return rules.status(rules.fold(audience, store.cadence_events(session.db)), session.now(),
                        near_cap(session))


def show_local(session: Session, moment: dt.datetime | None) -> str:
    """A due time as people read it: 'today 16:00', 'tomorrow 02:00' or '2026-03-04 09:00'."""
    if moment is None:
        return ""
    tz = zone(session)
    local = moment.astimezone(tz)
    days = (local.date() - session.now().astimezone(tz).date()).days
    word = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days)
    return f"{word} {local:%H:%M}" if word else f"{local:%Y-%m-%d %H:%M}"


def set_cadence(session: Session, audience: str | CadenceAudience, every: object
                ) -> CadenceStatus:
    who = parse_audience(audience)
    interval = rules.parse_interval(every)
    mins = int(interval.total_seconds() // 60)
    with session.action("cadence.set", "cadence", who.value,
                        f"Set the {who.label.lower()} update cadence to every {mins} minutes"
                        ) as act:
        store.append_cadence_event(session.db, who, "set", at=act.at,
                                   operator=session.operator.name, interval_minutes=mins)
    return _one(session, who)


def stop_cadence(session: Session, audience: str | CadenceAudience) -> CadenceStatus:
    who = parse_audience(audience)
    with session.action("cadence.stop", "cadence", who.value,
                        f"Stopped the {who.label.lower()} update cadence") as act:
        store.append_cadence_event(session.db, who, "stop", at=act.at,
                                   operator=session.operator.name)
    return _one(session, who)


def record_update_in_action(session: Session, act: Action, audience: CadenceAudience,
                            note: str = "") -> bool:
    """Inside the caller's action: an update went out (resets the clock if a cadence is set)."""
    current = rules.fold(audience, store.cadence_events(session.db))
    if current.interval is None:
        return False
    store.append_cadence_event(session.db, audience, "done", at=act.at,
                               operator=session.operator.name, note=" ".join(note.split()))
    return True


def record_update(session: Session, audience: str | CadenceAudience, note: str = ""
                  ) -> CadenceStatus:
    """An update was given to `audience`: the next one is due one interval from now."""
    who = parse_audience(audience)
    current = _one(session, who)
    if current.cadence.interval is None:
        raise ValidationError(f"No update cadence is set for {who.label.lower()}; set one "
                              "first ('crisisdesk cadence set').", {"audience": "not set"})
    with session.action("cadence.done", "cadence", who.value,
                        f"Recorded an update to {who.label.lower()}") as act:
        record_update_in_action(session, act, who, note)
        timeline_service.record_in_action(
            session, act, f"Scheduled update given to {who.label.lower()}"
            + (f": {' '.join(note.split())}" if note.strip() else ""),
            category=Category.COMMUNICATION, source="cadence")
    return _one(session, who)


def alerts(session: Session) -> list[CadenceStatus]:
    return rules.alerts(cadence_status(session))


def banner(session: Session) -> str:
    return rules.banner_text(cadence_status(session), lambda m: show_local(session, m))
