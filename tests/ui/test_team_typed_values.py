"""The Team page's "Type a value…" for an incident's field: the prompt says how to type a date,
a bad date is one line on the message bar and changes nothing, a good one settles the
conflict; a role line-up's conflict says to keep one laptop's value instead."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks, tick  # noqa: F401  (the fixture)
from tests.replication.exchange import bundle
from tests.support.team_page import team_page
from tests.support.ui import RecordingPrompts


def _conflict_on_a(t: Team, change: object) -> None:
    """A and B make `change(desk, who)` concurrently; A imports B's bundle."""
    assert callable(change)
    tick(t.a, 5)
    change(t.a, "A")
    tick(t.b, 7)
    change(t.b, "B")
    assert team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle")).conflicts == 1


def test_an_incident_date_typed_on_the_team_page(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    ended = {"A": dt.date(2026, 3, 1), "B": dt.date(2026, 2, 28)}
    _conflict_on_a(t, lambda desk, who: incident_service.update_incident(
        desk, None, breach_ended_on=ended[who]))
    page = team_page(qtbot, t.a, prompts, runner)
    panel = page.conflicts_panel
    prompts.text_answer = "the 6th"
    panel.type_button.click()
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert prompts.asked[-1][0] == "ask_text"
    assert "a date like" in prompts.asked[-1][2]
    error = page.ctx.messages.text
    assert "Breach ended on must be a date like" in error
    assert "\n" not in error
    assert len(team_conflicts.list_conflicts(t.a)) == 1
    assert incident_service.get_incident(t.a).breach_ended_on is None  # as before both

    prompts.text_answer = "Feb 27, 2026"
    panel.type_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert incident_service.get_incident(t.a).breach_ended_on == dt.date(2026, 2, 27)
    assert team_conflicts.list_conflicts(t.a) == []


def test_a_line_up_conflict_asks_to_keep_one_laptops_value(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    role_service.assign_role(t.a, "ic", t.people[0])  # (after the clone: period 1 travels)
    for desk in (t.b,):
        team.import_bundle(desk, bundle(t.a, t.tmp / "a0.cdbundle"))
    _conflict_on_a(t, lambda desk, who: role_service.assign_role(
        desk, "ic", t.people[1 if who == "A" else 2]))
    page = team_page(qtbot, t.a, prompts, runner)
    prompts.text_answer = "Ann Able"
    page.conflicts_panel.type_button.click()
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert "keep one laptop's value (Keep this one on the Team page" in page.ctx.messages.text
    assert len(team_conflicts.list_conflicts(t.a)) == 1
