"""Breach risk assessment versions: one row per version; a signed row is never updated."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from crisisdesk.domain.breach_assessment import (
    Assessment,
    Conclusion,
    Fact,
    Factor,
    Signature,
)

_COLS = ("id, incident_id, version, facts, conclusion, reasons, ransomware, created_at, "
         "created_by, content_hash, signer, signer_key, signature, signed_at")


def _assessment(r: Sequence[Any]) -> Assessment:
    facts = tuple(Fact(Factor(f["factor"]), str(f["text"]), str(f["recorded_by"]),
                       str(f["recorded_at"])) for f in json.loads(r[3] or "[]"))
    signed = (Signature(str(r[10]), str(r[11]), str(r[12]), str(r[13])) if r[12] else None)
    return Assessment(str(r[0]), str(r[1]), int(r[2]), facts, Conclusion(r[4]), str(r[5] or ""),
                      bool(r[6]), str(r[7]), str(r[8]), str(r[9] or ""), signed)


def versions(db: sqlite_utils.Database, incident_id: str) -> list[Assessment]:
    return [_assessment(r) for r in db.execute(
        f"SELECT {_COLS} FROM breach_assessments WHERE incident_id = ? ORDER BY version",
        [incident_id])]


def latest(db: sqlite_utils.Database, incident_id: str) -> Assessment | None:
    row = db.execute(f"SELECT {_COLS} FROM breach_assessments WHERE incident_id = ? "
                     "ORDER BY version DESC LIMIT 1", [incident_id]).fetchone()
    return _assessment(row) if row else None


def _facts_json(facts: Sequence[Fact]) -> str:
    return json.dumps([f.as_dict() for f in facts], ensure_ascii=False)


def insert(db: sqlite_utils.Database, a: Assessment) -> None:
    db.execute(
        "INSERT INTO breach_assessments (id, incident_id, version, facts, conclusion, reasons, "
        "ransomware, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [a.id, a.incident_id, a.version, _facts_json(a.facts), a.conclusion.value, a.reasons,
         int(a.ransomware), a.created_at, a.created_by])


def update_draft(db: sqlite_utils.Database, a: Assessment) -> bool:
    """Write a draft's facts and conclusion; False (nothing written) if it is signed."""
    cur = db.execute(
        "UPDATE breach_assessments SET facts = ?, conclusion = ?, reasons = ? "
        "WHERE id = ? AND signature = ''",
        [_facts_json(a.facts), a.conclusion.value, a.reasons, a.id])
    return bool(cur.rowcount)


def set_signature(db: sqlite_utils.Database, assessment_id: str, content_hash: str,
                  signed: Signature) -> bool:
    cur = db.execute(
        "UPDATE breach_assessments SET content_hash = ?, signer = ?, signer_key = ?, "
        "signature = ?, signed_at = ? WHERE id = ? AND signature = ''",
        [content_hash, signed.signer, signed.key, signed.signature, signed.signed_at,
         assessment_id])
    return bool(cur.rowcount)


def latest_by_incident(db: sqlite_utils.Database) -> dict[str, Assessment]:
    """Each incident's newest version (for the annual log)."""
    rows = db.execute(
        f"SELECT {_COLS} FROM breach_assessments b WHERE version = (SELECT max(version) FROM "
        "breach_assessments WHERE incident_id = b.incident_id)").fetchall()
    return {str(r[1]): _assessment(r) for r in rows}
