"""The filing tracker: every notice owed to HHS, state regulators, the media, the consumer
reporting agencies and the covered entity, prepared, approved, sent and acknowledged.

Public API
----------
tracker(session, incident_ref=None, *, state="") -> FilingReport
    What the rules data requires for the incident (domain/filings.py), with each filing's step.
get_filing(session, key, incident_ref=None) -> Filing
prepare(session, key, *, count=None, incident_ref=None) -> Filing
    A regulator or consumer-reporting-agency filing is the approved letter template filled with
    the incident's recorded facts (only an APPROVED template: `require_approved`); the others
    name where their content is prepared (the HHS report, the media desk's release).
approve(session, key, *, incident_ref=None) -> Filing          (approvers)
mark_sent(session, key, sent_on, how, *, sent_by="", confirmation="", incident_ref=None)
    Once every filing of an obligation is sent, the obligation is marked done on the deadlines
    list in the same action (its reference: the confirmation numbers).
set_confirmation(session, key, confirmation, *, incident_ref=None) -> Filing
mark_acknowledged(session, key, on, *, incident_ref=None) -> Filing
export_csv(session, path, incident_ref=None) -> int
dashboard_summary(session) -> DashboardSummary                (the overdue filings)

Each step is one action: one transaction, one audit entry, one timeline line (no patient data:
filings hold counts, dates and the regulator's address, never a person's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crisisdesk.domain.clocks import Completion
from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.filings import (
    Filing,
    FilingKind,
    FilingRecord,
    OwedFiling,
    check_acknowledged,
    check_approve,
    check_confirmation,
    check_count,
    check_send,
    obligation_key,
    owed_filings,
    parse_how,
    parse_state,
)
from crisisdesk.domain.incidents import US_STATES, Incident
from crisisdesk.domain.operators import Role
from crisisdesk.domain.timeline import Category
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import record_origins
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.facts import facts_for
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.session import Session
from crisisdesk.store import filings as store
from crisisdesk.store import incidents as incident_store

LETTER_TEMPLATE = "state-ag-cover-letter-en"
LETTER_KINDS = (FilingKind.REGULATOR, FilingKind.CRA)
SAMPLE_ENCLOSURE = "a sample of the notice sent to residents, without any personal information"
ELSEWHERE = {
    FilingKind.HHS: "Content: the HHS breach report prepared on the desk (Regulators > HHS "
                    "report), entered field by field in the OCR breach portal.",
    FilingKind.MEDIA: "Content: the media notice (45 CFR 164.406), the press release prepared "
                      "on the Media desk, with the same content as the notice to individuals.",
    FilingKind.COVERED_ENTITY: "Content: the notice to the covered entity (template "
                               "business-associate-notice-en), with the affected individuals "
                               "identified as far as possible.",
}


@dataclass(frozen=True)
class FilingReport:
    incident: Incident
    filings: tuple[Filing, ...]
    today: dt.date

    @property
    def overdue(self) -> list[Filing]:
        return [f for f in self.filings if f.overdue(self.today)]

    def find(self, key: str) -> Filing:
        wanted = key.strip()
        for filing in self.filings:
            if filing.key == wanted:
                return filing
        known = ", ".join(f.key for f in self.filings) or "none"
        raise NotFound(f"No filing {wanted!r} is owed for this incident (owed: {known}).")


def tracker(session: Session, incident_ref: str | None = None, *,
            state: str = "") -> FilingReport:
    report = clock_service.deadlines(session, incident_ref)
    records = store.records(session.db, report.incident.id)
    filings = [Filing(o, records.get(o.key)) for o in owed_filings(report.obligations)]
    if state:
        code = parse_state(state)
        filings = [f for f in filings if f.owed.jurisdiction == code]
    return FilingReport(report.incident, tuple(filings), report.today)


def step_authors(session: Session, incident_id: str) -> Callable[[Filing, str, str], str]:
    """who(filing, step column, name) -> "demo on Site 2 laptop" when that step (prepared_by,
    approved_by, sent_by) was taken on another laptop of the team, else the name alone."""
    events = store.step_events(session.db, incident_id)
    origins = record_origins.origins(session, events.values())

    def who(filing: Filing, column: str, name: str) -> str:
        return origins.who(name, events.get((filing.key, column), ""))

    return who


def get_filing(session: Session, key: str, incident_ref: str | None = None) -> Filing:
    return tracker(session, incident_ref).find(key)


def _default_count(owed: OwedFiling, incident: Incident) -> int:
    state = owed.jurisdiction
    return incident.residents(state) if state in US_STATES else incident.total_affected


def letter_values(session: Session, owed: OwedFiling, incident: Incident,
                  count: int) -> dict[str, Any]:
    """The letter's values: the incident's recorded facts plus this filing's recipient."""
    values = dict(facts_for(session, incident.id))
    state = owed.jurisdiction
    values.update({
        "regulator_name": owed.office, "regulator_address": owed.recipient.address,
        "state_name": US_STATES.get(state, state), "state_law": owed.obligation.rule.citation,
        "residents_affected": count,
        "contact_name": ", ".join(p for p in (values.get("signer_name", ""),
                                              values.get("signer_title", "")) if p),
    })
    if owed.sample_notice:
        values["enclosure"] = SAMPLE_ENCLOSURE
    return {k: v for k, v in values.items() if v not in (None, "")}


def prepare(session: Session, key: str, *, count: int | None = None,
            incident_ref: str | None = None) -> Filing:
    session.require(Role.OPERATOR, "prepare filings")
    report = tracker(session, incident_ref)
    filing = report.find(key)
    owed, incident = filing.owed, report.incident
    if filing.sent:
        raise ValidationError(f"{filing.key} was already sent; it cannot be prepared again.",
                              {"key": "sent"})
    number = _default_count(owed, incident) if count is None else count
    check_count(number, incident.total_affected)
    template_key, version, content = "", 0, ELSEWHERE.get(owed.kind, "")
    if owed.kind in LETTER_KINDS:
        approved = template_service.require_approved(session, LETTER_TEMPLATE)
        rendered = template_service.render_approved(
            session, approved, letter_values(session, owed, incident, number))
        template_key, version, content = approved.key, approved.version, rendered.text
    record = FilingRecord(key=owed.key, count=number, template_key=template_key,
                          template_version=version, content=content)
    again = filing.record is not None and bool(filing.record.prepared_at)
    with session.action("filing.prepare", "filing", owed.key,
                        f"{'Prepared again' if again else 'Prepared'} filing {owed.key}") as act:
        record = dataclasses.replace(record, prepared_at=act.at,
                                     prepared_by=session.operator.name)
        store.put(session.db, incident.id, record, act.at, session.operator.name)
        source = f" from {template_key} v{version}" if template_key else ""
        _timeline(session, act, incident.id,
                  f"{owed.title}: prepared{source} ({number:,} counted); to {owed.office}"
                  + (" (prepared again: needs approval again)" if again else "") + ".")
    return get_filing(session, owed.key, incident.id)


def approve(session: Session, key: str, *, incident_ref: str | None = None) -> Filing:
    session.require(Role.APPROVER, "approve filings")
    report = tracker(session, incident_ref)
    filing = report.find(key)
    check_approve(filing)
    assert filing.record is not None
    with session.action("filing.approve", "filing", filing.key,
                        f"Approved filing {filing.key}") as act:
        record = dataclasses.replace(filing.record, approved_at=act.at,
                                     approved_by=session.operator.name)
        store.put(session.db, report.incident.id, record, act.at, session.operator.name)
        _timeline(session, act, report.incident.id,
                  f"{filing.owed.title}: approved by {session.operator.name}.")
    return get_filing(session, filing.key, report.incident.id)


def mark_sent(session: Session, key: str, sent_on: dt.date, how: str, *, sent_by: str = "",
              confirmation: str = "", incident_ref: str | None = None) -> Filing:
    session.require(Role.OPERATOR, "record filings sent")
    report = tracker(session, incident_ref)
    filing = report.find(key)
    method = parse_how(how)
    check_send(filing, sent_on, report.today, report.incident.discovered_on)
    assert filing.record is not None
    who = " ".join(sent_by.split()) or session.operator.name
    record = dataclasses.replace(filing.record, sent_on=sent_on, sent_how=method.value,
                                 sent_by=who)
    if confirmation.strip():
        record = dataclasses.replace(record, confirmation=check_confirmation(
            dataclasses.replace(filing, record=record), confirmation))
    incident = report.incident
    with session.action("filing.sent", "filing", filing.key,
                        f"Marked filing {filing.key} sent on {sent_on.isoformat()}") as act:
        store.put(session.db, incident.id, record, act.at, session.operator.name)
        ref = f", confirmation {record.confirmation}" if record.confirmation else ""
        _timeline(session, act, incident.id,
                  f"{filing.owed.title}: sent on {sent_on.isoformat()} by {method.value} "
                  f"({who}){ref}.")
        _complete_obligation(session, act.at, report, filing, record)
    return get_filing(session, filing.key, incident.id)


def _complete_obligation(session: Session, at: str, report: FilingReport, filing: Filing,
                         record: FilingRecord) -> None:
    """When the last filing of an obligation is sent, the obligation is done (same action)."""
    wanted = obligation_key(filing.key)
    siblings = [record if f.key == filing.key else f.record for f in report.filings
                if obligation_key(f.key) == wanted]
    if any(r is None or r.sent_on is None for r in siblings):
        return
    days = [r.sent_on for r in siblings if r is not None and r.sent_on is not None]
    refs = "; ".join(r.confirmation for r in siblings if r is not None and r.confirmation)
    completion = Completion(max(days), refs, "recorded by the filing tracker",
                            session.operator.name)
    incident_store.put_completion(session.db, report.incident.id, wanted, completion, at,
                                  session.operator.name)


def set_confirmation(session: Session, key: str, confirmation: str, *,
                     incident_ref: str | None = None) -> Filing:
    session.require(Role.OPERATOR, "record confirmation numbers")
    report = tracker(session, incident_ref)
    filing = report.find(key)
    text = check_confirmation(filing, confirmation)
    assert filing.record is not None
    with session.action("filing.confirmation", "filing", filing.key,
                        f"Recorded the confirmation number of filing {filing.key}") as act:
        record = dataclasses.replace(filing.record, confirmation=text)
        store.put(session.db, report.incident.id, record, act.at, session.operator.name)
        _timeline(session, act, report.incident.id,
                  f"{filing.owed.title}: confirmation number {text}.")
        _complete_obligation(session, act.at, report, filing, record)
    return get_filing(session, filing.key, report.incident.id)


def mark_acknowledged(session: Session, key: str, on: dt.date, *,
                      incident_ref: str | None = None) -> Filing:
    session.require(Role.OPERATOR, "record acknowledgements")
    report = tracker(session, incident_ref)
    filing = report.find(key)
    check_acknowledged(filing, on, report.today)
    assert filing.record is not None
    with session.action("filing.acknowledged", "filing", filing.key,
                        f"Marked filing {filing.key} acknowledged") as act:
        record = dataclasses.replace(filing.record, acknowledged_on=on)
        store.put(session.db, report.incident.id, record, act.at, session.operator.name)
        _timeline(session, act, report.incident.id,
                  f"{filing.owed.title}: acknowledged on {on.isoformat()}.")
    return get_filing(session, filing.key, report.incident.id)


def _timeline(session: Session, act: Any, incident_id: str, text: str) -> None:
    timeline_service.record_in_action(session, act, text, category=Category.COMMUNICATION,
                                      source="filings", incident_id=incident_id)


# --- reading out ---------------------------------------------------------------------------

EXPORT_HEADER = ("key", "kind", "state", "notice", "to", "address", "how to send", "due",
                 "step", "count", "prepared by", "approved by", "sent on", "sent how",
                 "sent by", "confirmation", "acknowledged on")


def filing_row(filing: Filing) -> list[object]:
    r = filing.record or FilingRecord(filing.key)
    o = filing.owed
    return [o.key, o.kind.value, o.jurisdiction, o.obligation.title, o.office,
            o.recipient.address, o.recipient.submit, o.due.isoformat() if o.due else "",
            filing.stage.value, r.count or "", r.prepared_by, r.approved_by,
            r.sent_on.isoformat() if r.sent_on else "", r.sent_how, r.sent_by, r.confirmation,
            r.acknowledged_on.isoformat() if r.acknowledged_on else ""]


def export_csv(session: Session, path: Path, incident_ref: str | None = None) -> int:
    """The tracker as a spreadsheet-safe CSV (no audit entry: nothing on the desk changes)."""
    report = tracker(session, incident_ref)
    return write_csv(path, EXPORT_HEADER, (filing_row(f) for f in report.filings))


def dashboard_summary(session: Session) -> DashboardSummary:
    """The overdue filings for the Dashboard, most overdue first, then the substitute-notice
    warnings (a posting or toll-free line about to lapse); counts when nothing is late."""
    from crisisdesk.services import incidents as incident_service
    from crisisdesk.services import substitute_notice as substitute_service

    if incident_service.current_incident(session) is None:
        return DashboardSummary.text("No incident yet.")
    report = tracker(session)
    overdue = sorted(report.overdue, key=lambda f: f.owed.due or dt.date.max)
    sent = sum(1 for f in report.filings if f.sent)
    rows = [("Owed", f"{len(report.filings)} ({sent} sent)")]
    warnings = [
        f"{f.owed.title} ({f.owed.office}) was due {f.owed.due.isoformat()} "
        f"({-(f.days_left(report.today) or 0)} days late; {f.stage.value})"
        for f in overdue if f.owed.due]
    if not overdue:
        rows.append(("Overdue", "none"))
    reminders = substitute_service.status(session, report.incident.id).reminders
    warnings += [r.text for r in reminders if r.warning]
    return DashboardSummary(tuple(rows), tuple(warnings))
