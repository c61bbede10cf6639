"""Helpers shared by the incident, roles, timeline and systems service tests."""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.contacts import Contact, ContactDraft
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store

# Noon UTC is the same calendar day from Hawaii to New Zealand, whatever zone runs the tests.
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def freeze(session: Session, now: dt.datetime = NOW) -> None:
    session.clock = lambda: now


def staff(session: Session, name: str, title: str = "Staff",
          phone: str = "(312) 555-0100") -> Contact:
    return contact_service.add_contact(
        session, ContactDraft(name=name, job_title=title, phones=[("mobile", phone)]))


def audit_count(session: Session) -> int:
    return len(audit_store.entries(session.db))


def open_incident(session: Session, **kw: object) -> str:
    args: dict[str, object] = {"title": "Ransomware", "kind": IncidentKind.RANSOMWARE,
                               "discovered_on": dt.date(2026, 3, 2),
                               "affected_by_state": {"TX": 1200, "OK": 40}}
    args.update(kw)
    return incident_service.create_incident(session, **args).id  # type: ignore[arg-type]
