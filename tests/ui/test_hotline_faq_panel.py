"""The hotline desk's approved answers: search as you type in the caller's language, read a
script, and "No approved answer" logs the question for the approver; the call is timed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services.hotline import faq
from crisisdesk.services.session import Session
from crisisdesk.store import hotline as hotline_store
from crisisdesk.ui.hotline.page import HotlinePage
from crisisdesk.ui.workers import JobRunner
from tests.support.hotline import agent_session, mailed_letters
from tests.support.ui import RecordingPrompts, show_page, ui_context


def _questions(page: HotlinePage) -> list[str]:
    return [page.faq.results.item(i).text() for i in range(page.faq.results.count())]


def test_an_agent_searches_the_answers_and_logs_an_unanswered_question(
        qtbot: QtBot, session: Session, tmp_path: Path, prompts: RecordingPrompts,
        runner: JobRunner) -> None:
    refs = mailed_letters(session, tmp_path)
    agent = agent_session(session)
    try:
        page = show_page(qtbot, HotlinePage(ui_context(qtbot, agent, prompts, runner)))
        panel = page.faq
        qtbot.waitUntil(lambda: panel.loaded == "en", timeout=20_000)
        qtbot.keyClicks(page.reference, refs["Ann"])  # the call starts with the lookup
        qtbot.keyClick(page.reference, Qt.Key.Key_Return)
        qtbot.mouseClick(panel.script_buttons["greeting"], Qt.MouseButton.LeftButton)
        assert panel.answer.text().startswith("Thank you for calling Riverside Clinics.")
        qtbot.keyClicks(panel.search, "cred")
        assert _questions(page)[0] == "Is there free credit monitoring?"
        panel.results.setCurrentRow(0)
        assert "12 months of credit monitoring" in panel.answer.text()
        # the caller speaks Spanish: the answers follow the call log's language
        page.language.setCurrentIndex(page.language.findData("es"))
        qtbot.waitUntil(lambda: panel.loaded == "es", timeout=20_000)
        assert _questions(page)[0] == "¿Hay vigilancia de crédito gratis?"
        page.language.setCurrentIndex(page.language.findData("en"))
        qtbot.waitUntil(lambda: panel.loaded == "en", timeout=20_000)
        panel.search.clear()
        assert not panel.no_answer.isEnabled()
        qtbot.keyClicks(panel.search, "Is there parking near the clinic?")
        assert _questions(page) == []
        assert panel.status.text().startswith("No approved answer matches")
        qtbot.mouseClick(panel.no_answer, Qt.MouseButton.LeftButton)
        assert panel.status.text().startswith("Logged for the approver as a new draft answer")
        assert [(q.question, q.asked) for q in faq.unanswered(agent)] == [
            ("Is there parking near the clinic?", 1)]
        enrollment = next(i for i in range(page.topics.count())
                          if page.topics.item(i).text() == "enrollment")
        page.topics.item(enrollment).setCheckState(Qt.CheckState.Checked)
        qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
        assert page.logged.text() == "Call logged."
    finally:
        agent.close()
    (call,) = list(hotline_store.calls(session.db))
    assert isinstance(call["duration_s"], int)  # timed from the lookup to the log
