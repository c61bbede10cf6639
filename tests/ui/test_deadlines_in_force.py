"""Deadlines tab: clocks from day one, the law of the discovery date, delays per law.

What a privacy officer opening the Dashboard must see: the 60-day clock and the "counts unknown"
reminder as soon as the incident is recorded; California's 2026 deadlines listed as not in force
for a 2025 discovery; Colorado's dated clock with the counsel note; and which clocks a
law-enforcement delay moved.
"""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from crisisdesk.domain.clocks import COUNTS_UNKNOWN_KEY
from crisisdesk.domain.incidents import DelayForm, IncidentKind, LawEnforcementDelay
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.page import DashboardPage


def open_page(qtbot: QtBot, ctx: UiContext) -> DashboardPage:
    widget = DashboardPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.tabs.setCurrentWidget(widget.deadlines)
    return widget


def row_text(page: DashboardPage, key: str) -> dict[int, str]:
    view = page.deadlines
    view.select(key)
    row = view.table.currentIndex().row()
    assert row >= 0, key
    return {c: view.proxy.index(row, c).data() for c in (dl.DUE, dl.LEFT, dl.NOTICE, dl.BASIS)}


def test_a_new_incident_without_counts_shows_the_60_day_clock_and_the_reminder(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    discovered = today(session) - dt.timedelta(days=2)
    incident_service.create_incident(session, title="Phishing", kind=IncidentKind.DATA_BREACH,
                                     discovered_on=discovered)
    page = open_page(qtbot, ctx)
    clocks = {page.clocks_model.row_at(r).key for r in range(page.clocks_model.rowCount())}
    assert {"hipaa.individuals", COUNTS_UNKNOWN_KEY} <= clocks
    individuals = row_text(page, "hipaa.individuals")
    assert individuals[dl.DUE] == (discovered + dt.timedelta(days=60)).isoformat()
    assert individuals[dl.LEFT] == "58 days left"
    reminder = row_text(page, COUNTS_UNKNOWN_KEY)
    assert "record an estimate" in reminder[dl.NOTICE]
    assert not page.deadlines.done_button.isEnabled()  # cleared by counts, not "done"
    page.deadlines.select("hipaa.individuals")
    assert page.deadlines.done_button.isEnabled()


def test_rules_not_in_force_and_dated_state_clocks_with_the_counsel_note(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    incident_service.create_incident(
        session, title="Stolen laptop", kind=IncidentKind.DATA_BREACH,
        discovered_on=dt.date(2025, 6, 1), affected_by_state={"CA": 800, "CO": 40})
    page = open_page(qtbot, ctx)
    label = page.deadlines.not_in_force_label
    assert label.isVisibleTo(page.deadlines)
    assert "California: sample notice to the Attorney General" in label.text()
    assert "in force only for breaches discovered from 2026-01-01" in label.text()
    assert row_text(page, "state.CA.ag")[dl.DUE] == "—"  # no 15-day deadline in 2025
    colorado = row_text(page, "state.CO.individuals")
    assert colorado[dl.DUE] == "2025-07-01"
    assert colorado[dl.LEFT].endswith("· verify")
    assert "verify: binds a HIPAA covered entity too" in colorado[dl.BASIS]


def test_the_delay_label_says_which_clocks_the_delay_moved(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    now = today(session)
    incident_service.create_incident(
        session, title="Ransomware", kind=IncidentKind.RANSOMWARE,
        discovered_on=now - dt.timedelta(days=20), affected_by_state={"CO": 40},
        delay=LawEnforcementDelay("Det. Ana Ruiz", "FBI Denver", DelayForm.ORAL,
                                  now - dt.timedelta(days=5)))
    page = open_page(qtbot, ctx)
    text = page.deadlines.delay_label.text()
    assert "HIPAA delay (45 CFR 164.412" in text
    assert "Notice to affected individuals" in text
    assert "not delayed (no delay provision recorded for the law): Colorado" in text
    colorado = row_text(page, "state.CO.individuals")
    assert colorado[dl.DUE] == (now + dt.timedelta(days=10)).isoformat()
    assert "not delayed" in colorado[dl.BASIS]
