"""What an agent's window needs from the desk besides the calls: its auto-lock setting, and a
refusal (audited) when something asks to open another part of the desk.

The window of an operator with the `agent` role shows the hotline desk only; these keep it
from reading anything else through the back door (the settings service is not open to
agents) and make an attempt to reach another page leave the same audit entry as a refused
service call.
"""

from __future__ import annotations

from crisisdesk.domain.operators import Role
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session, agent_allowed

AUTOLOCK_SETTING = "autolock_minutes"


@agent_allowed
def autolock_minutes(session: Session) -> int:
    """The desk's idle auto-lock, in minutes (0: off), readable by an agent's window."""
    return int(settings_service.get(session, AUTOLOCK_SETTING))


def open_section(session: Session, title: str) -> None:
    """Opening the `title` page: refused and audited for an agent (the session's own
    refusal), allowed to every other operator."""
    session.require(Role.AGENT, f"open {title}")
