"""The Regulators page, clicked as a privacy officer would: prepare, approve and mark a state AG
filing sent with its confirmation number; the Dashboard's overdue list follows."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services import filings as filing_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard.filings_panel import FilingsPanel
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.regulators.filings_tab import MarkSentDialog
from crisisdesk.ui.regulators.page import RegulatorsPage
from tests.services.test_filings import desk_details
from tests.support.crisis import TODAY, freeze, open_incident
from tests.support.ui import RecordingPrompts, show_page

IL_AG = "state.IL.ag"
IL_LINE = "Illinois: notice to the Attorney General (Office of the Illinois Attorney General"


@pytest.fixture
def incident(session: Session) -> str:
    """Discovered 2026-01-10: the 60-day notices fell due on 2026-03-11, before 'today'
    (2026-03-20), so every filing is overdue."""
    freeze(session)
    desk_details(session)
    return open_incident(session, discovered_on=dt.date(2026, 1, 10),
                         affected_by_state={"IL": 900, "WI": 40},
                         summary="someone locked our file servers with ransomware")


def overdue_lines(panel: FilingsPanel) -> list[str]:
    return [value for label, value in panel.rows() if label.startswith("Warning")]


def filings_panel(page: DashboardPage) -> FilingsPanel:
    return next(p for p in page.panels if isinstance(p, FilingsPanel))


def test_prepare_approve_and_send_an_ag_filing_and_the_dashboard_follows(
        qtbot: QtBot, session: Session, ctx: UiContext, incident: str) -> None:
    dashboard = show_page(qtbot, DashboardPage(ctx), size=(1200, 800))
    panel = filings_panel(dashboard)
    qtbot.waitUntil(lambda: any(IL_LINE in line for line in overdue_lines(panel)),
                    timeout=10_000)

    page = show_page(qtbot, RegulatorsPage(ctx), size=(1200, 800))
    tab = page.filings
    assert page.tabs.currentWidget() is page.assessment  # the decision comes first
    bar = page.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton,
                     pos=bar.tabRect(page.tabs.indexOf(tab)).center())
    assert page.tabs.currentWidget() is tab
    assert tab.select(IL_AG)
    assert tab.prepare_button.isEnabled()
    assert not tab.sent_button.isEnabled()  # not before it is prepared and approved
    qtbot.mouseClick(tab.prepare_button, Qt.MouseButton.LeftButton)
    assert tab.selected() is not None
    assert tab.selected().stage.value == "prepared"  # type: ignore[union-attr]
    assert "900 residents of Illinois" in tab.detail.toPlainText()  # the letter, shown
    qtbot.mouseClick(tab.approve_button, Qt.MouseButton.LeftButton)
    assert tab.sent_button.isEnabled()

    qtbot.mouseClick(tab.sent_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert isinstance(dialog, MarkSentDialog)
    dialog.date_edit.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    dialog.how_combo.setCurrentIndex(dialog.how_combo.findData("portal"))
    qtbot.keyClicks(dialog.confirmation_edit, "ILAG-2026-0311")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert tab.dialog is None or not tab.dialog.isVisible()

    row = tab.selected()
    assert row is not None
    assert row.key == IL_AG
    assert row.stage.value == "sent"
    assert row.record is not None
    assert row.record.confirmation == "ILAG-2026-0311"
    assert tab.model.display(row, 5) == "ILAG-2026-0311"
    assert filing_service.get_filing(session, IL_AG).record.sent_how == "portal"  # type: ignore[union-attr]

    # the tab announced the change: the (visible) Dashboard reloads its panels by itself
    qtbot.waitUntil(lambda: not any(IL_LINE in line for line in overdue_lines(panel)),
                    timeout=10_000)
    assert any("Notice to HHS" in line for line in overdue_lines(panel))  # still owed


def test_a_refused_step_changes_nothing_and_says_why(
        qtbot: QtBot, session: Session, ctx: UiContext, incident: str) -> None:
    page = show_page(qtbot, RegulatorsPage(ctx), size=(1200, 800))
    tab = page.filings
    assert tab.select(IL_AG)
    tab.approve()  # not prepared: the service refuses
    assert "not prepared yet" in ctx.messages.text
    assert filing_service.get_filing(session, IL_AG).stage.value == "owed"


def test_the_substitute_tab_records_the_line_and_shows_the_reminder(
        qtbot: QtBot, session: Session, ctx: UiContext, incident: str) -> None:
    page = show_page(qtbot, RegulatorsPage(ctx), size=(1200, 800))
    tab = page.substitute
    page.tabs.setCurrentWidget(tab)
    tab.url_edit.setText("https://example.org/notice")
    tab.posted_edit.setDate(QDate(2026, 3, 15))
    qtbot.mouseClick(next(b for b in tab.findChildren(type(page.filings.prepare_button))
                          if b.text() == "Record &posting"), Qt.MouseButton.LeftButton)
    tab.number_edit.setText("833-555-0142")
    tab.until_edit.setDate(QDate(2026, 5, 1))
    tab.record_line()
    items = [tab.reminders.item(i).text() for i in range(tab.reminders.count())]
    assert any("open only until 2026-05-01; it must stay open until 2026-06-13" in t
               for t in items)
    assert tab.posting_label.text() == "Up from 2026-03-15 until 2026-06-13."


def test_the_prepared_letter_saves_as_a_pdf_and_the_vendor_tab_exports(
        qtbot: QtBot, session: Session, ctx: UiContext, prompts: RecordingPrompts,
        incident: str, tmp_path: Path) -> None:
    page = show_page(qtbot, RegulatorsPage(ctx), size=(1200, 800))
    tab = page.filings
    assert tab.select(IL_AG)
    assert not tab.pdf_button.isEnabled()  # nothing prepared yet
    tab.prepare()
    assert tab.pdf_button.isEnabled()
    prompts.save_path = tmp_path / "il-ag.pdf"
    qtbot.mouseClick(tab.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: prompts.save_path is not None and prompts.save_path.exists()
                    and tab.pdf_button.isEnabled(), timeout=10_000)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "il-ag.pdf").pages)
    assert "Office of the Illinois Attorney General" in " ".join(
        unicodedata.normalize("NFKC", text).split())  # the PDF's ligatures, undone
    # no letters with codes on this desk: the vendor export says so in one line
    page.tabs.setCurrentWidget(page.vendor)
    prompts.save_path = tmp_path / "eligibility.csv"
    qtbot.mouseClick(page.vendor.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "No letter of this incident carries an enrollment code"
                    in ctx.messages.text, timeout=10_000)
    assert not (tmp_path / "eligibility.csv").exists()
