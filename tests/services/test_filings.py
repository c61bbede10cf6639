"""The filing tracker: exactly the notices the rules data requires, each step in order, one
audit entry and one timeline line per step, and bad input refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import filings as filing_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store import filings as filing_store
from tests.support.crisis import TODAY, audit_count, freeze, open_incident

FIVE_STATES = {"IL": 14_210, "IN": 2_380, "WI": 640, "CA": 300, "NY": 6_000}
DISCOVERED = dt.date(2026, 3, 2)


def desk_details(session: Session) -> None:
    for key, value in (("public_postal_address", "100 River Road, Springfield, IL 62701"),
                       ("public_phone", "1-833-555-0142"),
                       ("public_email", "privacy@riverside.example"),
                       ("signer_name", "Maria Lopez"), ("signer_title", "Privacy Officer")):
        settings_service.set(session, key, value)


@pytest.fixture
def incident(session: Session) -> str:
    freeze(session)
    desk_details(session)
    return open_incident(session, discovered_on=DISCOVERED, affected_by_state=FIVE_STATES,
                         summary="someone locked our file servers with ransomware")


def test_five_states_owe_exactly_the_filings_the_rules_require_each_dated(
        session: Session, incident: str) -> None:
    report = filing_service.tracker(session)
    owed = {f.key: f.owed.due for f in report.filings}
    day60, hhs5 = dt.date(2026, 5, 1), dt.date(2026, 5, 8)  # 5 business days after HHS
    assert owed == {
        "hipaa.hhs": day60,  # 23,530 in total: 500 or more
        # more than 500 residents: IL, IN, WI, NY (CA has 300)
        "hipaa.media.IL": day60, "hipaa.media.IN": day60, "hipaa.media.WI": day60,
        "hipaa.media.NY": day60,
        "state.IL.ag": day60, "state.IL.ag_hipaa": hhs5,  # > 500; and the HIPAA copy
        "state.IN.ag": day60,  # any resident, with the resident notice
        "state.IN.cra:equifax": day60, "state.IN.cra:experian": day60,
        "state.IN.cra:transunion": day60,  # more than 1,000 Indiana residents
        "state.NY.ag:ag": hhs5, "state.NY.ag:dos": hhs5, "state.NY.ag:police": hhs5,
        "state.NY.cra:equifax": day60, "state.NY.cra:experian": day60,
        "state.NY.cra:transunion": day60,  # more than 5,000 New York residents
    }  # CA: 300 is not more than 500, so no AG sample; WI has no regulator notice
    kinds = {f.key: f.owed.kind.value for f in report.filings}
    assert kinds["hipaa.hhs"] == "hhs"
    assert kinds["state.IN.cra:equifax"] == "cra"
    assert {f.owed.office for f in report.filings if f.key.startswith("state.NY.ag")} == {
        "New York State Attorney General, Bureau of Internet and Technology",
        "New York Department of State, Division of Consumer Protection",
        "New York State Police"}


def test_a_filing_moves_prepared_approved_sent_acknowledged_with_one_audit_entry_each(
        session: Session, incident: str) -> None:
    before = audit_count(session)
    prepared = filing_service.prepare(session, "state.IL.ag")
    assert prepared.stage.value == "prepared"
    letter = prepared.record.content if prepared.record else ""
    assert "Office of the Illinois Attorney General" in letter
    assert "14,210 residents of Illinois" in letter
    assert prepared.record
    assert prepared.record.template_key == "state-ag-cover-letter-en"
    approved = filing_service.approve(session, "state.IL.ag")
    assert approved.stage.value == "approved"
    assert approved.record
    assert approved.record.approved_by == "alex"
    sent = filing_service.mark_sent(session, "state.IL.ag", TODAY, "portal",
                                    confirmation="IL-2026-0042")
    assert sent.stage.value == "sent"
    assert sent.record
    assert sent.record.confirmation == \
        "IL-2026-0042"
    acked = filing_service.mark_acknowledged(session, "state.IL.ag", TODAY)
    assert acked.stage.value == "acknowledged"
    assert audit_count(session) == before + 4
    lines = [e.text for e in timeline_service.latest_entries(session, incident, 10)
             if e.source == "filings"]
    assert len(lines) == 4
    assert any("IL-2026-0042" in line for line in lines)
    # sending it completed the obligation on the deadlines list, with the confirmation
    done = clock_service.deadlines(session).find("state.IL.ag").done
    assert done is not None
    assert done.done_on == TODAY
    assert done.reference == "IL-2026-0042"


def test_the_letter_leaves_out_every_sentence_whose_fact_is_not_recorded(
        session: Session, incident: str) -> None:
    text = filing_service.prepare(session, "state.IN.ag").record.content  # type: ignore[union-attr]
    for claim in ("stopped on", "reported the incident", "Health and Human Services",
                  "were mailed", "credit monitoring"):
        assert claim not in text
    assert "Enclosed is a sample of the notice sent to residents" in text  # IN asks for one
    il = filing_service.prepare(session, "state.IL.ag").record.content  # type: ignore[union-attr]
    assert "Enclosed" not in il  # Illinois does not


def test_a_state_filing_owed_to_several_offices_completes_only_when_all_are_sent(
        session: Session, incident: str) -> None:
    for office in ("ag", "dos", "police"):
        filing_service.prepare(session, f"state.NY.ag:{office}")
        filing_service.approve(session, f"state.NY.ag:{office}")
    filing_service.mark_sent(session, "state.NY.ag:ag", TODAY, "portal")
    assert clock_service.deadlines(session).find("state.NY.ag").done is None
    filing_service.mark_sent(session, "state.NY.ag:dos", TODAY, "mail")
    filing_service.mark_sent(session, "state.NY.ag:police", TODAY, "mail")
    assert clock_service.deadlines(session).find("state.NY.ag").done is not None


@pytest.mark.parametrize(("step", "message"), [
    (lambda s: filing_service.mark_sent(s, "state.IL.ag", TODAY, "portal"),
     "cannot be marked sent before it is prepared"),
    (lambda s: filing_service.set_confirmation(s, "state.IL.ag", "X-1"),
     "has not been sent: a confirmation number"),
    (lambda s: filing_service.prepare(s, "state.IL.ag", count=23_531),
     "above the incident's total of 23,530"),
    (lambda s: filing_service.tracker(s, state="XX"), "Unknown state code 'XX'"),
    (lambda s: filing_service.approve(s, "state.IL.ag"), "not prepared yet"),
])
def test_bad_input_is_one_line_and_saves_nothing(session: Session, incident: str, step: object,
                                                 message: str) -> None:
    before = audit_count(session)
    with pytest.raises(ValidationError, match=message) as err:
        step(session)  # type: ignore[operator]
    assert "\n" not in str(err.value)
    assert audit_count(session) == before
    assert filing_store.records(session.db, incident) == {}


def test_sent_before_approval_and_confirmation_on_a_prepared_filing_are_refused(
        session: Session, incident: str) -> None:
    filing_service.prepare(session, "state.IL.ag")
    before = audit_count(session)
    with pytest.raises(ValidationError, match="before it is approved"):
        filing_service.mark_sent(session, "state.IL.ag", TODAY, "portal")
    with pytest.raises(ValidationError, match="has not been sent"):
        filing_service.set_confirmation(session, "state.IL.ag", "X-1")
    assert audit_count(session) == before
    assert filing_service.get_filing(session, "state.IL.ag").stage.value == "prepared"


def test_an_unknown_filing_names_what_is_owed(session: Session, incident: str) -> None:
    with pytest.raises(NotFound, match="state.IL.ag"):
        filing_service.prepare(session, "state.TX.ag")


def test_only_an_approved_template_fills_a_filing(new_desk_session: Session) -> None:
    freeze(new_desk_session)
    open_incident(new_desk_session, discovered_on=DISCOVERED, affected_by_state=FIVE_STATES)
    with pytest.raises(UserError, match="no approved version"):
        filing_service.prepare(new_desk_session, "state.IL.ag")
    # HHS's content is the HHS report: nothing to fill, so it can be prepared
    hhs = filing_service.prepare(new_desk_session, "hipaa.hhs")
    assert hhs.owed.kind.value == "hhs"
    assert "HHS breach report" in hhs.record.content


def test_overdue_filings_are_on_the_dashboard_until_sent(session: Session,
                                                         incident: str) -> None:
    freeze(session, dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC))  # past day 60
    warnings = filing_service.dashboard_summary(session).warnings
    assert any("Office of the Illinois Attorney General" in w and "3 days late" in w
               for w in warnings)
    filing_service.prepare(session, "state.IL.ag")
    filing_service.approve(session, "state.IL.ag")
    filing_service.mark_sent(session, "state.IL.ag", dt.date(2026, 5, 4), "mail")
    warnings = filing_service.dashboard_summary(session).warnings
    assert not any(w.startswith("Illinois: notice to the Attorney General (") for w in warnings)


def test_the_tracker_exports_as_a_csv(session: Session, incident: str, tmp_path: Path) -> None:
    filing_service.prepare(session, "state.IL.ag")
    path = tmp_path / "filings.csv"
    count = filing_service.export_csv(session, path)
    text = path.read_text("utf-8-sig")
    assert count == len(filing_service.tracker(session).filings)
    assert "state.IL.ag,regulator,IL" in text
    assert "prepared" in text

