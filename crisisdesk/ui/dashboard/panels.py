"""The Dashboard's panels: the "Getting ready" checklist, the coordinator's role warnings,
calling trees, letters, the media desk, backups, the downtime binder and the patient hotline.

Each of those features has a Qt-free `dashboard_summary(session) -> DashboardSummary` in its
service package; a panel shows its rows. The service is imported when the panel first refreshes
(in a worker), so opening the Dashboard does not wait for three features' imports; `warm()`
imports them all earlier still, while the person types the passphrase (see crisisdesk/app.py):
imported as the window first appears, they held the interpreter lock while the window was
being drawn. A failing summary shows its message in the panel instead of taking the whole
dashboard down with it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from crisisdesk.domain.dashboard import WARNING, DashboardSummary
from crisisdesk.domain.errors import UserError
from crisisdesk.services.session import Session

Summary = Callable[[Session], DashboardSummary]
MAX_ROWS = 8
# What the panels' summaries import (this module's functions and the Filings panel's).
SERVICE_MODULES = (
    "crisisdesk.services.calling_trees.reports", "crisisdesk.services.letters.batches",
    "crisisdesk.services.media.inquiries", "crisisdesk.services.backup_schedule",
    "crisisdesk.services.binder", "crisisdesk.services.role_warnings",
    "crisisdesk.services.checklist", "crisisdesk.services.hotline.summary",
    "crisisdesk.services.team_summary", "crisisdesk.services.filings",
)


def warm() -> None:
    """Import every panel's service now (any thread), so the first refresh only queries."""
    for name in SERVICE_MODULES:
        importlib.import_module(name)


def calling_trees(session: Session) -> DashboardSummary:
    from crisisdesk.services.calling_trees import reports

    return reports.dashboard_summary(session)


def letters(session: Session) -> DashboardSummary:
    from crisisdesk.services.letters import batches

    return batches.dashboard_summary(session)


def media(session: Session) -> DashboardSummary:
    from crisisdesk.services.media import inquiries

    return inquiries.dashboard_summary(session)


def backups(session: Session) -> DashboardSummary:
    from crisisdesk.services import backup_schedule

    return backup_schedule.dashboard_summary(session)


def binder(session: Session) -> DashboardSummary:
    from crisisdesk.services import binder as binder_service

    return binder_service.dashboard_summary(session)


def role_warnings(session: Session) -> DashboardSummary:
    from crisisdesk.services import role_warnings as warnings_service

    return warnings_service.dashboard_summary(session)


def getting_ready(session: Session) -> DashboardSummary:
    from crisisdesk.services import checklist

    return checklist.dashboard_summary(session)


def hotline(session: Session) -> DashboardSummary:
    from crisisdesk.services.hotline import summary

    return summary.dashboard_summary(session)


def team_conflicts(session: Session) -> DashboardSummary:
    from crisisdesk.services import team_summary

    return team_summary.dashboard_summary(session)


PANELS: tuple[tuple[str, Summary], ...] = (
    ("Getting ready", getting_ready),
    ("Warnings for the coordinator", role_warnings),
    ("Calling trees", calling_trees),
    ("Letters", letters),
    ("Next public update", media),
    ("Backups", backups),
    ("Downtime binder", binder),
    ("Patient hotline", hotline),
    ("Team", team_conflicts),
)


def compute_rows(summary: Summary, session: Session) -> list[tuple[str, str]]:
    """One feature's summary as rows; a failure becomes a row, never an exception."""
    try:
        rows = list(summary(session).all_rows)
    except UserError as err:
        rows = [("", str(err))]
    except Exception as err:  # another feature's bug must not hide this page
        rows = [("", f"Not available right now ({type(err).__name__}).")]
    return rows or [("", "Nothing to report yet.")]


class SummaryPanel(QGroupBox):
    """One feature's summary rows."""

    def __init__(self, title: str, summary: Summary, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.summary = summary
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
        return compute_rows(self.summary, session)

    def refresh(self, session: Session) -> None:
        self.show_rows(self.compute(session))

    def show_rows(self, rows: list[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in rows[:MAX_ROWS]:
            field = QLabel(value, self)
            field.setWordWrap(True)
            field.setTextFormat(Qt.TextFormat.PlainText)
            if label == WARNING:  # in words and in colour, so it is read, not only seen
                name = QLabel(f"{label}:", self)
                for part in (name, field):
                    part.setObjectName("panelWarning")
                    part.setStyleSheet("color: #b00020; font-weight: bold;")
                self.form.addRow(name, field)
            elif label:
                self.form.addRow(QLabel(f"{label}:", self), field)
            else:
                self.form.addRow(field)

    def clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
