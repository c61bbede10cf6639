"""Creating, unlocking and checking a desk.

Every unlock also unwraps the operator's signing key from the same slot (one more AES-GCM
unwrap with the KEK already derived) and, for an admin, settles the roster of an upgraded desk
(services/roster.py `settle_at_unlock`).
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.errors import DeskExists, ValidationError, WrongPassphrase
from crisisdesk.domain.operators import (
    Operator,
    Role,
    check_new_passphrase,
    normalise_operator_name,
)
from crisisdesk.domain.roster import new_private_key
from crisisdesk.paths import DeskPaths
from crisisdesk.services import roster as roster_service
from crisisdesk.services.damage import damaged_error
from crisisdesk.services.desk_folder import load_vault
from crisisdesk.services.session import Clock, Session, iso, opening_desk, utc_now
from crisisdesk.store import meta as meta_store
from crisisdesk.store import operators as operator_store
from crisisdesk.store import roster as roster_store
from crisisdesk.store import row_digests, schema
from crisisdesk.store.backup import write_backup
from crisisdesk.store.db import DamagedDeskFile, connect, ensure_healthy
from crisisdesk.store.files import ensure_private_dir
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.vault import KdfParams, KeySlot, Vault, slot_key

RECOVERY_OPERATOR = "recovery key"


@dataclass(frozen=True)
class InitResult:
    session: Session
    recovery_code: str


def init_desk(
    data_dir: Path, *, org: str, operator: str, passphrase: str, clock: Clock = utc_now,
    kdf: KdfParams | None = None,
) -> InitResult:
    """Create a new desk; the first operator is an admin. Returns the one-time recovery code."""
    paths = DeskPaths(data_dir)
    org = " ".join(org.split())
    if not org:
        raise ValidationError("The organisation needs a name.", {"org": "missing"})
    name = normalise_operator_name(operator)
    check_new_passphrase(passphrase)  # a new desk has no settings yet: the default minimum
    if paths.exists() or paths.desk_file.exists():
        raise DeskExists(f"{data_dir} already holds a desk; choose another --data-dir.")
    ensure_private_dir(data_dir)
    vault, data_key = Vault.create(data_dir, org)
    try:
        db = connect(paths.desk_file, data_key, create=True)
        schema.apply(db)
        signed = roster_store.has_table(db)  # (tests build old desks without it)
        signing_key = new_private_key() if signed else None
        vault.set_operator_slot(data_key, name, passphrase, kdf, signing_key=signing_key)
        code = vault.set_recovery_slot(data_key, kdf,
                                       signing_key=new_private_key() if signed else None)
        op = Operator(str(uuid.uuid4()), name, Role.ADMIN)
        session = Session(paths, db, vault, op, data_key, clock, _signing_key=signing_key)
        with session.action("desk.init", "desk", vault.desk_id,
                            f"Created desk for {org}; first admin {name}") as act:
            meta_store.put_many(db, {"desk_id": vault.desk_id, "org": org,
                                     "created_at": act.at})
            operator_store.insert(db, name, Role.ADMIN, act.at, name, op.id)
            if signed:
                roster_service.first_version(session, act.at)
            # The shipped templates arrive in review: someone at the organisation approves them.
            from crisisdesk.services.templates import install_library_rows

            install_library_rows(session, act.at)
            row_digests.note_all(db)  # rows the schema itself wrote (the default systems)
        vault.save()
    except BaseException:
        for leftover in (paths.desk_file, Path(f"{paths.desk_file}-wal"),
                         Path(f"{paths.desk_file}-shm"), paths.slots_file):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return InitResult(session, code)


def _open(paths: DeskPaths, vault: Vault, data_key: bytes, operator_name: str | None,
          clock: Clock) -> Session:
    """Open the file with a key that came out of an authenticated slot: a file that then fails
    to read is damaged (said so, with the latest verified backup), never a wrong passphrase."""
    try:
        with opening_desk():
            return _open_checked(paths, vault, data_key, operator_name, clock)
    except DamagedDeskFile as damage:
        raise damaged_error(paths.data_dir, vault, data_key, damage) from None


def _open_checked(paths: DeskPaths, vault: Vault, data_key: bytes, operator_name: str | None,
                  clock: Clock) -> Session:
    db = connect(paths.desk_file, data_key)
    try:
        schema.check_not_newer(db)
        pending = schema.pending(db)
        if pending and "m001_core" not in pending:
            _backup_before_migration(paths, db, vault, clock)
        applied = schema.apply(db)
        ensure_healthy(db)
        if operator_name is None:
            op = Operator("recovery", RECOVERY_OPERATOR, Role.ADMIN)
        else:
            found = operator_store.find(db, operator_name)
            if found is None:  # slot without an active operator row: treat as removed
                raise WrongPassphrase()
            op = found
        session = Session(paths, db, vault, op, data_key, clock)
        if applied:  # rows on the desk before row digests, or written by an upgrade step
            from crisisdesk.services.audit import baseline

            baseline(session, "upgrade")
    except BaseException:
        db.conn.close()
        raise
    return session


def _backup_before_migration(paths: DeskPaths, db: object, vault: Vault, clock: Clock) -> None:
    ensure_private_dir(paths.backups_dir)
    stamp = iso(clock()).replace(":", "")
    target = paths.backups_dir / f"before-upgrade-{stamp}.crisisdesk-backup"
    write_backup(db, vault.to_bytes(), target,  # type: ignore[arg-type]
                 {"desk_id": vault.desk_id, "org": vault.org, "reason": "before upgrade"})


def unlock(
    data_dir: Path, operator: str, passphrase: str, *, keychain: Keychain | None = None,
    remember: bool = False, clock: Clock = utc_now,
) -> Session:
    """Open the desk as `operator`. With `remember`, keep the slot key in the OS keychain."""
    vault = load_vault(data_dir)
    kek, data_key = vault.open_slot(operator, passphrase)
    session = _open(DeskPaths(data_dir), vault, data_key, operator, clock)
    _settle(session, vault.operator_slot(operator), kek)
    if remember and keychain is not None:
        try:
            keychain.store(vault.desk_id, slot_key(operator), kek)
        except BaseException:
            session.close()  # the caller gets an error, not a session: don't leak the connection
            raise
    return session


def unlock_from_keychain(
    data_dir: Path, operator: str, keychain: Keychain, *, clock: Clock = utc_now
) -> Session | None:
    """Open with a remembered secret; None if there is none (or it is stale): ask instead."""
    vault = load_vault(data_dir)
    secret = keychain.fetch(vault.desk_id, slot_key(operator))
    if secret is None:
        return None
    try:
        data_key = vault.unwrap_with_kek(operator, secret)
    except WrongPassphrase:
        keychain.forget(vault.desk_id, slot_key(operator))
        return None
    session = _open(DeskPaths(data_dir), vault, data_key, operator, clock)
    _settle(session, vault.operator_slot(operator), secret)
    return session


def unlock_with_recovery(data_dir: Path, code: str, *, clock: Clock = utc_now) -> Session:
    """Open with the printed recovery key, acting as an admin named 'recovery key'."""
    vault = load_vault(data_dir)
    kek, data_key = vault.open_recovery(code)
    session = _open(DeskPaths(data_dir), vault, data_key, None, clock)
    _settle(session, vault.recovery_slot(), kek)
    return session


def _settle(session: Session, slot: KeySlot | None, kek: bytes) -> None:
    """The signing key into the session (made on the first unlock after an upgrade) and the
    roster settled; the session is closed if that fails, so no connection leaks."""
    try:
        if slot is None:
            raise WrongPassphrase()
        with opening_desk():
            roster_service.settle_at_unlock(session, slot, kek)
    except BaseException:
        session.close()
        raise
