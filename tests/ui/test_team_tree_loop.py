"""The conflicts inbox shows calling-tree moves from two laptops that make a loop: one row per
move with its laptop, the callers kept meanwhile on the first row; "Keep this one" keeps that
laptop's moves and undoes the other's, and typing a value is refused with one line."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.services import team, team_conflicts
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks, tick  # noqa: F401  (the fixture)
from tests.replication.exchange import bundle
from tests.replication.test_tree_moves import BEFORE, callers, move
from tests.support.team_page import team_page
from tests.support.ui import RecordingPrompts


def test_keep_this_one_keeps_one_laptops_moves_of_a_loop(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    ann, bo = t.people[1], t.people[2]
    tick(t.a, 5)
    move(t.a, ann, bo)
    tick(t.b, 7)  # later: listed second
    move(t.b, bo, ann)
    assert team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle")).conflicts == 1
    page = team_page(qtbot, t.a, prompts, runner)
    panel = page.conflicts_panel
    assert panel.isVisible()
    table = panel.table
    rows = [[table.item(r, c).text() for c in (0, 1, 3, 6)] for r in range(table.rowCount())]
    assert rows == [["calling tree: All staff", "these moves make a loop",
                     "Command centre (this laptop)",
                     "Ann Able called by Bo Baker"],
                    ["", "", "Site 2 laptop", "Bo Baker called by Ann Able"]]
    assert "Ann Able called by Lee Lead" in table.item(0, 2).text()

    panel.type_button.click()  # a loop has no value to type
    assert prompts.asked == []
    assert page.ctx.messages.text == ("A loop is settled by keeping one laptop's moves: "
                                      "choose one and press Keep this one.")
    assert len(team_conflicts.list_conflicts(t.a)) == 1

    panel.table.selectRow(1)  # Site 2 laptop's move
    panel.keep_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert "Kept the moves of Site 2 laptop: Bo Baker called by Ann Able" \
        in page.ctx.messages.text
    assert callers(t.a) == {**BEFORE, "Bo Baker": "Ann Able"}
