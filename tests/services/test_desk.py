"""Opening a desk: the right secrets open it, nothing else does, and nothing leaks to disk."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from crisisdesk.domain.errors import (
    DeskAlreadyOpen,
    DeskExists,
    DeskNotFound,
    PermissionDenied,
    SchemaTooNew,
    ValidationError,
    WrongPassphrase,
)
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain, KeychainRefused
from crisisdesk.store.lock import DeskLock
from tests.support.desk import PASSPHRASE, MemoryKeyring


def test_desk_file_is_encrypted_on_disk(session: Session, data_dir: Path) -> None:
    with session.action("test.marker", "note", summary="marker"):
        session.db["meta"].insert({"key": "marker", "value": "Zebediah Quartermaine"})
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (data_dir / "desk.db").read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for secret in (b"Zebediah Quartermaine", b"Riverside Clinics", b"alex"):
        assert secret not in raw


def test_wrong_passphrase_is_one_sentence(session: Session, data_dir: Path) -> None:
    with pytest.raises(WrongPassphrase) as err:
        desk_service.unlock(data_dir, "alex", "not the passphrase")
    assert str(err.value) == "Wrong operator name or passphrase."


def test_removed_operator_cannot_open(session: Session, data_dir: Path) -> None:
    operator_service.add_operator(session, "sam", Role.OPERATOR, "sams passphrase")
    desk_service.unlock(data_dir, "sam", "sams passphrase").close()
    operator_service.remove_operator(session, "sam")
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "sam", "sams passphrase")


def test_recovery_key_opens_as_admin_and_can_reset_a_passphrase(
    recovery: tuple[Session, str], data_dir: Path
) -> None:
    _, code = recovery
    rescue = desk_service.unlock_with_recovery(data_dir, code)
    assert rescue.operator.role is Role.ADMIN
    operator_service.change_passphrase(rescue, "alex", "a brand new passphrase")
    rescue.close()
    desk_service.unlock(data_dir, "alex", "a brand new passphrase").close()
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "alex", PASSPHRASE)


def test_replaced_recovery_key_retires_the_old_one(
    recovery: tuple[Session, str], data_dir: Path
) -> None:
    session, old = recovery
    new = operator_service.replace_recovery_key(session)
    desk_service.unlock_with_recovery(data_dir, new).close()
    with pytest.raises(WrongPassphrase):
        desk_service.unlock_with_recovery(data_dir, old)


def test_only_admins_manage_operators(session: Session, data_dir: Path) -> None:
    operator_service.add_operator(session, "sam", Role.APPROVER, "sams passphrase")
    sam = desk_service.unlock(data_dir, "sam", "sams passphrase")
    with pytest.raises(PermissionDenied, match="admin"):
        operator_service.add_operator(sam, "eve", Role.ADMIN, "eves passphrase")
    operator_service.change_passphrase(sam, "sam", "sams new passphrase")  # own: allowed
    with pytest.raises(PermissionDenied):
        operator_service.change_passphrase(sam, "alex", "hijacked passphrase")
    sam.close()


def test_last_admin_cannot_be_removed_and_names_are_unique(session: Session) -> None:
    operator_service.add_operator(session, "sam", Role.ADMIN, "sams passphrase")
    with pytest.raises(PermissionDenied, match="yourself"):
        operator_service.remove_operator(session, "alex")
    with pytest.raises(ValidationError, match="already"):
        operator_service.add_operator(session, "SAM", Role.OPERATOR, "another passphrase")
    with pytest.raises(ValidationError, match="at least"):
        operator_service.add_operator(session, "kim", Role.OPERATOR, "short")


def test_every_operator_change_is_audited(new_desk_session: Session) -> None:
    session = new_desk_session
    from crisisdesk.services import audit as audit_service

    operator_service.add_operator(session, "sam", Role.OPERATOR, "sams passphrase")
    operator_service.change_passphrase(session, "sam", "sams other passphrase")
    operator_service.remove_operator(session, "sam")
    actions = [e.action for e in audit_service.show(session)]
    assert actions == ["desk.init", "operator.add", "operator.passwd", "operator.remove"]
    assert audit_service.verify(session).ok


def test_init_refuses_an_existing_desk_and_open_names_a_missing_one(
    session: Session, data_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(DeskExists):
        desk_service.init_desk(data_dir, org="Other", operator="x", passphrase=PASSPHRASE)
    with pytest.raises(DeskNotFound, match="crisisdesk init"):
        desk_service.unlock(tmp_path / "nowhere", "alex", PASSPHRASE)


def test_newer_schema_is_refused(session: Session, data_dir: Path) -> None:
    with session.action("test.future", "desk"):
        session.db["_sqlite_migrations"].insert(
            {"migration_set": "crisisdesk", "name": "m999_from_the_future",
             "applied_at": "2030-01-01"})
    with pytest.raises(SchemaTooNew, match="newer version"):
        desk_service.unlock(data_dir, "alex", PASSPHRASE)


def test_plaintext_keyring_backend_is_refused(session: Session, data_dir: Path) -> None:
    from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

    plain = Keychain(PlaintextKeyring())
    assert not plain.usable
    with pytest.raises(KeychainRefused, match="real OS keychain"):
        desk_service.unlock(data_dir, "alex", PASSPHRASE, keychain=plain, remember=True)
    from keyring.backends.fail import Keyring as FailKeyring

    assert not Keychain(FailKeyring()).usable


def test_remember_on_this_computer_with_a_real_keychain(session: Session, data_dir: Path) -> None:
    chain = Keychain(MemoryKeyring(), trusted=True)
    assert desk_service.unlock_from_keychain(data_dir, "alex", chain) is None
    desk_service.unlock(data_dir, "alex", PASSPHRASE, keychain=chain, remember=True).close()
    again = desk_service.unlock_from_keychain(data_dir, "alex", chain)
    assert again is not None
    assert again.operator.name == "alex"
    again.close()
    # A changed passphrase makes the remembered secret stale: ask again, never fail open.
    operator_service.change_passphrase(session, "alex", "changed passphrase!")
    assert desk_service.unlock_from_keychain(data_dir, "alex", chain) is None


def _hold_lock(lock_file: str, ready: multiprocessing.synchronize.Event,
               done: multiprocessing.synchronize.Event) -> None:
    lock = DeskLock(Path(lock_file))
    lock.acquire()
    ready.set()
    done.wait(10)
    lock.release()


def test_second_app_on_the_same_desk_gets_the_lock_message(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(tmp_path / "desk.lock"), ready, done))
    proc.start()
    try:
        assert ready.wait(20)
        with pytest.raises(DeskAlreadyOpen, match="already open"):
            DeskLock(tmp_path / "desk.lock").acquire()
    finally:
        done.set()
        proc.join(10)
    lock = DeskLock(tmp_path / "desk.lock")  # released when the holder ended
    lock.acquire()
    lock.release()
