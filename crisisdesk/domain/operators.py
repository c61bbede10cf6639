"""Operators (the people who unlock a desk) and what each role may do."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.errors import PermissionDenied, ValidationError


class Role(StrEnum):
    ADMIN = "admin"  # operators, settings, backups
    APPROVER = "approver"  # approves message templates
    OPERATOR = "operator"  # everyday work
    AGENT = "agent"  # hotline desk only (often temporary call-centre staff)

    @property
    def rank(self) -> int:
        return {Role.AGENT: -1, Role.OPERATOR: 0, Role.APPROVER: 1, Role.ADMIN: 2}[self]


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    role: Role


_NAME = re.compile(r"^[\w.\- ]{1,64}$")


def normalise_operator_name(name: str) -> str:
    """Operator names are compared case-insensitively, without outer spaces, and in Unicode
    NFC: "Zoë" typed as e + combining diaeresis (as some keyboards and file systems produce it)
    is the same name as the one-character ë."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
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


MIN_PASSPHRASE_LENGTH = 12  # the default of the `min_passphrase_chars` setting


def passphrase_strength(passphrase: str) -> int:
    """What counts towards the minimum: characters that are not spaces ("          " is 0)."""
    return sum(1 for ch in passphrase if not ch.isspace())


def check_new_passphrase(passphrase: str, minimum: int = MIN_PASSPHRASE_LENGTH) -> None:
    """Refuse a NEW passphrase with fewer than `minimum` non-space characters. Existing
    passphrases are never checked: a rule made stricter later must not lock anyone out."""
    if passphrase_strength(passphrase) < minimum:
        raise ValidationError(
            f"A passphrase needs at least {minimum} characters that are not spaces.",
            {"passphrase": "too short"},
        )
