"""The Letters page lists the re-sends callers asked for on the hotline and reprints the
chosen ones: the list empties and the letter's mailing log says `reprinted`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.hotline import actions, lookup, verify
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from tests.support.hotline import agent_session, mailed_letters
from tests.support.letters import spanish_facts
from tests.support.pdf import page_texts
from tests.support.ui import RecordingPrompts, show_page


def _resend_asked(session: Session, ref: str, language: str = "") -> None:
    """A verified caller (Ann) asks the hotline for a re-send (after changing language)."""
    agent = agent_session(session)
    try:
        handle = lookup.lookup(agent, reference=ref).handle
        assert verify.verify(agent, handle, CallerFacts(birth_date=dt.date(1980, 5, 1),
                                                        zip_code="62701")).verified
        if language:
            actions.set_language(agent, handle, language)
        actions.request_resend(agent, handle)
    finally:
        agent.close()


def test_a_callers_resend_is_listed_and_reprinted_from_the_letters_page(
        qtbot: QtBot, session: Session, ctx: UiContext, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    settings_service.set(session, "timezone", "America/Chicago")
    _resend_asked(session, refs["Ann"])
    letter = letter_store.letter_by_reference(session.db, refs["Ann"])
    assert letter is not None
    page = show_page(qtbot, LettersPage(ctx))
    page.refresh()
    panel = page.resends
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=5_000)
    assert panel.isVisible()
    cells = [panel.table.item(0, c).text() for c in range(4)]
    assert cells[:3] == ["1", str(letter.seq), refs["Ann"]]
    assert "07:00" in cells[3]  # asked at 12:00 UTC, shown in the desk's zone (CDT)
    prompts.save_path = tmp_path / "re-sends.pdf"
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=10_000)
    assert not panel.isVisible()
    assert page.ctx.messages.label.text().startswith(
        f"Wrote 1 letter to {prompts.save_path}")
    assert refs["Ann"] in " ".join(page_texts(prompts.save_path))
    kinds = [e["kind"] for e in letter_store.events(session.db, letter.id)]
    assert kinds[-2:] == ["resend_requested", "reprinted"]
    assert actions.follow_ups(session) == []


def test_a_missing_spanish_letter_is_named_and_the_resend_stays_listed(
        qtbot: QtBot, session: Session, ctx: UiContext, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    spanish_facts(session)
    template_service.retire(session, "patient-notification-es", reason="being revised")
    _resend_asked(session, refs["Ann"], "es")
    page = show_page(qtbot, LettersPage(ctx))
    page.refresh()
    panel = page.resends
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=5_000)
    prompts.save_path = tmp_path / "re-sends.pdf"
    qtbot.mouseClick(panel.reprint_button, Qt.MouseButton.LeftButton)  # none chosen: all
    qtbot.waitUntil(lambda: "cannot be re-sent" in page.ctx.messages.label.text(),
                    timeout=10_000)
    assert "patient-notification-es is not approved" in page.ctx.messages.label.text()
    assert not prompts.save_path.exists()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1 and panel.isVisible(), timeout=5_000)
