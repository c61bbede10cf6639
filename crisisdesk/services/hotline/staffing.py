"""The staffing hint: how many agents the last hours' calls need (domain/staffing.py)."""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.operators import Role
from crisisdesk.domain.staffing import WINDOW_HOURS, StaffingHint, hint
from crisisdesk.services.session import Session, agent_allowed, iso
from crisisdesk.store import hotline as store


@agent_allowed
def staffing_hint(session: Session) -> StaffingHint | None:
    """From the calls of the last `WINDOW_HOURS` hours and their handling times; None when
    none of them was timed."""
    session.require(Role.AGENT, "use the hotline")
    since = iso(session.now() - dt.timedelta(hours=WINDOW_HOURS))
    rows = store.handling_times(session.db, since)
    return hint(len(rows), [d for _, d in rows if d is not None])
