"""Table models for the template library and the communication log.

Both are `RowTableModel`s: column constants, a case-folded `SORT_ROLE` for the proxy and
`OBJECT_ROLE` for the row's object, and in-place updates so a refresh after another window's
change keeps the selection. The library's filters live
in `TemplatesProxy`: they only narrow what is already loaded, so no query runs per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from crisisdesk.domain.messages import LogEntry
from crisisdesk.services.record_origins import NONE, Origins
from crisisdesk.services.templates import TemplateSummary
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, Index, RowTableModel, SortProxy

NAME, KEY, AUDIENCE, CHANNEL, LANGUAGE, LATEST, APPROVED = range(7)
HEADERS = ("Name", "Key", "Audience", "Channel", "Lang.", "Latest", "In use")

WHEN, TEMPLATE, VERSION, SENT_TO, RECIPIENTS, OPERATOR, INCIDENT, NOTE = range(8)
LOG_HEADERS = ("When", "Template", "Version", "Sent to", "Recipients", "Operator", "Incident",
               "Note")


def words(value: str) -> str:
    """'call_center_agents' -> 'call center agents' (enum values as people read them)."""
    return value.replace("_", " ")


def approved_text(row: TemplateSummary) -> str:
    if row.approved_version is None:
        return "not approved"
    return f"v{row.approved_version}" + (" (library)" if row.needs_legal_review else "")


class TemplatesModel(RowTableModel[TemplateSummary]):
    HEADERS = HEADERS
    CELLS = (
        lambda r: r.name, lambda r: r.key, lambda r: words(r.audience),
        lambda r: words(r.channel), lambda r: r.language,
        lambda r: f"v{r.latest_version} {r.latest_status.label}", approved_text,
    )

    def key(self, row: TemplateSummary) -> str:
        return row.id

    def tooltip(self, row: TemplateSummary, column: int) -> str | None:
        if column in (NAME, KEY):
            return f"{row.name} ({row.key})"
        if column == APPROVED and row.approved_by:
            note = ("; shipped with CrisisDesk: have your own counsel review it"
                    if row.needs_legal_review else "")
            return f"Approved by {row.approved_by}{note}"
        return None


class TemplatesProxy(SortProxy):
    """Sorts on SORT_ROLE; filters on the four choices and a search over name and key."""

    def __init__(self, source: TemplatesModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self.choices: dict[str, str] = {}
        self.search = ""

    def set_choice(self, name: str, value: str) -> None:
        self.beginFilterChange()
        self.choices[name] = value
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.search = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), OBJECT_ROLE)
        if not isinstance(row, TemplateSummary):
            return False
        for name in ("audience", "channel", "language"):
            wanted = self.choices.get(name)
            if wanted and getattr(row, name) != wanted:
                return False
        status = self.choices.get("status")
        if status and status not in {s.value for s in row.statuses}:
            return False
        if self.search:
            haystack = f"{row.name} {row.key} {words(row.audience)} {words(row.channel)}"
            return all(word in haystack.casefold() for word in self.search.split())
        return True


class LogModel(RowTableModel[LogEntry]):
    """The communication log; `show_time` turns stored UTC into the desk's local time."""

    HEADERS = LOG_HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show_time: Callable[[str], str] = lambda iso: iso
        self.incident_titles: dict[str, str] = {}
        self.origins: Origins = NONE  # set before set_rows: who wrote on another laptop

    def key(self, row: LogEntry) -> str:
        return row.id

    def display(self, row: LogEntry, column: int) -> Any:
        if column == WHEN:
            return self.show_time(row.issued_at)
        if column == TEMPLATE:
            return f"{row.template_name} ({row.template_key})"
        if column == VERSION:
            return f"v{row.version}"
        if column == SENT_TO:
            return f"{words(row.audience)} by {words(row.channel)}, {row.language}"
        if column == RECIPIENTS:
            return f"{row.recipient_count:,}"
        if column == OPERATOR:
            return self.origins.who(row.operator, row.id)
        if column == INCIDENT:
            return self.incident_titles.get(row.incident_id, row.incident_id)
        if column == NOTE:
            return row.note
        return ""

    def sort_value(self, row: LogEntry, column: int) -> Any:
        if column == WHEN:
            return row.issued_at
        if column == RECIPIENTS:
            return row.recipient_count
        if column == VERSION:
            return row.version
        return super().sort_value(row, column)

    def extra(self, row: LogEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (VERSION, RECIPIENTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def choices_of(values: Sequence[str]) -> list[tuple[str, str]]:
    return [(words(v), v) for v in values]
