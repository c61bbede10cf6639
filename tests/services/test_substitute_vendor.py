"""Substitute notice as carried out (posting, placements, toll-free line, reminders) and the
monitoring vendor exchange (eligibility out, enrolments in, rate by state)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.substitute_plan import MediaPlacement, SubstitutePlan, reminders
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services import vendor_exchange as vendor_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from crisisdesk.store import vendor_exchange as vendor_store
from tests.support.crisis import audit_count
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list

D = dt.date


# --- substitute notice -----------------------------------------------------------------------

def test_reminders_warn_before_the_posting_and_the_line_lapse() -> None:
    plan = SubstitutePlan("https://example.org/notice", D(2026, 3, 10), "1-833-555-0142",
                          D(2026, 6, 1), (MediaPlacement("m", "Tribune", D(2026, 3, 5)),))
    assert plan.web_posted_until == D(2026, 6, 8)  # 90 days from posting
    assert plan.hotline_required_until == D(2026, 6, 3)  # 90 days from the first notice
    found = reminders(plan, True, D(2026, 3, 20))
    # the line is booked to June 1, two days short: a warning whatever the date
    assert found[0].warning
    assert "open only until 2026-06-01; it must stay open until 2026-06-03" in found[0].text
    posting = next(r for r in found if "web posting" in r.text)
    assert not posting.warning  # 80 days left: a note, not yet a warning
    late = next(r for r in reminders(plan, True, D(2026, 5, 30)) if "web posting" in r.text)
    assert late.warning
    assert "(9 days left)" in late.text


def test_a_required_substitute_notice_with_nothing_recorded_warns_twice() -> None:
    found = reminders(SubstitutePlan(), True, D(2026, 3, 20))
    assert [r.warning for r in found] == [True, True]
    assert reminders(SubstitutePlan(), False, D(2026, 3, 20)) == []


def test_posting_placement_and_line_are_each_one_audited_action(session: Session) -> None:
    incident = letter_desk(session)
    before = audit_count(session)
    substitute_service.set_web_posting(session, "https://example.org/notice", D(2026, 3, 10))
    substitute_service.add_media_placement(session, "Springfield Tribune", D(2026, 3, 11))
    status = substitute_service.set_hotline(session, "(833) 555-0142", D(2026, 7, 1))
    assert audit_count(session) == before + 3
    assert status.plan.hotline_number == "1-833-555-0142"
    assert status.plan.placements[0].outlet == "Springfield Tribune"
    assert status.plan.hotline_required_until == D(2026, 6, 8)
    lines = [e.text for e in timeline_service.latest_entries(session, incident, 5)
             if e.source == "substitute notice"]
    assert len(lines) == 3


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: substitute_service.set_hotline(s, "217-555-0100", D(2026, 7, 1)),
     "not a US toll-free number"),
    (lambda s: substitute_service.set_web_posting(s, "not a url", D(2026, 3, 10)),
     "not a web address"),
    (lambda s: substitute_service.set_web_posting(s, "https://example.org", D(2026, 4, 1)),
     "in the future"),
    (lambda s: substitute_service.add_media_placement(s, "  ", D(2026, 3, 10)), "Name the outlet"),
])
def test_bad_substitute_input_saves_nothing(session: Session, call: object, message: str) -> None:
    letter_desk(session)
    before = audit_count(session)
    with pytest.raises(ValidationError, match=message):
        call(session)  # type: ignore[operator]
    assert audit_count(session) == before


# --- the monitoring vendor -------------------------------------------------------------------

@pytest.fixture
def lettered(session: Session, tmp_path: Path) -> dict[str, str]:
    """Six adults in Illinois and a child in Indiana with letters carrying codes:
    {reference: state}."""
    incident = letter_desk(session)
    rows = [*adult_rows(6), "Kid,Tester,2015-05-05,,9 Oak St,Gary,IN,46401,,Parent Tester,,,,,"]
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", rows))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 10)
    letter_service.create_batch(session)
    return vendor_store.eligible_states(session.db, incident)


def test_the_eligibility_file_has_the_vendor_fields_and_flags_the_minor(
        session: Session, lettered: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "eligibility.csv"
    before = audit_count(session)
    assert vendor_service.export_eligibility(session, path) == 7
    assert audit_count(session) == before + 1
    lines = path.read_text("utf-8-sig").splitlines()
    assert lines[0] == ("reference,name,address_line1,address_line2,city,state,zip,"
                        "date_of_birth,minor,code")
    kid = next(line for line in lines if "Kid Tester" in line)
    assert ",IN,46401,2015-05-05,Y,AB" in kid
    adult = next(line for line in lines if "Pat0 Tester0" in line)
    assert ",1970-01-01,N,AB" in adult


def enrolment_file(path: Path, rows: list[str]) -> Path:
    path.write_text("Member Reference,Enrollment Date\n" + "\n".join(rows) + "\n")
    return path


def test_enrolments_come_back_by_reference_and_give_the_rate_by_state(
        session: Session, lettered: dict[str, str], tmp_path: Path) -> None:
    il = [r for r, s in lettered.items() if s == "IL"]
    summary = vendor_service.import_enrolments(session, enrolment_file(
        tmp_path / "in.csv", [f"{il[0]},2026-03-15", f"{il[1]},03/16/2026"]))
    assert (summary.applied, summary.new) == (2, 2)
    rates = {r.state: (r.eligible, r.enrolled) for r in summary.rates}
    assert rates == {"IL": (6, 2), "IN": (1, 0), "all": (7, 2)}


def test_an_unknown_reference_is_named_by_line_and_nothing_is_applied(
        session: Session, lettered: dict[str, str], tmp_path: Path) -> None:
    known = next(iter(lettered))
    before = audit_count(session)
    with pytest.raises(UserError) as err:
        vendor_service.import_enrolments(session, enrolment_file(
            tmp_path / "in.csv", [f"{known},2026-03-15", "CD99999997,2026-03-15"]))
    assert "line 3: unknown reference CD99999997" in str(err.value)
    assert "\n" not in str(err.value)
    assert audit_count(session) == before
    assert vendor_store.enrolled(session.db, session.db.execute(
        "SELECT id FROM incidents").fetchone()[0]) == {}



def test_purging_the_patient_list_also_removes_the_enrolments(
        session: Session, lettered: dict[str, str], tmp_path: Path) -> None:
    reference = next(iter(lettered))
    vendor_service.import_enrolments(session, enrolment_file(
        tmp_path / "in.csv", [f"{reference},2026-03-15"]))
    incident = session.db.execute("SELECT id FROM incidents").fetchone()[0]
    assert vendor_store.enrolled(session.db, incident) != {}
    removed = letter_service.purge_recipients(session, incident)
    assert removed["vendor_enrolments"] == 1
    assert vendor_store.enrolled(session.db, incident) == {}
