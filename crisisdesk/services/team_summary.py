"""The team on the Dashboard: how many conflicts between laptops wait for a coordinator.

During an activation coordinators watch the Dashboard, not the Team page; a contact's phone
changed on two laptops stays at its old value until someone settles it, so the count is shown
as a warning there (in words, not only in colour), and as one quiet line when there is none.
"""

from __future__ import annotations

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.formatting import count_of
from crisisdesk.services import team_conflicts, team_folder
from crisisdesk.services.session import Session


def dashboard_summary(session: Session) -> DashboardSummary:
    """'N team conflicts to settle on the Team page.' when there are any."""
    if not team_folder.is_team(session):
        return DashboardSummary.text("This laptop works alone (not part of a team).")
    open_ = len(team_conflicts.list_conflicts(session))
    if not open_:
        return DashboardSummary((("Conflicts", "none to settle"),))
    return DashboardSummary(warnings=(
        f"{count_of(open_, 'team conflict')} to settle on the Team page.",))
