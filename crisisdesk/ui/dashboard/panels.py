"""Dashboard panels fed by features that may not be in this build (calling trees, letters, media).

Each of those features exposes a Qt-free `dashboard_summary(session)` in its service module.
The dashboard must open on a desk without them, and must not break when their summary grows a
field, so a panel looks the module up at refresh time (`importlib.util.find_spec` + `getattr`)
and renders whatever comes back generically as "label: value" rows: a mapping, a dataclass, an
object with attributes, a list of pairs, or plain text. Absent feature: one line saying it is
not set up yet. A failing summary shows its message in the panel instead of taking the whole
dashboard down with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.util
from collections.abc import Mapping
from enum import Enum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.services.session import Session

OPTIONAL_PANELS: tuple[tuple[str, str, str], ...] = (
    ("Calling trees", "crisisdesk.services.calling_trees.trees",
     "Calling trees are not set up yet."),
    ("Letters", "crisisdesk.services.letters.batches", "Breach letters are not set up yet."),
    ("Next public update", "crisisdesk.services.media.inquiries",
     "The media desk is not set up yet."),
)
MAX_ROWS = 8


def summary_function(module_name: str) -> Any:
    """The module's `dashboard_summary`, or None when the feature is not in this build."""
    try:
        if importlib.util.find_spec(module_name) is None:
            return None
    except (ImportError, ValueError):
        return None
    module = importlib.import_module(module_name)
    fn = getattr(module, "dashboard_summary", None)
    return fn if callable(fn) else None


def label_for(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, Mapping):  # a nested record: its filled-in fields on one line
        return " · ".join(f"{label_for(k)}: {value_text(v)}" for k, v in value.items()
                          if v not in (None, "", (), []))
    if isinstance(value, list | tuple | set | frozenset):
        items = [value_text(v) for v in value]
        nested = any(isinstance(v, Mapping) or dataclasses.is_dataclass(v) for v in value)
        return ("\n" if nested else ", ").join(items) or "none"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value_text(dataclasses.asdict(value))
    return str(value)


def summary_rows(summary: Any) -> list[tuple[str, str]]:
    """Any reasonable summary shape -> (label, value) rows."""
    if summary is None:
        return []
    if isinstance(summary, str):
        return [("", summary)]
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        summary = {f.name: getattr(summary, f.name) for f in dataclasses.fields(summary)}
    if isinstance(summary, Mapping):
        return [(label_for(k), value_text(v)) for k, v in summary.items()]
    if isinstance(summary, list | tuple):
        rows = []
        for item in summary:
            if isinstance(item, tuple) and len(item) == 2:
                rows.append((label_for(item[0]), value_text(item[1])))
            else:
                rows.append(("", value_text(item)))
        return rows
    public = {k: v for k, v in vars(summary).items() if not k.startswith("_")} \
        if hasattr(summary, "__dict__") else {}
    if public:
        return [(label_for(k), value_text(v)) for k, v in public.items()]
    return [("", str(summary))]


def compute_rows(module_name: str, absent: str, session: Session) -> list[tuple[str, str]]:
    """One feature's summary as rows; a failure becomes a row, never an exception."""
    try:
        fn = summary_function(module_name)
        rows = summary_rows(fn(session)) if fn is not None else [("", absent)]
    except UserError as err:
        rows = [("", str(err))]
    except Exception as err:  # another feature's bug must not hide this page
        rows = [("", f"Not available right now ({type(err).__name__}).")]
    return rows or [("", "Nothing to report yet.")]


class SummaryPanel(QGroupBox):
    """One optional feature's summary, or the line saying it is not set up."""

    def __init__(self, title: str, module_name: str, absent: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.module_name = module_name
        self.absent = absent
        self.setAccessibleName(title)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def rows(self) -> list[tuple[str, str]]:
        return [(self._text(self.form.itemAt(i, QFormLayout.ItemRole.LabelRole)),
                 self._text(self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)))
                for i in range(self.form.rowCount())]

    @staticmethod
    def _text(item: Any) -> str:
        widget = item.widget() if item is not None else None
        return widget.text() if isinstance(widget, QLabel) else ""

    def compute(self, session: Session) -> list[tuple[str, str]]:
        """The rows to show (no widgets touched): safe to call from a worker thread."""
        return compute_rows(self.module_name, self.absent, session)

    def refresh(self, session: Session) -> None:
        self.show_rows(self.compute(session))

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in rows[:MAX_ROWS]:
            field = QLabel(value, self)
            field.setWordWrap(True)
            field.setTextFormat(Qt.TextFormat.PlainText)
            if label:
                self.form.addRow(QLabel(f"{label}:", self), field)
            else:
                self.form.addRow(field)

    def clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
