"""A desk from before signing keys: the first admin to unlock signs the roster and re-signs
every approval (recorded as such), others get their key at their next unlock, nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import templates as template_service
from crisisdesk.store.vault import Vault
from tests.support.desk import PASSPHRASE
from tests.support.old_desk import (
    OLD_APPROVED,
    OLD_OPERATOR,
    OLD_OPERATOR_PASSPHRASE,
    make_old_desk,
)
from tests.support.tamper import raw_desk


@pytest.fixture
def old_desk(tmp_path: Path) -> Path:
    data_dir = tmp_path / "desk"
    make_old_desk(data_dir, team=True)
    assert not any(s.sign_public for s in Vault.load(data_dir).slots)
    return data_dir


def test_the_first_admin_signs_the_roster_and_re_signs_every_approval(old_desk: Path) -> None:
    session = desk_service.unlock(old_desk, "alex", PASSPHRASE)
    try:
        check = session.verified_roster()
        assert check.ok
        assert check.current is not None
        assert check.current.version == 1
        assert check.current.signer == "alex"
        roles = {m.name: (m.role, bool(m.key)) for m in check.current.members}
        assert roles == {"alex": ("admin", True), "bea": ("approver", False),
                         OLD_OPERATOR: ("operator", False)}
        for key in OLD_APPROVED:  # still approved, now by a verified signature
            assert template_service.require_approved(session, key).approved_by == "bea"
        actions = [e.action for e in audit_service.show(session)]
        assert actions.count("roster.sign") == 1
        assert actions.count("template.resign") == len(OLD_APPROVED)
        resigned = [e.summary for e in audit_service.show(session)
                    if e.action == "template.resign"]
        assert all("Re-signed the approval of" in s and "at the upgrade" in s
                   for s in resigned)
        assert audit_service.verify(session).ok
        notes = audit_service.signatures(session).notes
        assert any("not yet confirmed by an admin: bea, olly" in n for n in notes)
    finally:
        session.close()
    again = desk_service.unlock(old_desk, "alex", PASSPHRASE)  # nothing more to do
    try:
        assert again.verified_roster().current.version == 1  # type: ignore[union-attr]
    finally:
        again.close()


def test_an_operator_gets_a_key_at_their_next_unlock_and_an_admin_confirms_it(
        old_desk: Path) -> None:
    desk_service.unlock(old_desk, "alex", PASSPHRASE).close()
    olly = desk_service.unlock(old_desk, OLD_OPERATOR, OLD_OPERATOR_PASSPHRASE)
    key = olly.public_key
    with olly.action("test.step", "note", summary="olly works before confirmation"):
        pass
    assert audit_service.verify(olly).ok
    assert any("olly (1)" in n for n in audit_service.signatures(olly).notes)
    olly.close()
    slot = Vault.load(old_desk).operator_slot(OLD_OPERATOR)
    assert slot is not None
    assert slot.sign_public == key
    alex = desk_service.unlock(old_desk, "alex", PASSPHRASE)
    try:
        current = alex.verified_roster().current
        assert current is not None
        assert current.version == 2
        assert current.member(OLD_OPERATOR).key == key  # type: ignore[union-attr]
        assert "Confirmed the signing key of olly" in audit_service.show(alex)[-1].summary
        report = audit_service.signatures(alex)
        assert report.ok
        assert not any("olly" in n for n in report.notes)
    finally:
        alex.close()


def test_an_operator_who_unlocks_first_cannot_sign_the_roster(old_desk: Path) -> None:
    olly = desk_service.unlock(old_desk, OLD_OPERATOR, OLD_OPERATOR_PASSPHRASE)
    try:
        assert olly.can_sign
        assert olly.verified_roster().current is None  # waits for an admin
        assert template_service.require_approved(olly, OLD_APPROVED[0]).version == 1
    finally:
        olly.close()
    alex = desk_service.unlock(old_desk, "alex", PASSPHRASE)
    try:
        current = alex.verified_roster().current
        assert current is not None
        assert current.member(OLD_OPERATOR).key  # type: ignore[union-attr] # in version 1
        assert audit_service.verify(alex).ok
    finally:
        alex.close()


def test_after_the_upgrade_the_attacks_are_caught(old_desk: Path) -> None:
    desk_service.unlock(old_desk, "alex", PASSPHRASE).close()
    with raw_desk(old_desk, OLD_OPERATOR, OLD_OPERATOR_PASSPHRASE) as conn:
        conn.execute("UPDATE operators SET role = 'admin' WHERE name = ?", [OLD_OPERATOR])
    olly = desk_service.unlock(old_desk, OLD_OPERATOR, OLD_OPERATOR_PASSPHRASE)
    try:
        with pytest.raises(Exception, match="olly's role was changed outside the app"):
            olly.require(Role.ADMIN, "add operators")
    finally:
        olly.close()


def test_an_approver_whose_key_is_pending_is_asked_to_wait(old_desk: Path) -> None:
    from crisisdesk.domain.errors import PermissionDenied
    from tests.support.templates import SECOND_APPROVER, SECOND_PASSPHRASE

    desk_service.unlock(old_desk, "alex", PASSPHRASE).close()  # roster signed: bea pending
    bea = desk_service.unlock(old_desk, SECOND_APPROVER, SECOND_PASSPHRASE)
    try:
        with pytest.raises(PermissionDenied, match="bea's signing key is not on the roster as "
                           "an approver yet"):
            template_service.approve(bea, "staff-notice-en", acknowledge_warnings=True)
        assert template_service.get_version(bea, "staff-notice-en").status.value == "in_review"
    finally:
        bea.close()
    desk_service.unlock(old_desk, "alex", PASSPHRASE).close()  # confirms bea's key
    bea = desk_service.unlock(old_desk, SECOND_APPROVER, SECOND_PASSPHRASE)
    try:
        template_service.approve(bea, "staff-notice-en", acknowledge_warnings=True)
        assert template_service.require_approved(bea, "staff-notice-en").approved_by == "bea"
    finally:
        bea.close()
