"""The signed roster: roles hold even against someone with the data key and a SQL shell."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crisisdesk.domain import roster as signing
from crisisdesk.domain.errors import PermissionDenied
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import doctor as doctor_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.doctor import Status
from crisisdesk.services.session import Session
from crisisdesk.store import roster as roster_store
from crisisdesk.store.vault import Vault
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.tamper import raw_desk

OLLY, OLLY_PASS = "olly", "ollys own passphrase"
ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


@pytest.fixture
def team(new_desk_session: Session, data_dir: Path) -> Session:
    """alex (admin, first) and olly, an operator with the lowest role."""
    operator_service.add_operator(new_desk_session, OLLY, Role.OPERATOR, OLLY_PASS, FAST_KDF)
    return new_desk_session


def _doctor_signatures(data_dir: Path) -> doctor_service.Check:
    report = doctor_service.run_doctor(data_dir, ALEX)
    return next(c for c in report.checks if c.name == "signatures")


def test_a_new_desk_has_a_signed_roster_and_everything_verifies(team: Session,
                                                                 data_dir: Path) -> None:
    check = team.verified_roster()
    assert check.ok
    assert check.current is not None
    assert [(m.name, m.role) for m in check.current.members] == [("alex", "admin"),
                                                                  ("olly", "operator")]
    assert check.current.member("alex").key == team.public_key  # type: ignore[union-attr]
    assert check.current.recovery_key  # the recovery slot has its own key
    assert audit_service.verify(team).ok
    assert _doctor_signatures(data_dir).status is Status.OK


def test_making_yourself_admin_in_the_table_is_refused_and_reported(team: Session,
                                                                    data_dir: Path) -> None:
    team.close()
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("UPDATE operators SET role = 'admin' WHERE name_key = 'olly'")
    olly = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    try:
        assert olly.operator.role is Role.OPERATOR  # what the screens show and enable
        with pytest.raises(PermissionDenied, match="The roster does not match its signatures: "
                           "operator olly's role was changed outside the app"):
            operator_service.add_operator(olly, "mallory", Role.ADMIN, "mallorys passphrase",
                                          FAST_KDF)
    finally:
        olly.close()
    alex = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        report = audit_service.verify(alex)
        assert not report.ok
        assert "operator olly's role was changed outside the app" in report.problem
    finally:
        alex.close()
    check = _doctor_signatures(data_dir)
    assert check.status is Status.FAIL
    assert "olly's role was changed outside the app" in check.detail


def test_an_operator_inserted_in_the_table_is_reported(team: Session, data_dir: Path) -> None:
    team.close()
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("INSERT INTO operators (id, name, name_key, role, created_at) "
                     "VALUES ('x', 'mallory', 'mallory', 'admin', '2026-01-01')")
    assert "operator mallory was added outside the app" in _doctor_signatures(data_dir).detail


def test_a_roster_version_signed_by_a_non_admin_is_refused(team: Session,
                                                           data_dir: Path) -> None:
    """olly writes a roster version making them admin, signed with their own real key."""
    vault = Vault.load(data_dir)
    kek, _ = vault.open_slot(OLLY, OLLY_PASS)
    slot = vault.operator_slot(OLLY)
    assert slot is not None
    ollys_key = vault.open_signing_key(slot, kek)
    assert ollys_key is not None
    current = team.verified_roster().current
    assert current is not None
    team.close()
    members = tuple(dataclasses.replace(m, role="admin") if m.name == OLLY else m
                    for m in current.members)
    forged = signing.seal(vault.desk_id, dataclasses.replace(
        current, version=current.version + 1, members=members, signer=OLLY,
        signer_key=signing.public_key(ollys_key), prev_hash=current.content_hash), ollys_key)
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("UPDATE operators SET role = 'admin' WHERE name_key = 'olly'")
        conn.execute("INSERT INTO roster_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            forged.version, forged.at, json.dumps([m.as_dict() for m in forged.members]),
            forged.recovery_key, forged.audit_seq, forged.signer, forged.signer_key,
            forged.prev_hash, forged.content_hash, forged.signature])
    olly = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    try:
        with pytest.raises(PermissionDenied, match=f"roster version {forged.version} is signed "
                           "by olly, who was not an admin"):
            operator_service.add_operator(olly, "mallory", Role.ADMIN, "mallorys passphrase")
    finally:
        olly.close()
    assert "who was not an admin" in _doctor_signatures(data_dir).detail


def test_a_roster_row_edited_in_place_is_named(team: Session, data_dir: Path) -> None:
    team.close()
    with raw_desk(data_dir, OLLY, OLLY_PASS) as conn:
        conn.execute("UPDATE roster_entries SET members = replace(members, "
                     "'\"role\": \"operator\"', '\"role\": \"admin\"')")
        conn.execute("UPDATE operators SET role = 'admin' WHERE name_key = 'olly'")
    detail = _doctor_signatures(data_dir).detail
    assert "roster version 2 was changed outside the app" in detail


def test_changing_your_own_passphrase_keeps_your_key_an_admin_reset_signs_a_new_one(
        team: Session, data_dir: Path) -> None:
    olly = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    old_key = olly.public_key
    operator_service.change_passphrase(olly, OLLY, "ollys newer passphrase", FAST_KDF)
    olly.close()
    olly = desk_service.unlock(data_dir, OLLY, "ollys newer passphrase")
    assert olly.public_key == old_key
    olly.close()
    operator_service.change_passphrase(team, OLLY, "reset by alex passphrase", FAST_KDF)
    olly = desk_service.unlock(data_dir, OLLY, "reset by alex passphrase")
    try:
        current = olly.verified_roster().current
        assert current is not None
        assert olly.public_key != old_key
        assert current.member(OLLY).key == olly.public_key  # type: ignore[union-attr]
        with olly.action("test.step", "note"):
            pass
        assert audit_service.verify(olly).ok  # old entries by the old key still verify
    finally:
        olly.close()


def test_removing_an_operator_takes_them_off_the_roster(team: Session) -> None:
    operator_service.remove_operator(team, OLLY)
    current = team.verified_roster().current
    assert current is not None
    assert current.member(OLLY) is None
    assert audit_service.verify(team).ok


def test_the_recovery_key_signs_a_recovery(new_desk_session: Session, data_dir: Path) -> None:
    session = new_desk_session
    code = operator_service.replace_recovery_key(session, FAST_KDF)
    session.close()
    rescue = desk_service.unlock_with_recovery(data_dir, code)
    try:
        operator_service.add_operator(rescue, "nadia", Role.ADMIN, "nadias new passphrase",
                                      FAST_KDF)
        current = rescue.verified_roster().current
        assert current is not None
        assert current.signer == signing.RECOVERY
        assert current.member("nadia").role == "admin"  # type: ignore[union-attr]
        assert audit_service.verify(rescue).ok
    finally:
        rescue.close()
    nadia = desk_service.unlock(data_dir, "nadia", "nadias new passphrase")
    try:
        nadia.require(Role.ADMIN, "add operators")
    finally:
        nadia.close()


def test_role_checks_cost_little(team: Session) -> None:
    """Every role check verifies the roster: it must stay cheap (a few signatures)."""
    import time

    start = time.perf_counter()
    for _ in range(50):
        team.require(Role.ADMIN, "add operators")
    assert (time.perf_counter() - start) / 50 < 0.02
    assert roster_store.versions(team.db)[-1].version == 2
