"""Signing keys, the signed roster, signed approvals and signed audit entries: pure checks.

Every key slot unwraps the same data key, so whoever holds it can rewrite any row and re-MAC
the audit chain. What they cannot do is sign as somebody else: each operator has an Ed25519
key whose private half only their own passphrase unwraps. So the facts that must hold even
against the data key are signed:

- the roster (who may unlock, their role, their public key) is a chain of versions, each
  signed by an admin of the version before it (version 1 by the root: the first admin, or the
  recovery key of a desk that had no roster yet);
- an approval is the approver's signature over the version's content SHA-256;
- an audit entry is signed by the acting operator over its MAC (so whatever the MAC covers).

Functions here take rows and return findings; the store reads the rows, services decide.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

RECOVERY = "recovery key"  # the signer name of the recovery slot's key (acts as an admin)
SIGNING_ROLES = {"admin"}  # roles whose key may sign a roster change
APPROVING_ROLES = {"admin", "approver"}


def new_private_key() -> bytes:
    """32 random bytes: an Ed25519 private key (its seed)."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key(private: bytes) -> str:
    """The public half as 64 hex characters (what the roster and the slot file hold)."""
    pub = Ed25519PrivateKey.from_private_bytes(private).public_key()
    return pub.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def sign(private: bytes, payload: bytes) -> str:
    return Ed25519PrivateKey.from_private_bytes(private).sign(payload).hex()


@functools.lru_cache(maxsize=1024)
def verify(public_hex: str, payload: bytes, signature_hex: str) -> bool:
    """True only for a well-formed key and a signature it made over exactly `payload`.

    Memoised (a pure function of its arguments): every role check walks the roster, and the
    same few signatures need not be verified again each time."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        key.verify(bytes.fromhex(signature_hex), payload)
    except (ValueError, InvalidSignature):
        return False
    return True


def _canonical(doc: object) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


# --- payloads -------------------------------------------------------------------------------

def approval_payload(desk_id: str, template_id: str, version: int, sha256: str) -> bytes:
    """What an approver signs: this desk's template version with exactly this content."""
    return f"crisisdesk-approval:v1:{desk_id}:{template_id}:{version}:{sha256}".encode()


def audit_payload(desk_id: str, seq: int, mac: str) -> bytes:
    """What the acting operator signs for an audit entry: its MAC (which covers the entry and,
    through prev_mac, the chain before it)."""
    return f"crisisdesk-audit:v1:{desk_id}:{seq}:{mac}".encode()


# --- the roster -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    id: str
    name: str
    name_key: str
    role: str
    key: str  # hex public key; "" while the operator has not unlocked since the upgrade

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "name_key": self.name_key, "role": self.role,
                "key": self.key}


@dataclass(frozen=True)
class RosterVersion:
    version: int
    at: str
    members: tuple[Member, ...]
    recovery_key: str  # hex; "" while the recovery slot has no signing key
    audit_seq: int  # the audit entry written by the action that made this version
    signer: str  # an admin's name, or RECOVERY
    signer_key: str
    prev_hash: str
    content_hash: str = ""
    signature: str = ""

    def member(self, name_key: str) -> Member | None:
        return next((m for m in self.members if m.name_key == name_key), None)

    def admin_keys(self) -> set[str]:
        keys = {m.key for m in self.members if m.role in SIGNING_ROLES and m.key}
        if self.recovery_key:
            keys.add(self.recovery_key)
        return keys


GENESIS = "0" * 64


def roster_hash(desk_id: str, v: RosterVersion) -> str:
    """SHA-256 of a version's content, bound to the desk and to the version before it."""
    return hashlib.sha256(_canonical({
        "desk_id": desk_id, "version": v.version, "at": v.at,
        "members": sorted((m.as_dict() for m in v.members), key=lambda m: m["name_key"]),
        "recovery_key": v.recovery_key, "audit_seq": v.audit_seq, "signer": v.signer,
        "signer_key": v.signer_key, "prev_hash": v.prev_hash,
    })).hexdigest()


def roster_payload(content_hash: str) -> bytes:
    return f"crisisdesk-roster:v1:{content_hash}".encode()


def seal(desk_id: str, draft: RosterVersion, private: bytes) -> RosterVersion:
    """The draft with its content hash and the signer's signature filled in."""
    content = roster_hash(desk_id, draft)
    return RosterVersion(**{**draft.__dict__, "content_hash": content,
                            "signature": sign(private, roster_payload(content))})


@dataclass(frozen=True)
class RosterCheck:
    ok: bool
    problem: str = ""
    current: RosterVersion | None = None
    # every key that was ever on a verified version: name_key -> keys (recovery under RECOVERY)
    keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    approver_keys: frozenset[str] = frozenset()  # keys ever held by an approver or admin
    signed_from: int = 0  # audit entries from this seq on must be signed


def verify_roster(desk_id: str, versions: Sequence[RosterVersion]) -> RosterCheck:
    """Walk the versions: each hashes to its content, follows the one before, and is signed by
    the root (version 1) or by an admin (or the recovery key) of the version before it."""
    if not versions:
        return RosterCheck(True)
    keys: dict[str, set[str]] = {}
    approvers: set[str] = set()
    prev: RosterVersion | None = None
    for expected, v in enumerate(versions, start=1):
        where = f"roster version {v.version}"
        if v.version != expected:
            return RosterCheck(False, f"roster version {expected} is missing (deleted outside "
                                      "the app)")
        if v.prev_hash != (prev.content_hash if prev else GENESIS):
            return RosterCheck(False, f"{where} does not follow version {expected - 1}")
        if roster_hash(desk_id, v) != v.content_hash:
            return RosterCheck(False, f"{where} was changed outside the app")
        if prev is None:
            root = next((m for m in v.members if m.name == v.signer), None)
            allowed = ({root.key} if root and root.role in SIGNING_ROLES and root.key else set())
            if v.signer == RECOVERY and v.recovery_key:
                allowed = {v.recovery_key}
        else:
            allowed = prev.admin_keys()
        if v.signer_key not in allowed:
            return RosterCheck(False, f"{where} is signed by {v.signer}, who was not an admin")
        if not verify(v.signer_key, roster_payload(v.content_hash), v.signature):
            return RosterCheck(False, f"{where}'s signature does not match (changed outside "
                                      "the app)")
        for m in v.members:
            if m.key:
                keys.setdefault(m.name_key, set()).add(m.key)
                if m.role in APPROVING_ROLES:
                    approvers.add(m.key)
        if v.recovery_key:
            keys.setdefault(RECOVERY, set()).add(v.recovery_key)
            approvers.add(v.recovery_key)
        prev = v
    return RosterCheck(True, current=prev,
                       keys={k: frozenset(s) for k, s in keys.items()},
                       approver_keys=frozenset(approvers), signed_from=versions[0].audit_seq)


@dataclass(frozen=True)
class TableRow:
    """An operator as the `operators` table has it (active rows only)."""

    name: str
    name_key: str
    role: str


def roster_mismatches(current: RosterVersion, rows: Iterable[TableRow]) -> dict[str, str]:
    """How the operators table differs from the signed roster: name key -> one sentence."""
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for row in rows:
        seen.add(row.name_key)
        member = current.member(row.name_key)
        if member is None:
            problems[row.name_key] = f"operator {row.name} was added outside the app"
        elif member.role != row.role:
            problems[row.name_key] = (f"operator {row.name}'s role was changed outside the app "
                                      f"(signed: {member.role}; table: {row.role})")
    for m in current.members:
        if m.name_key not in seen:
            problems[m.name_key] = f"operator {m.name} was removed outside the app"
    return problems
