"""The template library: every template with filters by audience, channel, language, status.

In a crisis someone needs "the Spanish patient letter that is approved" in two clicks: the
four filters and the search narrow the table in a proxy (no query per keystroke), and the
"In use" column says which version would be issued and whether it is still the shipped
library text that needs the organisation's own legal review.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from crisisdesk.domain.templates import Audience, Channel, Language, Status
from crisisdesk.services.templates import TemplateSummary
from crisisdesk.ui.templates.model import (
    KEY,
    NAME,
    TemplatesModel,
    TemplatesProxy,
    words,
)
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import column, fill
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.widgets.tables import (
    Resize,
    select_where,
    selected_object,
    standard_table,
)

FILTERS = (("audience", "All audiences", [a.value for a in Audience]),
           ("channel", "All channels", [c.value for c in Channel]),
           ("language", "All languages", [lang.value for lang in Language]),
           ("status", "Any status", [s.value for s in Status]))


class LibraryView(QWidget):
    open_requested = Signal(str)
    issue_requested = Signal(str)
    new_requested = Signal()
    import_requested = Signal()
    export_requested = Signal(str, int)  # key, version

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = SearchField("Search templates by name, key, audience or "
                                       "channel (Ctrl+F)", "Search templates", self,
                                       debounce_ms=0)  # narrows loaded rows: no query
        self.model = TemplatesModel(self)
        self.proxy = TemplatesProxy(self.model, self)
        self.search_edit.search.connect(self._filtered_search)
        self.filters: dict[str, QComboBox] = {}
        filters_row = QHBoxLayout()
        filters_row.addWidget(self.search_edit, 2)
        for name, everything, values in FILTERS:
            combo = QComboBox(self)
            combo.setAccessibleName(f"Filter by {name}")
            combo.addItem(everything, "")
            for value in values:
                combo.addItem(words(value), value)
            combo.currentIndexChanged.connect(
                lambda _i, n=name, c=combo: self._filtered(n, c.currentData()))
            self.filters[name] = combo
            filters_row.addWidget(combo, 1)

        self.table = standard_table(self, "Templates", self.proxy,
                                    sort=(NAME, Qt.SortOrder.AscendingOrder), alternate=True,
                                    resize=Resize.ResizeToContents, stretch=NAME,
                                    stretch_last=False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(KEY, Resize.Interactive)
        self.table.setColumnWidth(KEY, 170)
        header.setMinimumSectionSize(50)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Templates shown")
        self.open_button = push_button(self, "&Open in editor", self.open_selected)
        self.issue_button = push_button(self, "&Issue message…", self.issue_selected)
        self.new_button = push_button(self, "&New template…", self.new_requested)
        self.import_button = QPushButton("I&mport .tmpl…", self)
        self.import_button.setToolTip("Add a template file as a draft (a known key gets a new "
                                      "draft version)")
        self.import_button.clicked.connect(self.import_requested)
        self.export_button = push_button(self, "E&xport .tmpl…", self.export_selected)
        self.count_label.setWordWrap(True)
        bottom = fill(QHBoxLayout(), self.new_button, self.import_button, self.export_button)
        bottom.addStretch(1)
        fill(bottom, self.open_button, self.issue_button)
        column(self, filters_row, (self.table, 1), self.count_label, bottom, margin=6)
        self.update_buttons()

    def set_templates(self, templates: list[TemplateSummary]) -> None:
        self.model.set_rows(templates)
        self._count()
        self.update_buttons()

    def _filtered(self, name: str, value: str) -> None:
        self.proxy.set_choice(name, value or "")
        self._count()

    def _filtered_search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        library = sum(1 for t in self.model.rows() if t.needs_legal_review)
        text = f"{shown} of {total} templates" if shown != total else f"{total} templates"
        if library:
            text += (f" · {library} still use the shipped library text: have your own counsel "
                     "review them")
        self.count_label.setText(text)

    def selected(self) -> TemplateSummary | None:
        return selected_object(self.table, TemplateSummary)

    def update_buttons(self) -> None:
        chosen = self.selected()
        self.open_button.setEnabled(chosen is not None)
        self.issue_button.setEnabled(chosen is not None and chosen.approved_version is not None)
        self.export_button.setEnabled(chosen is not None)
        self.export_button.setToolTip(
            f"Write version {chosen.latest_version} of {chosen.key} as a file to edit and "
            "import again" if chosen is not None else "Select a template first")

    def open_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.open_requested.emit(chosen.key)

    def export_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.export_requested.emit(chosen.key, chosen.latest_version)

    def issue_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.approved_version is not None:
            self.issue_requested.emit(chosen.key)

    def select_key(self, key: str) -> None:
        select_where(self.table, lambda found: getattr(found, "key", None) == key)

    def clear(self) -> None:
        self.search_edit.clear_quietly()
        self.proxy.set_search("")
        self.model.set_rows([])
        self.count_label.clear()
