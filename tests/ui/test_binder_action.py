"""Printing the downtime binder from Settings: the button asks where, lays the binder out in the
worker behind a progress dialog, and the page then says how old the binder is; the Dashboard's
panel says the same."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from crisisdesk.services import binder as binder_service
from crisisdesk.services import systems as system_service
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard.panels import PANELS, SummaryPanel
from crisisdesk.ui.settings.page import SettingsPage
from crisisdesk.ui.workers import JobRunner
from tests.support.ui import RecordingPrompts, show_page, ui_context


def test_the_binder_button_prints_and_the_age_shows(qtbot: QtBot, session: Session,
                                                    prompts: RecordingPrompts, runner: JobRunner,
                                                    tmp_path: Path) -> None:
    page = show_page(qtbot, SettingsPage(ui_context(qtbot, session, prompts, runner)))
    page.reload()
    assert page.binder_label.text() == "The downtime binder has never been printed."
    target = tmp_path / "out" / "binder.pdf"
    prompts.save_path = target
    qtbot.mouseClick(page.binder_button, Qt.MouseButton.LeftButton)
    assert ("save_file", "Save the downtime binder as PDF", "downtime-binder.pdf") in prompts.asked
    assert not page.binder_button.isEnabled()  # one binder at a time
    dialogs = page.findChildren(QProgressDialog)
    assert [d.windowTitle() for d in dialogs] == ["Downtime binder"]  # progress, with Cancel
    qtbot.waitUntil(lambda: "Saved the downtime binder" in page.ctx.messages.text,
                    timeout=60_000)
    assert page.binder_button.isEnabled()
    pages = len(PdfReader(target).pages)
    assert f"({pages} pages) to {target}" in page.ctx.messages.text
    page.reload()
    assert page.binder_label.text() == (
        "The binder was printed less than an hour ago, no changes since.")
    system_service.add_system(session, "Nurse call")
    page.reload()
    assert page.binder_label.text().endswith("1 change since.")

    title, summary = next(p for p in PANELS if p[0] == "Downtime binder")
    panel = SummaryPanel(title, summary)
    qtbot.addWidget(panel)
    panel.refresh(session)
    assert panel.rows() == [("", binder_service.status_text(session))]
    assert "1 change since" in panel.rows()[0][1]
