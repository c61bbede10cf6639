"""Changing who can open the desk for real: a new data key, given only to the slots that stay.

An action that takes someone's access away (removing an operator, replacing the recovery key)
runs through here: `prepare` makes a verified copy of the desk under a fresh random data key
with the action applied to the copy (so the roster change and its audit entry exist only if
the re-encryption happened), and works out the new slot file, where every remaining slot gets
the new key sealed to its public key (see store/vault.py). `finish` switches the files over
(store/rekey.py: crash-safe) and points the session at the new key. The GUI runs `prepare` in
the worker with progress and `finish` on its own thread (it owns the connection to close);
the CLI calls both in turn.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from crisisdesk.services.session import Action, Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import rekey as rekey_store
from crisisdesk.store.db import connect
from crisisdesk.store.vault import KdfParams, Vault

Apply = Callable[[Session, Action], None]
Progress = Callable[[int, int], None]


@dataclass
class PreparedRekey:
    staged: rekey_store.Staged
    vault: Vault  # the slot file that goes with the new key
    recovery_code: str | None  # a new recovery key, shown once after `finish`

    def discard(self) -> None:
        self.staged.discard()


@dataclass(frozen=True)
class Change:
    """The one audited action applied to the re-encrypted copy."""

    action: str
    entity_type: str
    entity_id: str
    summary: str
    apply: Apply


def prepare(
    session: Session, change: Change, *, drop_operator: str | None = None,
    new_recovery: bool = False, kdf: KdfParams | None = None,
    recovery_signing_key: bytes | None = None,
    progress: Progress | None = None, is_cancelled: Callable[[], bool] | None = None,
) -> PreparedRekey:
    """A verified copy under a new data key, `change` applied to it; nothing live changes."""
    new_key = secrets.token_bytes(32)
    current = Vault.load(session.data_dir)
    if new_recovery:  # the old recovery slot goes, legacy or not
        current.slots = [s for s in current.slots if s.kind != "recovery"]
    vault = current.resealed(new_key, drop_operator=drop_operator)
    code = (vault.set_recovery_slot(new_key, kdf, signing_key=recovery_signing_key)
            if new_recovery else None)

    def apply(copy: sqlite_utils.Database) -> None:
        twin = Session(session.paths, copy, vault, session.operator, new_key, session.clock,
                       _signing_key=session._signing_key)  # signs the change and its entry
        with twin.action(change.action, change.entity_type, change.entity_id,
                         change.summary) as act:
            change.apply(twin, act)

    staged = rekey_store.stage(session.db, session.data_dir, session._data_key, new_key,
                               change=apply, progress=progress, is_cancelled=is_cancelled)
    return PreparedRekey(staged, vault, code)


def finish(session: Session, prepared: PreparedRekey) -> str | None:
    """Switch to the new file and key; the session's connection is reopened under the new key.
    Returns the new recovery code, if the change made one. RekeyFailed: nothing switched."""
    if audit_store.last_seq(session.db) != prepared.staged.audit_seq:
        prepared.discard()
        raise rekey_store.RekeyFailed("The desk changed while it was being re-encrypted; "
                                      "nothing was changed. Try again.")
    old_key = session._data_key
    rekey_store.release(session.db)
    try:
        rekey_store.commit(prepared.staged, prepared.vault.to_bytes())
    except BaseException:
        rekey_store.resolve_pending(session.data_dir)  # past the marker: the switch completes
        _reopen(session, prepared.staged.new_key, old_key)
        raise
    _reopen(session, prepared.staged.new_key, old_key)
    return prepared.recovery_code


def _reopen(session: Session, new_key: bytes, old_key: bytes) -> None:
    """Point the session at whichever key now opens the file (the new one after a switch)."""
    for key in (new_key, old_key):
        try:
            session.db = connect(session.paths.desk_file, key)
        except Exception:
            if key is old_key:
                raise
            continue
        session._data_key = key
        session.reload_vault()
        return

