"""Reading and verifying the audit log: the chain, the rows it vouches for, and anchors.

An anchor is the audit head (entry count and that entry's hash) kept outside the desk file:
printed on binders and counts reports, stored in every backup's manifest, or exported to a
small JSON file. Because each entry's hash covers the one before it, an entry that still has
the anchor's hash proves that nothing up to it was removed or rewritten since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.audit import AuditEntry, ChainReport
from crisisdesk.domain.errors import UserError
from crisisdesk.services import roster as roster_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import row_digests
from crisisdesk.store.files import cannot_write, write_bytes_atomic

ANCHOR_KIND = "crisisdesk-audit-anchor"


def show(session: Session, *, since: str | None = None, limit: int | None = None,
         entity_id: str | None = None) -> list[AuditEntry]:
    return audit_store.entries(session.db, since=since, limit=limit, entity_id=entity_id)


def verify(session: Session) -> ChainReport:
    """The chain (MACs and head), then the signatures: the roster's, the operators table
    against it, every audit entry's and every approval's. The first failure is reported; a
    chain that re-MACs cleanly but whose signatures do not match says what was changed."""
    report = audit_store.verify(session.db, session.audit_key)
    if not report.ok:
        return report
    signed = signatures(session)
    if not signed.ok:
        return ChainReport(False, report.count, "; ".join(signed.problems))
    return report


def signatures(session: Session) -> roster_service.SignatureReport:
    """Every signature check (see services/roster.py), with notes such as keys still pending."""
    return roster_service.signature_problems(session.db, session.desk_id, session.vault)


@dataclass(frozen=True)
class DeepReport:
    """The chain, plus every business row checked against its last audited write."""

    chain: ChainReport
    rows: int
    changes: list[row_digests.OutsideChange]
    altered_entries: list[int]

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.changes and not self.altered_entries

    def lines(self) -> list[str]:
        """One line per problem, for people."""
        out = [f"entry {s}'s record of the rows it wrote was altered"
               for s in self.altered_entries]
        out += [f"changed outside the app: {c.table} {c.key} ({c.kind})" for c in self.changes]
        return out

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "count": self.chain.count, "problem": self.chain.problem,
                "bad_entry": self.chain.bad_seq, "rows_checked": self.rows,
                "changed_outside_app": [c.as_dict() for c in self.changes],
                "altered_entries": self.altered_entries}


def verify_deep(session: Session, chain: ChainReport | None = None) -> DeepReport:
    """`verify` (unless its report is given), then every business row against the digest
    of its last audited write."""
    chain = chain or verify(session)
    found = row_digests.deep_check(session.db, audit_store.rows_digests(session.db))
    return DeepReport(chain, found.rows, found.changes, found.altered_entries)


def baseline(session: Session, reason: str = "") -> int:
    """Record, in one audit entry ("baseline of N rows"), the current content of every
    business row that has no audited write matching it: the rows of a desk that predates row
    digests, or rows an upgrade step wrote. Returns N (no entry when N is 0)."""
    db = session.db
    try:
        with session.action("audit.baseline", "desk", session.desk_id) as act:
            found = row_digests.deep_check(db, audit_store.rows_digests(db))
            if not found.changes:
                raise _NothingToBaseline  # rolls the action back: no empty entry
            row_digests.note_keys(db, [(c.table, c.key) for c in found.changes])
            act.summary = f"baseline of {len(found.changes)} rows" + (
                f" ({reason})" if reason else "")
    except _NothingToBaseline:
        return 0
    return len(found.changes)


class _NothingToBaseline(Exception):
    pass


# --- anchors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    count: int
    hash: str

    def text(self) -> str:
        """How the head is printed on paper (binders, counts reports, backups)."""
        return f"entry {self.count}, hash {self.hash}"


def head(session: Session) -> Head:
    count, mac = audit_store.head(session.db)
    return Head(count, mac)


def anchor(session: Session) -> dict[str, object]:
    h = head(session)
    return {"kind": ANCHOR_KIND, "desk_id": session.desk_id, "org": session.org,
            "count": h.count, "head_hash": h.hash, "at": session.now_iso()}


def export_anchor(session: Session, path: Path) -> dict[str, object]:
    """Write the anchor to `path` (a small JSON file to keep outside the desk)."""
    data = anchor(session)
    path = path.expanduser()
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist; create it or pick another.")
    try:
        write_bytes_atomic(path, (json.dumps(data, indent=2) + "\n").encode())
    except OSError as exc:
        raise cannot_write(path, exc) from None
    return data


def read_anchor(path: Path) -> Anchor:
    """The head an anchor file records; a clear error for anything that is not one."""
    try:
        data = json.loads(path.expanduser().read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"No anchor file at {path}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path} is not an audit anchor file ({exc}).") from None
    if not isinstance(data, dict) or data.get("kind") != ANCHOR_KIND:
        raise UserError(f"{path} is not an audit anchor file (no \"kind\": \"{ANCHOR_KIND}\").")
    count, mac = data.get("count"), data.get("head_hash")
    if not isinstance(count, int) or count < 0 or not isinstance(mac, str):
        raise UserError(f"{path}: the anchor's \"count\" or \"head_hash\" is missing or invalid.")
    return Anchor(count, mac, str(data.get("desk_id", "")), str(data.get("at", "")))


@dataclass(frozen=True)
class Anchor(Head):
    """A head read back from an anchor file."""

    desk_id: str = ""
    at: str = ""


@dataclass(frozen=True)
class AnchorReport:
    anchor_count: int
    anchor_at: str
    now_count: int
    chain: ChainReport
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "anchor_count": self.anchor_count, "anchor_at": self.anchor_at,
                "count": self.now_count, "problems": self.problems}


def verify_anchor(session: Session, path: Path) -> AnchorReport:
    """Prove nothing up to the anchor's entry was removed or rewritten since it was taken:
    that entry still has the anchor's hash, and the chain from it to now verifies."""
    anchored = read_anchor(path)
    if anchored.desk_id and anchored.desk_id != session.desk_id:
        raise UserError(f"{path} is an anchor of another desk ({anchored.desk_id}), not this "
                        "one.")
    chain = verify(session)
    problems: list[str] = []
    if anchored.count:
        entry = audit_store.entry_at(session.db, anchored.count)
        now = audit_store.last_seq(session.db)
        if entry is None:
            problems.append(f"the anchor's entry {anchored.count} is gone (the log now ends at "
                            f"entry {now}): entries were removed")
        elif entry.mac != anchored.hash:
            problems.append(f"the anchor's entry {anchored.count} has a different hash: the log "
                            f"was rewritten at or before entry {anchored.count}")
    if not chain.ok:
        problems.append(f"the chain from the anchor to now does not verify: {chain.problem}")
    return AnchorReport(anchored.count, anchored.at, chain.count, chain, problems)
