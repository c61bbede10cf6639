"""An agent takes a call on the Hotline page: scan the reference, verify, read the letter
details, log the call; the Dashboard's hotline panel counts it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services.hotline import calls
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.hotline.page import HotlinePage
from crisisdesk.ui.workers import JobRunner
from tests.support.hotline import agent_session, mailed_letters
from tests.support.ui import RecordingPrompts, show_page, ui_context


def test_an_agent_takes_a_call(qtbot: QtBot, session: Session, tmp_path: Path,
                               prompts: RecordingPrompts, runner: JobRunner) -> None:
    refs = mailed_letters(session, tmp_path)
    dashboard = show_page(qtbot, DashboardPage(ui_context(qtbot, session, prompts, runner)))
    panel = next(p for p in dashboard.panels if p.title() == "Patient hotline")
    qtbot.waitUntil(lambda: panel.rows() == [("", "No hotline calls logged yet.")],
                    timeout=10_000)
    agent = agent_session(session)
    try:
        page = show_page(qtbot, HotlinePage(ui_context(qtbot, agent, prompts, runner)))
        qtbot.keyClicks(page.reference, refs["Ann"])  # a scanner types, then Enter
        qtbot.keyClick(page.reference, Qt.Key.Key_Return)
        assert page.answer.text().startswith("A record exists")
        assert page.details.text() == ""
        qtbot.keyClicks(page.v_birth, "1980-05-02")
        qtbot.keyClicks(page.v_zip, "62701")
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
        assert "birth date: no match" in page.verdict.text()
        assert "62701" not in page.verdict.text() + page.details.text()
        page.v_birth.clear()
        qtbot.keyClicks(page.v_birth, "May 1, 1980")
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
        assert page.verdict.text().endswith("Verified.")
        assert "Address line 1: 12 ****" in page.details.text()
        assert "enrol by 2026-07-31" in page.details.text()
        enrollment = next(i for i in range(page.topics.count())
                          if page.topics.item(i).text() == "enrollment")
        page.topics.item(enrollment).setCheckState(Qt.CheckState.Checked)
        page.outcome.setCurrentIndex(page.outcome.findData("answered"))
        qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
        assert page.logged.text() == "Call logged."
        assert page.details.text() == ""  # the next caller sees nothing of this one
        assert calls.stats(agent).verified == 1
    finally:
        agent.close()
    dashboard.reload()
    qtbot.waitUntil(lambda: ("Calls:", "1 (1 verified)") in panel.rows(), timeout=10_000)

