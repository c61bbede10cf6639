"""The incident choosers' list for the template pages (which facts fill a template is decided
in `services.facts.facts_for`)."""

from __future__ import annotations

from crisisdesk.domain.incidents import Incident
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session


def incidents(session: Session) -> tuple[list[Incident], Incident | None]:
    """Every incident, and the current one (for the incident choosers)."""
    return incident_service.list_incidents(session), incident_service.current_incident(session)
