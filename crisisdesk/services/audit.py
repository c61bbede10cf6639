"""Reading and verifying the audit log."""

from __future__ import annotations

from crisisdesk.domain.audit import AuditEntry, ChainReport
from crisisdesk.services import roster as roster_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store


def show(session: Session, *, since: str | None = None, limit: int | None = None,
         entity_id: str | None = None) -> list[AuditEntry]:
    return audit_store.entries(session.db, since=since, limit=limit, entity_id=entity_id)


def verify(session: Session) -> ChainReport:
    """The chain (MACs and head), then the signatures: the roster's, the operators table
    against it, every audit entry's and every approval's. The first failure is reported; a
    chain that re-MACs cleanly but whose signatures do not match says what was changed."""
    report = audit_store.verify(session.db, session.audit_key)
    if not report.ok:
        return report
    signed = signatures(session)
    if not signed.ok:
        return ChainReport(False, report.count, "; ".join(signed.problems))
    return report


def signatures(session: Session) -> roster_service.SignatureReport:
    """Every signature check (see services/roster.py), with notes such as keys still pending."""
    return roster_service.signature_problems(session.db, session.desk_id, session.vault)
