"""The signed roster at work: signing its changes, approvals, and checking all signatures.

Public API
----------
record_change(session, *, add=None, remove=None, key_for=None, recovery_key=None)
    Inside an action: a new roster version, signed by the acting admin.
sign_approval(session, template_id, version, sha256)   inside the approving action
check_approval(session, template_id, version, sha256) -> str   "" if signed by an approver
settle_at_unlock(session, slot, kek)                    keys and roster after an upgrade
signature_problems(db, desk_id, vault) -> SignatureReport   for `audit verify` and `doctor`

Upgrading a desk from before signing keys (no roster yet), and why it works this way:

- Every operator gets a signing key at their first unlock after the upgrade: it is made then
  (only they can wrap it into their slot, the KEK comes from their passphrase) and its public
  half is kept in clear in their slot, bound to it by AES-GCM.
- The first admin (or the recovery key) to unlock signs roster version 1 from the `operators`
  table as it stands: they are its root. Every approved version is re-signed by them, one audit
  entry each ("re-signed at the upgrade"). From that entry on, every audit entry must be signed.
- An operator who had no key yet is on the roster with an empty key ("pending"). At their next
  unlock their key goes into their slot; the next admin to unlock confirms it (a new roster
  version, signed by that admin) if it is exactly the public key their slot holds. Until then
  their audit entries are reported as signed by a key no admin has confirmed yet.
- Confirming is trust on first use: the admin cannot check the wrapped key, only that it is the
  one the slot names; a slot edited before its owner's first unlock is caught when the owner
  unlocks (the slot no longer opens) and by the audit signatures after that.
- The recovery slot of an upgraded desk gets its key the first time the recovery code is used;
  an admin confirms it the same way, or replaces the recovery key (which signs the new one at
  once). `doctor` says while it cannot sign.

What this cannot undo: whatever was changed in the file before the upgrade is taken as it was
(the root vouches for the table as it found it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sqlite_utils

from crisisdesk.domain import roster as signing
from crisisdesk.domain.errors import PermissionDenied
from crisisdesk.domain.operators import Role
from crisisdesk.domain.roster import Member, RosterVersion
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import operators as operator_store
from crisisdesk.store import roster as roster_store
from crisisdesk.store.vault import KeySlot, Vault, slot_key

# --- roster changes --------------------------------------------------------------------------

def record_change(session: Session, *, add: Member | None = None, remove: str | None = None,
                  key_for: tuple[str, str] | None = None, recovery_key: str | None = None,
                  at: str = "") -> RosterVersion | None:
    """Inside an action: the next roster version (a member added, removed by name key, given a
    new public key, or a new recovery key), signed by the acting operator, who must be an
    admin of the current version (the roster check refuses anything else). None on a desk
    file from before signing (only tests build one: opening a desk upgrades it)."""
    if not roster_store.has_table(session.db):
        return None
    check = session.verified_roster()
    if not check.ok:
        raise PermissionDenied(f"The roster does not match its signatures: {check.problem}.")
    current = check.current
    if current is None:
        raise PermissionDenied("The roster has not been signed yet; an admin must unlock the "
                               "desk first.")
    if session.public_key not in current.admin_keys():
        raise PermissionDenied(_not_on_roster(session, "an admin"))
    members = {m.name_key: m for m in current.members}
    if add is not None:
        members[add.name_key] = add
    if remove is not None:
        members.pop(remove, None)
    if key_for is not None:
        name_key, key = key_for
        members[name_key] = dataclasses.replace(members[name_key], key=key)
    return _append(session, tuple(members.values()),
                   current.recovery_key if recovery_key is None else recovery_key, current,
                   at)


def _append(session: Session, members: tuple[Member, ...], recovery_key: str,
            current: RosterVersion | None, at: str) -> RosterVersion:
    draft = RosterVersion(
        version=(current.version if current else 0) + 1, at=at or session.now_iso(),
        members=tuple(sorted(members, key=lambda m: m.name_key)), recovery_key=recovery_key,
        audit_seq=audit_store.last_seq(session.db) + 1,  # the entry this action writes
        signer=session.operator.name, signer_key=session.public_key,
        prev_hash=current.content_hash if current else signing.GENESIS)
    content = signing.roster_hash(session.desk_id, draft)
    sealed = dataclasses.replace(draft, content_hash=content,
                                 signature=session.sign(signing.roster_payload(content)))
    roster_store.insert(session.db, sealed)
    return sealed


def _not_on_roster(session: Session, as_what: str) -> str:
    return (f"{session.operator.name}'s signing key is not on the roster as {as_what} yet (a "
            "key made since the upgrade is confirmed the next time an admin unlocks the desk); "
            "try again after that.")


def member(op_id: str, name: str, role: Role, key: str) -> Member:
    return Member(op_id, name, slot_key(name), role.value, key)


def first_version(session: Session, at: str = "") -> RosterVersion:
    """Roster version 1, signed by the acting operator as root: the `operators` table as it
    stands, with the public key each slot holds (empty until its owner unlocks)."""
    vault = session.vault
    members = []
    for op in operator_store.active(session.db):
        slot = vault.operator_slot(op.name)
        members.append(member(op.id, op.name, op.role, slot.sign_public if slot else ""))
    recovery = vault.recovery_slot()
    return _append(session, tuple(members), recovery.sign_public if recovery else "", None, at)


# --- approvals -------------------------------------------------------------------------------

def sign_approval(session: Session, template_id: str, version: int, sha256: str) -> None:
    """Inside the approving action: the acting operator signs the version's content hash
    (nothing on a desk file from before signing, which only tests build)."""
    if not roster_store.has_table(session.db):
        return
    check = session.verified_roster()
    if check.current is not None and session.public_key not in (
            check.current.admin_keys() | {m.key for m in check.current.members
                                          if m.role in signing.APPROVING_ROLES and m.key}):
        raise PermissionDenied(_not_on_roster(session, "an approver"))
    payload = signing.approval_payload(session.desk_id, template_id, version, sha256)
    roster_store.set_approval_signature(session.db, template_id, version,
                                        signer=session.operator.name, key=session.public_key,
                                        signature=session.sign(payload))


def check_approval(session: Session, template_id: str, version: int, sha256: str) -> str:
    """Why this approval cannot be trusted ("" if it can): it must be a valid signature over
    the content hash by a key an approver or admin held on the verified roster. A desk whose
    roster was never signed (upgraded, no admin has unlocked since) trusts the status."""
    check = session.verified_roster()
    if not check.ok:
        return f"the roster does not match its signatures ({check.problem})"
    if check.current is None:
        return ""
    return _approval_problem(check, session.db, session.desk_id, template_id, version, sha256)


def _approval_problem(check: signing.RosterCheck, db: sqlite_utils.Database, desk_id: str,
                      template_id: str, version: int, sha256: str) -> str:
    signer, key, signature = roster_store.approval_signature(db, template_id, version)
    if not signature:
        return "its approval is not signed (its status was set outside the app)"
    if key not in check.approver_keys:
        return f"its approval is signed by {signer or 'someone'}, who is not an approver"
    if not signing.verify(key, signing.approval_payload(desk_id, template_id, version, sha256),
                          signature):
        return "its approval signature does not match its content"
    return ""


# --- after unlock: keys, and the roster of an upgraded desk -----------------------------------

def signing_key_for(vault: Vault, *, operator: str | None = None, passphrase: str | None = None,
                    recovery_code: str | None = None) -> bytes | None:
    """The signing key a passphrase (or the recovery code) unwraps from `vault`, for code that
    opens a desk without `unlock` (salvage); None when the slot has none or nothing was given."""
    if recovery_code:
        kek, _ = vault.open_recovery(recovery_code)
        slot = vault.recovery_slot()
    elif operator and passphrase:
        kek, _ = vault.open_slot(operator, passphrase)
        slot = vault.operator_slot(operator)
    else:
        return None
    return vault.open_signing_key(slot, kek) if slot is not None else None


def settle_at_unlock(session: Session, slot: KeySlot, kek: bytes) -> None:
    """Right after unlock: give the slot a signing key if it has none yet, and (as an admin)
    sign the roster of an upgraded desk or confirm keys still pending on it."""
    private = session.vault.open_signing_key(slot, kek)
    if private is None:
        private = signing.new_private_key()
        session.reload_vault()
        fresh = (session.vault.recovery_slot() if slot.kind == "recovery"
                 else session.vault.operator_slot(slot.operator))
        if fresh is None or fresh.id != slot.id:
            return  # the slot changed under us (another process): try at the next unlock
        session.vault.add_signing_key(fresh, kek, private)
        session.vault.save()
    session.set_signing_key(private)
    _show_signed_role(session)
    try:
        role = session.signed_role()
    except PermissionDenied:
        return  # reported by every role check, `audit verify` and `doctor`
    if role is not Role.ADMIN:
        return
    check = session.verified_roster()
    if check.current is None:
        _sign_upgraded_desk(session)
    else:
        _confirm_pending(session, check.current)


def _show_signed_role(session: Session) -> None:
    """What the screens show (and enable) is the role the signed roster gives, never more
    than the table's: a role raised in the table alone does not light up admin buttons."""
    check = session.verified_roster()
    if not check.ok or check.current is None or session.operator.id == "recovery":
        return
    signed = check.current.member(slot_key(session.operator.name))
    role = Role(signed.role) if signed is not None else Role.OPERATOR
    if role.rank < session.operator.role.rank:
        session.operator = dataclasses.replace(session.operator, role=role)


def _sign_upgraded_desk(session: Session) -> None:
    with session.action("roster.sign", "roster", session.desk_id,
                        "Signed the roster at the upgrade (root: "
                        f"{session.operator.name})") as act:
        first = first_version(session, act.at)
        pending = sum(1 for m in first.members if not m.key)
        act.summary += f"; {len(first.members)} operator(s), {pending} key(s) pending"
    for template_id, version, sha256, key in roster_store.approved_versions(session.db):
        with session.action("template.resign", "template", template_id,
                            f"Re-signed the approval of {key} version {version} at the "
                            f"upgrade (sha256 {sha256[:12]})"):
            sign_approval(session, template_id, version, sha256)


def _confirm_pending(session: Session, current: RosterVersion) -> None:
    vault = session.vault
    confirm: list[tuple[str, str, str]] = []
    for m in current.members:
        slot = vault.operator_slot(m.name)
        if not m.key and slot is not None and slot.sign_public:
            confirm.append((m.name_key, m.name, slot.sign_public))
    recovery = vault.recovery_slot()
    new_recovery = (recovery.sign_public if recovery and recovery.sign_public
                    and not current.recovery_key else None)
    if not confirm and new_recovery is None:
        return
    names = [name for _, name, _ in confirm] + ([signing.RECOVERY] if new_recovery else [])
    with session.action("roster.confirm_keys", "roster", session.desk_id,
                        f"Confirmed the signing key of {', '.join(names)} on the roster") as act:
        members = {m.name_key: m for m in current.members}
        for name_key, _, key in confirm:
            members[name_key] = dataclasses.replace(members[name_key], key=key)
        _append(session, tuple(members.values()),
                new_recovery if new_recovery is not None else current.recovery_key, current,
                act.at)


# --- checking everything (audit verify, doctor) ------------------------------------------------

@dataclass(frozen=True)
class SignatureReport:
    problems: tuple[str, ...] = ()  # something was changed outside the app
    notes: tuple[str, ...] = ()  # true but not a failure (e.g. keys still pending)

    @property
    def ok(self) -> bool:
        return not self.problems


def signature_problems(db: sqlite_utils.Database, desk_id: str, vault: Vault
                       ) -> SignatureReport:
    """Check the roster's signatures, the `operators` table against it, every audit entry's
    signature from the roster's first version on, and every approval's signature."""
    if not roster_store.has_table(db):
        return SignatureReport(notes=("the desk has no signing yet (schema not upgraded)",))
    versions = roster_store.versions(db)
    check = signing.verify_roster(desk_id, versions)
    if not check.ok:
        return SignatureReport((f"the roster does not match its signatures: {check.problem}",))
    if check.current is None:
        return SignatureReport(notes=("the roster is not signed yet: the first admin to "
                                      "unlock signs it",))
    problems = list(signing.roster_mismatches(check.current,
                                              roster_store.table_rows(db)).values())
    notes: list[str] = []
    problems += _audit_problems(db, desk_id, check, vault, versions, notes)
    for template_id, version, sha256, key in roster_store.approved_versions(db):
        why = _approval_problem(check, db, desk_id, template_id, version, sha256)
        if why:
            problems.append(f"template {key} version {version}: {why}")
    pending = [m.name for m in check.current.members if not m.key]
    if pending:
        notes.append(f"signing key not yet confirmed by an admin: {', '.join(pending)}")
    if not check.current.recovery_key:
        notes.append("the recovery key cannot sign yet: replace it ('crisisdesk operators "
                     "recovery-key') or use it once and let an admin confirm it")
    return SignatureReport(tuple(problems), tuple(notes))


def _audit_problems(db: sqlite_utils.Database, desk_id: str, check: signing.RosterCheck,
                    vault: Vault, versions: list[RosterVersion], notes: list[str]) -> list[str]:
    problems: list[str] = []
    unconfirmed: dict[str, int] = {}
    entries = roster_store.audit_signatures(db)
    seqs = {seq for seq, *_ in entries}
    for seq, operator, mac, signer, signature in entries:
        if seq < check.signed_from:
            continue  # written before the desk had signing keys
        if not signature:
            problems.append(f"audit entry {seq} ({operator}) is not signed")
            continue
        if slot_key(signer) != slot_key(operator):
            problems.append(f"audit entry {seq} is signed by {signer}, not by {operator}")
            continue
        payload = signing.audit_payload(desk_id, seq, mac)
        known = check.keys.get(slot_key(signer), frozenset())
        if any(signing.verify(k, payload, signature) for k in known):
            continue
        slot = (vault.recovery_slot() if signer == signing.RECOVERY
                else vault.operator_slot(signer))
        if slot is not None and slot.sign_public and signing.verify(slot.sign_public, payload,
                                                                    signature):
            unconfirmed[signer] = unconfirmed.get(signer, 0) + 1
            continue
        problems.append(f"audit entry {seq} ({operator}): its signature does not match (the "
                        "entry, or one before it, was changed outside the app)")
    for v in versions:
        if v.audit_seq not in seqs:
            problems.append(f"audit entry {v.audit_seq}, which signed roster version "
                            f"{v.version}, is missing (deleted outside the app)")
    if unconfirmed:
        notes.append("audit entries signed by a key no admin has confirmed yet: " + ", ".join(
            f"{name} ({n})" for name, n in sorted(unconfirmed.items())))
    return problems
