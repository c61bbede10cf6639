"""The shared UI pieces in `crisisdesk.ui.widgets`, driven as a page would drive them."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import FrameType

import pytest
from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPoint,
    QPointF,
    Qt,
)
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crisisdesk.domain.contact_types import Contact, ContactKind
from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.widgets import table_model
from crisisdesk.ui.widgets.build import date_edit
from crisisdesk.ui.widgets.contact_picker import ContactSearch
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.layouts import column, lead_row
from crisisdesk.ui.widgets.pairs_table import PairsTable
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, SORT_ROLE, RowTableModel, SortProxy
from crisisdesk.ui.widgets.tables import Resize, select_where, selected_object, standard_table
from crisisdesk.ui.widgets.wheel_guard import guard_wheel, steady_fields, while_building


def contact(cid: str, name: str, title: str = "") -> Contact:
    return Contact(cid, name, title, "", ContactKind("staff"), (), "", "", (), "", "", "")


class Pairs(RowTableModel[tuple[str, int]]):
    HEADERS = ("Name", "Count")

    def key(self, row: tuple[str, int]) -> str:
        return row[0]

    def display(self, row: tuple[str, int], column: int) -> str:
        return row[0] if column == 0 else str(row[1])

    def sort_value(self, row: tuple[str, int], column: int) -> object:
        return row[1] if column == 1 else super().sort_value(row, column)


# -- user_errors -------------------------------------------------------------------------------
def test_a_user_error_is_shown_and_the_rest_of_the_block_skipped(qtbot: QtBot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    done = []
    with user_errors(bar) as action:
        raise UserError("The batch is already printed.")
        done.append("after")  # type: ignore[unreachable]
    assert action.failed
    assert done == []
    assert bar.text == "The batch is already printed."
    with user_errors(bar) as action:
        done.append("ok")
    assert not action.failed
    assert done == ["ok"]


def test_a_bug_is_not_shown_as_the_users_mistake(qtbot: QtBot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    with pytest.raises(KeyError), user_errors(bar):
        raise KeyError("bug")
    assert bar.text == ""


# -- SearchField -------------------------------------------------------------------------------
def test_search_waits_for_the_pause_then_searches_once(qtbot: QtBot) -> None:
    field = SearchField("Search", "Search things", debounce_ms=50)
    qtbot.addWidget(field)
    searched: list[str] = []
    field.search.connect(searched.append)
    for text in ("s", "sm", "smi"):
        field.setText(text)
    assert searched == []
    assert field.pending()
    qtbot.waitUntil(lambda: searched == ["smi"], timeout=2_000)
    field.clear_quietly()
    qtbot.wait(120)
    assert searched == ["smi"]
    assert field.text() == ""


def test_a_filter_over_loaded_rows_searches_on_every_keystroke(qtbot: QtBot) -> None:
    field = SearchField("Search", "Search things", debounce_ms=0)
    qtbot.addWidget(field)
    searched: list[str] = []
    field.search.connect(searched.append)
    qtbot.keyClicks(field, "ab")
    assert searched == ["a", "ab"]
    assert field.isClearButtonEnabled()
    assert field.accessibleName() == "Search things"


# -- standard_table and the model --------------------------------------------------------------
def test_standard_table_sorts_with_the_models_sort_values(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    model = Pairs(parent)
    model.set_rows([("b", 10), ("a", 9), ("c", 100)])
    proxy = SortProxy(model, parent)
    table = standard_table(parent, "Pairs", proxy, sort=(1, Qt.SortOrder.AscendingOrder),
                           widths=(120,))
    assert [proxy.index(r, 0).data() for r in range(3)] == ["a", "b", "c"]  # 9 < 10 < 100
    assert proxy.index(0, 1).data(SORT_ROLE) == 9
    assert proxy.index(2, 0).data(OBJECT_ROLE) == ("c", 100)
    assert table.isSortingEnabled()
    assert not table.verticalHeader().isVisibleTo(parent)
    assert table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert table.columnWidth(0) == 120
    assert table.accessibleName() == "Pairs"
    assert selected_object(table, tuple) is None
    table.selectRow(2)
    assert selected_object(table, tuple) == ("c", 100)  # the sorted row, not the source's
    assert selected_object(table, str) is None


def test_select_where_finds_the_row_by_its_object_in_the_sorted_view(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    model = Pairs(parent)
    model.set_rows([("b", 10), ("a", 9), ("c", 100)])
    table = standard_table(parent, "Pairs", SortProxy(model, parent),
                           sort=(1, Qt.SortOrder.DescendingOrder))
    assert select_where(table, lambda row: row[0] == "b")
    assert selected_object(table, tuple) == ("b", 10)
    assert table.selectionModel().selectedRows()[0].row() == 1  # 100, 10, 9
    assert not select_where(table, lambda row: row[0] == "z")
    assert selected_object(table, tuple) == ("b", 10)  # a miss keeps the user's place


class Counted(Pairs):
    """`Pairs` that counts the cells Qt asks it about."""

    asked = 0

    def data(self, index: object, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        self.asked += 1
        return super().data(index, role)  # type: ignore[arg-type]


def test_a_content_sized_column_shows_the_rows_on_screen_whole_without_reading_every_row(
        qtbot: QtBot) -> None:
    model = Counted()
    widest = "Evacuation notice for the west wing families"
    model.set_rows([(widest, 0)] + [(f"t{n}", n) for n in range(1, 2000)])
    table = standard_table(None, "Templates", model,  # type: ignore[arg-type]
                           resize=Resize.ResizeToContents, stretch_last=False)
    qtbot.addWidget(table)
    table.resize(800, 300)
    model.asked = 0
    table.show()
    qtbot.waitExposed(table)
    qtbot.wait(20)
    shown = table.fontMetrics().horizontalAdvance(widest)
    assert table.columnWidth(0) >= shown  # the long name on screen is not cut
    assert table.columnWidth(1) >= table.horizontalHeader().sectionSizeHint(1)  # nor "Count"
    assert model.asked < 4000  # Qt did not measure all 2,000 rows (x 8 roles) on each pass


MODEL_CALLS = frozenset({"data", "multiData", "index", "rowCount", "columnCount"})


@contextlib.contextmanager
def python_calls_into_the_model() -> Iterator[list[int]]:
    """Counts the calls Qt (and the proxy) make into `RowTableModel`'s Python methods."""
    counted = [0]
    source = table_model.__file__

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_name in MODEL_CALLS and code.co_filename == source:
            counted[0] += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield counted
    finally:
        sys.setprofile(previous)


def test_first_show_of_a_sorted_2000_row_table_asks_the_model_little(qtbot: QtBot) -> None:
    # As the Templates page opens: rows arrive in a sorted proxy, then the table is first
    # drawn and its columns measured. Each Python call from C++ costs the GUI thread; with
    # one request per cell (not one per role, each after two row/column counts) a first show
    # stays far below what drawing 8 roles of each cell on screen used to cost.
    model = Pairs()
    proxy = SortProxy(model)
    table = standard_table(None, "Templates", proxy, sort=(0, Qt.SortOrder.AscendingOrder),
                           resize=Resize.ResizeToContents, stretch_last=False)
    qtbot.addWidget(table)
    table.resize(800, 300)
    with python_calls_into_the_model() as sorting:
        model.set_rows([(f"t{n:04}", n) for n in range(2000)])
    with python_calls_into_the_model() as calls:
        table.show()
        qtbot.waitExposed(table)
        qtbot.wait(20)
    assert proxy.index(0, 0).data() == "t0000"  # sorted, and on screen
    assert table.rowAt(0) == 0
    assert 0 < calls[0] < 5_000  # it was 16,000 (and 77,000 to sort the rows, now 52,000)
    assert 0 < sorting[0] < 62_000


class Coloured(Pairs):
    """Every hook a page may define, and one role answered only in `data()`."""

    def foreground(self, row: tuple[str, int], column: int) -> QColor | None:
        return QColor("#b00020") if row[1] > 1 else None

    def background(self, row: tuple[str, int], column: int) -> QColor | None:
        return QColor("#fff3c4") if column == 1 and row[1] > 2 else None

    def bold(self, row: tuple[str, int], column: int) -> bool:
        return row[1] == 3

    def tooltip(self, row: tuple[str, int], column: int) -> str | None:
        return "late" if row[1] > 2 else None

    def extra(self, row: tuple[str, int], column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class StruckOut(Coloured):
    def data(self, index: object, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.StatusTipRole:
            return "own"
        return super().data(index, role)  # type: ignore[arg-type]


class Hidden(SortProxy):
    def filterAcceptsRow(self, source_row: int, source_parent: object) -> bool:
        return source_row != 1


@pytest.mark.parametrize("kind", [Pairs, Coloured, StruckOut])
def test_a_cell_drawn_in_one_request_looks_as_when_asked_role_by_role(
        kind: type[Pairs], qtmodeltester: object) -> None:
    # The view asks each cell for all its roles at once (`multiData`); what it gets must be
    # what `data()` says role by role, on the model and through a sorting, filtering proxy.
    model = kind()
    model.set_rows([("a", 1), ("b", 2), ("c", 3)])
    proxy = Hidden(model)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)  # type: ignore[attr-defined]
    roles = [*range(14), int(OBJECT_ROLE), int(SORT_ROLE)]
    answered = 0
    for shown in (model, proxy):
        cells = [shown.index(r, c) for r in range(shown.rowCount()) for c in range(2)]
        for index in [*cells, QModelIndex()]:
            for role in roles:
                wanted = QModelRoleData(role)
                wanted.setData("stale")
                shown.multiData(index, QModelRoleDataSpan(wanted))
                assert wanted.data() == shown.data(index, role), (shown, index.row(), role)
                answered += wanted.data() is not None
    assert answered > 30  # text, tooltips, sort keys... not only empty roles
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["c", "a"]
    assert model.index(3, 0) == QModelIndex()
    assert model.index(0, 2) == QModelIndex()
    assert model.index(0, 0, model.index(0, 0)) == QModelIndex()


class Cells(RowTableModel[tuple[str, int]]):
    HEADERS = ("Name", "Twice")
    CELLS = (lambda row: row[0].upper(), lambda row: f"{row[1] * 2} pts")

    def key(self, row: tuple[str, int]) -> str:
        return row[0]


def test_a_model_can_say_its_cells_as_one_function_per_column() -> None:
    model = Cells()
    model.set_rows([("a", 4)])
    assert [model.index(0, c).data() for c in range(2)] == ["A", "8 pts"]
    assert model.display(("a", 4), 2) == ""  # a column the cells do not cover


def test_column_gives_the_spare_height_to_the_stretched_piece(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    top, grow = QLineEdit(parent), QLineEdit(parent)
    row = lead_row(QLineEdit(parent), QLineEdit(parent))
    layout = column(parent, top, (grow, 1), row, margin=3)
    assert [layout.stretch(i) for i in range(3)] == [0, 1, 0]
    assert layout.itemAt(2).layout() is row
    assert row.stretch(0) == 1
    assert row.stretch(1) == 0
    assert layout.contentsMargins().left() == 3


def test_row_model_updates_in_place_and_passes_the_model_tester(qtmodeltester: object,
                                                                qtbot: QtBot) -> None:
    model = Pairs()
    model.set_rows([("a", 1), ("b", 2), ("c", 3)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    with qtbot.waitSignal(model.dataChanged):
        model.set_rows([("a", 1), ("b", 5), ("d", 4)])  # c went, b changed, d is new
    assert model.rows() == [("a", 1), ("b", 5), ("d", 4)]
    qtmodeltester.check(model)  # type: ignore[attr-defined]


# -- ContactSearch -----------------------------------------------------------------------------
def test_contact_search_picks_the_match_on_enter(qtbot: QtBot) -> None:
    people = [contact("1", "Ada Smith", "Charge nurse"), contact("2", "Ben Okafor")]
    finder = ContactSearch(lambda text: [p for p in people if text.lower() in p.name.lower()])
    qtbot.addWidget(finder)
    finder.run_search()
    assert finder.results.count() == 2
    assert finder.results.item(0).text() == "Ada Smith, Charge nurse — no phone"
    picked: list[Contact] = []
    finder.picked.connect(picked.append)
    finder.field.setText("oka")
    qtbot.keyClick(finder.field, Qt.Key.Key_Return)  # Enter runs the waiting search first
    assert [c.name for c in picked] == ["Ben Okafor"]


def test_contact_search_reports_a_refused_search(qtbot: QtBot) -> None:
    def refuse(text: str) -> list[Contact]:
        raise UserError("The desk is locked.")

    finder = ContactSearch(refuse)
    qtbot.addWidget(finder)
    failed: list[str] = []
    finder.failed.connect(failed.append)
    finder.run_search()
    assert failed == ["The desk is locked."]


# -- PairsTable -------------------------------------------------------------------------------
def test_pairs_table_adds_and_removes_rows(qtbot: QtBot) -> None:
    pairs = PairsTable(("Label", "Number"), "Phone numbers", add_label="&Add",
                       remove_label="&Remove", new_row=("work", ""))
    qtbot.addWidget(pairs)
    pairs.add_row(" mobile ", "555 0100")
    pairs.add_button.click()
    assert pairs.pairs() == [("mobile", "555 0100"), ("work", "")]
    pairs.table.setCurrentCell(0, 1)
    pairs.remove_button.click()
    assert pairs.pairs() == [("work", "")]


# -- FormDialog --------------------------------------------------------------------------------
class NameDialog(FormDialog):
    def __init__(self, save: object) -> None:
        super().__init__("Name", "&Save", None, intro="Who?")
        self.save_fn = save
        self.name_edit = QLineEdit(self)
        self.other_edit = QLineEdit(self)
        self.add_row("&Name:", self.name_edit, "name")
        self.add_row("&Other:", self.other_edit, "other")

    def save(self) -> str:
        return self.save_fn(self.name_edit.text())  # type: ignore[operator, no-any-return]


def test_form_dialog_shows_reasons_under_their_fields_and_keeps_the_input(qtbot: QtBot) -> None:
    def save(name: str) -> str:
        if not name:
            raise ValidationError("Give a name.", {"name": "a name is needed"})
        if name == "x":
            raise UserError("The desk is read-only.")
        return name.upper()

    dialog = NameDialog(save)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert dialog.errors.text("name") == "Give a name."
    assert dialog.errors.text("other") == ""
    dialog.name_edit.setText("x")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert dialog.message.text() == "The desk is read-only."
    assert dialog.errors.text("name") == ""
    assert dialog.name_edit.text() == "x"
    dialog.name_edit.setText("ada")
    with qtbot.waitSignal(dialog.submitted) as blocker:
        dialog.accept_button.click()
    assert blocker.args == ["ADA"]
    assert not dialog.isVisible()


def _wheel_down(widget: QWidget) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.mark.parametrize("built", ["one widget at a time", "while_building"])
def test_the_wheel_scrolls_a_long_form_past_a_number_it_does_not_change(
        qtbot: QtBot, built: str) -> None:
    # Pages are built while the guard stands aside (it would see thousands of construction
    # events); their fields must still let the wheel pass.
    guard_wheel(QApplication.instance())  # type: ignore[arg-type]
    with while_building() if built == "while_building" else contextlib.nullcontext():
        area = QScrollArea()
        form = QWidget()
        spin = QSpinBox(form)
        spin.setRange(1, 10)
        spin.setValue(5)
        form.setMinimumHeight(3000)
        area.setWidget(form)
        area.resize(300, 300)
        area.show()
    steady_fields(area)
    qtbot.addWidget(area)
    qtbot.waitExposed(area)
    assert spin.focusPolicy() != Qt.FocusPolicy.WheelFocus  # the wheel alone never focuses it
    _wheel_down(spin)
    assert spin.value() == 5  # passing over it with the wheel changes nothing...
    assert area.verticalScrollBar().value() > 0  # ...and the page scrolls on
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    _wheel_down(spin)
    assert spin.value() == 4  # a field the person clicked into still takes the wheel


def test_a_date_field_shows_the_month_as_a_word(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    edit = date_edit(holder, QDate(2026, 12, 2), "Letter date")
    assert edit.text() == "Dec 2, 2026"  # never "2 12 2026" or "12/2/2026"
    assert edit.calendarPopup()
    assert edit.accessibleName() == "Letter date"
