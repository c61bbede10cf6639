"""Crisis roles: the catalogue, operational periods, assignments and who is acting now.

Public API
----------
catalogue(session) -> Catalogue                       roles (shipped + desk edits), problems
get_role(session, role_key) -> RoleDef
edit_role(session, role_key, *, title, description, first_actions, short="", group=...)
    -> RoleDef                                        (admins; adds a role if the key is new)
remove_role(session, role_key) -> None                (admins)
current_period(session) -> OperationalPeriod | None   the latest period begun
start_period(session, *, hours=12.0, starts_at=None) -> OperationalPeriod  (first period)
end_period(session, handover_note, *, next_hours=12.0) -> OperationalPeriod
    Closes the current period with a handover note and opens the next, carrying every role's
    line-up over (acknowledgements start again; people still unavailable stay so).
assign_role(session, role_key, primary, backups=()) -> RoleStatus
    `primary`/`backups` are contact ids (see find_person for names). Opens period 1 if none.
acknowledge(session, role_key, person=None, *, by="") -> RoleStatus
    The person (default: the acting holder) acknowledged the assignment; `by` who confirmed.
mark_unavailable(session, person, *, role_key=None, reason="") -> list[RoleStatus]
mark_available(session, person, *, role_key=None) -> list[RoleStatus]
roster(session, period_number=None) -> Roster          every role with its line-up and acting
role_status(session, role_key) -> RoleStatus
current_holder(session, role_key) -> Acting | None     "who is the spokesperson right now?"
spokesperson(session) -> Acting | None                 current_holder(session, "pio")
find_person(session, text) -> Contact                  id, exact name, or one search match

Changes of holder are written to the audit log and, when there is a current incident, to its
timeline ("Zoë Mbeki-Adams unavailable for PIO; backup 1 Luis Ortega now acting").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.roles import (
    REQUIRED_ROLES,
    SPOKESPERSON,
    Acting,
    OperationalPeriod,
    Person,
    RoleDef,
    RoleGroup,
    RoleStatus,
    Slot,
    check_lineup,
    merge_catalogue,
    normalise_role_key,
    parse_catalogue,
    resolve_acting,
)
from crisisdesk.domain.timeline import Category
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import parse_time
from crisisdesk.services.session import Action, Session, iso
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_edits, rule_files
from crisisdesk.store import roles as role_store
from crisisdesk.store.roles import AssignmentRow

DEFAULT_PERIOD_HOURS = 12.0


@dataclass(frozen=True)
class Catalogue:
    roles: tuple[RoleDef, ...]
    problems: tuple[str, ...] = ()

    def get(self, key: str) -> RoleDef | None:
        return next((r for r in self.roles if r.key == key), None)


@dataclass(frozen=True)
class Roster:
    period: OperationalPeriod | None
    statuses: tuple[RoleStatus, ...]

    def status(self, role_key: str) -> RoleStatus | None:
        return next((s for s in self.statuses if s.role.key == role_key), None)


# --- catalogue -----------------------------------------------------------------------------


def catalogue(session: Session) -> Catalogue:
    loaded = rule_files.role_catalogue()
    problems: list[str] = [loaded.problem] if loaded.problem else []
    shipped, role_problems = (rule_files.parsed(loaded, _shipped_roles) if not loaded.problem
                              else ((), ()))
    problems += [f"{loaded.origin}: {p}" for p in role_problems]
    desk, removed = role_store.desk_roles(session.db)
    return Catalogue(tuple(merge_catalogue(shipped, desk, removed)), tuple(problems))


def _shipped_roles(data: dict[str, Any]) -> tuple[tuple[RoleDef, ...], tuple[str, ...]]:
    """The shipped roles, parsed once per content (`rule_files.parsed`): the status bar and
    the Roles page read the catalogue on every refresh."""
    roles, problems = parse_catalogue(data)
    return tuple(roles), tuple(problems)


def warm() -> None:
    """Parse the shipped catalogue off the GUI thread, before the window's status bar needs it."""
    rule_files.parsed(rule_files.role_catalogue(), _shipped_roles)


def get_role(session: Session, role_key: str) -> RoleDef:
    cat = catalogue(session)
    key = role_key.strip().lower()
    found = cat.get(key)
    if found is None:  # accept the short name or title, e.g. "PIO", "Legal counsel"
        found = next((r for r in cat.roles if key in (r.short.lower(), r.title.lower())), None)
    if found is None:
        raise NotFound(f"No role {role_key!r}; roles are: "
                       f"{', '.join(r.key for r in cat.roles)}.")
    return found


def edit_role(session: Session, role_key: str, *, title: str, description: str,
              first_actions: Sequence[str], short: str = "",
              group: RoleGroup = RoleGroup.BREACH, new: bool = False) -> RoleDef:
    """Edit a role's text, or add a role; with `new`, a key already in use is refused."""
    session.require(Role.ADMIN, "edit the role catalogue")
    key = normalise_role_key(role_key)
    existing = catalogue(session).get(key)
    if new and existing is not None:
        raise ValidationError(f"There is already a role with the key {key!r} "
                              f"({existing.title}); choose another key.", {"key": "taken"})
    if not title.strip():
        raise ValidationError("A role needs a title.", {"title": "missing"})
    if not description.strip():
        raise ValidationError("A role needs a short description.", {"description": "missing"})
    role = RoleDef(key, " ".join(title.split()), " ".join(short.split()) or " ".join(
        title.split()), group, " ".join(description.split()),
        tuple(a.strip() for a in first_actions if a.strip()),
        existing.hics if existing else False)
    verb = "Edited" if existing else "Added"
    with session.action("role.edit", "role", key, f"{verb} role {key}") as act:
        role_store.put_role(session.db, role, act.at, session.operator.name)
    return role


def remove_role(session: Session, role_key: str) -> None:
    session.require(Role.ADMIN, "edit the role catalogue")
    role = get_role(session, role_key)
    if role.key in REQUIRED_ROLES:
        raise ValidationError(f"The {role.short} role cannot be removed (the desk always names "
                              "an Incident Commander and a spokesperson); edit its text instead.",
                              {"role": "required role"})
    with session.action("role.remove", "role", role.key, f"Removed role {role.key}") as act:
        role_store.put_role(session.db, role, act.at, session.operator.name, removed=True)


# --- people --------------------------------------------------------------------------------


def _person(session: Session, contact_id: str) -> Person:
    contact = contact_store.get(session.db, contact_id)
    if contact is None:
        return Person(contact_id, "(contact deleted)", missing=True)
    return person_from_contact(contact)


def person_from_contact(contact: Contact) -> Person:
    phone = contact.phones[0].shown if contact.phones else ""
    return Person(contact.id, contact.name, contact.job_title, phone, contact.email)


def find_person(session: Session, text: str) -> Contact:
    """A contact by id, by exact name (ignoring case), or as the only search match."""
    query = " ".join(text.split())
    if not query:
        raise ValidationError("Name a person (a contact's name or id).", {"person": "missing"})
    by_id = contact_store.get(session.db, query)
    if by_id is not None:
        return by_id
    exact = [c for c in contact_store.iter_all(session.db)
             if c.name.casefold() == query.casefold()]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        from crisisdesk.services import contacts as contact_service

        exact = contact_service.search_contacts(session, query, limit=6)
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise NotFound(f"No contact matches {query!r}; add them with 'crisisdesk contacts add'.")
    names = "; ".join(f"{c.name} ({c.id[:8]})" for c in exact[:5])
    raise ValidationError(f"{query!r} matches several contacts: {names}. Use the id.",
                          {"person": "ambiguous"})


# --- periods -------------------------------------------------------------------------------


def current_period(session: Session) -> OperationalPeriod | None:
    return role_store.latest_period(session.db)


def _hours(hours: float) -> dt.timedelta:
    if not 0 < hours <= 72:
        raise ValidationError("An operational period lasts more than 0 and at most 72 hours "
                              "(usually 12 or 24).", {"hours": "out of range"})
    return dt.timedelta(hours=hours)


def _open_period(session: Session, act: Action, number: int, starts_at: str,
                 hours: float) -> OperationalPeriod:
    start = parse_utc(starts_at)
    return role_store.insert_period(session.db, number, starts_at, iso(start + _hours(hours)),
                                    act.at, session.operator.name)


def start_period(session: Session, *, hours: float = DEFAULT_PERIOD_HOURS,
                 starts_at: str | None = None) -> OperationalPeriod:
    """Open operational period 1 (later periods start with `end_period`'s handover)."""
    if current_period(session) is not None:
        raise ValidationError("An operational period is already running; end it with a "
                              "handover note to start the next.", {"period": "running"})
    start = parse_time(session, starts_at, "starts_at")
    _hours(hours)
    with session.action("period.start", "period", summary="Started operational period 1") as act:
        period = _open_period(session, act, 1, start, hours)
        act.entity_id = period.id
        timeline_service.record_in_action(
            session, act, f"Operational period 1 started ({hours:g} hours).",
            category=Category.DECISION, source="roles")
    return period


def _require_period(session: Session, act: Action) -> OperationalPeriod:
    period = current_period(session)
    if period is None:
        period = _open_period(session, act, 1, act.at, DEFAULT_PERIOD_HOURS)
    return period


def end_period(session: Session, handover_note: str, *,
               next_hours: float = DEFAULT_PERIOD_HOURS) -> OperationalPeriod:
    """Hand over: close the current period with a note and start the next one."""
    period = current_period(session)
    if period is None:
        raise NotFound("No operational period is running; assign a role or start one first.")
    note = handover_note.strip()
    if not note:
        raise ValidationError("A handover note is needed when a period ends: what is done, "
                              "what is pending, what the next shift must watch.",
                              {"handover_note": "missing"})
    _hours(next_hours)
    rows = role_store.assignments(session.db, period.id)
    with session.action("period.end", "period", period.id,
                        f"Ended operational period {period.number} with a handover note") as act:
        ended = replica_edits.current(session.db, "period", period.id)
        role_store.end_period(session.db, period.id, note, act.at, session.operator.name)
        replica_edits.note_now(session.db, "period", period.id, ended,
                               operator=session.operator.name, at=act.at)
        nxt = _open_period(session, act, period.number + 1, act.at, next_hours)
        by_role: dict[str, list[AssignmentRow]] = {}
        for row in rows:
            by_role.setdefault(row.role_key, []).append(row)
        for role_key, lineup in by_role.items():
            carried = [dataclasses.replace(r, acknowledged_at="", acknowledged_by="")
                       for r in sorted(lineup, key=lambda r: r.rank)]
            lineup_key = role_store.lineup_id(nxt.id, role_key)
            was = replica_edits.current(session.db, "role_lineup", lineup_key)
            role_store.replace_lineup(session.db, nxt.id, role_key, carried, act.at,
                                      session.operator.name)
            replica_edits.note_now(session.db, "role_lineup", lineup_key, was,
                                   operator=session.operator.name, at=act.at)
        timeline_service.record_in_action(
            session, act, f"Operational period {period.number} ended; handover note: {note}",
            category=Category.DECISION, source="roles")
    return nxt


# --- roster --------------------------------------------------------------------------------


def _slots(session: Session, rows: Iterable[AssignmentRow]) -> tuple[Slot, ...]:
    return tuple(Slot(r.rank, _person(session, r.contact_id), r.acknowledged_at,
                      r.acknowledged_by, r.unavailable_since, r.unavailable_reason)
                 for r in sorted(rows, key=lambda r: r.rank))


def roster(session: Session, period_number: int | None = None) -> Roster:
    if period_number is None:
        period = current_period(session)
    else:
        period = role_store.period_by_number(session.db, period_number)
        if period is None:
            raise NotFound(f"No operational period {period_number}.")
    rows = role_store.assignments(session.db, period.id) if period else []
    by_role: dict[str, list[AssignmentRow]] = {}
    for row in rows:
        by_role.setdefault(row.role_key, []).append(row)
    statuses = []
    for role in catalogue(session).roles:
        slots = _slots(session, by_role.get(role.key, []))
        statuses.append(RoleStatus(role, slots, resolve_acting(slots)))
    return Roster(period, tuple(statuses))


def role_status(session: Session, role_key: str) -> RoleStatus:
    role = get_role(session, role_key)
    period = current_period(session)
    slots = _slots(session, role_store.assignments(session.db, period.id, role.key)
                   if period else [])
    return RoleStatus(role, slots, resolve_acting(slots))


def current_holder(session: Session, role_key: str) -> Acting | None:
    """Who holds the role right now (a backup when those ahead are unavailable), or None."""
    return role_status(session, role_key).acting


def spokesperson(session: Session) -> Acting | None:
    return current_holder(session, SPOKESPERSON)


# --- assignment changes --------------------------------------------------------------------


def _acting_text(status: RoleStatus) -> str:
    if status.acting is None:
        return f"{status.role.short} is uncovered: everyone assigned is unavailable"
    slot = status.acting.slot
    if slot.rank == 0:
        return f"{slot.person.name} holds {status.role.short}"
    return f"{slot.label} {slot.person.name} now acting as {status.role.short}"


def assign_role(session: Session, role_key: str, primary: str,
                backups: Sequence[str] = ()) -> RoleStatus:
    """Set the primary and ordered backups (contact ids) for a role in the current period."""
    role = get_role(session, role_key)
    lineup = [primary.strip(), *(b.strip() for b in backups)]
    check_lineup(role.key, lineup)
    people = []
    for contact_id in lineup:
        contact = contact_store.get(session.db, contact_id)
        if contact is None:
            raise NotFound(f"No contact with id {contact_id!r}.")
        people.append(contact)
    with session.action("role.assign", "role", role.key,
                        f"Assigned {role.short} (primary and {len(backups)} backups)") as act:
        period = _require_period(session, act)
        before = {r.contact_id: r for r in role_store.assignments(session.db, period.id,
                                                                  role.key)}
        rows = [dataclasses.replace(before[c.id], rank=rank) if c.id in before
                else AssignmentRow("", period.id, role.key, rank, c.id)
                for rank, c in enumerate(people)]
        lineup_key = role_store.lineup_id(period.id, role.key)
        was = replica_edits.current(session.db, "role_lineup", lineup_key)
        role_store.replace_lineup(session.db, period.id, role.key, rows, act.at,
                                  session.operator.name)
        replica_edits.note_now(session.db, "role_lineup", lineup_key, was,
                               operator=session.operator.name, at=act.at)
        status = role_status(session, role.key)
        backup_names = ", ".join(c.name for c in people[1:]) or "none"
        timeline_service.record_in_action(
            session, act, f"{role.title}: {people[0].name} assigned as primary "
            f"(backups: {backup_names}) for operational period {period.number}; "
            f"{_acting_text(status)}.", category=Category.DECISION, source="roles")
    return status


def _rows_for(session: Session, period: OperationalPeriod, contact_id: str,
              role_key: str | None) -> list[AssignmentRow]:
    rows = [r for r in role_store.assignments(session.db, period.id, role_key)
            if r.contact_id == contact_id]
    if not rows:
        where = f" for {role_key}" if role_key else ""
        raise NotFound(f"That person has no assignment{where} in operational period "
                       f"{period.number}.")
    return rows


def acknowledge(session: Session, role_key: str, person: str | None = None, *,
                by: str = "") -> RoleStatus:
    """Record that the person (default: the acting holder) acknowledged the role."""
    role = get_role(session, role_key)
    period = current_period(session)
    status = role_status(session, role.key)
    if period is None or not status.slots:
        raise NotFound(f"Nobody is assigned to {role.short} yet.")
    if person is None:
        if status.acting is None:
            raise ValidationError(f"Everyone assigned to {role.short} is unavailable; name who "
                                  "acknowledged.", {"person": "missing"})
        contact_id = status.acting.slot.person.contact_id
    else:
        contact_id = person
    row = _rows_for(session, period, contact_id, role.key)[0]
    name = _person(session, contact_id).name
    who = " ".join(by.split()) or name
    with session.action("role.ack", "role", role.key,
                        f"Recorded acknowledgement of {role.short}") as act:
        holder = role_store.holder_id(period.id, role.key, contact_id)
        was = replica_edits.current(session.db, "role_holder", holder)
        role_store.update_assignment(session.db, row.id, {
            "acknowledged_at": act.at, "acknowledged_by": who}, act.at, session.operator.name)
        replica_edits.note_now(session.db, "role_holder", holder, was,
                               operator=session.operator.name, at=act.at)
        label = "primary" if row.rank == 0 else f"backup {row.rank}"
        confirmed = f", confirmed by {who}" if who != name else ""
        timeline_service.record_in_action(
            session, act, f"{name} acknowledged {role.title} ({label}){confirmed}.",
            category=Category.ACTION, source="roles")
    return role_status(session, role.key)


def _set_availability(session: Session, person: str, role_key: str | None, reason: str,
                      unavailable: bool) -> list[RoleStatus]:
    period = current_period(session)
    if period is None:
        raise NotFound("No operational period is running; nobody is assigned yet.")
    key = get_role(session, role_key).key if role_key else None
    rows = _rows_for(session, period, person, key)
    name = _person(session, person).name
    roles = sorted({r.role_key for r in rows})
    word = "unavailable" if unavailable else "available again"
    with session.action(f"role.{'unavailable' if unavailable else 'available'}", "contact",
                        person, f"Marked a role holder {word} ({', '.join(roles)})") as act:
        for row in rows:
            changes = ({"unavailable_since": act.at, "unavailable_reason": reason.strip()}
                       if unavailable else {"unavailable_since": "", "unavailable_reason": ""})
            holder = role_store.holder_id(period.id, row.role_key, row.contact_id)
            was = replica_edits.current(session.db, "role_holder", holder)
            role_store.update_assignment(session.db, row.id, changes, act.at,
                                         session.operator.name)
            replica_edits.note_now(session.db, "role_holder", holder, was,
                                   operator=session.operator.name, at=act.at)
        statuses = [role_status(session, k) for k in roles]
        why = f" ({reason.strip()})" if unavailable and reason.strip() else ""
        text = f"{name} marked {word}{why}; " + "; ".join(_acting_text(s) for s in statuses)
        timeline_service.record_in_action(session, act, text + ".", category=Category.DECISION,
                                          source="roles")
    return statuses


def mark_unavailable(session: Session, person: str, *, role_key: str | None = None,
                     reason: str = "") -> list[RoleStatus]:
    """The person (a contact id) cannot serve: the next available backup becomes acting."""
    return _set_availability(session, person, role_key, reason, True)


def mark_available(session: Session, person: str, *,
                   role_key: str | None = None) -> list[RoleStatus]:
    return _set_availability(session, person, role_key, "", False)
