"""Two laptops that both started period 2: the one set aside is shown, with its line-ups, on
`crisisdesk roles list` and the Roles page of every laptop, naming the laptop that started it,
when, and the laptop whose period 2 was kept."""

from __future__ import annotations

import json

from pytestqt.qtbot import QtBot

from crisisdesk.services import periods_set_aside, team
from crisisdesk.services import roles as role_service
from crisisdesk.ui.roles.page import RolesPage
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, tick
from tests.replication.exchange import all_bundles, bundle, round_trip
from tests.support.cli import run_cli
from tests.support.ui import RecordingPrompts, show_page, ui_context

SAID = ("Period 2 started on Site 2 laptop at 2026-03-20 12:07 was set aside: "
        "Command centre started period 2 first.")


def two_period_twos(t: Team) -> None:
    role_service.start_period(t.a)
    role_service.assign_role(t.a, "ic", t.people[0])
    first = bundle(t.a, t.tmp / "p1.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, first)
    tick(t.a, 5)
    role_service.end_period(t.a, "Day shift hands over.")
    role_service.assign_role(t.a, "ic", t.people[1])
    tick(t.b, 7)
    role_service.end_period(t.b, "Site 2 hands over.")
    role_service.assign_role(t.b, "ic", t.people[2], [t.people[3]])
    round_trip(t, ("b", "a", "c"), all_bundles(t))


def test_every_desk_says_which_period_was_set_aside(team_desks: Team) -> None:
    t = team_desks
    two_period_twos(t)
    for name, desk in t.desks.items():
        [aside] = periods_set_aside.set_aside_periods(desk)
        assert aside.lines() == [SAID, "  Incident Commander: Bo Baker, Cy Cole"], name
    b_dir = t.tmp / "B"
    t.b.close()
    listed = run_cli(b_dir, "roles", "list")
    assert listed.returncode == 0, listed.stderr
    assert SAID in listed.stdout
    assert "  Incident Commander: Bo Baker, Cy Cole" in listed.stdout
    data = json.loads(run_cli(b_dir, "roles", "list", "--json").stdout)
    [aside] = data["set_aside"]
    assert (aside["text"], aside["line_ups"]) == (
        SAID, [{"role": "Incident Commander", "people": ["Bo Baker", "Cy Cole"]}])


def test_the_roles_page_shows_the_period_set_aside(team_desks: Team, qtbot: QtBot) -> None:
    t = team_desks
    runner = JobRunner()
    try:
        page = show_page(qtbot, RolesPage(ui_context(qtbot, t.c, RecordingPrompts(), runner)))
        page.refresh()
        assert page.set_aside_label.isHidden()
        two_period_twos(t)
        page.refresh()
        assert page.set_aside_label.isVisible()
        assert page.set_aside_label.text().splitlines() == [
            SAID, "  Incident Commander: Bo Baker, Cy Cole"]
    finally:
        runner.shutdown()
