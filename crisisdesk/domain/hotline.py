"""The patient hotline's rules, as pure data: what a caller must match, and what may be said.

Fraudsters call a breach hotline too, so before verification nothing about a record is said:
a lookup answers only "a record exists, please verify" or "no match", and a verification
attempt answers only match / no match per fact, never the value the desk holds. A caller
asking for someone else is verified against the relationship the letter records: a parent or
guardian for a minor's letter, the next of kin or personal representative for a deceased
patient's letter (and their name, when the list gave one).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.letters import Variant

FOUND = "A record exists. Please verify the caller before saying anything more."
NO_MATCH = "No match."


class Relationship(StrEnum):
    SELF = "self"
    PARENT = "parent"  # parent or guardian of a minor
    NEXT_OF_KIN = "next_of_kin"  # of a deceased patient
    REPRESENTATIVE = "representative"  # personal representative of a deceased patient


# Which callers a letter of each variant may be discussed with.
ALLOWED_CALLERS: dict[Variant, frozenset[Relationship]] = {
    Variant.ADULT: frozenset({Relationship.SELF}),
    Variant.MINOR: frozenset({Relationship.PARENT}),
    Variant.DECEASED: frozenset({Relationship.NEXT_OF_KIN, Relationship.REPRESENTATIVE}),
}

TOPICS = ("was_i_affected", "letter", "enrollment", "credit_freeze", "identity_theft",
          "resend", "language", "complaint", "privacy_officer", "other")
OUTCOMES = ("answered", "not_verified", "locked", "resend_requested", "callback_requested",
            "complaint_recorded", "transferred", "hung_up")
FOLLOW_UPS = ("", "callback", "resend", "privacy_officer", "complaint")
LANGUAGES = ("en", "es", "other")


@dataclass(frozen=True)
class CallerFacts:
    """What the agent typed from the caller; a blank fact is not asked."""

    birth_date: dt.date | None = None
    zip_code: str = ""
    reference: str = ""
    relationship: Relationship = Relationship.SELF
    caller_name: str = ""


@dataclass(frozen=True)
class StoredFacts:
    """What the desk holds for one record (never leaves the services before verification)."""

    birth_date: str
    zip_code: str  # of the address the letter went to
    reference: str  # "" when no letter was made
    variant: Variant
    proxy_name: str  # guardian or next of kin as listed ("" when the list named none)


@dataclass(frozen=True)
class FactCheck:
    """One fact's answer: its name and whether it matched. Nothing else, by construction."""

    fact: str
    match: bool


def fold_name(text: str) -> str:
    """Case, accents, punctuation and spacing removed, for comparing names said on a call."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def zip5(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[:5] if len(digits) >= 5 else digits


def check_facts(stored: StoredFacts, given: CallerFacts,
                canonical_reference: str) -> tuple[FactCheck, ...]:
    """Match / no match for each fact the caller gave, plus the relationship (always)."""
    checks = [FactCheck("relationship", given.relationship in ALLOWED_CALLERS[stored.variant])]
    if given.birth_date is not None:
        checks.append(FactCheck("birth_date", given.birth_date.isoformat() == stored.birth_date))
    if given.zip_code.strip():
        checks.append(FactCheck("zip_code", bool(stored.zip_code)
                                and zip5(given.zip_code) == zip5(stored.zip_code)))
    if given.reference.strip():
        checks.append(FactCheck("reference", bool(stored.reference)
                                and canonical_reference == stored.reference))
    if given.relationship is not Relationship.SELF and given.caller_name.strip():
        checks.append(FactCheck("caller_name", bool(stored.proxy_name)
                                and fold_name(given.caller_name) == fold_name(stored.proxy_name)))
    return tuple(checks)


def is_verified(checks: tuple[FactCheck, ...]) -> bool:
    """Verified when every fact matched and the caller gave the date of birth and at least
    one of the ZIP code and the reference."""
    asked = {c.fact for c in checks}
    return (all(c.match for c in checks) and "birth_date" in asked
            and bool(asked & {"zip_code", "reference"}))


def require_some_facts(given: CallerFacts) -> None:
    if given.birth_date is None or not (given.zip_code.strip() or given.reference.strip()):
        raise ValidationError("Ask the caller for the date of birth and the ZIP code or the "
                              "letter's reference.", {"facts": "missing"})


def mask_line1(line1: str) -> str:
    """Address line 1 with everything but the house number hidden: '12 Elm St' -> '12 ****'."""
    words = line1.split()
    if not words:
        return ""
    house = words[0] if any(ch.isdigit() for ch in words[0]) else ""
    return f"{house} ****".strip()


def check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    clean = value.strip().lower()
    if clean not in allowed:
        shown = ", ".join(a or "(none)" for a in allowed)
        raise ValidationError(f"{field} must be one of: {shown}.", {field: "unknown"})
    return clean
