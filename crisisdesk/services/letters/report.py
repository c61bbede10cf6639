"""The counts report for counsel: people by state and classification, letters printed, mailed
and returned, and the substitute-notice position, as a PDF.

Counts only, so the report can go to outside counsel and regulators without patient data.
The PDF writer comes from `printing/` (services never import Qt); saving it is one action.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.letter_report import SET_ASIDE, LetterReport, StateCounts, people_key
from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY
from crisisdesk.services import audit as audit_service
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store
from crisisdesk.store import recipients as recipient_store

WritePdf = Callable[[LetterReport, Path], None]
UNKNOWN = "??"


def counsel_report(session: Session, incident_id: str | None = None) -> LetterReport:
    """The current counts of the incident's letters (reads only)."""
    incident = incident_service.get_incident(session, incident_id)
    states: dict[str, StateCounts] = {}
    total = StateCounts("All states")
    for state, variant, outcome, n in recipient_store.state_outcome_counts(session.db,
                                                                           incident.id):
        key = people_key(variant, outcome)
        states.setdefault(state or UNKNOWN, StateCounts(state or UNKNOWN)).add_people(key, n)
        total.add_people(key, n)
    for state, n in recipient_store.review_by_state(session.db, incident.id).items():
        states.setdefault(state or UNKNOWN, StateCounts(state or UNKNOWN)).add_people(
            SET_ASIDE, n)
        total.add_people(SET_ASIDE, n)
    for state, status, n in letter_store.totals(session.db, incident.id):
        row = states.setdefault(state or UNKNOWN, StateCounts(state or UNKNOWN))
        row.statuses[status] = row.statuses.get(status, 0) + n
        total.statuses[status] = total.statuses.get(status, 0) + n
    batches = letter_store.batches(session.db, incident.id)
    done = ""
    try:
        completion = clock_service.deadlines(session, incident.id).find(
            SUBSTITUTE_OBLIGATION_KEY).done
    except NotFound:
        completion = None
    if completion is not None:
        done = completion.done_on.isoformat() + (f" (reference {completion.reference})"
                                                 if completion.reference else "")
    ordered = sorted(states.values(), key=lambda s: (s.state == UNKNOWN, s.state))
    by_state, unknown = recipient_store.people_by_state(session.db, incident.id)
    return LetterReport(
        settings_service.display_org(session), incident.title,
        incident.discovered_on.isoformat(), today(session), tuple(ordered), total,
        len(batches), sum(1 for b in batches if b["printed_at"]),
        len(recipient_store.review_items(session.db, incident.id)),
        letter_counts.substitute_position(session, incident.id), done,
        counted=sum(by_state.values()) + unknown,
        incident_total=sum(incident.affected_by_state.values())
        + incident.affected_unknown_residence,
        incident_states=tuple(sorted(incident.affected_by_state)),
        audit_head=audit_service.head(session).text())


def save_counsel_report(session: Session, path: Path, write_pdf: WritePdf, *,
                        incident_id: str | None = None) -> LetterReport:
    """Write the report as a PDF at `path` and record that it was saved (counts only)."""
    report = counsel_report(session, incident_id)
    write_pdf(report, Path(path))
    incident = incident_service.get_incident(session, incident_id)
    with session.action("letters.report", "incident", incident.id,
                        f"Saved the letter counts report for counsel (PDF, "
                        f"{len(report.states)} states, {report.total.rows} rows)"):
        pass
    return report
