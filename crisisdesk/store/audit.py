"""The audit table: append-only, hash-chained and keyed (see domain/audit.py).

`append` must run inside the action's write transaction, so the change and its entry commit
or roll back together. The chain head (count + MAC) lives in `meta` and moves in the same
transaction, so deleting the newest entries is caught too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import sqlite_utils
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crisisdesk.domain.audit import (
    GENESIS,
    AuditEntry,
    ChainReport,
    entry_mac,
    head_mac,
    verify_chain,
)
from crisisdesk.store.db import given_filters

HEAD_KEY = "audit_head"


def audit_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"crisisdesk audit chain v1").derive(data_key)


CHAIN_KEY = "audit_chain_key"


def chain_key(db: sqlite_utils.Database, data_key: bytes) -> bytes:
    """The key the audit chain is MACed with: derived from the data key the desk was made
    with. After a rekey (a new data key) the old chain key is kept in the desk's meta table,
    inside the encrypted file, so the chain and the operators' signatures over its MACs stay
    valid without rewriting history; anyone who can read the file could derive it anyway."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [CHAIN_KEY]).fetchone()
    return bytes.fromhex(str(row[0])) if row else audit_key(data_key)


def keep_chain_key(db: sqlite_utils.Database, old_data_key: bytes) -> None:
    """Before the data key changes: pin the chain key (a no-op if an earlier rekey did)."""
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
               [CHAIN_KEY, chain_key(db, old_data_key).hex()])


def _head(db: sqlite_utils.Database) -> tuple[int, str] | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [HEAD_KEY]).fetchone()
    if row is None:
        return None
    count, mac = str(row[0]).split(":", 1)
    return int(count), mac


def append(
    db: sqlite_utils.Database, key: bytes, *, at: str, operator: str, action: str,
    entity_type: str, entity_id: str, summary: str, rows_digest: str = "",
) -> AuditEntry:
    last = db.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    entry_id = str(uuid.uuid4())
    mac = entry_mac(key, seq=seq, id=entry_id, at=at, operator=operator, action=action,
                    entity_type=entity_type, entity_id=entity_id, summary=summary, prev_mac=prev,
                    rows_digest=rows_digest)
    entry = AuditEntry(seq, entry_id, at, operator, action, entity_type, entity_id, summary,
                       prev, mac, rows_digest)
    values = [seq, entry_id, at, operator, action, entity_type, entity_id, summary, prev, mac]
    if rows_digest:  # (a desk before row digests has no such column until its upgrade)
        values.append(rows_digest)
    db.execute(
        f"INSERT INTO audit ({_COLS}{', rows_digest' if rows_digest else ''}) "
        f"VALUES ({', '.join('?' * len(values))})", values,
    )
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [HEAD_KEY, f"{seq}:{head_mac(key, seq, mac)}"],
    )
    return entry


def _row(r: tuple[object, ...]) -> AuditEntry:
    return AuditEntry(int(str(r[0])), *(str(x or "") for x in r[1:]))


_COLS = "seq, id, at, operator, action, entity_type, entity_id, summary, prev_mac, mac"


def _cols(db: sqlite_utils.Database) -> str:
    """The columns to read: with `rows_digest` once the desk has it (row digests)."""
    has = db.execute("SELECT 1 FROM pragma_table_info('audit') WHERE name = 'rows_digest'")
    return _COLS + (", rows_digest" if has.fetchone() else "")


def iter_entries(db: sqlite_utils.Database) -> Iterator[AuditEntry]:
    for r in db.execute(f"SELECT {_cols(db)} FROM audit ORDER BY rowid"):
        yield _row(r)


def entries(
    db: sqlite_utils.Database, *, since: str | None = None, limit: int | None = None,
    entity_id: str | None = None,
) -> list[AuditEntry]:
    """Newest last. `since` is an ISO UTC timestamp or date prefix."""
    where, params = given_filters(("at >= ?", since), ("entity_id = ?", entity_id))
    sql = f"SELECT {_cols(db)} FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = [_row(r) for r in db.execute(sql, params)]
    rows.reverse()
    return rows


def verify(db: sqlite_utils.Database, key: bytes) -> ChainReport:
    return verify_chain(key, iter_entries(db), _head(db))


def next_seq(db: sqlite_utils.Database) -> int:
    """The seq the next `append` will use (inside the write transaction)."""
    return last_seq(db) + 1


def rows_digests(db: sqlite_utils.Database) -> dict[int, str]:
    """Each entry's `rows_digest` by seq (for the deep check of row digests)."""
    return {int(s): str(d or "") for s, d in db.execute("SELECT seq, rows_digest FROM audit")}


def head(db: sqlite_utils.Database) -> tuple[int, str]:
    """The newest entry's (seq, MAC): what an anchor outside the file records."""
    row = db.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def entry_at(db: sqlite_utils.Database, seq: int) -> AuditEntry | None:
    row = db.execute(f"SELECT {_cols(db)} FROM audit WHERE seq = ?", [seq]).fetchone()
    return _row(row) if row else None


def last_seq(db: sqlite_utils.Database) -> int:
    """The sequence number of the newest entry (0 for an empty log): entries after a moment
    are counted as `last_seq` now minus `last_seq` then."""
    row = db.execute("SELECT MAX(seq) FROM audit").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def sign_entry(db: sqlite_utils.Database, seq: int, signer: str, signature: str) -> None:
    """Record the acting operator's signature over entry `seq`'s MAC (domain/roster.py's
    `audit_payload`); runs in the same transaction as `append`."""
    db.execute("UPDATE audit SET signer = ?, signature = ? WHERE seq = ?",
               [signer, signature, seq])
