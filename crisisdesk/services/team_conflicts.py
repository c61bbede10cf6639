"""The conflicts inbox of a team desk: concurrent edits of one field, and their resolution.

Two laptops that changed the same field of a contact without seeing each other's change leave
two edit records that supersede the same value. Neither wins: the contact keeps the value it
had before both, and `list_conflicts` shows each candidate with its laptop, operator and time
(laptop clocks may be wrong: the times are shown as each laptop reported them). A coordinator
resolves with `resolve_conflict`, taking one laptop's value or typing a new one (a contact's
field, an incident's or a team-wide setting: team_typed_values); the resolution
is itself an edit record superseding all candidates, so it replicates and clears the conflict
on every desk. Each resolution is one action with one audit entry (naming the field, never
the value: contact details are personal data). The same holds for the incident's fields, role
line-ups, calling trees, templates and team-wide settings (store/replica_edits.py ENTITIES;
how their values read: team_conflict_values), with two kinds of their own: calling-tree moves
that make a loop together (kept: one laptop's moves), and templates, whose resolution is a new
draft to approve again (store/replica_templates.py).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services import localtime
from crisisdesk.services import roles as role_service
from crisisdesk.services import team_conflict_values as values
from crisisdesk.services import team_typed_values as typed_values
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_conflicts, replica_templates
from crisisdesk.store import replica_edits as edits
from crisisdesk.store import replica_tree_loops as tree_loops
from crisisdesk.store import replication as repl

FIELD_LABELS = values.FIELD_LABELS  # (the CLI and the inbox name fields with it)
field_words = values.field_words
entity_noun = values.entity_noun


@dataclass(frozen=True)
class Candidate:
    """One concurrent edit: who made it, where, when, and its value as shown."""

    edit_id: str
    laptop_id: str
    laptop: str
    operator: str
    at: str
    value: str
    here: bool = False  # made on this laptop (the one the coordinator sits at)


@dataclass(frozen=True)
class Conflict:
    id: str  # the same on every desk holding these edits
    entity: str  # "contact", "incident", "tree_node", "role_lineup", ... "calling_tree"
    entity_id: str
    label: str  # the record's name on this desk ('' if this desk lacks the record)
    field: str  # "loop" for moves that make a loop in a calling tree
    kept: str  # the value shown meanwhile (the one before the concurrent edits)
    candidates: tuple[Candidate, ...]
    kind: str = "field"  # or "loop"

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Resolution:
    conflict_id: str
    edit_id: str  # the new edit record (a loop's: the ids of those undoing moves, by ',')
    field: str
    value: str
    said: str = ""  # a loop's: 'kept the moves of LAPTOP: ...'


def _laptops(session: Session) -> dict[str, str]:
    ident = repl.identity(session.db)
    if ident is None:
        return {}
    return {**repl.load(session.db).laptops(), ident.laptop_id: ident.laptop_name}


def _conflict(session: Session, rec: edits.ConflictRecord, names: dict[str, str],
              here: str = "") -> Conflict:
    db = session.db
    if rec.kind == "loop":  # each candidate is one move; kept: the callers before them
        kept = "; ".join(f"{values.person(db, cid)} {values.caller_words(db, v.get('caller_id'))}"
                         for cid, v in sorted(rec.kept.items()))
        shown = [values.move_words(db, e.entity_id, e.value) for e in rec.heads]
        label = rec.label
    else:
        tz = localtime.zone(session)
        kept = values.shown(db, rec.entity, rec.field, rec.kept, tz=tz)
        shown = [values.shown(db, rec.entity, rec.field, e.value, tz=tz, kept=rec.kept)
                 for e in rec.heads]
        label = edits.label(db, rec.entity, rec.entity_id)
        if rec.entity in ("role_lineup", "role_holder") and label:
            label = _role_title(session, rec.entity_id.split("/")[1], label)
        label = values.readable_label(db, rec.entity, label)
    return Conflict(rec.id, rec.entity, rec.entity_id, label, rec.field, kept,
                    tuple(Candidate(e.id, e.origin, names.get(e.origin, e.origin[:8]),
                                    e.operator, e.at, text, e.origin == here)
                          for e, text in zip(rec.heads, shown, strict=True)), rec.kind)


def _role_title(session: Session, role_key: str, label: str) -> str:
    """'ic in operational period 1' as 'Incident Commander in operational period 1'."""
    role = role_service.catalogue(session).get(role_key)
    if role is None:
        return label
    return label.replace(f"{role_key} in operational period", f"{role.title} in operational "
                         "period", 1)


def list_conflicts(session: Session) -> list[Conflict]:
    """Every field edited concurrently on two or more laptops and not yet resolved."""
    records = replica_conflicts.conflicts(session.db)
    if not records:
        return []
    names = _laptops(session)
    ident = repl.identity(session.db)
    here = ident.laptop_id if ident is not None else ""
    return [_conflict(session, rec, names, here) for rec in records]


def _find(session: Session, conflict_id: str) -> edits.ConflictRecord:
    ref = conflict_id.strip().lower()
    hits = [c for c in replica_conflicts.conflicts(session.db) if ref and c.id.startswith(ref)]
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


def _typed_value(session: Session, rec: edits.ConflictRecord, text: str) -> dict[str, Any]:
    """The columns of the conflict's field for a typed value, checked like its form."""
    if rec.entity == "contact":
        return _typed_contact_value(session, rec.entity_id, rec.field, text)
    if rec.entity == "incident":
        return typed_values.incident_value(session, rec.entity_id, rec.field, text)
    if rec.entity == "setting":
        return typed_values.setting_value(session, rec.entity_id, text)
    raise UserError(typed_values.refusal(rec.entity, values.entity_noun(rec.entity)))


def _picked(session: Session, rec: edits.ConflictRecord, take_laptop: str) -> list[edits.Edit]:
    """The heads of `rec` written on the laptop named (or id'd) `take_laptop`."""
    names = _laptops(session)
    wanted = " ".join(take_laptop.split()).casefold()
    picked = [e for e in rec.heads if names.get(e.origin, "").casefold() == wanted
              or (len(wanted) >= 8 and e.origin.startswith(wanted))]
    if not picked:
        offered = ", ".join(dict.fromkeys(names.get(e.origin, e.origin[:8]) for e in rec.heads))
        raise NotFound(f"No value from laptop {take_laptop!r} in this conflict "
                       f"(it has: {offered}).")
    return picked


def resolve_conflict(session: Session, conflict_id: str, *, take_laptop: str = "",
                     value: str | None = None) -> Resolution:
    """Settle a conflict with the value one laptop wrote (`take_laptop`: its name or id) or
    a new `value` (phones as 'label=number; label=number'). Exactly one of the two.

    A loop of calling-tree moves is settled by keeping the moves one laptop made: the others
    are undone (each person goes back to the caller they had before the move)."""
    session.require(Role.OPERATOR, "resolve a conflict")
    if bool(take_laptop) == (value is not None):
        raise UserError("Say how to resolve: --take LAPTOP (its value) or --value TEXT.")
    ident = repl.identity(session.db)
    if ident is None:
        raise UserError("This desk is not part of a team; it has no conflicts.")
    rec = _find(session, conflict_id)
    if rec.kind == "loop":
        return _resolve_loop(session, rec, ident, take_laptop)
    if take_laptop:
        picked = _picked(session, rec, take_laptop)
        if len({json.dumps(e.value, sort_keys=True) for e in picked}) > 1:
            raise UserError(f"{take_laptop} wrote more than one of these values; "
                            "type the one to keep with --value.")
        chosen = picked[0].value
    else:
        chosen = _typed_value(session, rec, value or "")
    what = values.field_words(rec.field)
    with session.action("team.resolve", rec.entity, rec.entity_id,
                        f"Resolved a conflict on a {values.entity_noun(rec.entity)} "
                        f"({what})") as act:
        if rec.entity == "template":  # kept as a new draft: it must be approved again
            chosen = replica_templates.resolution(chosen, [e.value for e in rec.heads], rec.id,
                                                  at=act.at, by=session.operator.name)
        eid = edits.write_edit(session.db, rec.entity, rec.entity_id, rec.field, chosen,
                               rec.kept, [e.id for e in rec.heads], origin=ident.laptop_id,
                               operator=session.operator.name, at=act.at)
        replica_conflicts.settle(session.db, [(rec.entity, rec.entity_id, rec.field)])
    return Resolution(rec.id, eid, rec.field,
                      values.shown(session.db, rec.entity, rec.field, chosen))


def _resolve_loop(session: Session, rec: edits.ConflictRecord, ident: repl.Identity,
                  take_laptop: str) -> Resolution:
    """Keep `take_laptop`'s moves of the loop; an edit record undoes each other move."""
    if not take_laptop:
        raise UserError("A loop is settled by keeping one laptop's moves: --take LAPTOP.")
    kept = {e.id for e in _picked(session, rec, take_laptop)}
    loop = tree_loops.find(session.db, rec.id)
    if loop is None:  # (listed a moment ago: another import settled it meanwhile)
        raise NotFound(f"No open conflict {rec.id!r} on this desk.")
    undo = [m for m in loop.moves if not any(h.id in kept for h in m.heads)]
    with session.action("team.resolve", rec.entity, rec.entity_id,
                        "Resolved a loop of moves in a calling tree") as act:
        made = [edits.write_edit(session.db, tree_loops.ENTITY, m.node_id, tree_loops.FIELD,
                                 m.before, m.value, [h.id for h in m.heads],
                                 origin=ident.laptop_id, operator=session.operator.name,
                                 at=act.at) for m in undo]
        replica_conflicts.settle(session.db, [(tree_loops.ENTITY, m.node_id, tree_loops.FIELD)
                                              for m in loop.moves])
    kept_moves = [m for m in loop.moves if m not in undo]
    text = "; ".join(values.move_words(session.db, m.node_id, m.value) for m in kept_moves)
    laptop = _laptops(session).get(kept_moves[0].heads[-1].origin, take_laptop)
    return Resolution(rec.id, ",".join(made), rec.field, text,
                      f"kept the moves of {laptop}: {text}")
