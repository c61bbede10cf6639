"""The conflicts inbox as a coordinator reads it at the main window's size: the competing
values of each conflict are on screen side by side, whole (wrapped, never pushed off to the
right behind a scroll bar), the row made on this laptop says so, and the laptops' table takes
only the room of its rows so the conflicts get the rest."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services import incidents as incident_service
from crisisdesk.services import team
from crisisdesk.ui.team.page import TeamPage
from crisisdesk.ui.workers import JobRunner
from tests.replication.conftest import Team, team_desks, tick  # noqa: F401  (the fixture)
from tests.replication.exchange import bundle
from tests.replication.test_edit_conflicts import set_phone
from tests.support.ui import RecordingPrompts, show_page, ui_context

SUMMARY = ("Ransomware locked the file servers and the electronic health record at {}; "
           "downtime procedures in every unit, paper forms, runners between the wards")


def test_both_sides_of_each_conflict_are_readable_side_by_side(
        qtbot: QtBot, team_desks: Team, prompts: RecordingPrompts,  # noqa: F811
        runner: JobRunner) -> None:
    t = team_desks
    for minutes, desk, where, number in ((5, t.a, "the main campus", "(312) 555-0177"),
                                         (7, t.b, "Site 2", "(312) 555-0188")):
        tick(desk, minutes)
        set_phone(desk, t.people[1], number)
        incident_service.update_incident(desk, None, summary=SUMMARY.format(where))
    assert team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle")).conflicts == 2
    # The page's room in a 1280 x 800 window, beside the sidebar.
    page = show_page(qtbot, TeamPage(ui_context(qtbot, t.a, prompts, runner)), (1060, 720))
    qtbot.waitUntil(lambda: not page.ctx.runner.busy, timeout=10_000)
    panel = page.conflicts_panel
    qtbot.waitUntil(panel.isVisible, timeout=10_000)
    table = panel.table
    header = table.horizontalHeader()
    last = header.count() - 1
    assert not table.horizontalScrollBar().isVisible()
    assert header.sectionViewportPosition(last) + header.sectionSize(last) \
        <= table.viewport().width()
    value_col = next(c for c in range(table.columnCount())
                     if table.horizontalHeaderItem(c).text() == "Value")
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        text = table.item(row, value_col).text()
        needed = metrics.boundingRect(QRect(0, 0, header.sectionSize(value_col) - 8, 10_000),
                                      Qt.TextFlag.TextWordWrap, text).height()
        assert needed <= table.rowHeight(row), (row, text)
    laptops = [table.item(r, 3).text() for r in range(table.rowCount())]
    assert laptops == ["Command centre (this laptop)", "Site 2 laptop"] * 2
    assert page.table.height() < panel.height()  # three laptops: the inbox gets the room
