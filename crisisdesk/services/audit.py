"""Reading and verifying the audit log."""

from __future__ import annotations

from crisisdesk.domain.audit import AuditEntry, ChainReport
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store


def show(session: Session, *, since: str | None = None, limit: int | None = None,
         entity_id: str | None = None) -> list[AuditEntry]:
    return audit_store.entries(session.db, since=since, limit=limit, entity_id=entity_id)


def verify(session: Session) -> ChainReport:
    return audit_store.verify(session.db, session.audit_key)
