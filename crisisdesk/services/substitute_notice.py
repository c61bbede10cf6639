"""Carrying out substitute notice of the 10-or-more kind: the web posting, the major media
placements and the toll-free line, with reminders before any of them lapses.

Public API
----------
status(session, incident_ref=None) -> SubstituteStatus
    The incident's substitute-notice duty (from the letter counts), what is recorded, and the
    reminders (`domain/substitute_plan.py`), as of today.
set_web_posting(session, url, first_posted, *, incident_ref=None) -> SubstituteStatus
add_media_placement(session, outlet, placed_on, *, incident_ref=None) -> SubstituteStatus
set_hotline(session, number, open_until, *, incident_ref=None) -> SubstituteStatus

Each change is one action with one audit entry and one timeline line (no patient data).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.filings import check_day
from crisisdesk.domain.incidents import Incident
from crisisdesk.domain.letters import SubstituteNotice
from crisisdesk.domain.operators import Role
from crisisdesk.domain.substitute_plan import (
    MediaPlacement,
    Reminder,
    SubstitutePlan,
    check_outlet,
    check_toll_free,
    check_url,
    reminders,
)
from crisisdesk.domain.timeline import Category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import substitute_notice as store


@dataclass(frozen=True)
class SubstituteStatus:
    incident: Incident
    notice: SubstituteNotice
    plan: SubstitutePlan
    reminders: tuple[Reminder, ...]
    today: dt.date

    @property
    def required(self) -> bool:
        """Substitute notice of the 10-or-more kind is needed."""
        return self.notice.required == "web_or_media"


def status(session: Session, incident_ref: str | None = None) -> SubstituteStatus:
    incident = incident_service.get_incident(session, incident_ref)
    notice = letter_counts.substitute_position(session, incident.id)
    plan = store.plan(session.db, incident.id)
    day = today(session)
    required = notice.required == "web_or_media"
    return SubstituteStatus(incident, notice, plan, tuple(reminders(plan, required, day)), day)


def _change(session: Session, incident: Incident, plan: SubstitutePlan, name: str,
            summary: str, line: str) -> None:
    with session.action(name, "incident", incident.id, summary) as act:
        store.put(session.db, incident.id, plan, act.at, session.operator.name)
        timeline_service.record_in_action(session, act, line, category=Category.COMMUNICATION,
                                          source="substitute notice", incident_id=incident.id)


def set_web_posting(session: Session, url: str, first_posted: dt.date, *,
                    incident_ref: str | None = None) -> SubstituteStatus:
    session.require(Role.OPERATOR, "record the substitute web posting")
    current = status(session, incident_ref)
    address = check_url(url)
    check_day(first_posted, current.today, current.incident.discovered_on, "first posted")
    plan = dataclasses.replace(current.plan, web_url=address, web_first_posted=first_posted)
    ends = plan.web_posted_until
    assert ends is not None
    _change(session, current.incident, plan, "substitute.web", "Recorded the substitute-notice "
            "web posting", f"Substitute notice posted at {address} from "
            f"{first_posted.isoformat()}; it stays up until {ends.isoformat()}.")
    return status(session, current.incident.id)


def add_media_placement(session: Session, outlet: str, placed_on: dt.date, *,
                        incident_ref: str | None = None) -> SubstituteStatus:
    session.require(Role.OPERATOR, "record media placements")
    current = status(session, incident_ref)
    name = check_outlet(outlet)
    check_day(placed_on, current.today, current.incident.discovered_on, "placed")
    placement = MediaPlacement(str(uuid.uuid4()), name, placed_on)
    with session.action("substitute.media", "incident", current.incident.id,
                        "Recorded a substitute-notice media placement") as act:
        store.add_placement(session.db, current.incident.id, placement, act.at,
                            session.operator.name)
        timeline_service.record_in_action(
            session, act, f"Substitute notice placed in {name} on {placed_on.isoformat()}.",
            category=Category.COMMUNICATION, source="substitute notice",
            incident_id=current.incident.id)
    return status(session, current.incident.id)


def set_hotline(session: Session, number: str, open_until: dt.date, *,
                incident_ref: str | None = None) -> SubstituteStatus:
    session.require(Role.OPERATOR, "record the toll-free line")
    current = status(session, incident_ref)
    formatted = check_toll_free(number)
    if open_until < current.incident.discovered_on:
        raise ValidationError(f"The line's last open day {open_until} is before the breach was "
                              "discovered.", {"open_until": "before discovery"})
    plan = dataclasses.replace(current.plan, hotline_number=formatted,
                               hotline_open_until=open_until)
    _change(session, current.incident, plan, "substitute.hotline", "Recorded the toll-free line",
            f"Toll-free line {formatted} recorded, open until {open_until.isoformat()}.")
    return status(session, current.incident.id)
