"""An agent takes a call on the Hotline page: scan the reference, verify, read the letter
details, log the call; the Dashboard's hotline panel counts it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services.hotline import actions, calls
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



def test_a_verified_caller_asks_for_things_with_the_panel_buttons(
        qtbot: QtBot, session: Session, tmp_path: Path, prompts: RecordingPrompts,
        runner: JobRunner) -> None:
    refs = mailed_letters(session, tmp_path)
    agent = agent_session(session)
    try:
        ctx = ui_context(qtbot, agent, prompts, runner)
        page = show_page(qtbot, HotlinePage(ctx))
        panel = page.caller_actions
        qtbot.keyClicks(page.reference, refs["Ann"])
        qtbot.keyClick(page.reference, Qt.Key.Key_Return)
        assert not panel.isEnabled()  # found, not verified: nothing to ask for yet
        qtbot.keyClicks(page.v_birth, "1980-05-01")
        qtbot.keyClicks(page.v_zip, "62701")
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
        assert panel.isEnabled()
        qtbot.mouseClick(panel.resend_button, Qt.MouseButton.LeftButton)
        assert panel.done.text() == (f"Re-send of letter {refs['Ann']} requested: the letters "
                                     "team sends it.")
        panel.language.setCurrentIndex(panel.language.findData("es"))
        qtbot.mouseClick(panel.language_button, Qt.MouseButton.LeftButton)
        assert panel.done.text() == "Letters will be in Spanish."
        qtbot.keyClicks(panel.phone, "12")
        qtbot.mouseClick(panel.callback_button, Qt.MouseButton.LeftButton)
        assert "phone" in ctx.messages.text  # one line on the bar, the field kept to fix
        assert panel.phone.text() == "12"
        panel.phone.clear()
        qtbot.keyClicks(panel.phone, "(217) 555-0142")
        qtbot.mouseClick(panel.callback_button, Qt.MouseButton.LeftButton)
        assert panel.done.text() == "The privacy officer will call back."
        qtbot.keyClicks(panel.complaint, "Nobody told me for a month.")
        qtbot.mouseClick(panel.complaint_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(panel.email, "ann@example.org")
        qtbot.mouseClick(panel.email_button, Qt.MouseButton.LeftButton)
        assert panel.done.text() == "E-mail notice will go to ann@example.org."
        page.topics.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
        assert not panel.isEnabled()  # the next caller starts from nothing
        assert panel.done.text() == ""
    finally:
        agent.close()
    assert [(f.kind, f.reference) for f in actions.follow_ups(session)] == [
        ("resend", refs["Ann"]), ("callback", refs["Ann"]), ("complaint", refs["Ann"])]
