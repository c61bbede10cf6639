"""Opening a template that never finishes: the GUI keeps running and the refusal appears."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.templates.page import TemplatesPage
from crisisdesk.ui.workers import JobRunner
from tests.support.runaway import NESTED_LISTS, runaway_meta
from tests.support.templates_page import make_page
from tests.support.ui import RecordingPrompts

REFUSED = "The template took longer than 1 s to fill in; it is refused."


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> Iterator[TemplatesPage]:
    template_service.create_template(session, runaway_meta(), NESTED_LISTS)
    template_service.check_draft("Warm.", runaway_meta())  # the worker runs, as after login
    yield make_page(qtbot, session, prompts, runner)
    runner.shutdown()


def test_the_gui_keeps_ticking_while_a_runaway_draft_is_checked_and_refused(
        qtbot: QtBot, page: TemplatesPage) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    start = time.monotonic()
    page.open_template("nested-lists")
    qtbot.waitUntil(lambda: page.editor.report is not None, timeout=3_000)
    elapsed = time.monotonic() - start
    timer.stop()
    # the event loop ran all along: ticks through the whole second the check took, no gap
    gaps = [b - a for a, b in zip([start, *ticks], ticks, strict=False)]
    assert ticks[-1] - start > 0.9
    assert max(gaps) < 0.5, max(gaps)
    assert elapsed < 3.0
    assert [str(f) for f in page.editor.report.errors] == [REFUSED]
    shown = [page.editor.checks.findings.item(i).text()
             for i in range(page.editor.checks.findings.count())]
    assert shown == [f"Error: {REFUSED}"]
    assert not page.lifecycle.submit_button.isEnabled()
