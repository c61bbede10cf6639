"""An agent takes a call on the Hotline page: scan the reference, verify, read the letter
details, log the call; the Dashboard's hotline panel counts it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.services.hotline import actions, calls, lookup, verify
from crisisdesk.services.session import REFUSED_ACTION, Session
from crisisdesk.store import audit as audit_store
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
        assert (page.outcome.currentData(), page.follow_up.currentData()) == (
            "resend_requested", "resend")  # the call log follows what was asked
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
        assert not [i for i in range(page.topics.count())
                    if page.topics.item(i).checkState() == Qt.CheckState.Checked]
        assert page.outcome.currentData() == "answered"
        assert set(calls.stats(agent).per_topic) == {
            "was_i_affected", "resend", "language", "privacy_officer", "complaint"}
    finally:
        agent.close()
    assert [(f.kind, f.reference) for f in actions.follow_ups(session)] == [
        ("resend", refs["Ann"]), ("callback", refs["Ann"]), ("complaint", refs["Ann"])]


def test_operators_see_the_follow_ups_and_mark_one_done_agents_never_do(
        qtbot: QtBot, session: Session, tmp_path: Path, prompts: RecordingPrompts,
        runner: JobRunner) -> None:
    refs = mailed_letters(session, tmp_path)
    agent = agent_session(session)
    try:
        handle = lookup.lookup(agent, reference=refs["Ann"]).handle
        assert verify.verify(agent, handle, CallerFacts(dt.date(1980, 5, 1), "62701")).verified
        actions.request_callback(agent, handle, "(217) 555-0142", "mornings")
        actions.request_resend(agent, handle)
        agent_page = show_page(qtbot, HotlinePage(ui_context(qtbot, agent, prompts, runner)))
        agent_page.reload()
        assert agent_page.follow_ups.isHidden()
        assert agent_page.follow_ups.table.rowCount() == 0
        refused = [e for e in audit_store.entries(session.db) if e.action == REFUSED_ACTION]
        assert refused == []  # hidden, and never asked for
    finally:
        agent.close()
    page = show_page(qtbot, HotlinePage(ui_context(qtbot, session, prompts, runner)))
    page.reload()
    panel = page.follow_ups
    assert panel.isVisible()
    rows = [[panel.table.item(r, c).text() for c in range(1, 4)]
            for r in range(panel.table.rowCount())]
    assert rows == [["privacy officer: call back", refs["Ann"], "(217) 555-0142 (mornings)"],
                    ["re-send", refs["Ann"], "reprint batch 1, letter 1"]]
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert panel.table.rowCount() == 1
    assert panel.table.item(0, 1).text() == "re-send"
    page.clear()  # locking drops what callers said from the screen
    assert panel.table.rowCount() == 0
