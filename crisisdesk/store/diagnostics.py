"""Read-only health facts about a desk and the libraries under it, for `crisisdesk doctor`.

Everything here looks and changes nothing: no migration is applied, nothing is written (beyond
the lock file the lock probe may create), so the doctor can be run on a sick desk safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.audit import ChainReport
from crisisdesk.store import audit as audit_store
from crisisdesk.store import schema
from crisisdesk.store.db import connect, quick_check
from crisisdesk.store.errors import DB_ERRORS


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
    """Open the desk with its data key and check it, without migrating or writing anything."""
    db = connect(desk_file, data_key)
    try:
        problems = quick_check(db)
        chain: ChainReport | None = None
        try:
            chain = audit_store.verify(db, audit_store.audit_key(data_key))
        except DB_ERRORS as exc:
            problems.append(f"the audit log cannot be read ({exc})")
        applied = [m.name for m in schema.migrations.applied(db)]
        counts = {}
        queries = {"operators": "SELECT count(*) FROM operators WHERE removed_at IS NULL",
                   "contacts": "SELECT count(*) FROM contacts"}
        for table, sql in queries.items():
            if db[table].exists():
                counts[table] = int(db.execute(sql).fetchone()[0])
        return DeskHealth(
            integrity_problems=problems, audit=chain, schema_version=schema.version(db),
            applied_steps=applied, pending_steps=schema.pending(db),
            unknown_steps=sorted(set(applied) - set(schema.KNOWN)), counts=counts,
        )
    finally:
        db.conn.close()
