"""Contacts: add, change, remove, find, import and export (the API the GUI and CLI share).

Every change is one `session.action` (one transaction, one audit entry). Audit summaries name
the kind of contact and which fields changed, never the person's name or numbers: the audit
log cannot be edited, so it must not keep personal data that a deleted contact took with it;
`entity_id` links an entry to the contact while it exists.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from crisisdesk.domain.contacts import (
    EXPORT_COLUMNS,
    Contact,
    ContactDraft,
    ContactFields,
    ContactKind,
    contact_to_row,
    fts_query,
    validate_draft,
)
from crisisdesk.domain.errors import NotFound
from crisisdesk.services.contact_import import (
    ImportPlan,
    ImportReport,
    import_contacts,
    plan_import,
)
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_creations

__all__ = [
    "ImportPlan", "ImportReport", "add_contact", "count_contacts", "delete_contact",
    "export_contacts_csv", "get_contact", "import_contacts", "list_contacts", "plan_import",
    "search_contacts", "update_contact",
]

_MISSING = "That contact no longer exists; it may have been deleted."


def _noun(kind: ContactKind) -> str:
    """'a staff contact', 'an external contact'."""
    label = kind.label.lower()
    return f"{'an' if label[0] in 'aeiou' else 'a'} {label} contact"


def add_contact(session: Session, draft: ContactDraft) -> Contact:
    """Add one contact (ValidationError names each bad field)."""
    fields = validate_draft(draft)
    contact_id = str(uuid.uuid4())
    with session.action("contact.add", "contact", contact_id,
                        f"Added {_noun(fields.kind)}") as act:
        contact_store.insert(session.db, contact_store.record(
            contact_id, fields, created_at=act.at, updated_at=act.at,
            updated_by=session.operator.name))
    return get_contact(session, contact_id)


def _changed(old: Contact, new: ContactFields) -> list[str]:
    names = ["name", "job_title", "organisation", "kind", "email", "notes", "tags"]
    changed = [n.replace("_", " ") for n in names if getattr(old, n) != getattr(new, n)]
    if old.phones != new.phones:
        changed.append("phones")
    return changed


def update_contact(session: Session, contact_id: str, draft: ContactDraft) -> Contact:
    """Replace a contact's details with `draft`; saving an unchanged draft writes nothing."""
    fields = validate_draft(draft)
    old = get_contact(session, contact_id)
    changed = _changed(old, fields)
    if not changed:
        return old
    with session.action("contact.update", "contact", contact_id,
                        f"Updated {_noun(fields.kind)} ({', '.join(changed)})") as act:
        if not contact_store.update(session.db, contact_id, fields, updated_at=act.at,
                                    updated_by=session.operator.name):
            raise NotFound(_MISSING)
    return get_contact(session, contact_id)


def delete_contact(session: Session, contact_id: str) -> None:
    """Remove a contact for good (the audit entry keeps only its id and kind)."""
    with session.action("contact.delete", "contact", contact_id) as act:
        old = contact_store.get(session.db, contact_id)
        if old is None:
            raise NotFound(_MISSING)
        contact_store.delete(session.db, contact_id)
        replica_creations.note_removal(session.db, "contact", contact_id,
                                       operator=session.operator.name, at=act.at)
        act.summary = f"Deleted {_noun(old.kind)}"


def get_contact(session: Session, contact_id: str) -> Contact:
    contact = contact_store.get(session.db, contact_id)
    if contact is None:
        raise NotFound(_MISSING)
    return contact


def list_contacts(session: Session, *, kind: ContactKind | None = None,
                  limit: int | None = None, offset: int = 0) -> list[Contact]:
    """Contacts sorted by name (ignoring case)."""
    return contact_store.list_contacts(session.db, kind=kind, limit=limit, offset=offset)


def count_contacts(session: Session) -> int:
    return contact_store.count(session.db)


def search_contacts(session: Session, query: str, *, limit: int = 200) -> list[Contact]:
    """Best matches for free text (name, title, organisation, tags, phone digits), as typed."""
    expression = fts_query(query)
    if not expression:
        return list_contacts(session, limit=limit)
    return contact_store.search(session.db, expression, limit)


def export_contacts_csv(session: Session, path: Path) -> int:
    """Write every contact to a spreadsheet-safe CSV (`services.files.csv_export`: complete or
    not at all, no cell a spreadsheet would run as a formula); returns the count."""
    with session.action("contacts.export", "contact") as act:
        count = write_csv(Path(path), [header for header, _ in EXPORT_COLUMNS],
                          (contact_to_row(c) for c in contact_store.iter_all(session.db)))
        act.summary = f"Exported {count} contacts to {Path(path).name}"
    return count
