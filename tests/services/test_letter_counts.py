"""Nobody silently lost: every affected person on the list counts in the incident, and people
without a usable or current address (returned mail included) count toward substitute notice."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY, LetterStatus
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.letters import report as letter_report
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list

SUMMARY_1000 = ("1,000 people: 600 with a usable address, 400 insufficient address "
                "(substitute notice), 0 set aside; counted in the incident: 1,000")


@pytest.fixture
def incident(session: Session) -> str:
    return letter_desk(session)


def zip_zero_rows(n: int, start: int, state: str) -> list[str]:
    """What a re-saved EHR export holds for "no ZIP": the number 0."""
    return [f"Zed{i},Nozip{i},1971-02-{1 + i % 28:02d},,{200 + i} Oak St,Springfield,{state},0,"
            ",,,,,," for i in range(start, start + n)]


def thousand_rows() -> list[str]:
    return [*adult_rows(500), *adult_rows(100, start=500, state="TX", zip_code="75201"),
            *zip_zero_rows(300, 0, "IL"), *zip_zero_rows(100, 300, "")]


def test_a_thousand_rows_with_400_zip_zero_all_count(session: Session, incident: str,
                                                     tmp_path: Path) -> None:
    path = write_list(tmp_path / "ehr-export.csv", thousand_rows())
    report = letter_service.import_recipients(session, path)  # no --set-aside-invalid
    assert (report.imported, report.set_aside, report.counted) == (1000, 0, 1000)
    assert report.summary == SUMMARY_1000
    now = incident_service.get_incident(session, incident)
    assert dict(now.affected_by_state) == {"IL": 800, "TX": 100}
    assert now.affected_unknown_residence == 100
    position = letter_service.classification(session)
    assert position.counts["insufficient"] == 400
    sub = position.substitute
    assert (sub.kind, sub.insufficient, sub.no_address) == ("10-or-more", 400, 400)
    assert "major print or broadcast media, with a toll-free number" in sub.text
    assert report.substitute == sub
    obligation = clock_service.deadlines(session).find(SUBSTITUTE_OBLIGATION_KEY)
    assert obligation.count == 400
    assert "toll-free number" in obligation.title
    audit = [e for e in audit_store.iter_entries(session.db) if e.action == "letters.import"]
    assert SUMMARY_1000 in audit[-1].summary
    assert "Zed" not in audit[-1].summary

    counsel = letter_report.counsel_report(session)
    assert (counsel.counted, counsel.incident_total) == (1000, 1000)
    assert counsel.total.people.get("insufficient") == 400
    assert counsel.total.rows == 1000
    assert counsel.substitute == sub


def test_the_counts_report_pdf_says_the_same(session: Session, incident: str,
                                             tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from crisisdesk.printing.letter_report import write_pdf
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", thousand_rows()))
    path = tmp_path / "counts.pdf"
    letter_report.save_counsel_report(session, path, write_pdf)
    first = unicodedata.normalize("NFKC", pypdf.PdfReader(str(path)).pages[0].extract_text())
    summary = " ".join(first.split())
    assert "Affected people counted 1,000 (incident total 1,000)" in summary
    assert "Insufficient address 400" in summary
    assert ("Substitute notice required: website posting for 90 days or major print/broadcast "
            "media, with a toll-free number active 90 days") in summary
    assert "400 people without a usable or current address" in summary


# -- the invariant: the incident never counts fewer people than the list holds --------------

ROW_KINDS = {
    "good": "P{i},Good{i},1970-01-01,,{i} Elm St,Springfield,IL,62701,,,,,,,",
    "zip0": "P{i},Zip{i},1970-01-01,,{i} Elm St,Austin,TX,0,,,,,,,",
    "no_street": "P{i},Street{i},1970-01-01,,,Austin,TX,75201,,,,,,,",
    "bad_state": "P{i},State{i},1970-01-01,,{i} Elm St,Oz,Narnia,62701,,,,,,,",
    "wrong_state_zip": "P{i},Wrong{i},1970-01-01,,{i} Elm St,Boston,MA,90210,,,,,,,",
    "duplicate": "Pat,Twin,1970-01-01,,1 Elm St,Springfield,IL,62701,,,,,,,",
    "deceased": "P{i},Dead{i},1940-01-01,2025-01-01,{i} Elm St,Springfield,IL,62701,,,,,,,",
    "no_name": ",,1970-01-01,,{i} Elm St,Springfield,IL,62701,,,,,,,",
    "bad_date": "P{i},Date{i},1970-02-31,,{i} Elm St,Dallas,TX,75201,,,,,,,",
}
_case = itertools.count()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(ROW_KINDS)), min_size=1, max_size=25))
def test_the_incident_never_counts_fewer_than_the_people_imported(
        session: Session, incident: str, tmp_path: Path, kinds: list[str]) -> None:
    n = next(_case)
    iid = incident_service.create_incident(
        session, title=f"Case {n}", kind=IncidentKind.RANSOMWARE,
        discovered_on=dt.date(2026, 3, 2)).id  # made the current incident
    rows = [ROW_KINDS[k].format(i=i) for i, k in enumerate(kinds)]
    report = letter_service.import_recipients(session, write_list(tmp_path / f"{n}.csv", rows),
                                              date_format="YYYY-MM-DD",
                                              set_aside_invalid=True)
    bad = sum(k in ("no_name", "bad_date") for k in kinds)
    assert (report.imported, report.set_aside) == (len(kinds) - bad, bad)
    duplicates = max(0, kinds.count("duplicate") - 1)
    distinct = report.imported - duplicates
    now = incident_service.get_incident(session, iid)
    total = sum(now.affected_by_state.values()) + now.affected_unknown_residence
    assert total >= distinct + report.set_aside
    assert total == report.counted == len(kinds) - duplicates
    unusable = sum(k in ("zip0", "no_street", "bad_state", "wrong_state_zip") for k in kinds)
    sub = letter_service.classification(session, iid).substitute
    assert (sub.no_address, sub.set_aside) == (unusable, bad)


# -- returned mail -----------------------------------------------------------------------------

NO_ADDRESS = "Lost{i},Person{i},1970-01-01,,,,,,,,,,,,"


def _mailed(session: Session, tmp: Path, rows: list[str]) -> list[str]:
    letter_service.import_recipients(session, write_list(tmp / "list.csv", rows))
    add_codes(session, tmp, len(rows))
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED)
    return [r[0] for r in session.db.execute("SELECT reference FROM letters ORDER BY seq")]


def _timeline(session: Session) -> list[str]:
    return [line.entry.text for line in timeline_service.list_entries(session)]


def test_ten_returned_letters_raise_substitute_notice_and_remailing_lowers_it(
        session: Session, incident: str, tmp_path: Path) -> None:
    refs = _mailed(session, tmp_path, [*adult_rows(12), NO_ADDRESS.format(i=0)])

    def kind() -> tuple[str, int]:
        sub = letter_service.classification(session).substitute
        return sub.kind, sub.insufficient

    assert kind() == ("fewer-than-10", 1)
    for ref in refs[:8]:
        mailing_log.mark_returned(session, ref)
    assert kind() == ("fewer-than-10", 9)
    assert not any(t.startswith("Returned mail") for t in _timeline(session))
    mailing_log.mark_returned(session, refs[8])
    assert kind() == ("10-or-more", 10)
    raised = [t for t in _timeline(session) if t.startswith("Returned mail")]
    assert raised == ["Returned mail raised substitute notice to the 10-or-more kind (10 "
                      "people: 1 without a usable address, 9 letters returned with no new "
                      "address)."]
    entry = [e for e in audit_store.iter_entries(session.db)][-1]
    assert entry.action == "letters.mark_returned"  # the entry came with the return itself
    mailing_log.mark_returned(session, refs[9])
    assert kind() == ("10-or-more", 11)
    deadline = clock_service.deadlines(session).find(SUBSTITUTE_OBLIGATION_KEY)
    assert deadline.count == 11
    assert "toll-free number" in deadline.title
    assert letter_service.status_counts(session)["substitute_notice"].startswith(
        "10 or more (11 people)")
    assert letter_report.counsel_report(session).substitute.returned == 10

    new_home = mailing_log.Address("5 New Rd", "", "Springfield", "IL", "62704")
    mailing_log.remail(session, refs[0], new_home)
    assert kind() == ("10-or-more", 10)
    mailing_log.remail(session, refs[1], new_home)
    assert kind() == ("fewer-than-10", 9)
    lowered = [t for t in _timeline(session) if t.startswith("Re-mailing")]
    assert lowered == ["Re-mailing lowered substitute notice to the fewer-than-10 kind (9 "
                       "people: 1 without a usable address, 8 letters returned with no new "
                       "address)."]
    assert clock_service.deadlines(session).find(SUBSTITUTE_OBLIGATION_KEY).title == (
        "Substitute notice: alternative written notice, telephone or other means")


def test_a_returned_letter_to_next_of_kin_never_counts(session: Session, incident: str,
                                                       tmp_path: Path) -> None:
    _mailed(session, tmp_path, [
        "George,Brown,1940-07-07,2025-12-01,9 Pine Rd,Austin,TX,73301,,,Linda Brown,"
        "77 Birch Ln,Austin,TX,78701", *adult_rows(1)])
    refs = dict(session.db.execute("SELECT variant, reference FROM letters").fetchall())
    mailing_log.mark_returned(session, refs["deceased"])
    assert letter_service.classification(session).substitute.insufficient == 0
    mailing_log.mark_returned(session, refs["adult"])
    assert letter_service.classification(session).substitute.returned == 1
