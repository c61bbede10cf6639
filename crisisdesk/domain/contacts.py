"""Contacts: the people the crisis team calls, and the rules a contact must satisfy.

A `ContactDraft` is what a user typed (in a form or one row of a file); `validate_draft` turns
it into `ContactFields` (trimmed, phones normalised, tags de-duplicated) or raises one
`ValidationError` naming every bad field. Column mapping for imports lives in
`contact_columns`, cell escaping in `cells`, search syntax in `fts`; all are re-exported here
so callers need only this module.
"""

from __future__ import annotations

import re

from crisisdesk.domain.cells import neutralise_cell, unneutralise_cell
from crisisdesk.domain.contact_columns import (
    EXPORT_COLUMNS,
    FIELDS,
    FieldSource,
    RowReader,
    contact_to_row,
    has_name_column,
    row_to_draft,
)
from crisisdesk.domain.contact_types import (
    EMAIL_SEPARATOR,
    Contact,
    ContactDraft,
    ContactFields,
    ContactKind,
    looks_like_email,
    parse_kind,
    split_emails,
)
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.fts import fts_query
from crisisdesk.domain.phones import Phone, PhoneError, parse_phone_tokens

LIMITS = {"name": 200, "job_title": 200, "organisation": 200, "email": 2_000, "notes": 10_000}
MAX_EMAIL_LENGTH = 254  # one address (RFC 5321)
MAX_EMAILS = 20
MAX_PHONES = 20
MAX_TAGS = 50
MAX_TAG_LENGTH = 60
_TAG_SPLIT = re.compile(r"[,;]")


def _line(text: str) -> str:
    return " ".join(text.split())


def clean_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, split on commas/semicolons, de-duplicated ignoring case (first spelling wins)."""
    seen: dict[str, str] = {}
    for raw in tags:
        for part in _TAG_SPLIT.split(raw):
            tag = _line(part)
            if tag and tag.casefold() not in seen:
                seen[tag.casefold()] = tag
    return tuple(seen.values())


def validate_draft(draft: ContactDraft) -> ContactFields:
    """Check and normalise a draft; ValidationError lists every bad field at once."""
    problems: dict[str, str] = {}
    name = _line(draft.name)
    job_title = _line(draft.job_title)
    organisation = _line(draft.organisation)
    emails = split_emails(draft.email)
    email = EMAIL_SEPARATOR.join(emails)
    notes = draft.notes.strip()
    if not name:
        problems["name"] = "the contact has no name"
    for key, value in (("name", name), ("job_title", job_title),
                       ("organisation", organisation), ("email", email), ("notes", notes)):
        if len(value) > LIMITS[key] and key not in problems:
            problems[key] = f"{key.replace('_', ' ')} is longer than {LIMITS[key]} characters"
    bad = [e for e in emails if not looks_like_email(e) or len(e) > MAX_EMAIL_LENGTH]
    if bad and "email" not in problems:
        problems["email"] = f'"{bad[0]}" does not look like an email address'
    elif len(emails) > MAX_EMAILS:
        problems.setdefault("email", f"a contact can have at most {MAX_EMAILS} email addresses")
    phones: list[Phone] = []
    digits: dict[str, None] = {}
    for label, number in draft.phones:
        if not number.strip():
            continue
        try:
            phone, tokens = parse_phone_tokens(label, number)
        except PhoneError as exc:
            problems.setdefault("phones", str(exc))
            continue
        phones.append(phone)
        digits.update(dict.fromkeys(tokens))
    if len(phones) > MAX_PHONES:
        problems.setdefault("phones", f"a contact can have at most {MAX_PHONES} phone numbers")
    tags = clean_tags(draft.tags)
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG_LENGTH for t in tags):
        problems["tags"] = f"at most {MAX_TAGS} tags of up to {MAX_TAG_LENGTH} characters"
    try:
        kind = ContactKind(draft.kind)
    except ValueError:
        problems["kind"] = f'"{draft.kind}" is not a kind of contact'
        kind = ContactKind.STAFF
    if problems:
        reasons = list(problems.values())
        message = "; ".join(reasons)
        raise ValidationError(message[:1].upper() + message[1:] + ".", problems)
    return ContactFields(name, job_title, organisation, kind, tuple(phones), email, notes, tags,
                         " ".join(digits))


def problem_text(err: ValidationError) -> str:
    """A row-problem reason: the field reasons, lower-case, without the final full stop."""
    return "; ".join(err.fields.values()) if err.fields else err.message.rstrip(".")


__all__ = [
    "EXPORT_COLUMNS", "FIELDS", "Contact", "ContactDraft", "ContactFields", "ContactKind",
    "FieldSource", "Phone", "RowReader", "clean_tags", "contact_to_row",
    "fts_query", "has_name_column", "neutralise_cell", "parse_kind",
    "problem_text", "row_to_draft", "split_emails", "unneutralise_cell",
    "validate_draft",
]
