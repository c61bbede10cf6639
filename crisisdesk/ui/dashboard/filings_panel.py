"""The Dashboard's "Filings" panel: the notices to regulators (and HHS, the media, the credit
bureaus) that are past due and not sent, and substitute-notice reminders about to lapse.

A `SummaryPanel` like the others: it loads in the Dashboard's worker with them and refreshes on
every desk change, so marking a filing sent takes it off the list at once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.services.session import Session
from crisisdesk.ui.dashboard.panels import SummaryPanel

TITLE = "Filings"


def filings_summary(session: Session) -> DashboardSummary:
    from crisisdesk.services import filings

    return filings.dashboard_summary(session)


class FilingsPanel(SummaryPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, filings_summary, parent)
