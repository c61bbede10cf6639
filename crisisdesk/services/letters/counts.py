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
    SubstituteNotice,
    classify,
    dedupe_key,
    substitute_change,
    substitute_notice,
)
from crisisdesk.domain.recipients import RecipientFields
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.files.walk import IsCancelled, Progress
from crisisdesk.services.session import Action, Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import recipients as recipient_store


def substitute_position(session: Session, incident_id: str) -> SubstituteNotice:
    """The one substitute-notice count: insufficient address + returned with no new address +
    set aside for review (deceased people never count)."""
    return substitute_notice(*recipient_store.substitute_counts(session.db, incident_id))


class Classifier:
    """What one person's row is classified as, at one notice date: (variant, outcome, reason,
    dedupe key). Whether the row duplicates an earlier one is settled for the whole incident
    afterwards, in SQL (`recipient_store.mark_duplicates`: the first listed wins)."""

    def __init__(self, session: Session, notice: dt.date) -> None:
        self.notice = notice
        self.majority = int(settings_service.get(session, "age_of_majority"))

    def __call__(self, person: RecipientFields) -> recipient_store.Classes:
        result = classify(person, self.notice, self.majority)
        return result.variant.value, result.outcome.value, result.reason, dedupe_key(person)


def classify_rows(session: Session, act: Action, incident_id: str, notice: dt.date, *,
                  up_to: int | None = None, total: int = 0, progress: Progress | None = None,
                  is_cancelled: IsCancelled | None = None) -> int:
    """Classify the incident's recipients (those up to rowid `up_to` when given) inside
    `act`, a page at a time, without marking duplicates; how many."""
    classes = Classifier(session, notice)
    done = 0
    for page in recipient_store.pages_for_classification(session.db, incident_id,
                                                         up_to=up_to):
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        recipient_store.set_classifications(session.db, (
            (*classes(person), act.at, rowid) for rowid, person in page))
        done += len(page)
        if progress is not None:
            progress(done, max(done, total))
    return done


def classify_all(session: Session, act: Action, incident_id: str, notice: dt.date, *,
                 total: int = 0, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None) -> None:
    """Classify every recipient of the incident (inside `act`); the first of a duplicate wins."""
    classify_rows(session, act, incident_id, notice, total=total, progress=progress,
                  is_cancelled=is_cancelled)
    recipient_store.mark_duplicates(session.db, incident_id)


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
