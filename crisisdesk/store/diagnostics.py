"""Read-only health facts about a desk and the libraries under it, for `crisisdesk doctor`.

Everything here looks and changes nothing: no migration is applied, nothing is written (beyond
the lock file the lock probe may create), so the doctor can be run on a sick desk safely.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import sqlite_utils
from filelock import FileLock, Timeout
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.audit import ChainReport
from crisisdesk.store import audit as audit_store
from crisisdesk.store import schema
from crisisdesk.store.db import connect, quick_check
from crisisdesk.store.errors import DB_ERRORS

T = TypeVar("T")


def library_versions() -> dict[str, str]:
    """The SQLite and SQLCipher versions actually linked into sqlcipher3."""
    conn = sqlcipher.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        cipher = str(row[0]) if row else "unknown (not SQLCipher!)"
    finally:
        conn.close()
    return {"sqlite": str(sqlcipher.sqlite_version), "sqlcipher": cipher}


def lock_held(lock_file: Path) -> bool:
    """True if another process (the app) holds the desk lock right now."""
    if not lock_file.parent.is_dir():
        return False
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


@dataclass(frozen=True)
class DeskHealth:
    integrity_problems: list[str]
    audit: ChainReport | None  # None when the file was too damaged to read the log
    schema_version: int
    applied_steps: list[str]
    pending_steps: list[str]
    unknown_steps: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def inspect_desk(desk_file: Path, data_key: bytes) -> DeskHealth:
    """Open the desk with its data key and check it, without migrating or writing anything.

    SQLCipher leaves a connection unusable once it has met a damaged page (every later query
    fails too), so after a failed check each further read gets a fresh connection: the audit
    chain and the counts of a desk with one bad page are still reported.
    """
    conn: list[sqlite_utils.Database] = [connect(desk_file, data_key)]
    problems = quick_check(conn[0])

    def read(what: str, fn: Callable[[sqlite_utils.Database], T], default: T) -> T:
        if problems:
            conn[0].conn.close()
            conn[0] = connect(desk_file, data_key)
        try:
            return fn(conn[0])
        except DB_ERRORS as exc:
            problems.append(f"{what} cannot be read ({exc})")
            return default

    try:
        chain = read("the audit log",
                     lambda db: audit_store.verify(db, audit_store.chain_key(db, data_key)), None)
        no_steps: list[str] = []
        applied = read("the schema history",
                       lambda db: [m.name for m in schema.migrations.applied(db)], no_steps)
        version = read("the schema version", schema.version, 0)
        pending = read("the schema history", schema.pending, no_steps)
        counts = {}
        queries = {"operators": "SELECT count(*) FROM operators WHERE removed_at IS NULL",
                   "contacts": "SELECT count(*) FROM contacts"}
        for table, sql in queries.items():

            def count(db: sqlite_utils.Database, t: str = table, q: str = sql) -> int | None:
                return int(db.execute(q).fetchone()[0]) if db[t].exists() else None

            found = read(f"the {table} table", count, None)
            if found is not None:
                counts[table] = found
        return DeskHealth(
            integrity_problems=problems, audit=chain, schema_version=version,
            applied_steps=applied, pending_steps=pending,
            unknown_steps=sorted(set(applied) - set(schema.KNOWN)), counts=counts,
        )
    finally:
        conn[0].conn.close()
