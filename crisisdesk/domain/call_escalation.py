"""Escalation and progress for a running calling tree: pure rules, no clock, no database.

An activation works on a frozen copy of the tree (`FrozenPerson`s): later edits to the tree do
not change who calls whom in a running activation. On top of that copy:

* **Reassignment.** When a caller is marked unavailable (or unreachable), each of their people
  moves to the caller's backup if that backup can call, or else to the caller above, and so on
  up to the coordinator. Marks are events, the latest per person wins, so the coordinator undoes
  a reassignment by marking the caller available again.
* **Flags for the coordinator.** A person still open after N failed attempts, or M minutes after
  the message reached their caller, or whose every number turned out wrong (or who has none).
* **Progress.** Reached / attempted / not yet called per activation and per branch (the subtree
  of each person the coordinator calls), elapsed time, the person waiting longest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from crisisdesk.domain.call_outcomes import NEVER_CALLED, PersonState, Status
from crisisdesk.domain.calling_trees import TreeNode, in_call_order
from crisisdesk.domain.phones import Phone
from crisisdesk.domain.times import parse_utc

COORDINATOR = None  # the caller id meaning "the coordinator"


@dataclass(frozen=True)
class FrozenPerson:
    contact_id: str
    name: str
    job_title: str
    phones: tuple[Phone, ...]
    caller_id: str | None
    backup_id: str | None
    position: int
    depth: int
    branch_id: str  # who heads this person's branch (a person the coordinator calls, or, when
    # the coordinator calls only one person, one of the people that person calls)


def freeze(nodes: Sequence[TreeNode], contacts: Mapping[str, tuple[str, str, tuple[Phone, ...]]]
           ) -> list[FrozenPerson]:
    """The frozen copy, in calling order. People whose contact was deleted are left out and
    their own people are called by the deleted person's caller instead."""
    by_id = {n.contact_id: n for n in nodes}
    tops = [n.contact_id for n in nodes if n.caller_id is None and n.contact_id in contacts]
    single_root = tops[0] if len(tops) == 1 else None  # then branches start one level down
    out: list[FrozenPerson] = []
    branch: dict[str, str] = {}
    depth: dict[str, int] = {}
    for node, _ in in_call_order(nodes):
        if node.contact_id not in contacts:
            continue
        caller = node.caller_id
        while caller is not None and caller not in contacts:
            caller = by_id[caller].caller_id if caller in by_id else None
        top = (node.contact_id if caller is None or caller == single_root
               else branch[caller])
        level = 0 if caller is None else depth[caller] + 1
        branch[node.contact_id], depth[node.contact_id] = top, level
        name, title, phones = contacts[node.contact_id]
        backup = node.backup_id if node.backup_id != node.contact_id else None
        out.append(FrozenPerson(node.contact_id, name, title, phones, caller, backup,
                                node.position, level, top))
    return out


@dataclass(frozen=True)
class AvailabilityMark:
    """A caller marked unavailable (`available=False`) or available again (the undo)."""

    id: str
    contact_id: str
    available: bool
    at: str
    recorded_by: str = ""
    note: str = ""


def unavailable_callers(marks: Iterable[AvailabilityMark]) -> set[str]:
    """Who is currently marked unavailable: the latest mark per person wins (marks in order)."""
    latest: dict[str, bool] = {}
    for mark in marks:
        latest[mark.contact_id] = mark.available
    return {cid for cid, available in latest.items() if not available}


def effective_caller(people: Mapping[str, FrozenPerson], contact_id: str,
                     unavailable: set[str]) -> str | None:
    """Who calls `contact_id` now: the original caller, else escalated (None: coordinator)."""
    caller = people[contact_id].caller_id
    visited: set[str] = set()
    while caller is not None and caller in unavailable and caller not in visited:
        visited.add(caller)
        above = people.get(caller)
        backup = above.backup_id if above is not None else None
        if backup is not None and backup not in unavailable and backup != contact_id:
            return backup
        caller = above.caller_id if above is not None else None
    return caller


@dataclass(frozen=True)
class Reassignment:
    contact_id: str
    from_caller: str | None
    to_caller: str | None


def assignments(people: Sequence[FrozenPerson], unavailable: set[str]
                ) -> tuple[dict[str, str | None], list[Reassignment]]:
    """Everyone's current caller, and the reassignments among them (in calling order)."""
    by_id = {p.contact_id: p for p in people}
    current: dict[str, str | None] = {}
    moved: list[Reassignment] = []
    for person in people:
        caller = effective_caller(by_id, person.contact_id, unavailable)
        current[person.contact_id] = caller
        if caller != person.caller_id:
            moved.append(Reassignment(person.contact_id, person.caller_id, caller))
    return current, moved


class FlagReason(StrEnum):
    ATTEMPTS = "attempts"
    WAITING = "waiting"
    WRONG_NUMBERS = "wrong_numbers"
    NO_PHONE = "no_phone"


@dataclass(frozen=True)
class Flag:
    contact_id: str
    reason: FlagReason
    text: str


@dataclass(frozen=True)
class Limits:
    attempts: int = 3
    minutes: int = 30


def due_since(person: FrozenPerson, caller: str | None, states: Mapping[str, PersonState],
              started_at: str) -> str:
    """When this person's call became due: the activation start for the coordinator's people
    and outside backups, else when their caller got the message ("" while nobody can call)."""
    if caller is None or caller not in states:
        return started_at
    caller_state = states[caller]
    return caller_state.reached_at if caller_state.status is Status.REACHED else ""


def flags_for(person: FrozenPerson, state: PersonState, due: str, now: dt.datetime,
              limits: Limits) -> list[Flag]:
    """Why this person needs the coordinator (empty when they do not)."""
    if not state.status.is_open:
        return []
    out: list[Flag] = []
    numbers = [p.e164 or p.original for p in person.phones]
    if not numbers:
        out.append(Flag(person.contact_id, FlagReason.NO_PHONE, "has no phone number"))
    elif state.all_numbers_wrong(numbers):
        out.append(Flag(person.contact_id, FlagReason.WRONG_NUMBERS, "every number is wrong"))
    if state.failed_attempts >= limits.attempts:
        out.append(Flag(person.contact_id, FlagReason.ATTEMPTS,
                        f"not reached after {state.failed_attempts} attempts"))
    if due:
        waited = (now - parse_utc(due)).total_seconds() / 60
        if waited >= limits.minutes:
            out.append(Flag(person.contact_id, FlagReason.WAITING,
                            f"still open {int(waited)} minutes after their call was due"))
    return out


@dataclass(frozen=True)
class Counts:
    total: int = 0
    reached: int = 0
    attempted: int = 0
    not_called: int = 0
    unavailable: int = 0

    @property
    def percent_reached(self) -> float:
        return 100.0 * self.reached / self.total if self.total else 0.0

    @property
    def open(self) -> int:
        return self.attempted + self.not_called

    def add(self, status: Status) -> Counts:
        return Counts(self.total + 1, self.reached + (status is Status.REACHED),
                      self.attempted + (status is Status.ATTEMPTED),
                      self.not_called + (status is Status.NOT_CALLED),
                      self.unavailable + (status is Status.UNAVAILABLE))


@dataclass(frozen=True)
class Progress:
    counts: Counts
    branches: dict[str, Counts]
    elapsed_s: int
    oldest_waiting: tuple[str, str] | None  # (contact id, due since)
    flags: list[Flag] = field(default_factory=list)
    reassignments: list[Reassignment] = field(default_factory=list)
    callers: dict[str, str | None] = field(default_factory=dict)


def progress(people: Sequence[FrozenPerson], states: Mapping[str, PersonState],
             marks: Iterable[AvailabilityMark], *, started_at: str, now: dt.datetime,
             limits: Limits) -> Progress:
    """The whole picture of one activation at `now`."""
    current, moved = assignments(people, unavailable_callers(marks))
    states = {p.contact_id: states.get(p.contact_id, NEVER_CALLED) for p in people}
    branches: dict[str, Counts] = {}
    total = Counts()
    flags: list[Flag] = []
    oldest: tuple[str, str] | None = None
    for person in people:
        state = states[person.contact_id]
        total = total.add(state.status)
        branches[person.branch_id] = branches.get(person.branch_id, Counts()).add(state.status)
        due = due_since(person, current[person.contact_id], states, started_at)
        if state.status.is_open and due and (oldest is None or due < oldest[1]):
            oldest = (person.contact_id, due)
        flags.extend(flags_for(person, state, due, now, limits))
    elapsed = max(0, int((now - parse_utc(started_at)).total_seconds()))
    return Progress(total, branches, elapsed, oldest, flags, moved, current)


def milestones(reached_at: Iterable[str], total: int, started_at: str,
               marks: Sequence[int] = (50, 90, 100)) -> dict[int, float | None]:
    """Minutes from the start until `mark` percent of `total` people were reached (None: never)."""
    times = sorted(parse_utc(t) for t in reached_at if t)
    start = parse_utc(started_at)
    out: dict[int, float | None] = {}
    for mark in marks:
        needed = -(-mark * total // 100)  # ceiling: 90% of 5 people is 5 people
        if total and needed <= len(times):
            out[mark] = round((times[max(needed, 1) - 1] - start).total_seconds() / 60, 1)
        else:
            out[mark] = None
    return out
