"""An unlocked desk, and the one way to change it: `with session.action(...)`.

`Session.action` opens one write transaction and, when the block succeeds, appends exactly one
audit entry inside that same transaction before committing, so a change and its record can
never be separated. Workers call `session.for_thread()` to get their own connection.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from crisisdesk.domain.operators import Operator, Role, require_role
from crisisdesk.paths import DeskPaths
from crisisdesk.store import audit as audit_store
from crisisdesk.store import row_digests
from crisisdesk.store.db import connect, write_txn
from crisisdesk.store.vault import Vault

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Action:
    """What one user action did; filled in inside the `with` block, audited on exit."""

    name: str
    entity_type: str
    entity_id: str = ""
    summary: str = ""
    at: str = ""


@dataclass
class Session:
    paths: DeskPaths
    db: sqlite_utils.Database
    vault: Vault
    operator: Operator
    _data_key: bytes = field(repr=False)
    clock: Clock = utc_now
    _owner_thread: int = field(default_factory=threading.get_ident, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.paths.data_dir

    @property
    def desk_id(self) -> str:
        return self.vault.desk_id

    @property
    def org(self) -> str:
        return self.vault.org

    @property
    def audit_key(self) -> bytes:
        return audit_store.audit_key(self._data_key)

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso(self.clock())

    def require(self, role: Role, doing: str) -> None:
        require_role(self.operator, role, doing)

    @contextlib.contextmanager
    def action(self, name: str, entity_type: str, entity_id: str = "",
               summary: str = "") -> Iterator[Action]:
        """One user action: one transaction, one audit entry (summary: no patient data)."""
        act = Action(name, entity_type, entity_id, summary, self.now_iso())
        row_digests.begin(self.db)  # note the business rows this action writes...
        with write_txn(self.db):
            yield act
            rows = row_digests.record(self.db, audit_store.next_seq(self.db))  # ...digest them
            audit_store.append(
                self.db, self.audit_key, at=act.at, operator=self.operator.name,
                action=act.name, entity_type=act.entity_type, entity_id=act.entity_id,
                summary=act.summary or act.name, rows_digest=rows,
            )

    def for_thread(self) -> Session:
        """A twin session with its own connection, for a worker thread."""
        db = connect(self.paths.desk_file, self._data_key)
        return Session(self.paths, db, self.vault, self.operator, self._data_key, self.clock)

    def reload_vault(self) -> None:
        self.vault = Vault.load(self.paths.data_dir)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.conn.close()
