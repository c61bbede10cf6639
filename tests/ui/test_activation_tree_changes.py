"""The Progress tab of a running activation shows calling-tree changes made meanwhile on this
laptop or another one of the team, until a coordinator marks them as seen (on their laptop)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.services import settings as settings_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import trees
from crisisdesk.ui.calling_trees.page import CallingTreesPage
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks, tick  # noqa: F401 (the fixture)
from tests.replication.exchange import bundle
from tests.support.ui import RecordingPrompts, show_page, ui_context

MOVE = "Ann Able moved under Bo Baker (place 1)"


@pytest.fixture
def pages(qtbot: QtBot, team_desks: Team,  # noqa: F811 (the fixture imported above)
          ctx: UiContext, prompts: RecordingPrompts, runner: JobRunner
          ) -> Iterator[tuple[CallingTreesPage, CallingTreesPage]]:
    """Laptop A's and laptop B's Calling trees page, each on the Progress tab."""
    on_b = ui_context(qtbot, team_desks.b, prompts, runner)
    shown = []
    for context in (ctx, on_b):
        page = show_page(qtbot, CallingTreesPage(context), size=(1100, 700))
        page.refresh()
        page.tabs.setCurrentWidget(page.progress)
        shown.append(page)
    yield shown[0], shown[1]
    for page in shown:
        page.timer.stop()
    runner.shutdown()


def notice_lines(page: CallingTreesPage) -> list[str]:
    items = page.progress.notice.list
    return [items.item(i).text() for i in range(items.count())] \
        if page.progress.notice.isVisible() else []


def test_a_move_made_on_a_shows_on_both_progress_tabs_until_marked_seen(
        qtbot: QtBot, team_desks: Team,  # noqa: F811 (the fixture)
        pages: tuple[CallingTreesPage, CallingTreesPage]) -> None:
    t = team_desks
    on_a, on_b = pages
    settings_service.set(t.b, "timezone", "America/Chicago")
    assert on_a.activation_id() == on_b.activation_id() == t.activation
    assert notice_lines(on_a) == notice_lines(on_b) == []
    tick(t.a, 5)
    trees.move_person(t.a, "All staff", t.people[1], caller_id=t.people[2])
    on_a.refresh_activation()  # what the periodic refresh does
    qtbot.waitUntil(lambda: notice_lines(on_a) != [], timeout=5000)
    assert notice_lines(on_a)[0].startswith(f"{MOVE} — on Command centre by alex, ")
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    on_b.refresh_activation()
    qtbot.waitUntil(lambda: notice_lines(on_b) != [], timeout=5000)
    assert notice_lines(on_b) == [f"{MOVE} — on Command centre by alex, 2026-03-20 07:05"]
    title = on_b.progress.notice.title.text()
    assert "changed since this activation started (1 change)" in title
    assert "still follows the tree as it was when it started" in title
    on_b.progress.notice.seen_button.click()
    assert not on_b.progress.notice.isVisible()
    assert on_b.ctx.messages.text == "Calling-tree changes marked as seen on this laptop."
    on_a.load_activation()  # A still shows it: marking seen is each laptop's own
    assert notice_lines(on_a)[0].startswith(MOVE)
