"""Open the encrypted desk file: key first, then the pragmas every connection needs.

One connection per thread (`connect()` again in a worker). Writes go through `write_txn`,
which takes the write lock up front (BEGIN IMMEDIATE) so two writers wait for each other
under the busy timeout instead of failing halfway through.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import sqlite_utils
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.errors import DeskDamaged, UserError, WrongPassphrase
from crisisdesk.store.errors import DB_ERRORS, classify
from crisisdesk.store.files import DiskFull

DESK_FILE = "desk.db"
BUSY_TIMEOUT_S = 10.0


class DamagedDeskFile(DeskDamaged):
    """The key unwrapped from an authenticated (AES-GCM) slot, yet the file does not read.

    A slot that opens proves the passphrase, so a page that then fails SQLCipher's HMAC is
    damage, never a wrong passphrase. `problems` holds every finding (one per line) for
    `doctor` and `--json`; the message itself stays one line: the first problem and a count.
    """

    def __init__(self, problems: list[str], *, first_pages: bool = False) -> None:
        self.problems = problems
        self.first_pages = first_pages
        if first_pages:
            summary = "its first pages do not decrypt with the key that unlocked it"
        else:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            summary = f"{len(problems)} integrity problem(s): {problems[0]}{more}"
        self.summary = summary
        super().__init__(f"The desk file is damaged ({summary}).")


def _raise_classified(exc: BaseException) -> None:
    err = classify(exc)
    if err is not None:
        raise err from None
    raise exc


def key_clause(data_key: bytes) -> str:
    """The raw-key form SQLCipher takes after `PRAGMA key =` or `ATTACH ... KEY`: the 256-bit
    key itself, so no passphrase KDF runs at open (the slots did that)."""
    return f"\"x'{data_key.hex()}'\""


def connect(path: Path, data_key: bytes, *, create: bool = False) -> sqlite_utils.Database:
    """Open (or with `create`, make) the desk file with the raw 256-bit data key."""
    if not create and not path.exists():
        raise DeskDamaged(f"The desk file {path} is missing; restore it from a backup.")
    conn = sqlcipher.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                             check_same_thread=False)
    try:
        # The key must be set before anything reads a page.
        conn.execute(f"PRAGMA key = {key_clause(data_key)}")
        conn.execute("PRAGMA cipher_log_level = NONE")
        # First real read: a wrong key fails here with "file is not a database".
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    except DB_ERRORS as exc:
        conn.close()
        if not create and isinstance(classify(exc), WrongPassphrase):
            # The key came out of an authenticated slot, so it is the right key.
            raise DamagedDeskFile([f"page 1 does not decrypt ({exc})"], first_pages=True) from None
        if "malformed" in str(exc).lower():
            raise DamagedDeskFile([f"the table list cannot be read ({exc})"]) from None
        _raise_classified(exc)
    db = sqlite_utils.Database(cast(Any, conn), execute_plugins=False)
    return db


@contextlib.contextmanager
def write_txn(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction (nested calls become savepoints); errors roll everything back.

    A driver error from inside the block or from the commit leaves as a UserError when it is
    one a person can act on (a full disk: `DiskFull` naming the folder; nothing was saved).
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except DB_ERRORS as exc:
        _raise_write_error(db, exc)
    try:
        yield db
    except BaseException as exc:
        _rollback(db)
        if isinstance(exc, DB_ERRORS):
            _raise_write_error(db, exc)
        raise
    try:
        db.conn.execute("COMMIT")
    except DB_ERRORS as exc:
        _rollback(db)
        _raise_write_error(db, exc)


def _rollback(db: sqlite_utils.Database) -> None:
    """Roll back what is left of the transaction. SQLite has already rolled it back itself
    after some errors (a full disk: "cannot rollback - no transaction is active"), so only
    an open one is rolled back, and a failing rollback never hides the error that caused it."""
    if db.conn.in_transaction:
        with contextlib.suppress(*DB_ERRORS):
            db.conn.execute("ROLLBACK")


def _raise_write_error(db: sqlite_utils.Database, exc: BaseException) -> None:
    """A write that failed: a full disk names the desk's folder; otherwise as `classify`."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        raise DiskFull(_desk_folder(db), "nothing was saved") from None
    _raise_classified(exc)


def _desk_folder(db: sqlite_utils.Database) -> Path:
    """The folder holding the desk file (for a message), from the connection itself."""
    with contextlib.suppress(*DB_ERRORS):
        for row in db.conn.execute("PRAGMA database_list").fetchall():
            if row[1] == "main" and row[2]:
                return Path(row[2]).parent
    return Path(".")


def quick_check(db: sqlite_utils.Database) -> list[str]:
    """Problems found by SQLCipher's page-HMAC check and SQLite's quick_check ([] if healthy).

    One entry per finding: quick_check returns a damaged b-tree as ONE row holding a line per
    page ("Tree 47 page 147: ..."), so the rows are split into lines and the banner dropped.
    The HMAC findings come first: they name the page that was actually damaged, while the
    b-tree lines list every page that can no longer be reached through it.
    """
    problems: list[str] = []
    try:
        problems += [str(r[0]) for r in db.execute("PRAGMA cipher_integrity_check").fetchall()]
        rows = db.execute("PRAGMA quick_check").fetchall()
        for row in rows:
            for line in str(row[0]).splitlines():
                line = line.strip()
                if line and line.lower() != "ok" and not line.startswith("***"):
                    problems.append(line)
    except DB_ERRORS as exc:
        problems.append(str(exc))
    return problems


def data_version(db: sqlite_utils.Database) -> int:
    """Changes when *another* connection commits: how the open app notices CLI changes."""
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def ensure_healthy(db: sqlite_utils.Database) -> None:
    """DamagedDeskFile (one line: the first problem and a count) unless the file checks out."""
    problems = quick_check(db)
    if problems:
        raise DamagedDeskFile(problems)


__all__ = ["DESK_FILE", "DamagedDeskFile", "UserError", "connect", "data_version", "ensure_healthy",
           "quick_check", "write_txn"]


def given_filters(*conditions: tuple[str, object]) -> tuple[list[str], list[Any]]:
    """The SQL conditions (one `?` each) whose value was given, and those values, for a list
    query whose filters are optional: an empty value means "any"."""
    given = [(sql, value) for sql, value in conditions if value]
    return [sql for sql, _ in given], [value for _, value in given]
