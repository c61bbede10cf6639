"""Tampering as an operator holding the data key would: their own slot unwrapped, the desk
file opened with sqlcipher3, and rows changed by hand, outside the app (no CrisisDesk session).

`remac_chain` then rewrites every entry's MAC and the head with the chain key (derived from the
data key, or pinned in the desk after a rekey: both readable with the data key), so the MAC
chain alone verifies again; only signatures, row digests and anchors can tell."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.audit import GENESIS, entry_mac, head_mac
from crisisdesk.store.audit import CHAIN_KEY, HEAD_KEY, audit_key
from crisisdesk.store.vault import Vault
from tests.support.desk import PASSPHRASE

AUDIT_FIELDS = "seq, id, at, operator, action, entity_type, entity_id, summary, rows_digest"


@contextmanager
def outside_the_app(data_dir: Path, operator: str = "alex",
                    passphrase: str = PASSPHRASE) -> Iterator[tuple[sqlcipher.Connection, bytes]]:
    """A raw connection to the live desk file and the data key, from the operator's own slot.
    Every statement commits at once (autocommit), as a few lines in a Python shell would."""
    _kek, data_key = Vault.load(data_dir).open_slot(operator, passphrase)
    conn = sqlcipher.connect(str(data_dir / "desk.db"), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        yield conn, data_key
    finally:
        conn.close()


@contextmanager
def raw_desk(data_dir: Path, operator: str, passphrase: str) -> Iterator[sqlcipher.Connection]:
    """`outside_the_app` in one transaction, the chain re-MACed on leaving (the attacker of
    the signing tests: the lowest role, their own passphrase, a few lines of Python)."""
    with outside_the_app(data_dir, operator, passphrase) as (conn, data_key):
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
        remac_chain(conn, data_key)


def remac_chain(conn: sqlcipher.Connection, data_key: bytes) -> int:
    """Renumber what is left of the audit log 1..N, recompute every MAC and the head with the
    chain key, so the plain chain check passes again. Returns N."""
    pinned = conn.execute("SELECT value FROM meta WHERE key = ?", [CHAIN_KEY]).fetchone()
    key = bytes.fromhex(pinned[0]) if pinned else audit_key(data_key)
    entries = conn.execute(f"SELECT {AUDIT_FIELDS} FROM audit ORDER BY seq").fetchall()
    prev = GENESIS
    conn.execute("BEGIN")
    conn.execute("DELETE FROM row_digests WHERE seq NOT IN (SELECT seq FROM audit)")
    conn.execute("UPDATE audit SET seq = -seq")
    for new_seq, (old_seq, id_, at, op, action, etype, eid, summary, rows) in enumerate(entries, 1):
        mac = entry_mac(key, seq=new_seq, id=id_, at=at, operator=op, action=action,
                        entity_type=etype, entity_id=eid or "", summary=summary or "",
                        prev_mac=prev, rows_digest=rows or "")
        conn.execute("UPDATE audit SET seq = ?, prev_mac = ?, mac = ? WHERE seq = ?",
                     [new_seq, prev, mac, -old_seq])
        conn.execute("UPDATE row_digests SET seq = ? WHERE seq = ?", [new_seq, old_seq])
        prev = mac
    conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                 [f"{len(entries)}:{head_mac(key, len(entries), prev)}", HEAD_KEY])
    conn.execute("COMMIT")
    return len(entries)
