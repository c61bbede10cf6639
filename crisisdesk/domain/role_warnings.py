"""What a coordinator must be told about who holds what: the rules, on plain data.

Three things go wrong quietly on a long day, and each is one rule here:

* one person acting in two command roles at once (HICS command or general staff: e.g. the
  incident commander also running Operations), usually because a backup stepped up and was
  already holding something else; nobody can do both well for a whole operational period;
* a role held with nobody behind it: no backup at all, or the backups all used up, so the next
  absence leaves it empty;
* a running calling-tree activation that gives callers nobody to report back to (a drill may
  be started without one), so nobody collects who was reached.

`role_warnings` takes the roster and the activations (no desk, no I/O) and returns sentences
that name the people and the fix; the Dashboard, the Roles page and `crisisdesk roles
warnings` all show the same list, labelled "Warning" in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.call_outcomes import Activation
from crisisdesk.domain.roles import RoleGroup, RoleStatus

COMMAND_GROUPS = frozenset({RoleGroup.COMMAND, RoleGroup.GENERAL})


class WarningKind(StrEnum):
    TWO_COMMAND_ROLES = "two_command_roles"
    NO_BACKUP = "no_backup"
    NO_REPORT_TO = "no_report_to"


@dataclass(frozen=True)
class RoleWarning:
    kind: WarningKind
    text: str
    roles: tuple[str, ...] = ()  # role keys concerned (to pick them out on the Roles page)

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "text": self.text, "roles": list(self.roles)}


def _joined(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def two_command_roles(statuses: Iterable[RoleStatus]) -> list[RoleWarning]:
    held: dict[str, list[RoleStatus]] = {}
    names: dict[str, str] = {}
    for status in statuses:
        if status.role.group in COMMAND_GROUPS and status.acting is not None:
            person = status.acting.slot.person
            held.setdefault(person.contact_id, []).append(status)
            names[person.contact_id] = person.name
    out = []
    for contact_id, roles in held.items():
        if len(roles) < 2:
            continue
        shorts = [s.role.short for s in roles]
        count = "two" if len(roles) == 2 else str(len(roles))
        out.append(RoleWarning(
            WarningKind.TWO_COMMAND_ROLES,
            f"{names[contact_id]} is acting in {count} command roles at once "
            f"({_joined(shorts)}); give all but one to someone else (Roles › Assign…).",
            tuple(s.role.key for s in roles)))
    return out


def no_backup(statuses: Iterable[RoleStatus]) -> list[RoleWarning]:
    out = []
    for status in statuses:
        if status.acting is None:
            continue  # unassigned or uncovered: the roster already says so in its own words
        behind = [s for s in status.slots if s.rank > status.acting.slot.rank and s.available]
        if behind:
            continue
        who = status.acting.slot.person.name
        what = ("has no backup" if len(status.slots) == 1
                else "has no backup left (the others are unavailable)")
        out.append(RoleWarning(
            WarningKind.NO_BACKUP,
            f"{status.role.short} {what}: only {who}; add one (Roles › Assign…).",
            (status.role.key,)))
    return out


def no_report_to(activations: Iterable[Activation]) -> list[RoleWarning]:
    out = []
    for act in activations:
        if not act.is_open or act.report_back_to is None or act.report_back_to.strip():
            continue
        kind = "drill" if act.is_drill else "activation"
        out.append(RoleWarning(
            WarningKind.NO_REPORT_TO,
            f"The running {kind} of calling tree {act.tree_name} has nobody to report back "
            "to: callers are told to report to whoever called them. Tell them whom to call "
            "when their list is done."))
    return out


def role_warnings(statuses: Sequence[RoleStatus],
                  activations: Sequence[Activation] = ()) -> list[RoleWarning]:
    """Every warning, the most urgent kind first."""
    return two_command_roles(statuses) + no_backup(statuses) + no_report_to(activations)
