"""Three staff people to put on the role roster."""

from __future__ import annotations

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.session import Session

PEOPLE = [
    ContactDraft("Zoë Mbeki-Adams", "Director of Communications", "Riverside Clinics",
                 ContactKind.STAFF, [("mobile", "(312) 555-0180")]),
    ContactDraft("Luis Ortega", "Communications Specialist", "Riverside Clinics",
                 ContactKind.STAFF, [("work", "(312) 555-0181")]),
    ContactDraft("Adaeze Okafor", "Chief Executive Officer", "Riverside Clinics",
                 ContactKind.STAFF, [("mobile", "(312) 555-0164")]),
]


def add_people(session: Session) -> None:
    for draft in PEOPLE:
        contact_service.add_contact(session, draft)
