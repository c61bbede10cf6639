"""An unlocked desk, and the one way to change it: `with session.action(...)`.

`Session.action` opens one write transaction and, when the block succeeds, appends exactly one
audit entry inside that same transaction before committing, so a change and its record can
never be separated. Workers call `session.for_thread()` to get their own connection.

The session also holds the operator's signing key (unwrapped from their key slot at unlock,
kept in memory like the data key, never written): each audit entry is signed with it, and role
checks read the signed roster, not the `operators` table (see domain/roster.py).

An operator with the narrow `agent` role may use the hotline desk only. That limit lives here,
where every service reaches the desk (`session.db`, `session.action`, `session.require`), not
in the screens: outside a function marked `@agent_allowed` (the hotline services) or the desk
being opened, an agent's session refuses with one line and writes an audit entry saying what
was refused.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

import sqlite_utils

from crisisdesk.domain import roster as signing
from crisisdesk.domain.errors import PermissionDenied
from crisisdesk.domain.operators import Operator, Role, require_role
from crisisdesk.paths import DeskPaths
from crisisdesk.store import audit as audit_store
from crisisdesk.store import roster as roster_store
from crisisdesk.store import row_digests
from crisisdesk.store.db import connect, write_txn
from crisisdesk.store.vault import Vault
from crisisdesk.store.vault import slot_key as vault_slot_key

Clock = Callable[[], datetime]
P = ParamSpec("P")
R = TypeVar("R")
# The agent-allowed entry point running in this thread ("" outside one).
_AGENT_SCOPE: ContextVar[str] = ContextVar("agent_scope", default="")
REFUSED_ACTION = "access.refused"


def agent_allowed(fn: Callable[P, R]) -> Callable[P, R]:
    """Mark a service an `agent` may call (the hotline desk): while it runs, the session lets
    the agent read and write what that service (and the services it calls) need."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def scoped(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _AGENT_SCOPE.set(name)
        try:
            return fn(*args, **kwargs)
        finally:
            _AGENT_SCOPE.reset(token)

    scoped.agent_allowed = True  # type: ignore[attr-defined]
    return scoped


@contextlib.contextmanager
def opening_desk() -> Iterator[None]:
    """The steps of unlocking (migrations' baseline, the roster settled) run for every role."""
    token = _AGENT_SCOPE.set("opening the desk")
    try:
        yield
    finally:
        _AGENT_SCOPE.reset(token)


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
    _db: sqlite_utils.Database
    vault: Vault
    operator: Operator
    _data_key: bytes = field(repr=False)
    clock: Clock = utc_now
    _owner_thread: int = field(default_factory=threading.get_ident, repr=False)
    _signing_key: bytes | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False, init=False)

    @property
    def db(self) -> sqlite_utils.Database:
        """The desk's connection; refused (and audited) to an agent outside the hotline."""
        if self.operator.role is Role.AGENT and not _AGENT_SCOPE.get():
            self._refuse_agent()
        return self._db

    @db.setter
    def db(self, value: sqlite_utils.Database) -> None:
        self._db = value

    @property
    def restricted(self) -> bool:
        """True for an agent outside an agent-allowed service (what would be refused now)."""
        return self.operator.role is Role.AGENT and not _AGENT_SCOPE.get()

    def _refuse_agent(self) -> None:
        """Audit the refusal, then raise PermissionDenied naming the service that was asked."""
        frame = sys._getframe(2)
        skip = (__name__, "contextlib")
        while frame.f_back is not None and frame.f_globals.get("__name__") in skip:
            frame = frame.f_back
        asked = f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}"
        with write_txn(self._db):
            entry = audit_store.append(
                self._db, self.audit_key, at=self.now_iso(), operator=self.operator.name,
                action=REFUSED_ACTION, entity_type="service", entity_id=asked,
                summary=f"Refused to agent {self.operator.name}: {asked}")
            if self._signing_key is not None:
                audit_store.sign_entry(
                    self._db, entry.seq, self.operator.name,
                    self.sign(signing.audit_payload(self.desk_id, entry.seq, entry.mac)))
        raise PermissionDenied(f"{self.operator.name} is a hotline agent and may use only the "
                               f"hotline desk; refused: {asked}.")

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
        return audit_store.chain_key(self._db, self._data_key)

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso(self.clock())

    @property
    def can_sign(self) -> bool:
        return self._signing_key is not None

    @property
    def public_key(self) -> str:
        """The hex public half of this operator's signing key ("" if the slot has none)."""
        return signing.public_key(self._signing_key) if self._signing_key else ""

    def sign(self, payload: bytes) -> str:
        """This operator's Ed25519 signature over `payload`, in hex."""
        if self._signing_key is None:
            raise PermissionDenied(f"{self.operator.name} has no signing key yet; unlock the "
                                   "desk again to make one.")
        return signing.sign(self._signing_key, payload)

    def set_signing_key(self, private: bytes) -> None:
        self._signing_key = private

    def signing_key_for_rewrap(self) -> bytes:
        """The private key itself, only to wrap it into this operator's new slot."""
        if self._signing_key is None:
            raise PermissionDenied(f"{self.operator.name} has no signing key yet.")
        return self._signing_key

    def verified_roster(self) -> signing.RosterCheck:
        """The roster, its signatures checked (ok and empty on a desk not yet signed)."""
        if self.restricted:
            self._refuse_agent()
        return signing.verify_roster(self.desk_id, roster_store.versions(self._db))

    def signed_role(self) -> Role:
        """The acting operator's role as the signed roster has it; PermissionDenied naming the
        problem when the roster does not verify or the `operators` table disagrees with it.
        A desk whose roster is not signed yet (upgraded, no admin has unlocked) falls back to
        the table."""
        check = self.verified_roster()
        if not check.ok:
            raise PermissionDenied(f"The roster does not match its signatures: "
                                   f"{check.problem}.")
        if check.current is None:
            return self.operator.role
        if self.operator.name == signing.RECOVERY and self.operator.id == "recovery":
            return Role.ADMIN
        key = vault_slot_key(self.operator.name)
        member = check.current.member(key)
        mismatch = signing.roster_mismatches(check.current,
                                             roster_store.table_rows(self._db)).get(key)
        if mismatch or member is None:
            problem = mismatch or f"operator {self.operator.name} is not on it"
            raise PermissionDenied(f"The roster does not match its signatures: {problem}.")
        return Role(member.role)

    def require(self, role: Role, doing: str) -> None:
        """PermissionDenied unless the signed roster gives the acting operator `role` (or
        more). Never more than the role the session was opened with."""
        if self.restricted:
            self._refuse_agent()
        signed = min(self.signed_role(), self.operator.role, key=lambda r: r.rank)
        require_role(Operator(self.operator.id, self.operator.name, signed), role, doing)

    @contextlib.contextmanager
    def action(self, name: str, entity_type: str, entity_id: str = "",
               summary: str = "") -> Iterator[Action]:
        """One user action: one transaction, one audit entry (summary: no patient data)."""
        if self.restricted:
            self._refuse_agent()
        act = Action(name, entity_type, entity_id, summary, self.now_iso())
        row_digests.begin(self._db)  # note the business rows this action writes...
        with write_txn(self._db):
            yield act
            rows = row_digests.record(self._db, audit_store.next_seq(self._db))  # ...digest them
            entry = audit_store.append(
                self._db, self.audit_key, at=act.at, operator=self.operator.name,
                action=act.name, entity_type=act.entity_type, entity_id=act.entity_id,
                summary=act.summary or act.name, rows_digest=rows,
            )
            if self._signing_key is not None:
                audit_store.sign_entry(
                    self._db, entry.seq, self.operator.name,
                    self.sign(signing.audit_payload(self.desk_id, entry.seq, entry.mac)))

    def for_thread(self) -> Session:
        """A twin session with its own connection, for a worker thread."""
        db = connect(self.paths.desk_file, self._data_key)
        return Session(self.paths, db, self.vault, self.operator, self._data_key, self.clock,
                       _signing_key=self._signing_key)

    def reload_vault(self) -> None:
        self.vault = Vault.load(self.paths.data_dir)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(Exception):
            self._db.conn.close()
