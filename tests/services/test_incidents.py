"""Incident records and deadlines as the privacy officer uses them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.incidents import (
    DelayForm,
    IncidentKind,
    IncidentStatus,
    InfoKind,
    LawEnforcementDelay,
    parse_counts,
)
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from tests.support.crisis import TODAY, audit_count, freeze, open_incident

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(session: Session) -> None:
    freeze(session)


def test_create_records_everything_and_becomes_current(session: Session) -> None:
    before = audit_count(session)
    incident = incident_service.create_incident(
        session, title="  EHR   ransomware ", kind=IncidentKind.RANSOMWARE,
        discovered_on=D(2026, 3, 2), breach_started_on=D(2026, 2, 27),
        systems_affected=["EHR", "ehr", "Email"], info_kinds=[InfoKind.SSN, InfoKind.NAMES],
        affected_by_state={"tx": 1200, "OK": 40, "NM": 0}, affected_unknown_residence=7)
    assert audit_count(session) == before + 1  # one action, one audit entry
    stored = incident_service.get_incident(session)  # the current one
    assert stored == incident
    assert stored.title == "EHR ransomware"
    assert stored.systems_affected == ("EHR", "Email")
    assert stored.info_kinds == (InfoKind.NAMES, InfoKind.SSN)
    assert stored.affected_by_state == {"OK": 40, "TX": 1200}
    assert stored.total_affected == 1247
    log = timeline_service.list_entries(session)
    assert len(log) == 1
    assert "Incident opened" in log[0].entry.text
    assert "1,247 in total" in log[0].entry.text


BAD_INPUT = [
    ({"discovered_on": TODAY + dt.timedelta(days=1)}, "discovered_on"),
    ({"breach_started_on": D(2026, 3, 1), "breach_ended_on": D(2026, 2, 28)}, "breach_ended_on"),
    ({"breach_started_on": D(2026, 3, 5)}, "breach_started_on"),  # after discovery
    ({"breach_ended_on": TODAY + dt.timedelta(days=2)}, "breach_ended_on"),
    ({"affected_by_state": {"TX": -1}}, "affected_by_state"),
    ({"affected_by_state": {"ZZ": 10}}, "affected_by_state"),
    ({"affected_unknown_residence": -3}, "affected_unknown_residence"),
    ({"title": "   "}, "title"),
    ({"delay": LawEnforcementDelay("Agent", "FBI", DelayForm.WRITTEN, D(2026, 3, 10),
                                   D(2026, 3, 9))}, "delay_until"),
    ({"delay": LawEnforcementDelay("", "FBI", DelayForm.ORAL, D(2026, 3, 10))},
     "delay_official"),
    ({"delay": LawEnforcementDelay("Agent", "FBI", DelayForm.WRITTEN, D(2026, 3, 10))},
     "delay_until"),
    ({"delay": LawEnforcementDelay("Agent", "FBI", DelayForm.ORAL, D(2026, 2, 1),
                                   D(2026, 5, 1), written_on=D(2026, 3, 4))},
     "delay_written_on"),  # written statement after the 30 days ran out
]


@pytest.mark.parametrize(("changes", "field"), BAD_INPUT)
def test_bad_input_names_the_field_and_saves_nothing(session: Session,
                                                     changes: dict[str, object],
                                                     field: str) -> None:
    before = audit_count(session)
    with pytest.raises(ValidationError) as err:
        open_incident(session, **changes)
    assert field in err.value.fields
    assert incident_service.list_incidents(session) == []
    assert audit_count(session) == before


def test_update_with_bad_input_leaves_the_record_as_it_was(session: Session) -> None:
    incident_id = open_incident(session)
    before = incident_service.get_incident(session, incident_id)
    with pytest.raises(ValidationError) as err:
        incident_service.update_incident(session, incident_id, affected_by_state={"TX": -5})
    assert "affected_by_state" in err.value.fields
    assert incident_service.get_incident(session, incident_id) == before


def test_counts_typed_on_the_command_line() -> None:
    assert parse_counts(["tx=1,200", "OK=40"]) == {"TX": 1200, "OK": 40}
    with pytest.raises(ValidationError) as err:
        parse_counts(["Texas=3"])
    assert "affected_by_state" in err.value.fields


def test_status_and_count_changes_are_logged(session: Session) -> None:
    incident_id = open_incident(session)
    incident_service.update_incident(session, incident_id, status=IncidentStatus.CONTAINED,
                                     affected_by_state={"TX": 1300})
    texts = [line.entry.text for line in timeline_service.list_entries(session)]
    assert any("from open to contained" in t for t in texts)
    assert any("Affected counts updated: 1,300 in total" in t for t in texts)
    # no change, no new entry
    count = len(texts)
    incident_service.update_incident(session, incident_id, status=IncidentStatus.CONTAINED)
    assert len(timeline_service.list_entries(session)) == count


def test_several_incidents_one_current(session: Session) -> None:
    first = open_incident(session, title="Lost laptop", kind=IncidentKind.DATA_BREACH)
    second = open_incident(session, title="Ransomware", make_current=False)
    assert incident_service.current_incident(session).id == first  # type: ignore[union-attr]
    incident_service.set_current_incident(session, second[:8])  # a unique id prefix will do
    assert incident_service.current_incident(session).id == second  # type: ignore[union-attr]
    assert {i.id for i in incident_service.list_incidents(session)} == {first, second}
    with pytest.raises(NotFound):
        incident_service.get_incident(session, "no-such-incident")


def test_deadlines_follow_the_incident_and_the_delay(session: Session) -> None:
    incident_id = open_incident(session)
    report = clock_service.deadlines(session)
    assert report.rules.problems == ()
    keys = {o.key: o for o in report.obligations}
    assert keys["hipaa.individuals"].due == D(2026, 5, 1)
    assert keys["hipaa.hhs"].due == D(2026, 5, 1)  # 1,240 people: 500 or more
    assert keys["hipaa.media.TX"].due == D(2026, 5, 1)
    assert "hipaa.media.OK" not in keys  # 40 residents
    assert keys["state.TX.ag"].due == D(2026, 4, 1)
    assert report.next_due is not None
    assert report.next_due.key == "state.TX.ag"
    assert report.days_since_discovery == 18

    incident_service.update_incident(
        session, incident_id, delay=LawEnforcementDelay(
            "SA Jon Bell", "FBI", DelayForm.WRITTEN, D(2026, 3, 15), D(2026, 5, 20)))
    report = clock_service.deadlines(session)
    keys = {o.key: o for o in report.obligations}
    assert keys["hipaa.individuals"].due == D(2026, 5, 20)
    # 45 CFR 164.412 delays HIPAA notices; Texas has no delay provision in the rules file
    assert keys["state.TX.ag"].due == D(2026, 4, 1)
    assert any("not delayed" in b for b in keys["state.TX.ag"].basis)
    assert any(line.startswith("not delayed") and "Texas" in line
               for line in report.delay_lines)
    incident_service.update_incident(session, incident_id, delay=None)
    keys = {o.key: o for o in clock_service.deadlines(session).obligations}
    assert keys["hipaa.individuals"].due == D(2026, 5, 1)


def test_day_one_clocks_before_counts_and_the_reminder_cannot_be_marked_done(
        session: Session) -> None:
    open_incident(session, affected_by_state={})
    report = clock_service.deadlines(session)
    keys = {o.key: o for o in report.running}
    assert keys["hipaa.individuals"].due == D(2026, 5, 1)
    assert keys["counts_unknown"].is_prompt
    with pytest.raises(ValidationError) as err:
        clock_service.mark_done(session, "counts_unknown", D(2026, 3, 10))
    assert "reminder" in str(err.value)


def test_mark_done_with_reference_and_undo(session: Session) -> None:
    open_incident(session)
    done = clock_service.mark_done(session, "state.TX.ag", D(2026, 3, 18),
                                   reference="TX AG portal #A-1182")
    assert done.done is not None
    assert done.done.reference == "TX AG portal #A-1182"
    assert done.state(TODAY) == "done"
    assert any("done on 2026-03-18 (reference TX AG portal #A-1182)" in line.entry.text
               for line in timeline_service.list_entries(session))
    with pytest.raises(ValidationError) as err:
        clock_service.mark_done(session, "hipaa.hhs", TODAY + dt.timedelta(days=1))
    assert "done_on" in err.value.fields
    with pytest.raises(NotFound):
        clock_service.mark_done(session, "hipaa.nonsense", TODAY)
    undone = clock_service.mark_not_done(session, "state.TX.ag")
    assert undone.done is None


def test_broken_rules_file_still_opens_and_names_the_rule(session: Session,
                                                          data_dir: Path) -> None:
    open_incident(session)
    (data_dir / "notification_rules.toml").write_text(
        'last_reviewed = 2026-11-01\nverify_note = "Verify with counsel."\n'
        '[[rule]]\nkey = "hipaa.individuals"\njurisdiction = "US"\naudience = "individuals"\n'
        'title = "Individuals"\ncitation = "45 CFR 164.404"\ntiming = "60 days"\n'
        'due = { from = "discovery", days = 60 }\n'
        '[[rule]]\nkey = "hipaa.hhs"\njurisdiction = "US"\naudience = "hhs"\ntitle = "HHS"\n'
        'citation = "45 CFR 164.408"\ntiming = "60 days"\n'
        'due = { from = "discovery", days = 60 }\n'
        'applies_when = { count = "total", op = "=>", value = 500 }\n', "utf-8")
    report = clock_service.deadlines(session)
    assert [o.key for o in report.obligations] == ["hipaa.individuals"]
    assert len(report.rules.problems) == 1
    assert "'hipaa.hhs'" in report.rules.problems[0]
    assert "op" in report.rules.problems[0]

    (data_dir / "notification_rules.toml").write_text("[[rule]\nkey = ", "utf-8")
    report = clock_service.deadlines(session)
    assert report.obligations == ()
    assert "cannot be read" in report.rules.problems[0]
    assert "line 1" in report.rules.problems[0]
