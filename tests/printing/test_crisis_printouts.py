"""The crisis printouts (org chart, obligations, activity log, systems board) as HTML.

What a reader of the paper must see: who to call, who is acting for whom, which notices are
due and that the rules need counsel's check; and that typed text never becomes markup.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.incidents import DelayForm, LawEnforcementDelay
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.domain.timeline import Category
from crisisdesk.printing import crisis_reports
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from tests.support.crisis import freeze, open_incident, staff

EVIL = '<b>Eve & "Co"</b>'


@pytest.fixture(autouse=True)
def _frozen(session: Session) -> None:
    freeze(session)


def test_org_chart_boxes_show_holders_phones_and_who_is_acting(session: Session) -> None:
    zoe = staff(session, "Zoë Mbeki-Adams", "Director of Communications", "(312) 555-0101")
    luis = staff(session, "Luis Ortega", "Communications Specialist", "(312) 555-0102")
    eve = staff(session, EVIL, "Chief Executive Officer", "(312) 555-0103")
    role_service.assign_role(session, "pio", zoe.id, [luis.id])
    role_service.assign_role(session, "ic", eve.id)
    role_service.mark_unavailable(session, zoe.id, reason="in surgery")
    html = crisis_reports.org_chart(session)
    assert "HICS 207" in html
    assert "#1:" in html
    assert "Luis Ortega" in html
    assert "(312) 555-0102" in html
    assert "acting (backup 1)" in html
    assert "Zoë Mbeki-Adams" in html
    assert "(unavailable)" in html
    assert "&lt;b&gt;Eve &amp; &quot;Co&quot;&lt;/b&gt;" in html
    assert EVIL not in html
    assert "unassigned" in html  # e.g. the Liaison Officer


def test_obligations_sheet_carries_the_counsel_note_and_the_dates(session: Session,
                                                                  data_dir: Path) -> None:
    open_incident(session, title=EVIL, affected_by_state={"TX": 600, "WI": 5})
    html = crisis_reports.obligations(session)
    reviewed = clock_service.load_rules(session).last_reviewed
    assert reviewed is not None
    assert "Verify with counsel" in html
    assert f"last reviewed {reviewed.isoformat()}" in html
    assert "2026-05-01" in html
    assert "Texas: notice to the Attorney General" in html
    assert "Check with counsel (not counted as clocks)" in html  # Wisconsin exempts HIPAA CEs
    assert "&lt;b&gt;Eve" in html
    assert EVIL not in html
    (data_dir / "notification_rules.toml").write_text("broken = [", "utf-8")
    html = crisis_reports.obligations(session)
    assert "could not be read and are NOT on this sheet" in html
    assert "No deadlines could be computed" in html


def test_obligations_sheet_shows_prompts_cautions_delays_and_rules_not_in_force(
        session: Session) -> None:
    delay = LawEnforcementDelay("Det. Ana Ruiz", "FBI", DelayForm.ORAL, dt.date(2026, 3, 10),
                                dt.date(2026, 6, 1))
    open_incident(session, discovered_on=dt.date(2026, 2, 1), delay=delay,
                  affected_by_state={"CA": 800, "CO": 40}, affected_unknown_residence=600)
    html = crisis_reports.obligations(session)
    decide, rest = html.split("<h2>To decide now (not notices)</h2>")[1].split(
        "<h2>Running clocks</h2>")
    assert "Media notice may be due" in decide
    assert "600 of unknown residence" in decide
    assert "Colorado: notice to residents" in rest
    assert "2026-03-03" in rest
    assert "Verify: binds a HIPAA covered entity too" in rest
    assert "HIPAA delay (45 CFR 164.412" in html
    assert "the state&#x27;s own delay provision: California: notice to residents" in html
    assert "not delayed (no delay provision recorded for the law): Colorado" in html
    gone = html.split("Not in force for this discovery date (do not apply)</h2>")[1]
    assert "superseded on 2026-01-01" in gone
    assert "most expedient time possible" in gone


def test_activity_log_keeps_corrected_entries_visible(session: Session) -> None:
    open_incident(session)
    wrong = timeline_service.add_entry(session, "EHR down at 06:00", at="2026-03-20T06:00:00Z",
                                       category=Category.NOTE)
    timeline_service.correct_entry(session, wrong.id, "EHR down at 05:40")
    timeline_service.add_entry(session, EVIL, category=Category.MEDIA)
    html = crisis_reports.activity_log(session)
    assert "HICS 214" in html
    assert '<span class="struck">EHR down at 06:00</span>' in html
    assert "Correction of the" in html
    assert "EHR down at 05:40" in html
    assert "&lt;b&gt;Eve" in html
    assert EVIL not in html


def test_systems_board_uses_hics_251_wording(session: Session) -> None:
    system_service.set_status(session, "EHR", SystemStatus.DOWN, procedure=EVIL)
    system_service.set_status(session, "Email", SystemStatus.DEGRADED)
    html = crisis_reports.systems_board(session)
    assert "Nonfunctional" in html
    assert "Partially functional" in html
    assert "1 down, 1 partially functional, of 9" in html
    assert "&lt;b&gt;Eve" in html
    assert EVIL not in html
