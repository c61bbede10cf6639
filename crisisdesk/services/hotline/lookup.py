""""Was I affected?": find a record by the letter's reference or by name and date of birth.

Before verification the answer is only "a record exists, please verify" or "no match": no
count, no near match, no hint. A miss does the same work as a hit (the same indexed query,
the same handle written, the same audit entry), so neither the wording nor the timing tells
a caller which it was. The handle is an opaque token for the verification that follows; it
names nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import FOUND, NO_MATCH, fold_name
from crisisdesk.domain.letters import parse_reference
from crisisdesk.domain.operators import Role
from crisisdesk.services.session import Session, agent_allowed
from crisisdesk.store import hotline as store

# A handheld scanner may send the AIM symbology identifier (]C0 for Code 128) before the text.
_SYMBOLOGY = re.compile(r"^\]C\d")


@dataclass(frozen=True)
class LookupAnswer:
    found: bool
    message: str
    handle: str


def scanned_reference(text: str) -> str:
    """The canonical reference for what was typed or scanned ('' when it cannot be one)."""
    return parse_reference(_SYMBOLOGY.sub("", text.strip()))


@agent_allowed
def lookup(session: Session, *, reference: str = "", name: str = "",
           birth_date: dt.date | None = None) -> LookupAnswer:
    """Look a caller up by `reference`, or by `name` and `birth_date` (one of the two)."""
    session.require(Role.AGENT, "use the hotline")
    by_reference = bool(reference.strip())
    if by_reference == bool(name.strip() or birth_date):
        raise ValidationError("Look up by the letter's reference, or by name and date of "
                              "birth (not both).", {"lookup": "one of the two"})
    if not by_reference and (not name.strip() or birth_date is None):
        raise ValidationError("A lookup by name needs the date of birth too.",
                              {"birth_date": "missing"})
    method = "reference" if by_reference else "name_and_birth_date"
    handle = uuid.uuid4().hex
    with session.action("hotline.lookup", "hotline_lookup", handle) as act:
        if by_reference:
            ids = store.ids_by_reference(session.db, scanned_reference(reference))
        else:
            assert birth_date is not None
            wanted = fold_name(name)
            ids = [rid for rid, full, first, last in store.people_born(
                       session.db, birth_date.isoformat())
                   if wanted in (fold_name(full), fold_name(f"{first} {last}"))]
        store.add_lookup(session.db, handle, act.at, session.operator.name, method, ids)
        act.summary = f"Hotline lookup by {method.replace('_', ' ')}"
    return LookupAnswer(bool(ids), FOUND if ids else NO_MATCH, handle)
