"""The Dashboard's Patient hotline panel follows the call log and flags impersonation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.services import settings as settings_service
from crisisdesk.services.hotline import calls, lookup, verify
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard.page import DashboardPage
from tests.support.hotline import agent_session, mailed_letters


def test_the_hotline_panel_counts_change_with_the_calls(
        qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    settings_service.set(session, "hotline_max_failed_verifications", 1)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    panel = next(p for p in page.panels if p.title() == "Patient hotline")
    qtbot.waitUntil(lambda: panel.rows() == [("", "No hotline calls logged yet.")],
                    timeout=10_000)
    agent = agent_session(session)
    try:
        handle = lookup.lookup(agent, reference=refs["Ann"]).handle
        verify.verify(agent, handle, CallerFacts(birth_date=dt.date(1999, 1, 1),
                                                 zip_code="62701"))
        calls.log_call(agent, language="en", topics=["letter"], outcome="locked",
                       handle=handle)
    finally:
        agent.close()
    page.reload()
    qtbot.waitUntil(lambda: ("Calls:", "1 (0 verified)") in panel.rows(), timeout=10_000)
    assert panel.rows()[0][0] == "Warning:"
    assert "possible impersonation" in panel.rows()[0][1]
