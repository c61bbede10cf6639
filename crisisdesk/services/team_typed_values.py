"""A value a coordinator types to settle a conflict, for the incident's fields and team-wide
settings (a contact's: team_conflicts), checked like their forms.

Why its own module: a typed value becomes an edit record that every laptop writes as it is, so
it must be exactly what the incident form or `settings set` would have stored: parsed by the
same domain parsers (dates as people type them, kinds and statuses by name, lists comma
separated), then the whole incident checked by `validate_incident` with the typed field in
place (a breach that ends before it starts is refused here as there), a setting coerced by its
spec. A bad value raises one ValidationError naming the field; nothing is written.

What takes no typed value: role line-ups, role holders, calling-tree moves, templates (their
resolution is a kept laptop's text made a new draft) and a period's end; and of the incident,
a law-enforcement delay (a record of its own: keep one laptop's with --take).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from crisisdesk.domain.choices import parse_choice
from crisisdesk.domain.errors import NotFound, UserError
from crisisdesk.domain.incidents import (
    IncidentKind,
    IncidentStatus,
    parse_counts,
    parse_date,
    parse_info_kinds,
    validate_incident,
)
from crisisdesk.domain.operators import Role
from crisisdesk.domain.settings import spec_for
from crisisdesk.domain.times import TYPED_DATES
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import replica_edits as edits

_DATES = {"discovered_on", "breach_started_on", "breach_ended_on", "contained_on",
          "law_enforcement_notified_on"}
_TEXTS = {"title", "summary", "law_enforcement_agency"}
_LISTS = {"systems_affected", "info_kinds"}
KEEP = "Keep this one on the Team page, or --take LAPTOP"


def hint(entity: str, field: str) -> str:
    """How to type a value for this field ('' when plain text is fine)."""
    if entity == "incident":
        if field in _DATES:
            return f"a date like {TYPED_DATES}"
        if field in _LISTS:
            return "separated by commas"
        if field == "affected":
            return "STATE=NUMBER; STATE=NUMBER"
        if field == "kind":
            return ", ".join(k.value for k in IncidentKind)
        if field == "status":
            return ", ".join(s.value for s in IncidentStatus)
    return ""


def refusal(entity: str, noun: str) -> str:
    """The one line for a conflict whose value cannot be typed."""
    if entity == "template":
        return ("A template's conflict cannot take a typed value: keep one laptop's text "
                f"({KEEP}); it becomes a new draft to approve.")
    return f"A {noun}'s conflict cannot take a typed value; keep one laptop's value ({KEEP})."


def incident_value(session: Session, incident_id: str, field: str,
                   text: str) -> dict[str, Any]:
    """The stored columns of `field` for a typed value, checked like the incident form."""
    incident = incident_store.get(session.db, incident_id)
    if incident is None:
        raise NotFound("That incident is not on this desk; resolve the conflict on a laptop "
                       "that has it.")
    text = text.strip()
    changes: dict[str, Any]
    if field in _TEXTS:
        changes = {field: text}
    elif field in _DATES:
        changes = {field: parse_date(text, field)}
    elif field == "kind":
        changes = {"kind": parse_choice(IncidentKind, text, "kind")}
    elif field == "status":
        changes = {"status": parse_choice(IncidentStatus, text, "status")}
    elif field == "systems_affected":
        changes = {field: tuple(s.strip() for s in text.split(",") if s.strip())}
    elif field == "info_kinds":
        changes = {field: parse_info_kinds(k for k in text.split(",") if k.strip())}
    elif field == "affected":
        changes = {"affected_by_state": parse_counts(
            p.strip() for p in text.split(";") if p.strip())}
    else:
        raise UserError(f"The incident's {field.replace('_', ' ')} cannot be typed; keep one "
                        f"laptop's value ({KEEP}).")
    checked = validate_incident(dataclasses.replace(incident, **changes), today(session))
    row = incident_store.row_values(checked)
    return {c: row[c] for c in edits.ENTITIES["incident"].fields[field]}


def setting_value(session: Session, key: str, text: str) -> dict[str, Any]:
    """The stored JSON text of a team-wide setting for a typed value, checked by its spec
    (admins only, as `settings set`)."""
    session.require(Role.ADMIN, "type a setting's value")
    return {"value": json.dumps(spec_for(key).coerce(text))}
