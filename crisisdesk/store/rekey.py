"""Re-encrypting the desk file with a new data key, so that a kill at any moment leaves a desk
that opens with either the old key or the new one, and nothing committed is lost.

The steps, and what a crash after each leaves (`resolve_pending` runs before every vault load):
1. `stage`: the live file is exported (`sqlcipher_export`, inside one read-write transaction on
   the live file, so no other writer slips in) to `desk.db.rekey` under the new key; the copy's
   audit chain is re-keyed, the caller's change is applied to the copy, and the copy is verified
   (SQLCipher's page HMACs, quick_check, every table's row count, the audit chain). Crash: the
   live file and `keyslots.json` are untouched; the half copy is deleted at the next open.
2. `commit` (every connection to the live file closed, so no WAL is left behind) writes the new
   slot file as `keyslots.rekey.json`: the marker. Crash: the copy is verified and the marker
   exists, so the next open finishes the switch (roll forward).
3. renames `desk.db.rekey` over `desk.db`. Crash: the marker is promoted at the next open.
4. renames the marker over `keyslots.json`. Done.
The old file is replaced only by a copy that verified; old backups keep the old key.

`rekey.lock` is held from step 1 to the end, so a vault load elsewhere (this process's
scheduler, a CLI command) never tidies away a copy that is still being made.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from filelock import FileLock, Timeout
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.paths import DeskPaths
from crisisdesk.store import audit as audit_store
from crisisdesk.store.db import DESK_FILE, connect, key_clause, quick_check
from crisisdesk.store.errors import DB_ERRORS
from crisisdesk.store.files import _fsync_dir, write_bytes_atomic

MARKER_FILE = DeskPaths(Path()).rekey_marker_file.name
SLOTS_FILE = "keyslots.json"  # the vault's file (vault.py imports this module)
LOCK_FILE = "rekey.lock"

Progress = Callable[[int, int], None]
STEPS = 5  # copy, re-key the audit chain, apply the change, verify, sync to disk


class RekeyFailed(UserError):
    """The new copy did not verify (or the desk changed meanwhile): nothing was switched."""


class RekeyBusy(UserError):
    pass


@dataclass
class Staged:
    """A verified copy under the new key, waiting for `commit`."""

    data_dir: Path
    path: Path
    old_key: bytes
    new_key: bytes
    audit_seq: int  # the live file's newest audit entry when it was copied
    lock: FileLock

    def discard(self) -> None:
        _remove_staged(self.data_dir)
        self.lock.release()


def _staged_path(data_dir: Path) -> Path:
    return DeskPaths(data_dir).rekey_staged_file


def _remove_staged(data_dir: Path) -> None:
    staged = _staged_path(data_dir)
    for leftover in (staged, *(Path(f"{staged}{s}") for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _lock(data_dir: Path) -> FileLock:
    return FileLock(str(data_dir / LOCK_FILE), timeout=0, thread_local=False)


def resolve_pending(data_dir: Path) -> None:
    """Finish a switch a crash interrupted after step 1, or remove a copy it left half made.
    Nothing to do (the common case) costs two `stat`s; a rekey running now is left alone."""
    staged, marker = _staged_path(data_dir), data_dir / MARKER_FILE
    if not staged.exists() and not marker.exists():
        return
    lock = _lock(data_dir)
    try:
        lock.acquire()
    except Timeout:
        return  # a rekey is running (here or in another process): it finishes or cleans up
    try:
        if marker.exists():
            if staged.exists():
                os.replace(staged, data_dir / DESK_FILE)
                _fsync_dir(data_dir)
            os.replace(marker, data_dir / SLOTS_FILE)
            _fsync_dir(data_dir)
        _remove_staged(data_dir)
    finally:
        lock.release()


def _counts(db: sqlite_utils.Database, schema: str = "main") -> dict[str, int]:
    tables = [str(r[0]) for r in db.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND rootpage > 0 AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()]
    return {t: int(db.execute(f'SELECT count(*) FROM {schema}."{t}"').fetchone()[0])
            for t in tables}


def keep_audit_chain(db: sqlite_utils.Database, old_data_key: bytes) -> None:
    """Keep the audit chain as it is across the new data key: its MAC key is pinned in the
    desk (`audit.chain_key`), so no entry is rewritten and the operators' signatures over the
    MACs stay valid. Refuses a chain that does not verify: never carry an edited log over."""
    report = audit_store.verify(db, audit_store.chain_key(db, old_data_key))
    if not report.ok:
        raise RekeyFailed(f"The audit log does not verify ({report.problem}); nothing was "
                          "re-encrypted. Run 'crisisdesk doctor'.")
    audit_store.keep_chain_key(db, old_data_key)


def stage(
    db: sqlite_utils.Database, data_dir: Path, old_key: bytes, new_key: bytes, *,
    change: Callable[[sqlite_utils.Database], None],
    progress: Progress | None = None, is_cancelled: Callable[[], bool] | None = None,
) -> Staged:
    """Step 1: a verified copy of the live desk (`db`, its connection) under `new_key`, with
    `change(copy)` applied to it (one audited action, under the new audit key)."""
    report = progress or (lambda _d, _t: None)
    cancelled = is_cancelled or (lambda: False)
    lock = _lock(data_dir)
    try:
        lock.acquire()
    except Timeout:
        raise RekeyBusy("The desk is already being re-encrypted; wait for it to finish.") from None
    staged = _staged_path(data_dir)
    try:
        _remove_staged(data_dir)
        report(0, STEPS)
        db.execute(f"ATTACH DATABASE ? AS rekey KEY {key_clause(new_key)}", [str(staged)])
        try:
            db.conn.set_progress_handler(lambda: 1 if cancelled() else 0, 10_000)
            db.execute("BEGIN IMMEDIATE")  # no other writer until the copy is complete
            try:
                before = _counts(db)
                seq = audit_store.last_seq(db)
                version = int(db.execute("PRAGMA main.user_version").fetchone()[0])
                db.execute("SELECT sqlcipher_export('rekey')")
                db.execute(f"PRAGMA rekey.user_version = {version}")
                copied = _counts(db, "rekey")
                db.execute("COMMIT")
            finally:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
        except DB_ERRORS as exc:
            if cancelled():
                raise Cancelled() from None
            raise RekeyFailed(f"The desk could not be copied for re-encryption ({exc}); "
                              "nothing was changed.") from None
        finally:
            db.conn.set_progress_handler(None, 0)
            db.execute("DETACH DATABASE rekey")
        if copied != before:
            raise RekeyFailed("The re-encrypted copy lost rows; nothing was changed.")
        report(1, STEPS)
        _check_cancel(cancelled)
        copy = connect(staged, new_key)
        try:
            with copy.atomic():
                keep_audit_chain(copy, old_key)
            report(2, STEPS)
            change(copy)
            report(3, STEPS)
            _verify(copy, new_key)
            copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            copy.conn.close()
        report(4, STEPS)
        _check_cancel(cancelled)
        with open(staged, "rb+") as fh:
            os.fsync(fh.fileno())
        report(STEPS, STEPS)
    except BaseException:
        _remove_staged(data_dir)
        lock.release()
        raise
    return Staged(data_dir, staged, old_key, new_key, seq, lock)


def _check_cancel(cancelled: Callable[[], bool]) -> None:
    if cancelled():
        raise Cancelled()


def _verify(copy: sqlite_utils.Database, key: bytes) -> None:
    problems = quick_check(copy)
    if problems:
        raise RekeyFailed(f"The re-encrypted copy does not check out ({problems[0]}); "
                          "nothing was changed.")
    chain = audit_store.verify(copy, audit_store.chain_key(copy, key))
    if not chain.ok:
        raise RekeyFailed(f"The re-encrypted copy's audit log does not verify "
                          f"({chain.problem}); nothing was changed.")


def release(db: sqlite_utils.Database) -> None:
    """Close a connection to the live file before `commit`, its WAL folded into the file
    first (the last connection to close removes the WAL; `commit` checks that it is gone)."""
    with contextlib.suppress(*DB_ERRORS):
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with contextlib.suppress(*DB_ERRORS):
        db.conn.close()


def _only_user(live: Path, key: bytes) -> None:
    """Prove nobody else has the live file open, and leave it with no WAL or shared-memory
    file: leaving WAL mode needs every other connection closed, and is refused at once (no busy
    wait) otherwise. The file goes back to WAL at its next `connect`."""
    conn = sqlcipher.connect(str(live), timeout=0, isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = {key_clause(key)}")
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except DB_ERRORS:
        mode = "busy"
    finally:
        conn.close()
    if mode != "delete":
        raise RekeyFailed("Another CrisisDesk window or command has the desk open; close it and "
                          "try again (nothing was changed).")


def commit(staged: Staged, new_slots: bytes) -> None:
    """Steps 2-4. Every connection to the live file must be closed: a connection still open
    (another window, a command, a worker) would go on writing to the replaced file, and its WAL
    would be taken for the new file's. RekeyFailed (nothing switched) if one is."""
    data_dir = staged.data_dir
    live = data_dir / DESK_FILE
    try:
        _only_user(live, staged.old_key)
        marker = data_dir / MARKER_FILE
        write_bytes_atomic(marker, new_slots)  # from here on, the switch completes
        os.replace(staged.path, live)
        _fsync_dir(data_dir)
        os.replace(marker, data_dir / SLOTS_FILE)
        _fsync_dir(data_dir)
    except BaseException:
        if not (data_dir / MARKER_FILE).exists():
            _remove_staged(data_dir)
        raise
    finally:
        staged.lock.release()


__all__ = ["RekeyBusy", "RekeyFailed", "Staged", "commit", "release",
           "resolve_pending", "stage"]
