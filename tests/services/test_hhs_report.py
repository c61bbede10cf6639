"""The HHS breach report: every portal field for the demo incident, filled from the desk's own
records, with only what nobody recorded listed as missing; answers checked all-or-nothing;
versions that keep the earlier report; the annual log of breaches under 500."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.breach_assessment import Factor
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.filings import FilingKind
from crisisdesk.domain.hhs_report import (
    ADDENDUM,
    FIELDS,
    INITIAL,
    SECTIONS,
)
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.printing.hhs_report import annual_log_html, report_html
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.services import breach_assessment as assess
from crisisdesk.services import desk as desk_service
from crisisdesk.services import filings as filing_service
from crisisdesk.services import hhs_report as hhs
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import recipients as recipient_store
from tests.support.crisis import freeze, open_incident
from tests.support.desk import FAST_KDF
from tests.support.pdf import read

# What the demo desk does not record anywhere, so the report must ask for it: the kind of
# covered entity, whether a business associate was involved, the safeguards in place, when
# the breach ended (the demo incident is still open, not contained) and when discovery ended,
# when the mailing will end, and the dates of the substitute and media notices.
DEMO_UNKNOWN = {"ce_type", "ba_involved", "safeguards", "breach_end", "discovery_end",
                "notice_end", "substitute_date", "media_date"}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Session]:
    data_dir = tmp_path / "demo"
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    session = desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    yield session
    session.close()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_demo_worksheet_has_every_portal_field_and_only_the_unknown_missing(
        demo: Session, tmp_path: Path) -> None:
    incident = incident_service.current_incident(demo)
    assert incident is not None
    assert incident.breach_ended_on is None
    assert incident.contained_on is None
    report = hhs.draft(demo)
    assert [v.field.key for v in report.values] == [f.key for f in FIELDS]
    assert {f.key for f in report.missing} == DEMO_UNKNOWN

    by_state, listed = recipient_store.people_by_state(demo.db, incident.id)
    assert int(report.value("individuals").value) == max(incident.total_affected,
                                                         sum(by_state.values()) + listed)
    d = incident.discovered_on
    assert report.value("discovery_start").text == f"{d.month:02d}/{d.day:02d}/{d.year}"
    assert report.value("breach_type").value == "Hacking/IT Incident"
    assert report.value("media_states").value == ", ".join(
        sorted(s for s, n in incident.affected_by_state.items() if n > 500))
    holder = role_service.current_holder(demo, "privacy")
    assert holder is not None
    assert report.value("attest_name").value == holder.slot.person.name
    assert not report.value("ba_name").applies
    assert not report.value("ba_name").missing

    pdf = tmp_path / "hhs.pdf"
    html_to_pdf(report_html(demo), pdf, title="HHS breach report")
    _texts, pages = read(pdf)
    whole = _squash(" ".join(pages))
    for f in FIELDS:
        assert f.label in whole, f"{f.label!r} is not in the PDF"
    assert len(pages) == len(SECTIONS)  # one page per portal section
    for n, (page, name) in enumerate(zip(pages, SECTIONS, strict=True), start=1):
        assert f"{n}. {name}" in _squash(page)
    assert incident.id not in whole
    assert "Z" not in re.findall(r"\d{2}:\d{2}\s?(\S+)", whole)


def test_answers_fill_the_gaps_and_a_bad_one_saves_nothing(session: Session) -> None:
    freeze(session)
    open_incident(session)
    before = len(audit_store.entries(session.db))
    with pytest.raises(ValidationError, match="ba_involved: 'maybe' is not one of"):
        hhs.set_answers(session, {"ce_type": "provider", "ba_involved": "maybe"})
    with pytest.raises(ValidationError, match="not a field"):
        hhs.set_answers(session, {"colour": "blue"})
    assert len(audit_store.entries(session.db)) == before
    assert "ce_type" in {f.key for f in hhs.draft(session).missing}

    report = hhs.set_answers(session, {"ce_type": "provider", "ba_involved": "yes",
                                       "safeguards": "technical; privacy"})
    assert report.value("ce_type").value == "Healthcare Provider"
    assert report.value("safeguards").value.startswith("Privacy Rule")  # portal order
    assert "ba_name" in {f.key for f in report.missing}  # now it applies
    assert report.value("ce_type").source == "entered by alex"


def test_the_count_is_never_below_the_people_we_were_given(session: Session) -> None:
    from crisisdesk.domain.recipients import Address, RecipientFields
    from crisisdesk.services.letters.imports import add_recipients

    open_incident(session, affected_by_state={"TX": 1})
    people = [RecipientFields(name=f"Person {n}", address=Address(
        "1 Main St", "", "Austin", "TX", "78701")) for n in range(3)]
    add_recipients(session, people)
    assert hhs.draft(session).value("individuals").value == "3"
    with pytest.raises(ValidationError, match="fewer than the 3 people"):
        hhs.set_answers(session, {"individuals": "2"})


def test_an_addendum_keeps_the_earlier_report(session: Session) -> None:
    freeze(session)
    open_incident(session)
    hhs.set_answers(session, {"ce_type": "provider"})
    first = hhs.save_version(session)
    assert (first.version, first.report_type) == (1, INITIAL)
    hhs.set_answers(session, {"ce_type": "plan"})
    assert hhs.draft(session).report_type == ADDENDUM
    second = hhs.save_version(session)
    texts = [line.entry.text for line in timeline_service.list_entries(session)]
    assert any("HHS breach report version 2 (Addendum to Previous Report) kept as filed" in t
               for t in texts)
    assert (second.version, second.report_type) == (2, ADDENDUM)
    kept = hhs.saved_versions(session)
    assert kept[0].value("ce_type").value == "Healthcare Provider"
    assert kept[1].value("ce_type").value == "Health Plan"
    with pytest.raises(ValidationError, match="addendum"):
        hhs.set_answers(session, {"report_type": "initial"})


def test_the_annual_log_lists_each_small_breach_of_the_year_once(session: Session) -> None:
    freeze(session, dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    small = open_incident(session, title="Misdirected fax", kind=IncidentKind.DATA_BREACH,
                          discovered_on=dt.date(2026, 2, 3), affected_by_state={"TX": 12})
    open_incident(session, title="Lost chart", kind=IncidentKind.DATA_BREACH,
                  discovered_on=dt.date(2026, 5, 1), affected_by_state={"TX": 3})
    open_incident(session, title="Big one", discovered_on=dt.date(2026, 3, 2),
                  affected_by_state={"TX": 900})
    open_incident(session, title="Last year", kind=IncidentKind.DATA_BREACH,
                  discovered_on=dt.date(2025, 6, 1), affected_by_state={"TX": 5})
    cleared = open_incident(session, title="Encrypted laptop", kind=IncidentKind.DATA_BREACH,
                            discovered_on=dt.date(2026, 7, 1), affected_by_state={"TX": 40})
    for factor in Factor:
        if factor is Factor.NATURE:
            assess.start_version(session, cleared)
        assess.add_fact(session, factor, f"{factor.value}: documented", cleared)
    assess.conclude(session, "low-probability", "Laptop encrypted with AES-256; key held "
                    "separately; recovered unopened.", cleared)
    assess.sign(session, cleared)

    log = hhs.annual_log(session, 2026)
    assert [e.title for e in log.entries] == ["Misdirected fax", "Lost chart"]
    assert log.entries[0].incident_id == small
    assert log.entries[0].individuals == 12
    assert log.due == dt.date(2027, 3, 1)
    assert hhs.annual_log(session, 2027).due == dt.date(2028, 2, 29)
    html = annual_log_html(session, 2026)
    assert "Misdirected fax" in html
    assert "Big one" not in html
    assert small not in html


def test_substitute_and_media_notice_dates_come_from_what_was_recorded(demo: Session) -> None:
    incident = incident_service.current_incident(demo)
    assert incident is not None
    posted = incident.discovered_on + dt.timedelta(days=2)
    substitute_service.set_web_posting(demo, "https://example.org/notice", posted)
    media = [f for f in filing_service.tracker(demo).filings if f.owed.kind is FilingKind.MEDIA]
    assert media, "the demo incident owes media notice"
    sent_on = incident.discovered_on + dt.timedelta(days=3)
    filing_service.prepare(demo, media[0].key)
    filing_service.approve(demo, media[0].key)
    filing_service.mark_sent(demo, media[0].key, sent_on, "press")

    report = hhs.draft(demo)
    assert report.value("substitute_date").value == posted.isoformat()
    assert report.value("media_date").value == sent_on.isoformat()
    assert {f.key for f in report.missing} == DEMO_UNKNOWN - {"substitute_date", "media_date"}
