"""Deadlines tab: the substitute notice plan's reminders sit among the obligations with their
due dates (keep the web posting up until..., the toll-free line is booked too short, nothing
recorded yet), and cannot be marked done there: they follow the plan on the Regulators page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE
from tests.support.letters import adult_rows, letter_desk, write_list
from tests.support.ui import show_page

D = dt.date


def rows(page: DashboardPage) -> dict[str, dict[int, str]]:
    """Each row of the Deadlines table as shown, by its notice text."""
    proxy = page.deadlines.proxy
    return {proxy.index(r, dl.NOTICE).data(): {c: proxy.index(r, c).data() for c in range(5)}
            for r in range(proxy.rowCount())}


def click_row(qtbot: QtBot, page: DashboardPage, notice: str) -> None:
    table, proxy = page.deadlines.table, page.deadlines.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, dl.NOTICE).data() == notice)
    table.scrollTo(proxy.index(row, dl.NOTICE))
    rect = table.visualRect(proxy.index(row, dl.NOTICE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentIndex().row() == row


def test_substitute_notice_reminders_show_with_their_due_dates(
        qtbot: QtBot, session: Session, ctx: UiContext, tmp_path: Path) -> None:
    letter_desk(session)  # today is 2026-03-20
    lost = [f"Lost{i},Person{i},1970-01-01,,,,,,,,,,,," for i in range(12)]
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv",
                                                         [*adult_rows(3), *lost]))
    letter_service.classify_recipients(session)
    page = show_page(qtbot, DashboardPage(ctx), (1280, 800))
    page.tabs.setCurrentWidget(page.deadlines)
    shown = rows(page)
    notice = next(o for o in (page.deadlines.proxy.index(r, 0).data(OBJECT_ROLE)
                              for r in range(page.deadlines.proxy.rowCount()))
                  if o.key == SUBSTITUTE_OBLIGATION_KEY)
    nothing = ("Substitute notice (10 or more people): no web posting or major media "
               "placement is recorded yet.")
    assert shown[nothing][dl.DUE] == notice.due.isoformat()  # due with the substitute notice
    assert "due with the substitute notice" in shown[nothing][dl.BASIS]
    assert "toll-free number active for 90 days: none is recorded yet." in " ".join(shown)
    click_row(qtbot, page, nothing)
    assert not page.deadlines.done_button.isEnabled()
    assert "Regulators page" in page.deadlines.done_button.toolTip()

    substitute_service.set_web_posting(session, "https://example.org/notice", D(2026, 3, 10))
    substitute_service.set_hotline(session, "(833) 555-0142", D(2026, 6, 1))
    page.reload()
    shown = rows(page)
    assert nothing not in shown
    posting = shown["Keep the web posting (https://example.org/notice) up until 2026-06-08 "
                    "(80 days left)."]
    assert (posting[dl.DUE], posting[dl.LEFT]) == ("2026-06-08", "80 days left")
    short = next(row for text, row in shown.items() if "is open only until 2026-06-01" in text)
    assert (short[dl.DUE], short[dl.LEFT]) == ("2026-06-01", "73 days left")
    # sorted by due date among the other obligations
    dues = [row[dl.DUE] for row in sorted(shown.values(), key=lambda r: r[dl.DUE])]
    proxy = page.deadlines.proxy
    assert [proxy.index(r, dl.DUE).data() for r in range(proxy.rowCount())] == dues
