"""The conflicts inbox on the Team page: after two laptops changed one person's phone without
seeing each other's change, the page lists both values with laptop, operator and time; "Keep
this one" settles it with the chosen phone, a typed value is checked (a bad one changes
nothing), and the Dashboard counts the conflicts until they are settled."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.domain.times import show_utc
from crisisdesk.services import localtime, team, team_conflicts
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard.panels import PANELS, SummaryPanel
from crisisdesk.ui.team.page import TeamPage
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks  # noqa: F401  (the fixture)
from tests.replication.test_edit_conflicts import CLONED, concurrent_phone_edits, phone
from tests.support.team_page import team_page
from tests.support.ui import RecordingPrompts

A_PHONE, B_PHONE = "(312) 555-0177", "(312) 555-0188"


def _conflict_on_a(t: Team) -> None:
    """A and B change Ann Able's phone concurrently; A imports B's bundle."""
    _, from_b = concurrent_phone_edits(t)
    assert team.import_bundle(t.a, from_b).conflicts == 1


def _rows(page: TeamPage) -> list[list[str]]:
    table = page.conflicts_panel.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def _team_panel(qtbot: QtBot, session: Session) -> list[tuple[str, str]]:
    title, summary = next(p for p in PANELS if p[0] == "Team")
    panel = SummaryPanel(title, summary)
    qtbot.addWidget(panel)
    panel.refresh(session)
    return panel.rows()


def test_keep_this_one_settles_the_conflict_with_the_chosen_phone(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    _conflict_on_a(t)
    assert _team_panel(qtbot, t.a) == [("Warning:", "1 team conflict to settle on the Team page.")]
    page = team_page(qtbot, t.a, prompts, runner)
    panel = page.conflicts_panel
    assert panel.isVisible()
    assert "1 conflict to settle" in page.summary_label.text()
    [conflict] = team_conflicts.list_conflicts(t.a)
    tz = localtime.zone(t.a)
    when = {x.laptop: show_utc(x.at, tz) for x in conflict.candidates}
    assert _rows(page) == [
        ["Ann Able", "phones", f"mobile: {CLONED}", "Command centre (this laptop)", "alex",
         when["Command centre"], f"mobile: {A_PHONE}"],
        ["", "", "", "Site 2 laptop", "alex", when["Site 2 laptop"], f"mobile: {B_PHONE}"]]

    panel.table.selectRow(1)  # Site 2 laptop's phone
    panel.keep_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert "Kept Site 2 laptop's phones" in page.ctx.messages.text
    assert team_conflicts.list_conflicts(t.a) == []
    assert phone(t.a, t.people[1]) == B_PHONE
    assert "to settle" not in page.summary_label.text()
    assert _team_panel(qtbot, t.a) == [("Conflicts:", "none to settle")]


def test_a_typed_value_is_checked_and_a_bad_one_changes_nothing(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    _conflict_on_a(t)
    page = team_page(qtbot, t.a, prompts, runner)
    panel = page.conflicts_panel
    prompts.text_answer = "desk=not a number"
    panel.type_button.click()
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert prompts.asked[-1][0] == "ask_text"
    assert "Ann Able" in prompts.asked[-1][2]
    error = page.ctx.messages.text
    assert "not a number" in error
    assert "\n" not in error
    assert len(team_conflicts.list_conflicts(t.a)) == 1
    assert phone(t.a, t.people[1]) == CLONED
    assert panel.isVisible()
    assert len(_rows(page)) == 2

    prompts.text_answer = "desk=(312) 555-0199"
    panel.type_button.click()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    assert phone(t.a, t.people[1]) == "(312) 555-0199"
    assert team_conflicts.list_conflicts(t.a) == []


def test_a_desk_that_is_not_a_team_says_so_on_the_dashboard(
        qtbot: QtBot, session: Session) -> None:
    assert _team_panel(qtbot, session) == [
        ("", "This laptop works alone (not part of a team).")]
