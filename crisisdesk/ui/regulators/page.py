"""The Regulators page: the privacy officer's filings desk, one tab per job.

Assessment (the four-factor breach risk assessment, signed), HHS report (the portal's fields to
copy), Filings (every notice owed and its step), Substitute notice (posting, media, toll-free
line) and Monitoring vendor (eligibility out, enrolments in). The first two are pages of their
own (they reload themselves when shown after a change); the others read their service when this
page refreshes, and a change made in one calls `notify_changed()` so the Dashboard's overdue list
follows at once.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page
from crisisdesk.ui.regulators.assessment_tab import AssessmentTab
from crisisdesk.ui.regulators.filings_tab import FilingsTab
from crisisdesk.ui.regulators.hhs_tab import HhsReportTab
from crisisdesk.ui.regulators.substitute_tab import SubstituteTab
from crisisdesk.ui.regulators.vendor_tab import VendorTab
from crisisdesk.ui.widgets.layouts import vbox


class Tab(Protocol):
    def refresh(self, session: Session) -> None: ...

    def clear(self) -> None: ...


class RegulatorsPage(Page):
    title = "Regulators"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.none_label = QLabel("Record the incident on the Dashboard first: the filings "
                                 "owed follow from its affected counts.", self)
        self.none_label.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.assessment = AssessmentTab(ctx, self)
        self.hhs = HhsReportTab(ctx, self)
        self.tabs.addTab(self.assessment, "&Assessment")
        self.tabs.addTab(self.hhs, "&HHS report")
        self.filings = FilingsTab(ctx, self)
        self.substitute = SubstituteTab(ctx, self)
        self.vendor = VendorTab(ctx, self)
        self.tabs.addTab(self.filings, "&Filings")
        self.tabs.addTab(self.substitute, "&Substitute notice")
        self.tabs.addTab(self.vendor, "&Monitoring vendor")
        self.parts: list[Tab] = [self.filings, self.substitute, self.vendor]
        for part in (self.filings, self.substitute, self.vendor):
            part.changed.connect(ctx.state.notify_changed)
        vbox(self, self.none_label, (self.tabs, 1), margins=4)

    def refresh(self) -> None:
        session = self.ctx.session
        has_incident = incident_service.current_incident(session) is not None
        self.none_label.setVisible(not has_incident)
        self.tabs.setEnabled(has_incident)
        for part in self.parts:
            if has_incident:
                part.refresh(session)
            else:
                part.clear()

    def clear(self) -> None:
        self.assessment.clear()
        self.hhs.clear()
        for part in self.parts:
            part.clear()
        self._stale = True


__all__ = ["RegulatorsPage"]
