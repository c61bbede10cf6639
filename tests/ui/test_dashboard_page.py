"""The Dashboard: clocks with days left, holders, incident form, deadlines, systems board."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.incident_dialog import IncidentDialog
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.dashboard.panels import SummaryPanel
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE
from tests.support.dashboard import seed
from tests.support.ui import RecordingPrompts


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> DashboardPage:
    seed(session)
    widget = DashboardPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def clock_rows(page: DashboardPage) -> list[tuple[str, str, str]]:
    proxy = page.clocks_proxy
    return [tuple(proxy.index(r, c).data() for c in (dl.DUE, dl.LEFT, dl.NOTICE))  # type: ignore
            for r in range(proxy.rowCount())]


def test_dashboard_shows_clocks_with_days_left(page: DashboardPage, session: Session) -> None:
    assert page.title_label.text() == "Ransomware on file servers"
    assert "940 people affected (IL 900, WI 40)" in page.status_label.text()
    assert "(day 10)" in page.status_label.text()
    rows = clock_rows(page)
    due = (today(session) + dt.timedelta(days=50)).isoformat()
    assert (due, "50 days left", "Notice to affected individuals") in rows
    assert (due, "50 days left", "Notice to HHS (500 or more people)") in rows
    media = [r for r in rows if "media" in r[2]]
    assert media
    assert "Illinois" in media[0][2]
    assert page.next_label.text().startswith("Next deadline:")
    proxy = page.clocks_proxy
    fifty = next(r for r in range(proxy.rowCount())
                 if proxy.index(r, dl.LEFT).data() == "50 days left")
    assert proxy.index(fifty, dl.LEFT).data(0x8) == dl.CALM  # BackgroundRole: by nearness
    holders = {page.holders_model.row_at(r).role.key: (page.holders_model.index(r, 1).data(),
                                                       page.holders_model.index(r, 2).data())
               for r in range(page.holders_model.rowCount())}
    assert holders["pio"] == ("Zoë Mbeki-Adams", "(312) 555-0180")
    assert holders["ic"] == ("nobody assigned", "")
    assert any("Network isolated" in page.latest.item(i).text()
               for i in range(page.latest.count()))


def test_clock_colours_follow_days_left(session: Session) -> None:
    seed(session, days_ago=58)
    report = clock_service.deadlines(session)
    obligation = next(o for o in report.obligations if o.key == "hipaa.individuals")
    assert dl.days_left_text(obligation, report.today) == "2 days left"
    assert dl.urgency_colour(obligation, report.today) == dl.SOON
    late = dataclasses.replace(obligation, due=report.today - dt.timedelta(days=1))
    assert dl.days_left_text(late, report.today) == "OVERDUE by 1 day"
    assert dl.urgency_colour(late, report.today) == dl.OVERDUE


def test_mark_deadline_done(qtbot: QtBot, page: DashboardPage, session: Session) -> None:
    view = page.deadlines
    page.tabs.setCurrentWidget(view)
    assert "verify" in view.rules_label.text().lower()
    assert "last reviewed" in view.rules_label.text().lower()
    view.select("hipaa.hhs")
    assert view.done_button.isEnabled()
    assert not view.undone_button.isEnabled()
    view.done_date.setDate(view.done_date.maximumDate())
    view.reference_edit.setText("HHS-2026-0042")
    view.done_button.click()
    done = clock_service.deadlines(session).find("hipaa.hhs").done
    assert done is not None
    assert done.reference == "HHS-2026-0042"
    assert done.done_on == today(session)
    selected = view.selected()
    assert selected is not None
    assert selected.key == "hipaa.hhs"
    row = view.table.currentIndex().row()
    assert view.proxy.index(row, dl.LEFT).data() == "done"
    assert view.proxy.index(row, dl.DONE).data().endswith("ref HHS-2026-0042")
    assert view.undone_button.isEnabled()
    view.undone_button.click()  # prompts.confirm answers yes
    assert clock_service.deadlines(session).find("hipaa.hhs").done is None


def test_broken_rules_are_named(qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    seed(session)
    (session.data_dir / "notification_rules.toml").write_text(
        'last_reviewed = 2026-01-05\nverify_note = "Check with counsel."\n'
        '[[rule]]\nkey = "broken"\n', encoding="utf-8")
    widget = DashboardPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.deadlines.problems_label.isVisibleTo(widget.deadlines)
    assert "broken" in widget.deadlines.problems_label.text()
    assert "2026-01-05" in widget.deadlines.rules_label.text()


def test_incident_form_shows_errors_next_to_fields(qtbot: QtBot, page: DashboardPage,
                                                   session: Session) -> None:
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, IncidentDialog)
    assert dialog.isVisible()
    assert dialog.title_edit.text() == "Ransomware on file servers"
    dialog.discovered_edit.setDate(dialog.discovered_edit.date().addDays(30))
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert "in the future" in dialog.errors.text("discovered_on")
    dialog.discovered_edit.setDate(dialog.discovered_edit.date().addDays(-30))
    dialog.count_rows.add_row("ZZ", "5")
    dialog.accept_button.click()
    assert "ZZ" in dialog.errors.text("affected_by_state")
    dialog.counts_table.removeRow(dialog.counts_table.rowCount() - 1)
    dialog.delay_box.setChecked(True)
    dialog.official_edit.setText("Kimberly Osei")
    dialog.accept_button.click()
    assert "agency" in dialog.errors.text("delay_agency")
    dialog.agency_edit.setText("U.S. Secret Service")
    dialog.form_combo.setCurrentIndex(1)  # oral
    dialog.count_rows.add_row("tx", "1,200")
    dialog.accept_button.click()
    assert not dialog.isVisible()
    stored = incident_service.get_incident(session)
    assert stored.affected_by_state == {"IL": 900, "TX": 1200, "WI": 40}
    assert stored.delay is not None
    assert stored.delay.official == "Kimberly Osei"
    assert "Law-enforcement delay" in page.status_label.text()


def test_incident_form_records_the_response_facts_letters_may_state(
        qtbot: QtBot, page: DashboardPage, session: Session) -> None:
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, IncidentDialog)
    assert not dialog.contained.known.isChecked()
    assert not dialog.police_told.known.isChecked()
    dialog.police_agency.setText("the FBI")
    dialog.accept_button.click()  # an agency without the date it was told
    assert dialog.isVisible()
    assert "date law enforcement was told" in dialog.errors.text("law_enforcement_notified_on")
    discovered = dialog.discovered_edit.date()
    dialog.police_told.known.setChecked(True)
    dialog.police_told.edit.setDate(discovered)
    dialog.contained.known.setChecked(True)
    dialog.contained.edit.setDate(discovered)
    dialog.accept_button.click()
    assert not dialog.isVisible()
    stored = incident_service.get_incident(session)
    assert stored.law_enforcement_agency == "the FBI"
    assert stored.contained_on == stored.law_enforcement_notified_on == stored.discovered_on


def test_new_incident_and_chooser(qtbot: QtBot, page: DashboardPage, session: Session) -> None:
    page.new_button.click()
    dialog = page.dialog
    assert isinstance(dialog, IncidentDialog)
    dialog.title_edit.setText("Email phishing")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(IncidentKind.DATA_BREACH))
    dialog.accept_button.click()
    assert page.title_label.text() == "Email phishing"
    assert page.incident_combo.count() == 2
    first = page.incident_combo.findText("Ransomware on file servers (open)")
    page.incident_combo.setCurrentIndex(first)
    page.incident_combo.activated.emit(first)
    assert page.title_label.text() == "Ransomware on file servers"
    assert incident_service.get_incident(session).title == "Ransomware on file servers"


def test_systems_board_change_status_and_print(qtbot: QtBot, page: DashboardPage,
                                               session: Session, tmp_path: Path,
                                               prompts: RecordingPrompts) -> None:
    board = page.systems
    page.tabs.setCurrentWidget(board)
    board.select("EHR")
    board.status_combo.setCurrentIndex(board.status_combo.findData(SystemStatus.DOWN))
    board.procedure_edit.setText("Paper downtime forms")
    board.apply_button.click()
    stored = system_service.get_system(session, "EHR")
    assert stored.status is SystemStatus.DOWN
    assert stored.procedure == "Paper downtime forms"
    selected = board.selected()
    assert selected is not None
    assert selected.name == "EHR"
    assert board.model.index(board.table.currentIndex().row(), 1).data() == "DOWN"
    assert any("EHR is now DOWN" in line.entry.text
               for line in timeline_service.list_entries(session))
    prompts.save_path = tmp_path / "board.pdf"
    page.board_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Saved the systems status board"),
                    timeout=15_000)
    reader = PdfReader(prompts.save_path)
    assert len(reader.pages) == 1
    assert "Paper downtime forms" in " ".join(reader.pages[0].extract_text().split())


def test_panels_render_a_summary_and_survive_a_failing_one(qtbot: QtBot,
                                                           session: Session) -> None:
    @dataclasses.dataclass
    class Summary:
        next_update_due: dt.date
        inquiries_open: int

    assert DashboardSummary.of_record(Summary(dt.date(2026, 3, 2), 1200)).rows == (
        ("Next update due", "2026-03-02"), ("Inquiries open", "1,200"))
    assert DashboardSummary.of({"trees": ["Staff", "Board"], "done": True}).rows == (
        ("Trees", "Staff, Board"), ("Done", "yes"))
    panel = SummaryPanel("Media", lambda s: DashboardSummary.text("All quiet"))
    qtbot.addWidget(panel)
    panel.refresh(session)
    assert panel.rows() == [("", "All quiet")]
    panel.summary = lambda s: DashboardSummary.of({"calls_made": 5, "calls_left": 7})
    panel.refresh(session)
    assert panel.rows() == [("Calls made:", "5"), ("Calls left:", "7")]

    def broken(_s: Session) -> DashboardSummary:
        raise KeyError("oops")

    panel.summary = broken
    panel.refresh(session)
    assert panel.rows() == [("", "Not available right now (KeyError).")]


def test_dashboard_without_incident(qtbot: QtBot, ctx: UiContext) -> None:
    widget = DashboardPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.title_label.text() == "No incident recorded yet"
    assert not widget.edit_button.isEnabled()
    assert widget.clocks_proxy.rowCount() == 0
    assert widget.systems.model.rowCount() >= 9  # the default board
    obligation = widget.deadlines.proxy.index(0, 0).data(OBJECT_ROLE)
    assert obligation is None


def test_feature_panels_load_off_the_gui_thread(qtbot: QtBot, page: DashboardPage) -> None:
    import threading

    threads: list[bool] = []

    def summary(session: Session) -> DashboardSummary:
        threads.append(threading.current_thread() is threading.main_thread())
        return DashboardSummary.of({"calls_made": 5})

    for panel in page.panels:
        panel.summary = summary
    page.reload()
    qtbot.waitUntil(lambda: all(p.rows() == [("Calls made:", "5")] for p in page.panels),
                    timeout=5_000)
    assert threads
    assert not any(threads)


def test_letters_panel_and_deadlines_show_substitute_notice_from_returned_mail(
        qtbot: QtBot, page: DashboardPage, session: Session, tmp_path: Path) -> None:
    from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY, LetterStatus
    from crisisdesk.services.letters import batches as letter_service
    from crisisdesk.services.letters import codes as letter_codes
    from crisisdesk.services.letters import mailing_log as mailing_log
    from tests.support.letters import PUBLIC, adult_rows, write_list

    for key, value in PUBLIC:
        settings_service.set(session, key, value)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(10)))
    letter_codes.add_code_pool(session, [f"AB{i:05d}-Q" for i in range(10)],
                               expires_on=today(session) + dt.timedelta(days=90))
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED)
    for (ref,) in session.db.execute("SELECT reference FROM letters").fetchall():
        mailing_log.mark_returned(session, ref)
    page.reload()
    letters = next(p for p in page.panels if p.title() == "Letters")
    qtbot.waitUntil(lambda: ("Substitute notice:", "10 or more (10 people): web posting or "
                             "major media, with the toll-free number") in letters.rows(),
                    timeout=5_000)
    keys = [page.deadlines.proxy.index(r, 0).data(OBJECT_ROLE).key
            for r in range(page.deadlines.proxy.rowCount())]
    assert SUBSTITUTE_OBLIGATION_KEY in keys


def test_deadlines_and_systems_tabs_show_the_latest_rows_when_first_opened(
        qtbot: QtBot, page: DashboardPage, session: Session) -> None:
    assert page._deadlines is None  # not built while the person looks at the overview
    assert page._systems is None
    system_service.set_status(session, "EHR", SystemStatus.DOWN)
    page.ctx.state.notify_changed()  # a refresh reaches the tabs nobody has opened yet
    qtbot.waitUntil(lambda: page._board is not None and any(
        row.name == "EHR" and row.status is SystemStatus.DOWN for row in page._board[0]))
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(2).center())  # "Systems board"
    board = page.systems
    assert page.tabs.currentWidget() is board
    assert board.isVisible()
    ehr = next(r for r in range(board.model.rowCount()) if board.model.index(r, 0).data() == "EHR")
    assert board.model.index(ehr, 1).data() == "DOWN"
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())  # "Deadlines"
    view = page.deadlines
    assert page.tabs.currentWidget() is view
    shown = {view.proxy.index(r, 0).data(OBJECT_ROLE).key for r in range(view.proxy.rowCount())}
    assert {"hipaa.individuals", "hipaa.hhs"} <= shown
    assert "last reviewed" in view.rules_label.text().lower()
    assert [page.tabs.tabText(i) for i in range(3)] == [
        "&Overview", "&Deadlines", "&Systems board"]
