"""Incidents: create, update, list, and which one is current.

Public API
----------
create_incident(session, *, title, kind, discovered_on, status=IncidentStatus.OPEN,
                breach_started_on=None, breach_ended_on=None, systems_affected=(),
                info_kinds=(), affected_by_state=None, affected_unknown_residence=0,
                delay=None, summary="", contained_on=None, law_enforcement_notified_on=None,
                law_enforcement_agency="", make_current=True) -> Incident
update_incident(session, incident_ref, **changes) -> Incident
    `changes` are Incident fields (title, kind, status, discovered_on, breach_started_on,
    breach_ended_on, systems_affected, info_kinds, affected_by_state,
    affected_unknown_residence, delay, summary, contained_on, law_enforcement_notified_on,
    law_enforcement_agency); `delay=None` clears the delay. Only fields passed change. Counts
    replace the whole per-state table. The response facts feed what letters may say
    (`services/facts.py`).
get_incident(session, incident_ref=None) -> Incident     (None: the current incident)
list_incidents(session) -> list[Incident]
current_incident(session) -> Incident | None
set_current_incident(session, incident_ref) -> Incident

`incident_ref` is an id or a unique prefix of one. Every change writes one audit entry and a
timeline entry on that incident (counts and dates only: no patient data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.incidents import (
    Incident,
    IncidentKind,
    IncidentStatus,
    InfoKind,
    LawEnforcementDelay,
    validate_incident,
)
from crisisdesk.domain.timeline import Category
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store

_FIELDS = {f.name for f in dataclasses.fields(Incident)} - {"id", "created_at", "updated_at",
                                                             "updated_by"}


def _counts_text(incident: Incident) -> str:
    parts = [f"{state} {count:,}" for state, count in incident.affected_by_state.items()]
    if incident.affected_unknown_residence:
        parts.append(f"unknown residence {incident.affected_unknown_residence:,}")
    return f"{incident.total_affected:,} in total" + (f" ({', '.join(parts)})" if parts else "")


def create_incident(
    session: Session, *, title: str, kind: IncidentKind, discovered_on: dt.date,
    status: IncidentStatus = IncidentStatus.OPEN, breach_started_on: dt.date | None = None,
    breach_ended_on: dt.date | None = None, systems_affected: Iterable[str] = (),
    info_kinds: Iterable[InfoKind] = (), affected_by_state: Mapping[str, int] | None = None,
    affected_unknown_residence: int = 0, delay: LawEnforcementDelay | None = None,
    summary: str = "", contained_on: dt.date | None = None,
    law_enforcement_notified_on: dt.date | None = None, law_enforcement_agency: str = "",
    make_current: bool = True,
) -> Incident:
    """Record a new incident; it becomes the current one (or when there is none yet)."""
    now = session.now_iso()
    draft = Incident(
        id=str(uuid.uuid4()), title=title, kind=kind, status=status, discovered_on=discovered_on,
        breach_started_on=breach_started_on, breach_ended_on=breach_ended_on,
        systems_affected=tuple(systems_affected), info_kinds=tuple(info_kinds),
        affected_by_state=dict(affected_by_state or {}),
        affected_unknown_residence=affected_unknown_residence, delay=delay, summary=summary,
        created_at=now, updated_at=now, updated_by=session.operator.name,
        contained_on=contained_on, law_enforcement_notified_on=law_enforcement_notified_on,
        law_enforcement_agency=law_enforcement_agency,
    )
    incident = validate_incident(draft, today(session))
    with session.action("incident.create", "incident", incident.id,
                        f"Opened {incident.kind.label} incident") as act:
        incident = dataclasses.replace(incident, created_at=act.at, updated_at=act.at)
        incident_store.insert(session.db, incident)
        if make_current or incident_store.current_id(session.db) is None:
            incident_store.set_current(session.db, incident.id)
        timeline_service.record_in_action(
            session, act, f"Incident opened: {incident.title} ({incident.kind.label}); "
            f"discovered {incident.discovered_on.isoformat()}; affected {_counts_text(incident)}.",
            category=Category.DECISION, source="incident", incident_id=incident.id)
        if incident.delay is not None:
            timeline_service.record_in_action(
                session, act, f"Recorded {incident.delay.describe()}.",
                category=Category.DECISION, source="incident", incident_id=incident.id)
        for text in _fact_notes(None, incident):
            timeline_service.record_in_action(session, act, text, category=Category.DECISION,
                                              source="incident", incident_id=incident.id)
    return incident


_FACT_FIELDS = {"contained_on", "law_enforcement_notified_on", "law_enforcement_agency"}


def _fact_notes(old: Incident | None, new: Incident) -> list[str]:
    """Timeline lines for response facts recorded, changed or removed (dates only)."""
    notes = []
    was = old.contained_on if old else None
    if new.contained_on != was:
        notes.append(f"Recorded: the access was stopped (contained) on "
                     f"{new.contained_on.isoformat()}." if new.contained_on else
                     "Containment date removed from the record.")
    before = ((old.law_enforcement_notified_on, old.law_enforcement_agency) if old
              else (None, ""))
    after = (new.law_enforcement_notified_on, new.law_enforcement_agency)
    if after != before:
        if new.law_enforcement_notified_on:
            who = new.law_enforcement_agency or "law enforcement"
            notes.append(f"Recorded: {who} was told on "
                         f"{new.law_enforcement_notified_on.isoformat()}.")
        else:
            notes.append("Law-enforcement notice removed from the record.")
    return notes


def get_incident(session: Session, incident_ref: str | None = None) -> Incident:
    if not incident_ref:
        current = current_incident(session)
        if current is None:
            raise NotFound("There is no current incident; create one with "
                           "'crisisdesk incident create' or name one with --incident.")
        return current
    found = incident_store.get(session.db, incident_ref.strip())
    if found is not None:
        return found
    matches = incident_store.find_by_prefix(session.db, incident_ref.strip())
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(f"{incident_ref!r} matches {len(matches)} incidents; give more of "
                              "the id.", {"incident": "ambiguous"})
    raise NotFound(f"No incident {incident_ref!r}; see 'crisisdesk incident list'.")


def list_incidents(session: Session) -> list[Incident]:
    return incident_store.list_all(session.db)


def current_incident(session: Session) -> Incident | None:
    current = incident_store.current_id(session.db)
    return incident_store.get(session.db, current) if current else None


def set_current_incident(session: Session, incident_ref: str) -> Incident:
    incident = get_incident(session, incident_ref)
    with session.action("incident.set_current", "incident", incident.id,
                        "Made an incident the current one"):
        incident_store.set_current(session.db, incident.id)
    return incident


def _describe_changes(old: Incident, new: Incident) -> list[tuple[Category, str]]:
    notes: list[tuple[Category, str]] = []
    if old.status != new.status:
        notes.append((Category.DECISION,
                      f"Incident status changed from {old.status.value} to {new.status.value}."))
    if old.discovered_on != new.discovered_on:
        notes.append((Category.DECISION,
                      f"Discovery date changed from {old.discovered_on.isoformat()} to "
                      f"{new.discovered_on.isoformat()}; notification clocks recomputed."))
    if (old.affected_by_state != new.affected_by_state
            or old.affected_unknown_residence != new.affected_unknown_residence):
        notes.append((Category.NOTE, f"Affected counts updated: {_counts_text(new)}."))
    if old.delay != new.delay:
        if new.delay is None:
            notes.append((Category.DECISION, "Law-enforcement delay removed from the record."))
        else:
            notes.append((Category.DECISION, f"Recorded {new.delay.describe()}."))
    notes.extend((Category.DECISION, text) for text in _fact_notes(old, new))
    other = [name.replace("_", " ") for name in sorted(_FIELDS - _FACT_FIELDS - {
        "status", "discovered_on", "affected_by_state", "affected_unknown_residence", "delay"})
        if getattr(old, name) != getattr(new, name)]
    if other:
        notes.append((Category.NOTE, "Incident record updated: " + ", ".join(other) + "."))
    return notes


def update_incident(session: Session, incident_ref: str | None, **changes: Any) -> Incident:
    unknown = set(changes) - _FIELDS
    if unknown:
        raise ValidationError(f"Unknown incident field {sorted(unknown)[0]!r}.",
                              {sorted(unknown)[0]: "unknown"})
    old = get_incident(session, incident_ref)
    if "affected_by_state" in changes:
        changes["affected_by_state"] = dict(changes["affected_by_state"] or {})
    for name in ("systems_affected", "info_kinds"):
        if name in changes:
            changes[name] = tuple(changes[name])
    draft = dataclasses.replace(old, **changes)
    new = validate_incident(draft, today(session))
    notes = _describe_changes(old, new)
    if not notes:
        return old
    changed = [name.replace("_", " ") for name in sorted(_FIELDS)
               if getattr(old, name) != getattr(new, name)]
    with session.action("incident.update", "incident", old.id,
                        "Updated the incident: " + ", ".join(changed)) as act:
        new = dataclasses.replace(new, updated_at=act.at, updated_by=session.operator.name)
        incident_store.update(session.db, new)
        for category, text in notes:
            timeline_service.record_in_action(session, act, text, category=category,
                                              source="incident", incident_id=new.id)
    return new
