"""An approval is the approver's signature over the version's SHA-256, not a status column."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.services.templates import NotApproved
from crisisdesk.store import roster as roster_store
from tests.support.cli import run_cli
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.tamper import raw_desk
from tests.support.templates import approve_as_second_approver

SMS = "staff-sms-alert-en"
VALUES = {"action_requested": "Come in", "staff_hotline": "217-555-0120"}
OLLY, OLLY_PASS = "olly", "ollys own passphrase"


@pytest.fixture
def drafted(new_desk_session: Session) -> Session:
    """SMS approved as version 1 (by bea), then a draft version 2 saying something else; olly
    is an operator with the lowest role."""
    session = new_desk_session
    approve_as_second_approver(session, SMS)
    v1 = template_service.get_version(session, SMS, 1)
    template_service.save_draft(session, SMS, v1.body + "\nClick http://evil.example now.")
    operator_service.add_operator(session, OLLY, Role.OPERATOR, OLLY_PASS, FAST_KDF)
    return session


def test_an_approval_is_a_verified_signature(drafted: Session) -> None:
    signer, key, signature = roster_store.approval_signature(
        drafted.db, template_service.get_version(drafted, SMS, 1).template_id, 1)
    assert signer == "bea"
    assert key
    assert signature
    approved = template_service.require_approved(drafted, SMS)
    assert approved.version == 1
    issued = message_service.issue_message(drafted, SMS, recipient_count=3, values=VALUES)
    assert issued.entry.version == 1


def _approve_draft_in_sql(data_dir: Path) -> None:
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("UPDATE template_versions SET status = 'retired' WHERE version = 1 AND "
                     "template_id = (SELECT id FROM templates WHERE key = ?)", [SMS])
        conn.execute("UPDATE template_versions SET status = 'approved', approved_at = "
                     "'2026-12-01T10:00:00Z', approved_by = 'bea' WHERE version = 2 AND "
                     "template_id = (SELECT id FROM templates WHERE key = ?)", [SMS])


def test_a_draft_approved_in_sql_is_refused_everywhere_and_reported(drafted: Session,
                                                                    data_dir: Path) -> None:
    drafted.close()
    _approve_draft_in_sql(data_dir)
    session = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    try:
        with pytest.raises(NotApproved, match=f"{SMS} version 2 cannot be used: its approval "
                           "is not signed"):
            template_service.require_approved(session, SMS)
        with pytest.raises(NotApproved, match="not signed"):
            message_service.issue_message(session, SMS, recipient_count=3, values=VALUES)
        report = audit_service.verify(session)
        assert not report.ok
        assert f"template {SMS} version 2: its approval is not signed" in report.problem
    finally:
        session.close()
    out = run_cli(data_dir, "messages", "issue", SMS, "--recipients", "2",
                  *(f"--var={k}={v}" for k, v in VALUES.items()), operator=OLLY,
                  passphrase=OLLY_PASS)
    assert out.returncode == 1
    assert "its approval is not signed" in out.stderr


def test_a_signature_copied_from_another_version_does_not_match(drafted: Session,
                                                               data_dir: Path) -> None:
    drafted.close()
    _approve_draft_in_sql(data_dir)
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute(
            "UPDATE template_versions SET (approval_signer, approval_key, approval_signature) "
            "= (SELECT approval_signer, approval_key, approval_signature FROM "
            "template_versions v1 WHERE v1.template_id = template_versions.template_id AND "
            "v1.version = 1) WHERE version = 2 AND template_id = (SELECT id FROM templates "
            "WHERE key = ?)", [SMS])
    session = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        with pytest.raises(NotApproved, match="its approval signature does not match its "
                           "content"):
            template_service.require_approved(session, SMS)
    finally:
        session.close()


def test_an_approval_signed_by_a_mere_operator_is_refused(drafted: Session,
                                                          data_dir: Path) -> None:
    """olly signs version 2 with their own real key: a valid signature, but not an approver's."""
    from crisisdesk.domain import roster as signing

    olly = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    v2 = template_service.get_version(olly, SMS, 2)
    signature = olly.sign(signing.approval_payload(olly.desk_id, v2.template_id, 2, v2.sha256))
    key = olly.public_key
    olly.close()
    drafted.close()
    _approve_draft_in_sql(data_dir)
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("UPDATE template_versions SET approval_signer = 'olly', approval_key = ?, "
                     "approval_signature = ? WHERE template_id = ? AND version = 2",
                     [key, signature, v2.template_id])
    session = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        with pytest.raises(NotApproved, match="signed by olly, who is not an approver"):
            template_service.require_approved(session, SMS)
    finally:
        session.close()
