"""The conflicts inbox of a team desk: concurrent edits of one field, and their resolution.

Two laptops that changed the same field of a contact without seeing each other's change leave
two edit records that supersede the same value. Neither wins: the contact keeps the value it
had before both, and `list_conflicts` shows each candidate with its laptop, operator and time
(laptop clocks may be wrong: the times are shown as each laptop reported them). A coordinator
resolves with `resolve_conflict`, taking one laptop's value or typing a new one; the resolution
is itself an edit record superseding all candidates, so it replicates and clears the conflict
on every desk. Each resolution is one action with one audit entry (naming the field, never
the value: contact details are personal data).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_edits as edits
from crisisdesk.store import replication as repl

FIELD_LABELS = {"job_title": "job title", "email": "e-mail", "phones": "phones"}


@dataclass(frozen=True)
class Candidate:
    """One concurrent edit: who made it, where, when, and its value as shown."""

    edit_id: str
    laptop_id: str
    laptop: str
    operator: str
    at: str
    value: str


@dataclass(frozen=True)
class Conflict:
    id: str  # the same on every desk holding these edits
    entity: str  # "contact"
    entity_id: str
    label: str  # the contact's name on this desk ('' if this desk lacks the contact)
    field: str
    kept: str  # the value shown meanwhile (the one before the concurrent edits)
    candidates: tuple[Candidate, ...]

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Resolution:
    conflict_id: str
    edit_id: str  # the new edit record
    field: str
    value: str


def shown(field: str, value: dict[str, Any]) -> str:
    """A field's stored columns as a person reads them ('mobile: 212 555 0142; desk: ...')."""
    text = value.get(field)
    if field in ("phones", "tags"):
        try:
            items = json.loads(str(text or "[]"))
        except ValueError:
            return str(text)
        if field == "phones":
            return "; ".join(f"{p.get('label', '')}: {p.get('number', '')}".strip(": ")
                             for p in items if isinstance(p, dict)) or "(none)"
        return ", ".join(str(t) for t in items) or "(none)"
    return str(text) if text not in (None, "") else "(empty)"


def _laptops(session: Session) -> dict[str, str]:
    ident = repl.identity(session.db)
    if ident is None:
        return {}
    return {**repl.load(session.db).laptops(), ident.laptop_id: ident.laptop_name}


def _conflict(session: Session, rec: edits.ConflictRecord, names: dict[str, str]) -> Conflict:
    return Conflict(rec.id, rec.entity, rec.entity_id,
                    edits.label(session.db, rec.entity, rec.entity_id), rec.field,
                    shown(rec.field, rec.kept),
                    tuple(Candidate(e.id, e.origin, names.get(e.origin, e.origin[:8]),
                                    e.operator, e.at, shown(rec.field, e.value))
                          for e in rec.heads))


def list_conflicts(session: Session) -> list[Conflict]:
    """Every field edited concurrently on two or more laptops and not yet resolved."""
    records = edits.conflicts(session.db)
    if not records:
        return []
    names = _laptops(session)
    return [_conflict(session, rec, names) for rec in records]


def _find(session: Session, conflict_id: str) -> edits.ConflictRecord:
    ref = conflict_id.strip().lower()
    hits = [c for c in edits.conflicts(session.db) if ref and c.id.startswith(ref)]
    if len(hits) != 1:
        raise NotFound(f"No open conflict {conflict_id!r} on this desk "
                       "(see 'crisisdesk team conflicts').")
    return hits[0]


def _typed_contact_value(session: Session, entity_id: str, field: str,
                         text: str) -> dict[str, Any]:
    """The columns of `field` for a value typed by a person, checked like the contact form."""
    contact = contact_store.get(session.db, entity_id)
    if contact is None:
        raise NotFound("That contact is not on this desk; resolve the conflict on a laptop "
                       "that has it.")
    draft = ContactDraft.from_contact(contact)
    if field == "phones":
        default = contact.phones[0].label if contact.phones else "phone"
        pairs = []
        for part in text.split(";"):
            label, sep, number = part.partition("=")
            if not part.strip():
                continue
            pairs.append((label.strip(), number.strip()) if sep else (default, part.strip()))
        draft.phones = pairs
    elif field == "tags":
        draft.tags = [t.strip() for t in text.split(",") if t.strip()]
    elif field == "kind":
        try:
            draft.kind = ContactKind(text.strip().lower())
        except ValueError:
            kinds = ", ".join(k.value for k in ContactKind)
            raise ValidationError(f"kind: {text!r} is not one of {kinds}.",
                                  {"kind": "unknown"}) from None
    else:
        setattr(draft, field, text)
    fields = validate_draft(draft)
    row = dict(zip(contact_store.COLUMNS, contact_store.record(
        entity_id, fields, created_at="", updated_at="", updated_by=""), strict=True))
    return {c: row[c] for c in edits.ENTITIES["contact"].fields[field]}


def resolve_conflict(session: Session, conflict_id: str, *, take_laptop: str = "",
                     value: str | None = None) -> Resolution:
    """Settle a conflict with the value one laptop wrote (`take_laptop`: its name or id) or
    a new `value` (phones as 'label=number; label=number'). Exactly one of the two."""
    session.require(Role.OPERATOR, "resolve a conflict")
    if bool(take_laptop) == (value is not None):
        raise UserError("Say how to resolve: --take LAPTOP (its value) or --value TEXT.")
    ident = repl.identity(session.db)
    if ident is None:
        raise UserError("This desk is not part of a team; it has no conflicts.")
    rec = _find(session, conflict_id)
    if take_laptop:
        names = _laptops(session)
        wanted = " ".join(take_laptop.split()).casefold()
        picked = [e for e in rec.heads if names.get(e.origin, "").casefold() == wanted
                  or (len(wanted) >= 8 and e.origin.startswith(wanted))]
        if not picked:
            offered = ", ".join(names.get(e.origin, e.origin[:8]) for e in rec.heads)
            raise NotFound(f"No value from laptop {take_laptop!r} in this conflict "
                           f"(it has: {offered}).")
        if len({json.dumps(e.value, sort_keys=True) for e in picked}) > 1:
            raise UserError(f"{take_laptop} wrote more than one of these values; "
                            "type the one to keep with --value.")
        chosen = picked[0].value
    else:
        if rec.entity != "contact":
            raise UserError("Only a contact's conflicts can take a typed value.")
        chosen = _typed_contact_value(session, rec.entity_id, rec.field, value or "")
    what = FIELD_LABELS.get(rec.field, rec.field.replace("_", " "))
    with session.action("team.resolve", rec.entity, rec.entity_id,
                        f"Resolved a conflict on a {rec.entity} ({what})") as act:
        eid = edits.write_edit(session.db, rec.entity, rec.entity_id, rec.field, chosen,
                               rec.kept, [e.id for e in rec.heads], origin=ident.laptop_id,
                               operator=session.operator.name, at=act.at)
        edits.settle(session.db, [(rec.entity, rec.entity_id, rec.field)])
    return Resolution(rec.id, eid, rec.field, shown(rec.field, chosen))
