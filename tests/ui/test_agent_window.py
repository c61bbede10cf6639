"""An agent unlocking the app gets the main window with the hotline desk only: they take a
call in it, and nothing else of the desk is reachable (refused and audited, never shown)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.domain.errors import PermissionDenied
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.hotline import calls
from crisisdesk.services.session import REFUSED_ACTION, Session
from crisisdesk.store import audit as audit_store
from crisisdesk.ui.hotline.page import HotlinePage
from crisisdesk.ui.main_window import MainWindow
from tests.support.desk import PASSPHRASE
from tests.support.hotline import AGENT, agent_session, mailed_letters
from tests.support.ui import RecordingPrompts


def _unlock(qtbot: QtBot, app: CrisisDeskApp, operator: str) -> MainWindow:
    assert app.start() is None
    dialog = app.unlock_dialog
    assert dialog is not None
    dialog.form.operator_edit.setText(operator)
    dialog.form.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.form.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.main_window is not None, timeout=10_000)
    assert app.main_window is not None
    return app.main_window


def _refusals(session: Session) -> list[audit_store.AuditEntry]:
    return [e for e in audit_store.entries(session.db) if e.action == REFUSED_ACTION]


def test_an_agent_gets_the_hotline_desk_only_and_takes_a_call(
        qtbot: QtBot, session: Session, desk_app: CrisisDeskApp, tmp_path: Path,
        prompts: RecordingPrompts) -> None:
    refs = mailed_letters(session, tmp_path)
    agent_session(session).close()  # adds the agent 'casey'
    window = _unlock(qtbot, desk_app, AGENT)
    qtbot.waitUntil(lambda: window.warmed_up, timeout=10_000)
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == ["Hotline"]
    page = window.current_page()
    assert isinstance(page, HotlinePage)
    assert window.pages_stack.currentWidget() is page
    assert window.operator_label.text() == f"Operator: {AGENT} (agent)"
    assert "Spokesperson" not in window.spokesperson_label.text()
    assert window.menuBar().actions() == []

    qtbot.keyClicks(page.reference, refs["Ann"])
    qtbot.keyClick(page.reference, Qt.Key.Key_Return)
    assert page.answer.text().startswith("A record exists")
    qtbot.keyClicks(page.v_birth, "1980-05-01")
    qtbot.keyClicks(page.v_zip, "62701")
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.verdict.text().endswith("Verified.")
    assert "Address line 1: 12 ****" in page.details.text()
    page.topics.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
    assert page.logged.text() == "Call logged."
    assert calls.stats(window.state.session).calls == 1

    # Asking the window for another page: refused on the bar, audited, the desk stays put.
    assert window.show_section("contacts") is page
    assert window.messages.text == (f"{AGENT} is a hotline agent: the Contacts page is not "
                                    "open to agents.")
    assert set(window.pages) == {"hotline"}
    refusals = _refusals(session)
    assert [(e.operator, e.entity_id) for e in refusals] == [
        (AGENT, "crisisdesk.services.hotline.window.open_section")]
    assert refusals[0].summary == (f"Refused to agent {AGENT}: "
                                   "crisisdesk.services.hotline.window.open_section")
    assert prompts.asked == []  # no error dialog, no crash report along the way


def test_a_non_hotline_service_from_the_agents_window_is_refused_and_audited(
        qtbot: QtBot, session: Session, desk_app: CrisisDeskApp) -> None:
    settings_service.set(session, "autolock_minutes", 7)
    agent_session(session).close()
    window = _unlock(qtbot, desk_app, AGENT)
    # The desk's auto-lock holds for an agent too (read through an agent-allowed service).
    qtbot.waitUntil(lambda: window.idle.timeout_ms == 7 * 60_000, timeout=10_000)
    window.poller.poll()  # the window's own timers touch nothing they would be refused
    assert _refusals(session) == []
    with pytest.raises(PermissionDenied, match="casey is a hotline agent"):
        contact_service.list_contacts(window.state.session)
    assert [e.entity_id for e in _refusals(session)] == [
        "crisisdesk.services.contacts.list_contacts"]


def test_an_agent_cannot_unlock_a_full_window_left_locked(
        qtbot: QtBot, session: Session, desk_app: CrisisDeskApp) -> None:
    agent_session(session).close()
    window = _unlock(qtbot, desk_app, "alex")
    assert len(window.sections) > 1
    window.lock()
    form = window.lock_screen.form
    form.operator_edit.setText(AGENT)
    form.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(form.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "hotline agent" in form.error_label.text(), timeout=10_000)
    assert window.is_locked
