"""Operators (the people who unlock a desk) and what each role may do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.errors import PermissionDenied, ValidationError


class Role(StrEnum):
    ADMIN = "admin"  # operators, settings, backups
    APPROVER = "approver"  # approves message templates
    OPERATOR = "operator"  # everyday work

    @property
    def rank(self) -> int:
        return {Role.OPERATOR: 0, Role.APPROVER: 1, Role.ADMIN: 2}[self]


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    role: Role


_NAME = re.compile(r"^[\w.\- ]{1,64}$")


def normalise_operator_name(name: str) -> str:
    """Operator names are compared case-insensitively and without outer spaces."""
    cleaned = " ".join(name.split())
    if not cleaned or not _NAME.match(cleaned):
        raise ValidationError(
            "An operator name is 1-64 letters, digits, spaces, dots, dashes or underscores.",
            {"name": "invalid"},
        )
    return cleaned


def require_role(operator: Operator, needed: Role, doing: str) -> None:
    """Raise PermissionDenied unless `operator` holds `needed` or a higher role.

    `admin` can do everything an approver can; approvers everything an operator can.
    """
    if operator.role.rank < needed.rank:
        raise PermissionDenied(
            f"Only an operator with the {needed.value} role can {doing}; "
            f"{operator.name} is {operator.role.value}."
        )


MIN_PASSPHRASE_LENGTH = 10


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            f"A passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters.",
            {"passphrase": "too short"},
        )
