"""The audit chain: each entry's MAC covers its fields and the previous entry's MAC.

HMAC-SHA256 with a key derived from the desk's data key, so an entry that is edited, deleted or
moved breaks the chain at a point `verify_chain` can name. Pure functions: the store feeds rows in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    id: str
    at: str  # UTC, ISO 8601
    operator: str
    action: str
    entity_type: str
    entity_id: str
    summary: str
    prev_mac: str
    mac: str
    rows_digest: str = ""  # digest of the rows the action wrote ('' before row digests)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def entry_mac(
    key: bytes,
    *,
    seq: int,
    id: str,
    at: str,
    operator: str,
    action: str,
    entity_type: str,
    entity_id: str,
    summary: str,
    prev_mac: str,
    rows_digest: str = "",
) -> str:
    fields: list[object] = [seq, id, at, operator, action, entity_type, entity_id, summary,
                            prev_mac]
    if rows_digest:  # entries written before row digests keep their original MAC
        fields.append(rows_digest)
    body = json.dumps(
        fields,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def head_mac(key: bytes, count: int, last_mac: str) -> str:
    """MAC of the chain's head (entry count + last MAC): catches deleting the newest entries."""
    return hmac.new(key, f"head:{count}:{last_mac}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    problem: str = ""
    bad_seq: int | None = None


def verify_chain(
    key: bytes, entries: Iterable[AuditEntry], head: tuple[int, str] | None
) -> ChainReport:
    """Walk entries in seq order; report the first one that was altered, deleted or reordered."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for e in entries:
        if e.seq != expected_seq:
            missing = "deleted or reordered"
            return ChainReport(
                False, count, f"entry {expected_seq} is missing ({missing}); next is {e.seq}",
                expected_seq,
            )
        if e.prev_mac != prev:
            return ChainReport(False, count, f"entry {e.seq} does not follow entry {e.seq - 1} "
                               "(an entry was deleted or reordered)", e.seq)
        want = entry_mac(
            key, seq=e.seq, id=e.id, at=e.at, operator=e.operator, action=e.action,
            entity_type=e.entity_type, entity_id=e.entity_id, summary=e.summary,
            prev_mac=e.prev_mac, rows_digest=e.rows_digest,
        )
        if not hmac.compare_digest(want, e.mac):
            return ChainReport(False, count, f"entry {e.seq} was altered", e.seq)
        prev = e.mac
        expected_seq += 1
        count += 1
    if head is not None:
        head_count, mac = head
        if head_count != count or not hmac.compare_digest(mac, head_mac(key, count, prev)):
            return ChainReport(
                False, count,
                f"the log ends at entry {count} but the desk recorded {head_count} entries "
                "(the newest entries were deleted, or the head was altered)",
                count + 1,
            )
    elif count:
        return ChainReport(False, count, "the chain head record is missing", None)
    return ChainReport(True, count)
