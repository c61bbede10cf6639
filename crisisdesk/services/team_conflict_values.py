"""How the competing values of a conflict read in the inbox, for each kind of record.

Edit records hold a field's stored columns (JSON lists, contact ids, ISO times); a coordinator
must compare the values as people say them ("Ann Able (primary), Bo Baker", "called by Lee
Lead"), so this module turns the columns of each entity's fields into one line of text. Names
are looked up on this desk; a person it lacks shows as the first characters of their id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import sqlite_utils

from crisisdesk.domain import settings as settings_domain
from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.times import show_utc
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_tree_loops as tree_loops
from crisisdesk.store import templates as template_store

FIELD_LABELS = {
    "job_title": "job title", "email": "e-mail", "phones": "phones",
    "caller": "caller", "backup": "backup caller", "holders": "holders",
    "acknowledged": "acknowledgement", "unavailable": "availability",
    "loop": "these moves make a loop", "affected": "affected counts",
    "systems_affected": "systems affected", "info_kinds": "kinds of information",
    "release": "text and approval", "done": "status",
    "end": "end and handover note",
}
ENTITY_NOUNS = {"role_lineup": "role", "role_holder": "role holder",
                "tree_node": "calling tree", "calling_tree": "calling tree",
                "period": "operational period", "obligation": "deadline"}


def field_words(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def entity_noun(entity: str) -> str:
    return ENTITY_NOUNS.get(entity, entity.replace("_", " "))


def readable_label(db: sqlite_utils.Database, entity: str, label: str) -> str:
    """A setting by its label on the Settings page ('Organisation name on paper'), a template
    by its name: their keys mean nothing to a coordinator."""
    if entity == "setting" and label:
        try:
            return settings_domain.spec_for(label).label
        except NotFound:
            return label
    if entity == "template" and label:
        row = template_store.find_template(db, label)
        return str(row["name"]) if row and row.get("name") else label
    return label


def person(db: sqlite_utils.Database, contact_id: object) -> str:
    cid = str(contact_id or "")
    found = contact_store.get(db, cid) if cid else None
    return found.name if found is not None else cid[:8]


def _json(text: object) -> Any:
    try:
        return json.loads(str(text))
    except ValueError:
        return text


def _plain(text: object) -> str:
    return str(text) if text not in (None, "") else "(empty)"


def _listed(text: object) -> str:
    items = _json(text or "[]")
    return ", ".join(str(i) for i in items) or "(none)" if isinstance(items, list) else \
        _plain(text)


def contact_value(field: str, value: dict[str, Any]) -> str:
    """A contact field's columns as a person reads them ('mobile: 212 555 0142; desk: ...')."""
    text = value.get(field)
    if field == "phones":
        items = _json(text or "[]")
        if not isinstance(items, list):
            return str(text)
        return "; ".join(f"{p.get('label', '')}: {p.get('number', '')}".strip(": ")
                         for p in items if isinstance(p, dict)) or "(none)"
    if field == "tags":
        return _listed(text)
    return _plain(text)


def incident_value(field: str, value: dict[str, Any]) -> str:
    if field in ("systems_affected", "info_kinds"):
        return _listed(value.get(field))
    if field == "affected":
        counts = _json(value.get("affected_by_state") or "{}")
        parts = [f"{k} {v}" for k, v in sorted(counts.items())] if isinstance(counts, dict) \
            else []
        if value.get("affected_unknown"):
            parts.append(f"residence unknown {value['affected_unknown']}")
        return ", ".join(parts) or "(none)"
    if field == "law_enforcement_delay":
        delay = _json(value.get(field) or "null")
        if not isinstance(delay, dict):
            return "(none)"
        until = f" until {delay['until']}" if delay.get("until") else ""
        return f"delay asked by {delay.get('agency') or delay.get('official', '')}" \
               f" from {delay.get('starts_on', '')}{until}"
    return _plain(value.get(field))


def role_value(db: sqlite_utils.Database, field: str, value: dict[str, Any],
               tz: dt.tzinfo | None = None) -> str:
    if field == "holders":
        names = [person(db, c) for c in value.get("holders") or []]
        if not names:
            return "(nobody)"
        return ", ".join([f"{names[0]} (primary)", *names[1:]])
    if field == "acknowledged":
        if not value.get("acknowledged_at"):
            return "not acknowledged"
        return f"acknowledged by {value.get('acknowledged_by', '')} at " \
               f"{show_utc(value['acknowledged_at'], tz)}"
    if not value.get("unavailable_since"):
        return "available"
    why = f" ({value['unavailable_reason']})" if value.get("unavailable_reason") else ""
    return f"unavailable since {show_utc(value['unavailable_since'], tz)}{why}"


def caller_words(db: sqlite_utils.Database, caller_id: object) -> str:
    return f"called by {person(db, caller_id)}" if caller_id else "called by the coordinator"


def tree_value(db: sqlite_utils.Database, field: str, value: dict[str, Any]) -> str:
    if field == "caller":
        return f"{caller_words(db, value.get('caller_id'))}, " \
               f"place {int(value.get('position') or 0) + 1}"
    return f"backup {person(db, value['backup_id'])}" if value.get("backup_id") else \
        "no backup"


def template_value(value: dict[str, Any], kept: dict[str, Any] | None = None) -> str:
    """'version 4, approved by pat: Dear {{ name }}, we are writing…' (template text holds
    no patient data). Beside the text `kept` (the version shown meanwhile), only what differs
    is quoted: two drafts of one letter start alike, so their openings would read the same."""
    if not value:
        return "(not on this desk)"
    status = str(value.get("status") or "").replace("_", " ")
    if value.get("approved_by") and status == "approved":
        status += f" by {value['approved_by']}"
    text = _template_words(value, kept)
    return f"version {value.get('version')}, {status}: {text}"


def _template_words(value: dict[str, Any], kept: dict[str, Any] | None) -> str:
    """The first 60 characters of the body's readable lines (no '{# ... #}' notes), from the
    first line that differs from `kept`'s; 'same text' when nothing differs."""
    lines = _readable_lines(value.get("body"))
    lead = ""
    if kept:
        before = _readable_lines(kept.get("body"))
        if lines == before:
            return "same text"
        same = next((i for i, (x, y) in enumerate(zip(lines, before, strict=False)) if x != y),
                    min(len(lines), len(before)))
        if same >= len(lines):
            return f"same text, without its last {count_of(len(before) - len(lines), 'line')}"
        lines, lead = lines[same:], "…" if same else ""
    body = " ".join(" ".join(lines).split())
    return lead + (body if len(body) <= 60 else body[:59] + "…")


def _readable_lines(body: object) -> list[str]:
    text = re.sub(r"\{#.*?#\}", "", str(body or ""), flags=re.DOTALL)
    return [line.strip() for line in text.splitlines() if line.strip()]


def obligation_value(value: dict[str, Any]) -> str:
    """'done on 2026-03-21, reference HHS-1' or 'not done'."""
    if not value.get("done_on"):
        return "not done"
    ref = f", reference {value['reference']}" if value.get("reference") else ""
    note = f" ({value['note']})" if value.get("note") else ""
    return f"done on {value['done_on']}{ref}{note}"


def setting_value(value: dict[str, Any]) -> str:
    text = value.get("value")
    return "(the default)" if text is None else _plain(_json(text))


def period_value(value: dict[str, Any], tz: dt.tzinfo | None = None) -> str:
    """An operational period's end: 'ended by pat at ...: <handover note>'."""
    if not value.get("ended_at"):
        return "not ended"
    return f"ended by {value.get('ended_by', '')} at {show_utc(value['ended_at'], tz)}: " \
           f"{_plain(value.get('handover_note'))}"


def shown(db: sqlite_utils.Database, entity: str, field: str, value: dict[str, Any], *,
          tz: dt.tzinfo | None = None, kept: dict[str, Any] | None = None) -> str:
    """One field's stored columns as one line of text (times in `tz`, the desk's zone; a
    template's text beside `kept`, the value shown meanwhile)."""
    if entity == "period":
        return period_value(value, tz)
    if entity == "incident":
        return incident_value(field, value)
    if entity in ("role_lineup", "role_holder"):
        return role_value(db, field, value, tz)
    if entity == "tree_node":
        return tree_value(db, field, value)
    if entity == "setting":
        return setting_value(value)
    if entity == "template":
        return template_value(value, kept)
    if entity == "obligation":
        return obligation_value(value)
    return contact_value(field, value)


def move_words(db: sqlite_utils.Database, node_id: str, value: dict[str, Any]) -> str:
    """One move of a loop: 'Ann Able called by Bo Baker'."""
    return f"{person(db, tree_loops.node_person(db, node_id))} " \
           f"{caller_words(db, value.get('caller_id'))}"
