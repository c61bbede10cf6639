"""The Timeline page: add, correct (original kept and linked), filter, print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.timeline import Category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.timeline.model import TimelineModel
from crisisdesk.ui.timeline.page import TimelinePage
from tests.support.ui import RecordingPrompts, show_page


def seed(session: Session) -> str:
    day = today(session)
    incident = incident_service.create_incident(
        session, title="Ransomware on file servers", kind=IncidentKind.RANSOMWARE,
        discovered_on=day - dt.timedelta(days=3), affected_by_state={"IL": 800})
    start = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(9, 0))
    timeline_service.add_entry(session, "Help desk reports EHR unreachable.",
                               category=Category.CALL, at=start, author="Night help desk")
    timeline_service.add_entry(session, "IC decides to isolate the network.",
                               category=Category.DECISION, at=start + dt.timedelta(hours=1),
                               author="Adaeze Okafor")
    timeline_service.add_entry(session, "Holding statement sent to the Daily Ledger.",
                               category=Category.MEDIA, author="Zoë Mbeki-Adams")
    return incident.id


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> TimelinePage:
    seed(session)
    return show_page(qtbot, TimelinePage(ctx))


def find(page: TimelinePage, text: str) -> int:
    return next(i for i, t in enumerate(page.visible_texts()) if text in t)


def test_shows_the_log_in_time_order(page: TimelinePage) -> None:
    texts = page.visible_texts()
    assert any(t.startswith("Incident opened: Ransomware") for t in texts)  # by the service
    assert texts.index("Help desk reports EHR unreachable.") < texts.index(
        "IC decides to isolate the network.")
    assert page.count_label.text() == "4 entries"


def test_add_entry_through_dialog(qtbot: QtBot, page: TimelinePage, session: Session) -> None:
    page.add_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.accept_button.click()  # empty text: refused next to the field
    assert dialog.isVisible()
    assert "needs some text" in dialog.errors.text("text")
    dialog.text_edit.setPlainText("Called the FBI field office; agent will call back.")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(Category.CALL))
    dialog.position_edit.setText("Liaison")
    dialog.accept_button.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "Called the FBI field office; agent will call back."
                    in page.visible_texts(), timeout=3_000)
    line = page.selected_line()
    assert line is not None
    assert line.entry.category is Category.CALL
    assert line.entry.author == "alex"
    assert line.entry.position == "Liaison"


def test_correct_entry_keeps_and_links_the_original(qtbot: QtBot, page: TimelinePage,
                                                    session: Session) -> None:
    page.table.selectRow(find(page, "isolate the network"))
    page.correct_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert dialog.original is not None
    assert dialog.text_edit.toPlainText() == "IC decides to isolate the network."
    dialog.text_edit.setPlainText("IC decides to isolate the clinical network only.")
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: "IC decides to isolate the clinical network only."
                    in page.visible_texts(), timeout=3_000)
    texts = page.visible_texts()
    original_row = texts.index("IC decides to isolate the network.")  # still there
    assert texts.index("IC decides to isolate the clinical network only.") == original_row + 1
    assert "corrects the entry" in page.proxy.index(original_row + 1, 4).data()
    page.table.selectRow(original_row)
    line = page.selected_line()
    assert line is not None
    assert line.is_corrected
    assert "CORRECTED by alex" in page.detail.text()
    assert page.proxy.index(original_row, 4).data().startswith("corrected ")
    page.jump_button.click()
    jumped = page.selected_line()
    assert jumped is not None
    assert jumped.entry.corrects == line.entry.id
    stored = timeline_service.list_entries(session)
    assert len(stored) == 5  # nothing was overwritten


def test_filter_by_category_search_author_and_dates(qtbot: QtBot, page: TimelinePage,
                                                    session: Session) -> None:
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.DECISION))
    assert "IC decides to isolate the network." in page.visible_texts()
    assert len(page.visible_texts()) == 2  # and the incident's opening decision
    assert all(page.proxy.index(r, 1).data() == "decision" for r in range(page.proxy.rowCount()))
    page.category_combo.setCurrentIndex(0)
    page.search_edit.setText("holding statement")
    qtbot.waitUntil(lambda: page.visible_texts() == [
        "Holding statement sent to the Daily Ledger."], timeout=3_000)
    assert page.count_label.text() == "1 of 4 entries match the filter"
    page.search_edit.clear()
    page.author_edit.setText("okafor")
    qtbot.waitUntil(lambda: page.visible_texts() == ["IC decides to isolate the network."],
                    timeout=3_000)
    page.author_edit.clear()
    day = today(session) - dt.timedelta(days=2)
    page.range_check.setChecked(True)
    page.from_edit.setDate(QDate(day.year, day.month, day.day))
    page.until_edit.setDate(QDate(day.year, day.month, day.day))
    qtbot.waitUntil(lambda: page.visible_texts() == ["Help desk reports EHR unreachable.",
                                                     "IC decides to isolate the network."],
                    timeout=3_000)
    assert page.proxy.filters()["since"] < page.proxy.filters()["until"]


def test_print_log_pdf_with_filter(qtbot: QtBot, page: TimelinePage, tmp_path: Path,
                                   prompts: RecordingPrompts) -> None:
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.MEDIA))
    prompts.save_path = tmp_path / "log.pdf"
    page.pdf_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Saved the activity log"),
                    timeout=15_000)
    text = " ".join(PdfReader(prompts.save_path).pages[0].extract_text().split())
    assert "Holding statement sent to the Daily Ledger." in text
    assert "isolate the network" not in text
    assert "media" in text


def test_without_incident_the_page_says_where_to_start(qtbot: QtBot, ctx: UiContext) -> None:
    widget = show_page(qtbot, TimelinePage(ctx))
    assert "No current incident" in widget.incident_label.text()
    assert not widget.add_button.isEnabled()


def test_timeline_model_passes_qt_model_tester(qtmodeltester: object,
                                               session: Session) -> None:
    seed(session)
    model = TimelineModel()
    model.set_rows(timeline_service.list_entries(session))
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_a_long_log_opens_at_the_newest_entry_and_says_what_its_last_column_holds(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    seed(session)
    start = dt.datetime.combine(today(session) - dt.timedelta(days=1), dt.time(6, 0))
    for i in range(60):
        timeline_service.add_entry(session, f"Status round {i + 1}.", category=Category.NOTE,
                                   at=start + dt.timedelta(minutes=5 * i), author="Scribe")
    page = show_page(qtbot, TimelinePage(ctx), size=(900, 500))
    bar = page.table.verticalScrollBar()
    assert bar.maximum() > 0  # the log is longer than the window...
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())  # ...and opens at its newest end
    header = page.table.model().headerData(4, Qt.Orientation.Horizontal)
    assert header == "Source or correction"  # it holds "auto: systems" as well as corrections
