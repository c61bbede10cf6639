"""A template's version history and a readable diff between any two versions.

Approvers need to see exactly what changed since the version legal signed off. The diff text
comes from the service (`templates.diff`); this view only colours it: added lines green,
removed lines red, hunk headers blue, so a one-word change in a long letter stands out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import escape
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.templates import TemplateVersion
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.table_model import RowTableModel
from crisisdesk.ui.widgets.tables import Resize, standard_table

H_VERSION, H_STATUS, H_DRAFTED, H_BY, H_APPROVED, H_NOTE = range(6)

_ADDED = "background:#e6f4ea;color:#14532d;"
_REMOVED = "background:#fde8e8;color:#7f1d1d;"
_HUNK = "color:#1f5fa8;"
_HEADER = "font-weight:bold;color:#3d4752;"


class VersionsModel(RowTableModel[TemplateVersion]):
    HEADERS = ("Version", "Status", "Drafted", "By", "Approved by", "Note")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.show_time: Callable[[str], str] = lambda iso: iso

    def key(self, row: TemplateVersion) -> str:
        return str(row.version)

    def display(self, row: TemplateVersion, column: int) -> Any:
        if column == H_VERSION:
            return f"v{row.version}"
        if column == H_STATUS:
            return row.status.label
        if column == H_DRAFTED:
            return self.show_time(row.created_at)
        if column == H_BY:
            return row.created_by
        if column == H_APPROVED:
            if not row.approved_by:
                return ""
            return f"{row.approved_by}, {self.show_time(row.approved_at or '')}"
        if column == H_NOTE:
            return row.retired_reason or row.note
        return ""

    def sort_value(self, row: TemplateVersion, column: int) -> Any:
        return row.version if column == H_VERSION else super().sort_value(row, column)


def diff_html(diff: str) -> str:
    """The unified diff as HTML, one coloured line per line of text (everything escaped)."""
    lines = []
    for line in diff.split("\n"):
        if line.startswith(("+++", "---")):
            style = _HEADER
        elif line.startswith("+"):
            style = _ADDED
        elif line.startswith("-"):
            style = _REMOVED
        elif line.startswith("@@"):
            style = _HUNK
        else:
            style = ""
        text = escape(line) if line else "&nbsp;"
        lines.append(f"<div style='white-space:pre-wrap;{style}'>{text}</div>")
    return "".join(lines)


class HistoryView(QWidget):
    """`set_versions(versions)` then the two choosers drive `diff_fn(old, new)`;
    `export_requested(version)` for the version selected in the table (or the latest)."""

    export_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diff_fn: Callable[[int, int], str] = lambda _a, _b: ""
        self.model = VersionsModel(self)
        self.table = standard_table(self, "Versions", self.model, selection=None, wrap=True,
                                    resize=Resize.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._export_label())
        self.export_button = push_button(self, "E&xport .tmpl…", self._export,
                                         "Write the selected version as a file to edit and "
                                         "import again")
        self.old_combo = QComboBox(self)
        self.old_combo.setAccessibleName("Compare from version")
        self.new_combo = QComboBox(self)
        self.new_combo.setAccessibleName("Compare to version")
        for combo in (self.old_combo, self.new_combo):
            combo.currentIndexChanged.connect(lambda _i: self.show_diff())
        self.diff_view = QTextBrowser(self)
        self.diff_view.setAccessibleName("Differences between versions")
        self.diff_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.legend = QLabel(f"<span style='{_REMOVED}'>&nbsp;− removed&nbsp;</span> "
                             f"<span style='{_ADDED}'>&nbsp;+ added&nbsp;</span>", self)
        choose = QHBoxLayout()
        from_label = QLabel("Compare &version", self)
        from_label.setBuddy(self.old_combo)
        choose.addWidget(from_label)
        choose.addWidget(self.old_combo)
        choose.addWidget(QLabel("with", self))
        choose.addWidget(self.new_combo)
        choose.addStretch(1)
        choose.addWidget(self.legend)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(choose)
        bottom_layout.addWidget(self.diff_view, 1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        export_row = QHBoxLayout()
        export_row.addStretch(1)
        export_row.addWidget(self.export_button)
        top_layout.addLayout(export_row)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([190, 410])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def selected_version(self) -> int | None:
        """The version selected in the table, else the latest."""
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.rows()[rows[0].row()].version
        return self.model.rows()[-1].version if self.model.rows() else None

    def _export_label(self) -> None:
        number = self.selected_version()
        self.export_button.setEnabled(number is not None)
        self.export_button.setText(f"E&xport v{number} as .tmpl…" if number else
                                   "E&xport .tmpl…")

    def _export(self) -> None:
        number = self.selected_version()
        if number is not None:
            self.export_requested.emit(number)

    def set_versions(self, versions: list[TemplateVersion]) -> None:
        self.model.set_rows(versions)
        self._export_label()
        numbers = [v.version for v in versions]
        same = [self.old_combo.itemData(i) for i in range(self.old_combo.count())] == numbers
        old_pick = self.old_combo.currentData() if same else None
        new_pick = self.new_combo.currentData() if same else None
        for combo in (self.old_combo, self.new_combo):
            combo.blockSignals(True)
            combo.clear()
            for v in versions:
                combo.addItem(f"v{v.version} ({v.status.label})", v.version)
            combo.blockSignals(False)
        if not numbers:
            self.diff_view.clear()
            return
        default_old = numbers[-2] if len(numbers) > 1 else numbers[-1]
        self.select(old_pick if old_pick in numbers else default_old,
                    new_pick if new_pick in numbers else numbers[-1])

    def select(self, old: int, new: int) -> None:
        for combo, number in ((self.old_combo, old), (self.new_combo, new)):
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(number))
            combo.blockSignals(False)
        self.show_diff()

    def show_diff(self) -> None:
        old, new = self.old_combo.currentData(), self.new_combo.currentData()
        if old is None or new is None:
            self.diff_view.clear()
            return
        self.diff_view.setHtml(diff_html(self.diff_fn(int(old), int(new))))

    def clear(self) -> None:
        self.model.set_rows([])
        self._export_label()
        for combo in (self.old_combo, self.new_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        self.diff_view.clear()
