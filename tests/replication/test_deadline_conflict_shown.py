"""A deadline whose status two laptops changed at once says so where the deadline is, in words:
on the Dashboard's Deadlines tab and in `crisisdesk deadlines` (not only in the Team inbox),
until a coordinator settles it."""

from __future__ import annotations

import datetime as dt
import json

from pytestqt.qtbot import QtBot

from crisisdesk.services import clocks, team, team_conflicts
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team
from tests.replication.exchange import bundle, concurrent, resolve_everywhere
from tests.support.cli import run_cli
from tests.support.ui import RecordingPrompts, ui_context

KEY = "state.TX.ag"
OTHER = "hipaa.hhs"
DAY = dt.date(2026, 3, 18)
WORDS = "in conflict between laptops: settle on the Team page"


def in_conflict(t: Team) -> None:
    """KEY marked done on A and done another day on B at once; every desk has both."""
    def change(desk: Session, who: str) -> None:
        clocks.mark_done(desk, KEY, DAY + dt.timedelta(days=0 if who == "A" else 1),
                         reference=who)

    concurrent(t, change, "ab")


def status_cell(page: DashboardPage, key: str) -> str:
    view = page.deadlines
    view.select(key)
    row = view.table.currentIndex().row()
    assert row >= 0, key
    return str(view.proxy.index(row, dl.LEFT).data())


def test_the_deadlines_tab_says_a_deadline_is_in_conflict(team_desks: Team,
                                                         qtbot: QtBot) -> None:
    t = team_desks
    in_conflict(t)
    runner = JobRunner()
    try:
        page = DashboardPage(ui_context(qtbot, t.c, RecordingPrompts(), runner))
        qtbot.addWidget(page)
        page.resize(1200, 800)
        page.show()
        page.tabs.setCurrentWidget(page.deadlines)
        qtbot.waitUntil(lambda: page.deadlines.proxy.rowCount() > 0, timeout=10000)
        assert status_cell(page, KEY).endswith(WORDS)
        assert WORDS not in status_cell(page, OTHER)
        view = page.deadlines
        view.select(KEY)
        tip = view.proxy.index(view.table.currentIndex().row(), dl.LEFT).data(
            dl.Qt.ItemDataRole.ToolTipRole)
        assert WORDS in str(tip)
        # Settled on the Team page: the words go on the next refresh.
        [conflict] = team_conflicts.list_conflicts(t.c)
        resolve_everywhere(t, conflict, "Site 2 laptop")
        view.show_report(clocks.deadlines(t.c))
        assert WORDS not in status_cell(page, KEY)
    finally:
        runner.shutdown()


def test_crisisdesk_deadlines_says_a_deadline_is_in_conflict(team_desks: Team) -> None:
    t = team_desks
    in_conflict(t)
    team.import_bundle(t.b, bundle(t.c, t.tmp / "all.cdbundle"))
    b_dir = t.tmp / "B"
    t.b.close()
    listed = run_cli(b_dir, "deadlines")
    assert listed.returncode == 0, listed.stderr
    [line] = [x for x in listed.stdout.splitlines() if f" {KEY} " in x]
    assert WORDS in line
    assert not [x for x in listed.stdout.splitlines() if f" {OTHER} " in x and WORDS in x]
    data = json.loads(run_cli(b_dir, "deadlines", "--json").stdout)
    flags = {o["key"]: o["team_conflict"] for o in data["obligations"]}
    assert flags[KEY] is True
    assert flags[OTHER] is False
