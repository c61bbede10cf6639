"""The Timeline page, the Dashboard's latest entries and the communication log on a team
desk: a record imported from another laptop names it ("alex on Site 2 laptop"); this laptop's
own records show the name alone, as on a desk that is not part of a team."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.services import messages as message_service
from crisisdesk.services import team
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.templates.model import OPERATOR, RECIPIENTS
from crisisdesk.ui.timeline.model import AUTHOR, TEXT
from crisisdesk.ui.timeline.page import TimelinePage
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks, tick  # noqa: F401 (fixture)
from tests.support.crisis import open_incident
from tests.support.templates_page import SMS, make_page
from tests.support.ui import RecordingPrompts, show_page, ui_context


def _authors(page: TimelinePage) -> dict[str, str]:
    rows = range(page.proxy.rowCount())
    return {page.proxy.index(r, TEXT).data(): page.proxy.index(r, AUTHOR).data() for r in rows}


def _exchange(t: Team) -> None:
    tick(t.a, 5)
    tick(t.b, 6)
    timeline_service.add_entry(t.a, "Command centre: generators checked")
    timeline_service.add_entry(t.b, "Site 2: pharmacy on paper")
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)


def test_timeline_page_names_the_laptop_of_an_imported_entry(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    _exchange(t)
    page = show_page(qtbot, TimelinePage(ui_context(qtbot, t.a, prompts, runner)))
    qtbot.waitUntil(lambda: "Site 2: pharmacy on paper" in _authors(page), timeout=10_000)
    authors = _authors(page)
    assert authors["Site 2: pharmacy on paper"] == "alex on Site 2 laptop"
    assert authors["Command centre: generators checked"] == "alex"
    page.select_entry(next(line.entry.id for line in timeline_service.list_entries(t.a)
                           if line.entry.text.startswith("Site 2")))
    assert "alex on Site 2 laptop" in page.detail.text()


def test_dashboard_latest_entries_name_the_other_laptop(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    _exchange(t)
    page = show_page(qtbot, DashboardPage(ui_context(qtbot, t.a, prompts, runner)))
    qtbot.waitUntil(lambda: page.latest.count() > 0, timeout=10_000)
    lines = [page.latest.item(i).text() for i in range(page.latest.count())]
    assert any("alex on Site 2 laptop: Site 2: pharmacy on paper" in s for s in lines)
    assert any("alex: Command centre: generators checked" in s for s in lines)


def test_a_desk_that_is_not_a_team_shows_the_author_alone(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner) -> None:
    open_incident(session)
    timeline_service.add_entry(session, "Generators checked")
    page = show_page(qtbot, TimelinePage(ui_context(qtbot, session, prompts, runner)))
    qtbot.waitUntil(lambda: "Generators checked" in _authors(page), timeout=10_000)
    assert _authors(page)["Generators checked"] == "alex"


def test_communication_log_names_the_laptop_that_issued_a_message(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    values = {"org_name": "Riverside", "action_requested": "Stay home",
              "staff_hotline": "217-555-0120"}
    message_service.issue_message(t.a, SMS, recipient_count=3, values=values)
    message_service.issue_message(t.b, SMS, recipient_count=12, values=values)
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    page = make_page(qtbot, t.a, prompts, runner)
    log = page.log.model
    qtbot.waitUntil(lambda: log.rowCount() == 3, timeout=10_000)  # + the activation's
    by_count = {log.index(r, RECIPIENTS).data(): log.index(r, OPERATOR).data()
                for r in range(log.rowCount())}
    assert by_count == {"12": "alex on Site 2 laptop", "3": "alex", "6": "alex"}
