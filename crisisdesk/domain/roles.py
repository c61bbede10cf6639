"""Crisis roles (HICS command and general staff plus breach-specific roles) and who holds them.

The role catalogue is data (`resources/roles/hics_roles.toml`, plus the desk's own edits);
`parse_catalogue` turns the decoded file into `RoleDef`s. Assignments are per operational period:
a primary and an ordered list of backups. The *acting* holder is the first person in that order
who is not marked unavailable, so marking the primary unavailable hands the role to backup 1,
and so on; when everyone is unavailable the role is uncovered and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from crisisdesk.domain.errors import ValidationError

SPOKESPERSON = "pio"  # the role the status bar names everywhere
INCIDENT_COMMANDER = "ic"
# Every desk always names these two: they can be edited but never removed.
REQUIRED_ROLES = (INCIDENT_COMMANDER, SPOKESPERSON)
MAX_BACKUPS = 5


class RoleGroup(StrEnum):
    COMMAND = "command"  # HICS Command Staff (IC, PIO, Liaison, Safety)
    GENERAL = "general"  # HICS General Staff (section chiefs)
    BREACH = "breach"  # roles a breach or ransomware response adds

    @property
    def label(self) -> str:
        return {"command": "Command staff", "general": "Section chiefs",
                "breach": "Breach response"}[self.value]


@dataclass(frozen=True)
class RoleDef:
    key: str
    title: str
    short: str  # e.g. "PIO"
    group: RoleGroup
    description: str
    first_actions: tuple[str, ...]
    hics: bool = True

    @property
    def is_spokesperson(self) -> bool:
        return self.key == SPOKESPERSON


class CatalogueProblem(Exception):
    pass


_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def normalise_role_key(key: str) -> str:
    cleaned = "_".join(key.strip().lower().replace("-", " ").split())
    if not cleaned or not set(cleaned) <= _KEY_CHARS or len(cleaned) > 40:
        raise ValidationError(f"A role key is lower-case letters, digits and _, not {key!r}.",
                              {"role": "invalid key"})
    return cleaned


def parse_role(data: Mapping[str, Any]) -> RoleDef:
    unknown = set(data) - {"key", "title", "short", "group", "description", "first_actions",
                           "hics"}
    if unknown:
        raise CatalogueProblem(f"unknown field {sorted(unknown)[0]!r}")
    for name in ("key", "title", "description"):
        if not isinstance(data.get(name), str) or not str(data[name]).strip():
            raise CatalogueProblem(f"'{name}' is missing")
    try:
        key = normalise_role_key(str(data["key"]))
    except ValidationError as exc:
        raise CatalogueProblem(str(exc)) from None
    try:
        group = RoleGroup(str(data.get("group", "breach")))
    except ValueError:
        raise CatalogueProblem("'group' must be command, general or breach") from None
    actions = data.get("first_actions", [])
    if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
        raise CatalogueProblem("'first_actions' must be a list of text")
    hics = data.get("hics", True)
    if not isinstance(hics, bool):
        raise CatalogueProblem("'hics' must be true or false")
    short = str(data.get("short", "")).strip() or str(data["title"]).strip()
    return RoleDef(key, str(data["title"]).strip(), short, group,
                   " ".join(str(data["description"]).split()),
                   tuple(a.strip() for a in actions if a.strip()), hics)


def parse_catalogue(data: Mapping[str, Any]) -> tuple[list[RoleDef], list[str]]:
    """Roles from the decoded catalogue file, and the problems of any role that was skipped."""
    roles: list[RoleDef] = []
    problems: list[str] = []
    raw = data.get("role", [])
    if not isinstance(raw, list):
        return [], ["'role' must be a list of [[role]] tables"]
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        name = f"role #{index}"
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            name = f"role {item['key']!r}"
        try:
            if not isinstance(item, Mapping):
                raise CatalogueProblem("not a table")
            role = parse_role(item)
        except CatalogueProblem as exc:
            problems.append(f"{name}: {exc}")
            continue
        if role.key in seen:
            problems.append(f"{name}: the key is used twice; the second one is ignored")
            continue
        seen.add(role.key)
        roles.append(role)
    return roles, problems


def merge_catalogue(shipped: Sequence[RoleDef], desk: Iterable[RoleDef],
                    removed: Iterable[str] = ()) -> list[RoleDef]:
    """The desk's edits win over the shipped role of the same key; new roles go at the end."""
    gone = set(removed)
    merged = {r.key: r for r in shipped}
    for role in desk:
        merged[role.key] = role
    return [r for r in merged.values() if r.key not in gone]


# --- holders -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A contact as a role holder: enough to put on the org chart and call."""

    contact_id: str
    name: str
    job_title: str = ""
    phone: str = ""
    email: str = ""
    missing: bool = False  # the contact was deleted after being assigned


@dataclass(frozen=True)
class Slot:
    rank: int  # 0 = primary, 1.. = backups in order
    person: Person
    acknowledged_at: str = ""  # UTC ISO
    acknowledged_by: str = ""
    unavailable_since: str = ""  # UTC ISO; empty = available
    unavailable_reason: str = ""

    @property
    def available(self) -> bool:
        return not self.unavailable_since and not self.person.missing

    @property
    def label(self) -> str:
        return "primary" if self.rank == 0 else f"backup {self.rank}"


@dataclass(frozen=True)
class Acting:
    slot: Slot
    skipped: tuple[Slot, ...]  # those ahead of it who are unavailable

    @property
    def is_backup(self) -> bool:
        return self.slot.rank > 0


def resolve_acting(slots: Iterable[Slot]) -> Acting | None:
    """The first available person in primary-then-backups order; None if nobody is available."""
    skipped: list[Slot] = []
    for slot in sorted(slots, key=lambda s: s.rank):
        if slot.available:
            return Acting(slot, tuple(skipped))
        skipped.append(slot)
    return None


@dataclass(frozen=True)
class RoleStatus:
    """One row of the roster: the role, everyone assigned, and who is acting now."""

    role: RoleDef
    slots: tuple[Slot, ...]
    acting: Acting | None

    @property
    def state(self) -> str:
        """unassigned, uncovered (all unavailable), backup_acting, or covered."""
        if not self.slots:
            return "unassigned"
        if self.acting is None:
            return "uncovered"
        return "backup_acting" if self.acting.is_backup else "covered"

    def describe(self) -> str:
        if self.state == "unassigned":
            return f"{self.role.short}: nobody assigned"
        if self.acting is None:
            return f"{self.role.short}: uncovered (everyone assigned is unavailable)"
        who = self.acting.slot.person.name
        if self.acting.is_backup:
            return f"{self.role.short}: {who} (acting, {self.acting.slot.label})"
        return f"{self.role.short}: {who}"


def check_lineup(role_key: str, contact_ids: Sequence[str]) -> None:
    """A primary, then up to MAX_BACKUPS backups, nobody twice."""
    if not contact_ids or not contact_ids[0]:
        raise ValidationError(f"Role {role_key} needs a primary holder.", {"primary": "missing"})
    if len(contact_ids) - 1 > MAX_BACKUPS:
        raise ValidationError(f"A role can have at most {MAX_BACKUPS} backups.",
                              {"backups": "too many"})
    if len(set(contact_ids)) != len(contact_ids):
        raise ValidationError("The same person is listed twice for one role.",
                              {"backups": "duplicate person"})


@dataclass(frozen=True)
class OperationalPeriod:
    """A HICS operational period: the span one set of assignments and objectives covers."""

    id: str
    number: int
    starts_at: str  # UTC ISO
    ends_at: str  # UTC ISO (planned end)
    ended_at: str = ""  # when the handover happened
    handover_note: str = ""
    ended_by: str = ""
