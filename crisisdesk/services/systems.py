"""The systems status board (HICS 251 style): the desk's systems and their status.

Public API
----------
list_systems(session) -> list[SystemRow]
get_system(session, name) -> SystemRow                      (name ignoring case)
set_status(session, name, status=None, *, since=None, procedure=None, notes=None) -> SystemRow
    Changes what is given. A status change (or a new downtime procedure) also becomes a
    timeline entry on the current incident, in the same transaction.
add_system(session, name, *, status=SystemStatus.UNKNOWN) -> SystemRow
remove_system(session, name) -> None
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.systems import SystemRow, SystemStatus, clean_name, clean_notes
from crisisdesk.domain.timeline import Category
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import record_origins
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import parse_time
from crisisdesk.services.session import Session
from crisisdesk.store import systems as system_store


def list_systems(session: Session) -> list[SystemRow]:
    return system_store.active(session.db)


def update_laptops(session: Session, systems: list[SystemRow]) -> dict[str, str]:
    """system id -> the other laptop its last update came from (none for this laptop's)."""
    reports = system_store.last_reports(session.db)
    origins = record_origins.origins(session, (reports.get(s.id, "") for s in systems))
    return {s.id: origins.laptop(reports.get(s.id, "")) for s in systems
            if origins.laptop(reports.get(s.id, ""))}


def get_system(session: Session, name: str) -> SystemRow:
    found = system_store.find(session.db, clean_name(name))
    if found is None:
        names = ", ".join(s.name for s in list_systems(session)) or "none yet"
        raise NotFound(f"No system named {name.strip()!r} on the board (it has: {names}); "
                       "add it with 'crisisdesk systems add'.")
    return found


def set_status(session: Session, name: str, status: SystemStatus | None = None, *,
               since: str | dt.datetime | None = None, procedure: str | None = None,
               notes: str | None = None) -> SystemRow:
    system = get_system(session, name)
    changes: dict[str, str] = {}
    if status is not None and status != system.status:
        changes["status"] = status.value
        when = parse_time(session, since, "since")
        moment = parse_utc(when)
        if moment > session.now() + dt.timedelta(minutes=5):
            raise ValidationError("'Since' cannot be in the future.", {"since": "in the future"})
        changes["since"] = when
    elif since is not None:
        changes["since"] = parse_time(session, since, "since")
    if procedure is not None and procedure.strip() != system.procedure:
        changes["procedure"] = clean_notes(procedure, "procedure")
    if notes is not None and notes.strip() != system.notes:
        changes["notes"] = clean_notes(notes)
    if not changes:
        return system
    what = []
    if "status" in changes:
        what.append(f"{system.status.value} -> {changes['status']}")
    if "procedure" in changes:
        what.append("downtime procedure")
    if "notes" in changes or ("since" in changes and "status" not in changes):
        what.append("details")
    with session.action("system.set", "system", system.id,
                        f"{system.name}: {', '.join(what)}") as act:
        system_store.update(session.db, system.id, changes, act.at, session.operator.name)
        lines = []
        if "status" in changes:
            lines.append(f"{system.name} is now {changes['status'].upper()} "
                         f"(was {system.status.value})")
        if "procedure" in changes:
            lines.append(f"downtime procedure in use: {changes['procedure'] or 'none'}")
        if lines:
            text = "; ".join(lines) + "."
            if "status" in changes and changes.get("notes"):
                text += f" {changes['notes']}"
            timeline_service.record_in_action(
                session, act, text, category=Category.ACTION, source="systems",
                at=changes.get("since"))
    return get_system(session, system.name)


def add_system(session: Session, name: str, *,
               status: SystemStatus = SystemStatus.UNKNOWN) -> SystemRow:
    clean = clean_name(name)
    if system_store.find(session.db, clean) is not None:
        raise ValidationError(f"The board already has a system named {clean}.",
                              {"name": "taken"})
    with session.action("system.add", "system", summary=f"Added {clean} to the systems board") \
            as act:
        row = system_store.insert(session.db, clean, status, act.at, act.at,
                                  session.operator.name)
        act.entity_id = row.id
    return row


def remove_system(session: Session, name: str) -> None:
    system = get_system(session, name)
    with session.action("system.remove", "system", system.id,
                        f"Removed {system.name} from the systems board") as act:
        system_store.remove(session.db, system.id, act.at, session.operator.name)
