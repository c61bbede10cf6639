"""An incident ten days old with a spokesperson and a timeline entry, for the dashboard."""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session


def seed(session: Session, *, days_ago: int = 10) -> None:
    incident_service.create_incident(
        session, title="Ransomware on file servers", kind=IncidentKind.RANSOMWARE,
        discovered_on=today(session) - dt.timedelta(days=days_ago),
        affected_by_state={"IL": 900, "WI": 40})
    pio = contact_service.add_contact(session, ContactDraft(
        "Zoë Mbeki-Adams", "Director of Communications", "Riverside", ContactKind.STAFF,
        [("mobile", "(312) 555-0180")]))
    role_service.assign_role(session, "pio", pio.id)
    timeline_service.add_entry(session, "Network isolated at the core switch.")
