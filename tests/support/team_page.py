"""The Team page on its own, shown and settled (its first load runs in the worker)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.services.session import Session
from crisisdesk.ui.team.page import TeamPage
from crisisdesk.ui.workers import JobRunner
from tests.support.ui import RecordingPrompts, show_page, ui_context


def team_page(qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner,
              size: tuple[int, int] = (1000, 700)) -> TeamPage:
    page = show_page(qtbot, TeamPage(ui_context(qtbot, session, prompts, runner)), size)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    return page
