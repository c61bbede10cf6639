"""The signed roster's rows (`roster_entries`, one row per version) and the signature columns
of audit entries and approvals. Checking them is domain/roster.py's job."""

from __future__ import annotations

import json

import sqlite_utils

from crisisdesk.domain.roster import Member, RosterVersion, TableRow

_COLS = ("version, at, members, recovery_key, audit_seq, signer, signer_key, prev_hash, "
         "content_hash, signature")


def has_table(db: sqlite_utils.Database) -> bool:
    return db["roster_entries"].exists()


def versions(db: sqlite_utils.Database) -> list[RosterVersion]:
    """Every version, oldest first ([] on a desk whose roster was never signed)."""
    if not has_table(db):
        return []
    out: list[RosterVersion] = []
    for r in db.execute(f"SELECT {_COLS} FROM roster_entries ORDER BY version"):
        try:
            members = tuple(Member(**m) for m in json.loads(str(r[2])))
        except (ValueError, TypeError):
            members = ()  # unreadable: its content hash will not match, which names it
        out.append(RosterVersion(int(r[0]), str(r[1]), members, str(r[3]), int(r[4]),
                                 str(r[5]), str(r[6]), str(r[7]), str(r[8]), str(r[9])))
    return out


def insert(db: sqlite_utils.Database, v: RosterVersion) -> None:
    members = json.dumps([m.as_dict() for m in v.members], ensure_ascii=False)
    db.execute(
        f"INSERT INTO roster_entries ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [v.version, v.at, members, v.recovery_key, v.audit_seq, v.signer, v.signer_key,
         v.prev_hash, v.content_hash, v.signature])


def table_rows(db: sqlite_utils.Database) -> list[TableRow]:
    """The active operators as the `operators` table has them, to compare with the roster."""
    return [TableRow(str(r[0]), str(r[1]), str(r[2])) for r in db.execute(
        "SELECT name, name_key, role FROM operators WHERE removed_at IS NULL ORDER BY name_key")]


# --- audit signatures -----------------------------------------------------------------------

def audit_signatures(db: sqlite_utils.Database) -> list[tuple[int, str, str, str, str]]:
    """(seq, operator, mac, signer, signature) of every audit entry, in order."""
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3] or ""), str(r[4] or ""))
            for r in db.execute("SELECT seq, operator, mac, signer, signature FROM audit "
                                "ORDER BY seq")]


# --- approval signatures --------------------------------------------------------------------

def set_approval_signature(db: sqlite_utils.Database, template_id: str, version: int, *,
                           signer: str, key: str, signature: str) -> None:
    db.execute(
        "UPDATE template_versions SET approval_signer = ?, approval_key = ?, "
        "approval_signature = ? WHERE template_id = ? AND version = ?",
        [signer, key, signature, template_id, version])


def approval_signature(db: sqlite_utils.Database, template_id: str, version: int
                       ) -> tuple[str, str, str]:
    """(signer, key, signature) of a version's approval; empty strings when unsigned."""
    row = db.execute(
        "SELECT approval_signer, approval_key, approval_signature FROM template_versions "
        "WHERE template_id = ? AND version = ?", [template_id, version]).fetchone()
    return (str(row[0] or ""), str(row[1] or ""), str(row[2] or "")) if row else ("", "", "")


def approved_versions(db: sqlite_utils.Database) -> list[tuple[str, int, str, str]]:
    """(template_id, version, sha256, key) of every version whose status is approved."""
    return [(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in db.execute(
        "SELECT v.template_id, v.version, v.sha256, t.key FROM template_versions v "
        "JOIN templates t ON t.id = v.template_id WHERE v.status = 'approved' "
        "ORDER BY t.key, v.version")]
