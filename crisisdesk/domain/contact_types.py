"""The shapes of a contact: its kind, the stored record, a draft as typed, validated fields.

Kept apart from the rules (`contacts.py`) and the column mapping (`contact_columns.py`), which
both build on these; import them all from `crisisdesk.domain.contacts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.phones import Phone

EMAIL_SEPARATOR = ", "  # several addresses share the one `email` text, joined by this
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s.,;<>]+")
_EMAIL_SEPARATORS = re.compile(r"[,;:\s]")
_EMAIL_SPLIT = re.compile(r"\s*(?:,|;|:::|\s)\s*")


def looks_like_email(text: str) -> bool:
    """'dana@example.org' (a 'mailto:' in front is allowed)."""
    text = text.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return _EMAIL.fullmatch(text) is not None


def split_emails(text: str) -> list[str]:
    """The addresses in a cell or form field: separated by commas, semicolons, spaces or
    Google's ' ::: '; 'mailto:' removed; repeats (ignoring case) dropped."""
    text = text.strip()
    if _EMAIL_SEPARATORS.search(text) is None:
        return [text] if text else []  # the usual case: one plain address
    seen: dict[str, str] = {}
    for part in _EMAIL_SPLIT.split(text):
        if part[:7].lower() == "mailto:":
            part = part[7:]
        if part and part.casefold() not in seen:
            seen[part.casefold()] = part
    return list(seen.values())


class ContactKind(StrEnum):
    STAFF = "staff"
    EXTERNAL = "external"
    MEDIA = "media"
    REGULATOR = "regulator"
    VENDOR = "vendor"
    LAW_ENFORCEMENT = "law_enforcement"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


_KIND_ALIASES = {
    "police": ContactKind.LAW_ENFORCEMENT, "press": ContactKind.MEDIA,
    "supplier": ContactKind.VENDOR, "employee": ContactKind.STAFF,
}


@lru_cache(maxsize=256)
def parse_kind(text: str) -> ContactKind:
    """'Law Enforcement', 'law-enforcement', 'Police' -> LAW_ENFORCEMENT; '' -> STAFF."""
    key = "_".join(re.split(r"[\s\-_]+", text.strip().lower())).strip("_")
    if not key:
        return ContactKind.STAFF
    try:
        return ContactKind(key)
    except ValueError:
        pass
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    choices = ", ".join(k.value for k in ContactKind)
    raise ValidationError(f'kind "{text.strip()}" is not one of {choices}',
                          {"kind": "unknown kind"})


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    job_title: str
    organisation: str
    kind: ContactKind
    phones: tuple[Phone, ...]
    email: str
    notes: str
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    updated_by: str

    @property
    def emails(self) -> list[str]:
        """Every address of the contact (`email` holds them joined by ', ')."""
        return split_emails(self.email)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for `--json` output)."""
        return {
            "id": self.id, "name": self.name, "job_title": self.job_title,
            "organisation": self.organisation, "kind": self.kind.value,
            "phones": [{"label": p.label, "number": p.original, "e164": p.e164}
                       for p in self.phones],
            "email": self.email, "emails": self.emails, "notes": self.notes,
            "tags": list(self.tags),
            "created_at": self.created_at, "updated_at": self.updated_at,
            "updated_by": self.updated_by,
        }


@dataclass
class ContactDraft:
    """A contact as typed, not yet checked."""

    name: str
    job_title: str = ""
    organisation: str = ""
    kind: ContactKind = ContactKind.STAFF
    phones: list[tuple[str, str]] = field(default_factory=list)  # (label, number as typed)
    email: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_contact(cls, contact: Contact) -> ContactDraft:
        """A draft to edit an existing contact with."""
        return cls(contact.name, contact.job_title, contact.organisation, contact.kind,
                   [(p.label, p.original) for p in contact.phones], contact.email,
                   contact.notes, list(contact.tags))


@dataclass(frozen=True)
class ContactFields:
    """A validated draft, ready to store; `phone_digits` is the text the search indexes."""

    name: str
    job_title: str
    organisation: str
    kind: ContactKind
    phones: tuple[Phone, ...]
    email: str
    notes: str
    tags: tuple[str, ...]
    phone_digits: str
