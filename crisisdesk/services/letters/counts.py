"""Who is counted, computed one way: classification, the incident's affected counts, and the
substitute-notice position.

An affected person is affected whether or not we can mail them, so the incident's counts by
state come from every distinct person on the list plus the rows set aside for review, and the
substitute-notice count (45 CFR 164.404(d)(2), "insufficient or out-of-date contact
information") from people without a usable address, letters returned with no new address and
the set-aside rows. Importing, classifying, marking mail returned and re-mailing all call these
inside their own action, so the figures the Dashboard, `letters status`, the deadlines and the
counts report show can never disagree. Timeline text carries counts only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from crisisdesk.domain.errors import Cancelled
from crisisdesk.domain.incidents import Incident, validate_counts
from crisisdesk.domain.letters import (
    Outcome,
    SubstituteNotice,
    classify,
    dedupe_key,
    substitute_change,
    substitute_notice,
)
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.files.walk import IsCancelled, Progress
from crisisdesk.services.session import Action, Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import recipients as recipient_store

TICK_EVERY = 2000


def substitute_position(session: Session, incident_id: str) -> SubstituteNotice:
    """The one substitute-notice count: insufficient address + returned with no new address +
    set aside for review (deceased people never count)."""
    return substitute_notice(*recipient_store.substitute_counts(session.db, incident_id))


def classify_all(session: Session, act: Action, incident_id: str, notice: dt.date, *,
                 total: int = 0, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None) -> None:
    """Classify every recipient of the incident (inside `act`); the first of a duplicate wins."""
    majority = int(settings_service.get(session, "age_of_majority"))
    seen: dict[str, str] = {}
    updates = []
    for n, (rid, person) in enumerate(
            recipient_store.iter_for_classification(session.db, incident_id), start=1):
        if n % TICK_EVERY == 0:
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            if progress is not None:
                progress(n, max(n, total))
        key = dedupe_key(person)
        result = classify(person, notice, majority)
        if key in seen:
            updates.append((result.variant.value, Outcome.DUPLICATE.value,
                            "same name, date of birth and address as an earlier row: "
                            "merged into it", seen[key], key, act.at, rid))
            continue
        seen[key] = rid
        updates.append((result.variant.value, result.outcome.value, result.reason, "", key,
                        act.at, rid))
    recipient_store.set_classifications(session.db, updates)


def update_incident_counts(session: Session, act: Action, incident: Incident
                           ) -> tuple[dict[str, int], int]:
    """Set the incident's affected counts from the list (distinct people and set-aside rows,
    by state; unknown state: unknown residence), with a timeline entry when they change."""
    by_state, unknown = recipient_store.people_by_state(session.db, incident.id)
    counts, unknown = validate_counts(by_state, unknown)
    if counts != dict(incident.affected_by_state) or unknown != \
            incident.affected_unknown_residence:
        incident_store.update(session.db, dataclasses.replace(
            incident, affected_by_state=counts, affected_unknown_residence=unknown,
            updated_at=act.at, updated_by=session.operator.name))
        timeline_service.record_in_action(
            session, act, f"Affected counts updated from the letter list: "
            f"{sum(counts.values()) + unknown:,} people in {len(counts)} states"
            f"{f' ({unknown:,} with state unknown)' if unknown else ''}.",
            source="letters", incident_id=incident.id)
    return counts, unknown


def record_substitute_change(session: Session, act: Action, incident_id: str,
                             before: SubstituteNotice, cause: str) -> SubstituteNotice:
    """After a change inside `act`: the new position, and a timeline entry if its form changed
    ("Returned mail raised substitute notice to the 10-or-more kind ...")."""
    after = substitute_position(session, incident_id)
    text = substitute_change(before, after, cause)
    if text:
        timeline_service.record_in_action(session, act, text, source="letters",
                                          incident_id=incident_id)
    return after
