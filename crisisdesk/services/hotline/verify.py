"""Verification without disclosure, and the lock after too many failed attempts.

The agent types what the caller says; the answer is a `FactCheck` (name, match) per fact and
nothing else: no stored value leaves this module before the caller is verified. After
`hotline_max_failed_verifications` failed attempts on a record, the record is locked for that
agent and shows on the Dashboard as possible impersonation (`impersonation_flags`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import (
    CallerFacts,
    FactCheck,
    StoredFacts,
    check_facts,
    is_verified,
    require_some_facts,
)
from crisisdesk.domain.letters import Variant
from crisisdesk.domain.operators import Role
from crisisdesk.services import settings as settings_service
from crisisdesk.services.hotline.lookup import scanned_reference
from crisisdesk.services.session import Session, agent_allowed
from crisisdesk.store import hotline as store

SETTING = "hotline_max_failed_verifications"
# Compared against on a miss, so a miss does the same work as a hit and matches nothing.
_NOBODY = StoredFacts("", "", "", Variant.ADULT, "")


@dataclass(frozen=True)
class Verification:
    """Booleans and counts only: what the agent's screen may show before success."""

    checks: tuple[FactCheck, ...]
    verified: bool
    locked: bool
    attempts_left: int


@dataclass(frozen=True)
class ImpersonationFlag:
    at: str
    agent: str
    record: str  # the recipient's opaque id, for the privacy officer to look into
    failures: int


def lookup_row(session: Session, handle: str) -> store.LookupRow:
    row = store.get_lookup(session.db, handle.strip())
    if row is None or row.agent != session.operator.name:
        raise ValidationError("No such lookup for you: look the caller up again.",
                              {"handle": "unknown"})
    return row


@agent_allowed
def verify(session: Session, handle: str, facts: CallerFacts) -> Verification:
    """Check the caller's facts against the record the lookup `handle` found."""
    session.require(Role.AGENT, "use the hotline")
    require_some_facts(facts)
    limit = int(settings_service.get(session, SETTING))
    agent = session.operator.name
    with session.action("hotline.verify", "hotline_lookup", handle) as act:
        row = lookup_row(session, handle)
        if row.verified_id:
            raise ValidationError("This caller is verified already.", {"handle": "verified"})
        if any(store.is_locked(session.db, rid, agent) for rid in row.recipient_ids):
            act.summary = "Hotline verification refused: record locked for this agent"
            return Verification((), False, True, 0)
        reference = scanned_reference(facts.reference)
        candidates = [(rid, store.stored_facts(session.db, rid)) for rid in row.recipient_ids]
        best: tuple[FactCheck, ...] = check_facts(_NOBODY, facts, reference)
        for rid, stored in candidates:
            checks = check_facts(stored or _NOBODY, facts, reference)
            if is_verified(checks):
                store.add_attempt(session.db, uuid.uuid4().hex, act.at, agent, rid, handle, True)
                store.set_verified(session.db, handle, rid, act.at, facts.relationship.value)
                act.entity_type, act.entity_id = "recipient", rid
                act.summary = f"Hotline caller verified ({facts.relationship.value})"
                return Verification(checks, True, False, limit)
            if sum(c.match for c in checks) > sum(c.match for c in best):
                best = checks
        left, locked = limit, False
        for rid, _ in candidates:
            store.add_attempt(session.db, uuid.uuid4().hex, act.at, agent, rid, handle, False)
            failures = store.failures_since_success(session.db, rid, agent)
            left = min(left, max(0, limit - failures))
            if failures >= limit:
                store.lock(session.db, rid, agent, act.at, failures)
                locked = True
        act.summary = ("Hotline verification failed; record locked: possible impersonation"
                       if locked else "Hotline verification failed")
        return Verification(best, False, locked, 0 if locked else left)


def impersonation_flags(session: Session) -> list[ImpersonationFlag]:
    """Records locked after failed verifications, newest first (for the Dashboard)."""
    session.require(Role.OPERATOR, "see hotline impersonation flags")
    return [ImpersonationFlag(*row) for row in store.locks(session.db)]
