"""Test support: approve the shipped template library as a person at the organisation.

A new desk installs the library *in review*; tests that print letters or issue messages on a
fresh desk first approve it the way an organisation's approver would, through the service
(checks, four-eyes and audit included), never by writing rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crisisdesk.domain.templates import Status
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from tests.support.desk import FAST_KDF


def approve_library(session: Session) -> int:
    """Approve every library version in review as the session's operator (an approver or
    admin who did not write them); returns how many."""
    count = 0
    for summary in template_service.list_templates(session, status=Status.IN_REVIEW.value):
        version = template_service.get_version(session, summary.key, summary.latest_version)
        if version.status is Status.IN_REVIEW and version.created_by == "CrisisDesk library":
            template_service.approve(session, summary.key, version.version,
                                     acknowledge_warnings=True)
            count += 1
    return count


def approve_library_at(data_dir: Path, operator: str = "alex",
                       passphrase: str = "correct horse battery") -> int:
    """The same for a desk made by the CLI in an end-to-end test."""
    from crisisdesk.services import desk as desk_service

    session = desk_service.unlock(data_dir, operator, passphrase)
    try:
        return approve_library(session)
    finally:
        session.close()


SECOND_APPROVER = "bea"
SECOND_PASSPHRASE = "second approver passphrase"


@contextmanager
def as_second_approver(session: Session) -> Iterator[None]:
    """Act as a second approver, 'bea' (added once), for approving what the session's own
    operator drafted: the four-eyes rule refuses an author's own approval."""
    from crisisdesk.domain.operators import Role
    from crisisdesk.services import operators as operator_service
    from crisisdesk.store import operators as operator_store

    found = operator_store.find(session.db, SECOND_APPROVER)
    if found is None:
        found = operator_service.add_operator(session, SECOND_APPROVER, Role.APPROVER,
                                              SECOND_PASSPHRASE, FAST_KDF)
    saved, saved_key = session.operator, session._signing_key
    session.operator = found
    session.reload_vault()
    slot = session.vault.operator_slot(SECOND_APPROVER)
    if slot is not None and session.can_sign:  # approvals and entries signed with bea's key
        kek, _ = session.vault.open_slot(SECOND_APPROVER, SECOND_PASSPHRASE)
        session._signing_key = session.vault.open_signing_key(slot, kek)
    try:
        yield
    finally:
        session.operator, session._signing_key = saved, saved_key


def approve_as_second_approver(session: Session, key: str, version: int | None = None) -> None:
    with as_second_approver(session):
        template_service.approve(session, key, version, acknowledge_warnings=True)
