"""Templates are filled from the desk's own records, and unknown facts stay unknown."""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.incidents import IncidentKind, InfoKind
from crisisdesk.services import facts
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session


def test_without_an_incident_only_desk_facts_are_known(session: Session) -> None:
    known = facts.incident_facts(session)
    assert known["org_name"] == "Riverside Clinics"
    assert "discovery_date" not in known
    assert "call_center_phone" not in known


def test_incident_and_settings_fill_the_patient_letter(session: Session) -> None:
    incident_service.create_incident(
        session, title="Ransomware at the main campus", kind=IncidentKind.RANSOMWARE,
        discovered_on=dt.date(2026, 3, 2), breach_started_on=dt.date(2026, 2, 20),
        info_kinds=(InfoKind.NAMES, InfoKind.SSN), affected_by_state={"IL": 700, "IN": 20},
        summary="someone got into part of our network without permission.")
    settings_service.set(session, "public_phone", "1-833-555-0142")
    settings_service.set(session, "public_email", "privacy@riverside.example")
    known = facts.incident_facts(session)
    assert known["discovery_date"] == dt.date(2026, 3, 2)
    assert known["breach_date"] == dt.date(2026, 2, 20)
    assert known["phi_types"] == ["names", "Social Security numbers"]
    assert known["affected_count"] == 720
    assert known["incident_summary"].endswith("permission")  # the template adds the full stop
    assert known["call_center_phone"] == "1-833-555-0142"

    approved = template_service.require_approved(session, "patient-notification-en")
    declared = {v.name for v in approved.meta.variables}
    values = {k: v for k, v in known.items() if k in declared}
    sample = {v.name: v.sample for v in approved.meta.variables if v.name not in values}
    text = template_service.render_approved(session, approved, {**sample, **values}).text
    assert "555-0142" in text
    assert "March 2, 2026" in text
    assert "Social Security numbers" in text


def test_preview_facts_leave_out_unknowns_and_survive_a_missing_incident(
        session: Session) -> None:
    settings_service.set(session, "public_phone", "")
    known = facts.facts_for(session)
    assert known["org_name"] == "Riverside Clinics"
    assert all(v not in (None, "") for v in known.values())
    assert facts.facts_for(session, "no-such-incident")["org_name"] == "Riverside Clinics"
    incident = incident_service.create_incident(
        session, title="Lost laptop", kind=IncidentKind.DATA_BREACH,
        discovered_on=dt.date(2026, 3, 2), info_kinds=(InfoKind.NAMES,))
    assert facts.facts_for(session, incident.id)["discovery_date"] == dt.date(2026, 3, 2)
