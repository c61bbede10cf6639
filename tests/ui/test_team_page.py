"""The Team page: a desk that is not a team says how to become one; on a team desk the real
buttons export a bundle, import it on another laptop and sync through a shared folder, and the
page shows the laptops and what the last exchange brought."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.domain.times import show_utc
from crisisdesk.services import desk as desk_service
from crisisdesk.services import localtime, team, team_folder
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.team.folder_watcher import TeamFolderWatcher
from crisisdesk.ui.team.page import TeamPage
from crisisdesk.ui.workers import JobRunner
from tests.support.crisis import NOW, freeze, open_incident
from tests.support.desk import PASSPHRASE
from tests.support.team_page import team_page
from tests.support.ui import RecordingPrompts


def _cell(page: TeamPage, row: int, col: int) -> str:
    item = page.table.item(row, col)
    return item.text() if item is not None else ""


def _rows(page: TeamPage) -> dict[str, list[str]]:
    return {_cell(page, r, 0): [_cell(page, r, c) for c in range(1, page.table.columnCount())]
            for r in range(page.table.rowCount())}


@pytest.fixture
def laptop_b(session: Session, tmp_path: Path) -> Iterator[Session]:
    """`session` (A, 'Command centre') with an open incident, cloned to B ('Site 2 laptop')."""
    freeze(session)
    open_incident(session)
    team.clone_desk(session, tmp_path / "B", "Site 2 laptop", this_name="Command centre")
    b = desk_service.unlock(tmp_path / "B", "alex", PASSPHRASE)
    freeze(b)
    yield b
    b.close()


def test_a_desk_that_is_not_a_team_says_how_to_make_one(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner) -> None:
    page = team_page(qtbot, session, prompts, runner, (900, 600))
    assert page.not_team_label.isVisible()
    assert "crisisdesk team clone" in page.not_team_label.text()
    assert not page.export_button.isVisible()
    assert not page.table.isVisible()


def test_export_on_one_laptop_and_import_on_the_other_shows_what_came(
        qtbot: QtBot, session: Session, laptop_b: Session, prompts: RecordingPrompts,
        runner: JobRunner, tmp_path: Path) -> None:
    timeline_service.add_entry(session, "Phones down in the east wing")
    timeline_service.add_entry(session, "Paper forms handed out")
    a_page = team_page(qtbot, session, prompts, runner, (900, 600))
    assert not a_page.not_team_label.isVisible()
    assert "Command centre" in a_page.summary_label.text()
    assert "2 records written here have not been exported yet" in a_page.summary_label.text()
    assert set(_rows(a_page)) == {"Command centre (this laptop)", "Site 2 laptop"}
    assert _rows(a_page)["Site 2 laptop"][1:] == ["never", "never"]

    prompts.save_path = tmp_path / "a.cdbundle"
    a_page.export_button.click()
    qtbot.waitUntil(lambda: "to a.cdbundle" in a_page.ctx.messages.text, timeout=10_000)
    assert a_page.ctx.messages.text.startswith("Exported ")
    assert prompts.save_path.exists()
    qtbot.waitUntil(lambda: "Everything written here has been exported"
                    in a_page.summary_label.text(),
                    timeout=10_000)

    b_prompts = RecordingPrompts()
    b_runner = JobRunner()
    b_page = team_page(qtbot, laptop_b, b_prompts, b_runner, (900, 600))
    b_prompts.open_path = prompts.save_path
    b_page.import_button.click()
    qtbot.waitUntil(lambda: "timeline entries" in b_page.last_label.text(), timeout=10_000)
    assert "2 timeline entries from Command centre" in b_page.last_label.text()
    # The table reloads: A is heard from now, with the entries it wrote (and relayed).
    qtbot.waitUntil(lambda: _rows(b_page).get("Command centre", ["", "never"])[1] != "never",
                    timeout=10_000)
    held = {lap.name: lap.records_here for lap in team.team_status(laptop_b).laptops}
    assert held["Command centre"] >= 2
    noon = show_utc(NOW.isoformat(), localtime.zone(laptop_b))  # both clocks are frozen
    assert _rows(b_page)["Command centre"] == [str(held["Command centre"]), noon, noon]
    texts = {e.entry.text for e in timeline_service.list_entries(laptop_b)}
    assert {"Phones down in the east wing", "Paper forms handed out"} <= texts

    b_page.import_button.click()  # the same file again
    qtbot.waitUntil(lambda: "imported before" in b_page.last_label.text(), timeout=10_000)
    assert "nothing new" in b_page.last_label.text()
    b_runner.shutdown()


def test_sync_with_folder_exchanges_both_ways(
        qtbot: QtBot, session: Session, laptop_b: Session, prompts: RecordingPrompts,
        runner: JobRunner, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    for desk in (session, laptop_b):
        settings_service.set(desk, "team_exchange_folder", str(stick))
    timeline_service.add_entry(session, "Generator on")
    a_page = team_page(qtbot, session, prompts, runner, (900, 600))
    assert str(stick) in a_page.folder_label.text()
    a_page.sync_button.click()
    qtbot.waitUntil(lambda: "left this laptop's bundle" in a_page.last_label.text(),
                    timeout=10_000)
    assert len(list(stick.glob("*.cdbundle"))) == 1

    b_runner = JobRunner()
    b_page = team_page(qtbot, laptop_b, RecordingPrompts(), b_runner, (900, 600))
    b_page.sync_button.click()
    qtbot.waitUntil(lambda: "1 timeline entry from Command centre" in b_page.last_label.text(),
                    timeout=10_000)
    assert len(list(stick.glob("*.cdbundle"))) == 2
    assert "Generator on" in {e.entry.text for e in timeline_service.list_entries(laptop_b)}

    b_runner.shutdown()


def test_the_window_s_folder_watcher_imports_what_another_laptop_left(
        qtbot: QtBot, session: Session, laptop_b: Session, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    settings_service.set(laptop_b, "team_exchange_folder", str(stick))
    timeline_service.add_entry(session, "Generator on")
    team_folder.sync_folder(session, stick)
    runner = JobRunner()
    state = DeskState(laptop_b)
    changed: list[bool] = []
    state.desk_changed.connect(lambda: changed.append(True))
    watcher = TeamFolderWatcher(state, runner, tick_ms=3_600_000)
    with qtbot.waitSignal(watcher.imported, timeout=10_000) as got:
        watcher.tick()
    assert "1 timeline entry from Command centre" in got.args[0].sentence()
    assert changed == [True]  # the open pages reload
    assert "Generator on" in {e.entry.text for e in timeline_service.list_entries(laptop_b)}
    qtbot.waitUntil(lambda: watcher.job is None, timeout=10_000)
    with qtbot.assertNotEmitted(watcher.imported, wait=500):
        watcher.tick()  # the same folder again: nothing imported
        qtbot.waitUntil(lambda: watcher.job is None, timeout=10_000)
    runner.shutdown()
