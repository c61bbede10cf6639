"""The attacker of the signing tests: an operator with the lowest role, their own passphrase,
and a few lines of Python with sqlcipher3 on the desk file (no CrisisDesk session).

They unwrap the data key from their own slot, derive the audit MAC key from it exactly as the
app does (HKDF of the data key), and change rows directly; `remac_chain` then rewrites every
entry's MAC and the head, so the MAC chain alone verifies again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.audit import GENESIS, entry_mac, head_mac
from crisisdesk.store import audit as audit_store
from crisisdesk.store.vault import Vault


@contextmanager
def raw_desk(data_dir: Path, operator: str, passphrase: str) -> Iterator[sqlcipher.Connection]:
    """A plain sqlcipher3 connection opened with the key unwrapped from `operator`'s slot;
    committed on leaving."""
    _, data_key = Vault.load(data_dir).open_slot(operator, passphrase)
    conn = sqlcipher.connect(str(data_dir / "desk.db"), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
        # the chain key: pinned in the desk after a rekey, else derived from the data key
        pinned = conn.execute("SELECT value FROM meta WHERE key = ?",
                              [audit_store.CHAIN_KEY]).fetchone()
        remac_chain(conn, bytes.fromhex(pinned[0]) if pinned else audit_store.audit_key(data_key))
    finally:
        conn.close()


def remac_chain(conn: sqlcipher.Connection, key: bytes) -> None:
    """Recompute every entry's MAC in seq order (renumbering gaps away) and the head, with the
    app's own MAC functions (the code is no secret)."""
    db = sqlite_utils.Database(conn)
    entries = list(audit_store.iter_entries(db))
    conn.execute("BEGIN")
    conn.execute("UPDATE audit SET seq = -seq")
    prev = GENESIS
    for new_seq, entry in enumerate(entries, start=1):
        fields = {k: v for k, v in dataclasses.asdict(entry).items() if k != "mac"}
        fields.update(seq=new_seq, prev_mac=prev)
        mac = entry_mac(key, **fields)
        conn.execute("UPDATE audit SET seq = ?, prev_mac = ?, mac = ? WHERE seq = ?",
                     [new_seq, prev, mac, -entry.seq])
        prev = mac
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                 [audit_store.HEAD_KEY, f"{len(entries)}:{head_mac(key, len(entries), prev)}"])
    conn.execute("COMMIT")
