"""The Team page says of which kinds the records held from each laptop are (new contacts,
calling trees and incidents among them), as `team status` does."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from crisisdesk.services import desk as desk_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import trees
from crisisdesk.services.session import Session
from crisisdesk.ui.team.page import TeamPage
from crisisdesk.ui.workers import JobRunner
from tests.support.crisis import freeze, open_incident, staff
from tests.support.desk import PASSPHRASE
from tests.support.ui import RecordingPrompts, show_page, ui_context


def test_the_records_held_from_a_laptop_name_their_kinds(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner,
        tmp_path: Path) -> None:
    freeze(session)
    team.clone_desk(session, tmp_path / "B", "Site 2 laptop", this_name="Command centre")
    staff(session, "Gina Green")
    staff(session, "Hal Hill")
    trees.create_tree(session, "Night shift")
    open_incident(session, title="Flood")
    b = desk_service.unlock(tmp_path / "B", "alex", PASSPHRASE)
    try:
        freeze(b)
        team.import_bundle(b, team.export_bundle(session, tmp_path / "a.cdbundle").path)
        page = show_page(qtbot, TeamPage(ui_context(qtbot, b, prompts, runner)), (900, 600))
        qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
        rows = {page.table.item(r, 0).text(): page.table.item(r, 1)
                for r in range(page.table.rowCount())}
        held = rows["Command centre"].toolTip()
        for part in ("2 contacts", "1 calling tree", "1 incident"):
            assert part in held, held
    finally:
        b.close()
