"""Deadlines tab: profile flags and done notes; the systems board's "Since" picker."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from pytestqt.qtbot import QtBot

from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.services import audit as audit_service
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import systems as system_service
from crisisdesk.services.localtime import today, zone
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.widgets.when_edit import WhenEdit
from tests.support.ui import show_page

FLAG = "ca_licensed_health_facility"
CA_RULE = "state.CA.health_facility"


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> DashboardPage:
    incident_service.create_incident(
        session, title="Ransomware on file servers", kind=IncidentKind.RANSOMWARE,
        discovered_on=today(session) - dt.timedelta(days=3),
        affected_by_state={"IL": 900, "CA": 40})
    return show_page(qtbot, DashboardPage(ctx), size=(1200, 800))


def clock_keys(page: DashboardPage) -> set[str]:
    model = page.clocks_model
    return {model.row_at(r).key for r in range(model.rowCount())}


def deadline_row(page: DashboardPage, key: str) -> int:
    view = page.deadlines
    view.select(key)
    return view.table.currentIndex().row()


def set_when(edit: WhenEdit, moment: dt.datetime) -> None:
    """What a user picking a date and time does: the edit shows the desk's wall clock."""
    edit.setDateTime(QDateTime(QDate(moment.year, moment.month, moment.day),
                               QTime(moment.hour, moment.minute), QTimeZone.utc()))


def test_profile_flag_turns_an_advisory_into_a_clock(page: DashboardPage,
                                                     session: Session) -> None:
    view = page.deadlines
    page.tabs.setCurrentWidget(view)
    box = view.flag_boxes[FLAG]
    assert box.isVisibleTo(view)
    assert not box.isChecked()
    assert box.isEnabled()
    assert box.text().startswith("The organisation is a California-licensed")
    assert CA_RULE not in clock_keys(page)
    row = deadline_row(page, CA_RULE)
    assert view.proxy.index(row, dl.LEFT).data() == "check with counsel"
    before = len(audit_service.show(session))
    box.click()
    assert clock_service.profile_flags(session) == frozenset({FLAG})
    assert [e.action for e in audit_service.show(session)[before:]] == ["deadlines.profile"]
    assert CA_RULE in clock_keys(page)  # a running clock on the overview now
    row = deadline_row(page, CA_RULE)
    assert view.proxy.index(row, dl.LEFT).data().endswith("left")
    assert view.flag_boxes[FLAG].isChecked()
    assert "Deadlines recomputed" in page.ctx.messages.text
    view.flag_boxes[FLAG].click()
    assert clock_service.profile_flags(session) == frozenset()
    assert CA_RULE not in clock_keys(page)


def test_profile_flag_refused_for_an_operator(page: DashboardPage, session: Session,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from crisisdesk.domain.operators import Role

    monkeypatch.setattr(session, "operator",
                        dataclasses.replace(session.operator, role=Role.OPERATOR))
    page.reload()
    box = page.deadlines.flag_boxes[FLAG]
    assert not box.isEnabled()
    assert "Only an admin" in box.toolTip()
    page.deadlines.set_flag(FLAG, True)  # if it were reached anyway: the service says no
    assert "admin" in page.ctx.messages.text
    assert not box.isChecked()
    assert clock_service.profile_flags(session) == frozenset()


def test_mark_done_with_a_note(page: DashboardPage, session: Session) -> None:
    view = page.deadlines
    page.tabs.setCurrentWidget(view)
    view.select("hipaa.hhs")
    view.reference_edit.setText("HHS-2026-0042")
    view.note_edit.setText("Filed by Dana on the HHS portal; confirmation e-mailed to counsel.")
    view.done_button.click()
    done = clock_service.deadlines(session).find("hipaa.hhs").done
    assert done is not None
    assert done.note == "Filed by Dana on the HHS portal; confirmation e-mailed to counsel."
    assert view.note_edit.text() == done.note  # the selected row shows what was recorded
    row = deadline_row(page, "hipaa.hhs")
    tip = view.proxy.index(row, dl.NOTICE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"Done {done.done_on.isoformat()} (ref HHS-2026-0042), recorded by "
                          "alex.\nNote: Filed by Dana on the HHS portal")
    assert view.proxy.index(row, dl.DONE).data().endswith("· note (hover)")
    view.select("hipaa.individuals")  # not done: the recorded reference and note go away
    assert view.reference_edit.text() == ""
    assert view.note_edit.text() == ""


def test_systems_since_picker(page: DashboardPage, session: Session) -> None:
    board = page.systems
    page.tabs.setCurrentWidget(board)
    board.select("EHR")
    tz = zone(session)
    shown = board.since_edit.moment()
    assert abs(shown - session.now()) < dt.timedelta(minutes=2)  # defaults to now
    assert not board.since_edit.edited
    chosen = (session.now().astimezone(tz) - dt.timedelta(hours=2)).replace(second=0,
                                                                          microsecond=0)
    set_when(board.since_edit, chosen)
    assert board.since_edit.edited
    board.status_combo.setCurrentIndex(board.status_combo.findData(SystemStatus.DOWN))
    board.apply_button.click()
    stored = system_service.get_system(session, "EHR")
    assert stored.status is SystemStatus.DOWN
    assert dt.datetime.fromisoformat(stored.since.replace("Z", "+00:00")) == chosen
    assert not board.since_edit.edited  # reloaded: now again

    board.select("Email")
    set_when(board.since_edit, session.now().astimezone(tz) + dt.timedelta(hours=3))
    board.status_combo.setCurrentIndex(board.status_combo.findData(SystemStatus.DEGRADED))
    board.apply_button.click()
    assert "cannot be in the future" in page.ctx.messages.text
    assert system_service.get_system(session, "Email").status is not SystemStatus.DEGRADED

    board.now_button.click()  # untouched "now": the service takes the moment of the change
    board.apply_button.click()
    since = system_service.get_system(session, "Email").since
    moment = dt.datetime.fromisoformat(since.replace("Z", "+00:00"))
    assert abs(moment - session.now()) < dt.timedelta(minutes=2)
