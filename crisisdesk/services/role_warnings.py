"""The coordinator's warnings for the open desk: the current roster and the running
activations, through the rules in `domain/role_warnings.py`."""

from __future__ import annotations

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.role_warnings import RoleWarning, role_warnings
from crisisdesk.services import roles as role_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.session import Session


def warnings(session: Session) -> list[RoleWarning]:
    roster = role_service.roster(session)
    running = activation_service.list_activations(session, only_open=True)
    return role_warnings(roster.statuses, running)


def dashboard_summary(session: Session) -> DashboardSummary:
    found = warnings(session)
    if not found:
        return DashboardSummary.text("No warnings about who holds which role.")
    return DashboardSummary(warnings=tuple(w.text for w in found))
