"""The demo's crisis data: a filled roster, one open ransomware incident, a board and a log."""

from __future__ import annotations

import random

from crisisdesk.domain.incidents import IncidentKind, IncidentStatus
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.demo.data import FictionalNumbers, external_drafts, staff_drafts
from crisisdesk.services.demo.incident import seed_incident_demo
from crisisdesk.services.session import Session
from tests.support.crisis import TODAY, freeze


def test_demo_fills_roles_and_opens_a_ransomware_incident(session: Session) -> None:
    freeze(session)
    rng = random.Random(2026)
    numbers = FictionalNumbers(rng)
    for draft in staff_drafts(rng, numbers) + external_drafts(rng, numbers):
        contact_service.add_contact(session, draft)
    summary = seed_incident_demo(session)
    assert "roles: 14 filled" in summary

    roster = role_service.roster(session)
    assert all(s.state in ("covered", "backup_acting") for s in roster.statuses)
    assert all(len(s.slots) >= 2 for s in roster.statuses)  # everyone has a backup
    pio = role_service.spokesperson(session)
    assert pio is not None
    assert "Communications" in pio.slot.person.job_title
    assert roster.status("safety").state == "backup_acting"  # type: ignore[union-attr]

    incident = incident_service.current_incident(session)
    assert incident is not None
    assert incident.kind is IncidentKind.RANSOMWARE
    assert incident.status is IncidentStatus.OPEN
    assert len(incident.affected_by_state) == 3
    agents = {c.name for c in contact_service.list_contacts(session)
              if "special agent" in c.job_title.casefold()}
    assert incident.delay is not None
    assert incident.delay.official in agents
    assert (TODAY - incident.discovered_on).days == 9

    typed = [line for line in timeline_service.list_entries(session)
             if line.entry.source == "log"]
    assert len(typed) == 12
    assert system_service.get_system(session, "EHR").status is SystemStatus.DOWN
    report = clock_service.deadlines(session)
    assert {"hipaa.individuals", "hipaa.hhs", "hipaa.media.IL"} <= {
        o.key for o in report.obligations}
