"""Templates on a team desk: the latest version of each template as one replicated field.

Why one field, and why so strict: a template's text and its approval travel together, so an
approval is always tied to the exact text (content hash) and version number it approved. Each
change of the latest version on a laptop (a draft saved, submitted, sent back, approved,
retired) is one edit record of the template's `release` field holding that whole version row
and which older versions are retired, approval signature included (it signs desk, template,
version and hash, so it verifies on every laptop of the team). Another desk that settles the
field with one head writes that row as it is (inserted, or a draft brought up to it, or an
approved row retired), retiring what the approval superseded, as `approve` does.

Two heads (two laptops saved, or one approved what another changed, without seeing each
other) are a conflict that writes nothing: each laptop keeps its rows, and the services refuse
the template for anything leaving the building and refuse further changes to it until a
coordinator keeps one laptop's text. That resolution is a new *draft* version above every
head's, marked `resolves`, and every desk retires all the template's older versions when it
writes it: nobody's approval survives a conflict, so the kept text must be approved again.
Until then retired rows may differ between laptops (each keeps what it had); what is usable
never does.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlite_utils

VERSION_COLS = ("version", "status", "body", "variables", "required_sections", "sha256",
                "note", "created_at", "created_by", "submitted_at", "submitted_by",
                "approved_at", "approved_by", "acknowledged_warnings", "retired_at",
                "retired_by", "retired_reason", "approval_signer", "approval_key",
                "approval_signature")
FIELDS: dict[str, tuple[str, ...]] = {"release": (*VERSION_COLS, "retired", "resolves")}
LABEL_SQL = "SELECT key FROM templates WHERE id = ?"
# What an approved row may still change (the schema's trigger forbids the rest).
_AFTER_APPROVAL = ("status", "retired_at", "retired_by", "retired_reason", "approval_signer",
                   "approval_key", "approval_signature")


def latest(db: sqlite_utils.Database, template_id: str) -> dict[str, Any]:
    """The template's latest version row as replicated ({} if this desk lacks it)."""
    row = db.execute(f"SELECT {', '.join(VERSION_COLS)} FROM template_versions WHERE "
                     "template_id = ? ORDER BY version DESC LIMIT 1", [template_id]).fetchone()
    if row is None:
        return {}
    retired = [int(r[0]) for r in db.execute(
        "SELECT version FROM template_versions WHERE template_id = ? AND status = 'retired' "
        "ORDER BY version", [template_id])]
    return {**dict(zip(VERSION_COLS, row, strict=True)), "retired": retired, "resolves": ""}


def _retire_older(db: sqlite_utils.Database, template_id: str, number: int, *, only: str,
                  reason: str, at: str, by: str) -> None:
    db.execute("UPDATE template_versions SET status = 'retired', retired_at = ?, "
               "retired_by = ?, retired_reason = ?, updated_at = ?, updated_by = ? "
               f"WHERE template_id = ? AND version < ? AND status {only}",
               [at, by, reason, at, by, template_id, number])


def write(db: sqlite_utils.Database, template_id: str, value: dict[str, Any],
          stamp: tuple[str, str] | None) -> None:
    """Write the settled latest version (see the module docstring); nothing for a conflict or
    on a desk that lacks the template."""
    if stamp is None or db.execute("SELECT 1 FROM templates WHERE id = ?",
                                   [template_id]).fetchone() is None:
        return
    at, by = stamp
    number = value.get("version")
    if not isinstance(number, int) or isinstance(number, bool) or "sha256" not in value:
        return  # (not a version row: kept and relayed, never written)
    if value.get("resolves"):
        _retire_older(db, template_id, number, only="!= 'retired'", at=at, by=by,
                      reason="set aside: the template was changed on two laptops at once")
    row = db.execute("SELECT sha256, approved_at FROM template_versions WHERE template_id = ? "
                     "AND version = ?", [template_id, number]).fetchone()
    cols = [c for c in VERSION_COLS if c != "version" and c in value]
    if row is None:
        names = ["id", "template_id", "version", *cols, "updated_at", "updated_by"]
        db.execute(f"INSERT INTO template_versions ({', '.join(names)}) VALUES "
                   f"({', '.join('?' for _ in names)})",
                   [str(uuid.uuid4()), template_id, number, *(value[c] for c in cols), at, by])
    else:
        if row[1] is not None:  # approved here: only its status and signature may change
            if row[0] != value.get("sha256"):
                return
            cols = [c for c in cols if c in _AFTER_APPROVAL]
        db.execute(f"UPDATE template_versions SET {', '.join(f'{c} = ?' for c in cols)}, "
                   "updated_at = ?, updated_by = ? WHERE template_id = ? AND version = ?",
                   [*(value[c] for c in cols), at, by, template_id, number])
    if value.get("status") == "approved":
        _retire_older(db, template_id, number, only="= 'approved'", at=at, by=by,
                      reason=f"superseded by version {number}")
    for old in value.get("retired") or []:  # (an older version taken out of use)
        db.execute("UPDATE template_versions SET status = 'retired', retired_at = ?, "
                   "retired_by = ?, retired_reason = 'retired on another laptop', "
                   "updated_at = ?, updated_by = ? WHERE template_id = ? AND version = ? "
                   "AND status != 'retired'", [at, by, at, by, template_id, int(old)])


def resolution(kept: dict[str, Any], heads: list[dict[str, Any]], conflict_id: str, *,
               at: str, by: str) -> dict[str, Any]:
    """The value settling a conflict with `kept`'s text: a new draft above every head's
    version, not approved, that retires all older versions wherever it is written."""
    number = max(int(h.get("version") or 0) for h in heads) + 1
    return {**kept, "version": number, "status": "draft", "note": "",
            "created_at": at, "created_by": by, "submitted_at": None, "submitted_by": None,
            "approved_at": None, "approved_by": None, "acknowledged_warnings": "[]",
            "retired_at": None, "retired_by": None, "retired_reason": "",
            "approval_signer": "", "approval_key": "", "approval_signature": "",
            "retired": [], "resolves": conflict_id}
