"""The privacy officer's answers for the HHS breach report, and its saved versions.

Answers are kept per incident, and desk-wide ones (the covered entity itself) under the
incident id ''. A saved version is a frozen copy of every field as it was; it is never updated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlite_utils

DESK = ""  # the incident id of desk-wide answers


def answers(db: sqlite_utils.Database, incident_id: str) -> dict[str, tuple[str, str]]:
    """field -> (value, who entered it); the incident's own answers over the desk-wide ones."""
    rows = db.execute("SELECT incident_id, field, value, updated_by FROM hhs_answers WHERE "
                      "incident_id IN (?, ?) ORDER BY incident_id = ?",
                      [DESK, incident_id, incident_id]).fetchall()
    return {str(r[1]): (str(r[2]), str(r[3])) for r in rows}


def set_answer(db: sqlite_utils.Database, incident_id: str, field: str, value: str, at: str,
               by: str) -> None:
    if not value:
        db.execute("DELETE FROM hhs_answers WHERE incident_id = ? AND field = ?",
                   [incident_id, field])
        return
    db.execute("INSERT INTO hhs_answers (incident_id, field, value, updated_at, updated_by) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (incident_id, field) DO UPDATE SET "
               "value = excluded.value, updated_at = excluded.updated_at, "
               "updated_by = excluded.updated_by", [incident_id, field, value, at, by])


def saved(db: sqlite_utils.Database, incident_id: str) -> list[dict[str, Any]]:
    return [{"id": r[0], "version": int(r[1]), "report_type": r[2],
             "fields": json.loads(r[3]), "missing": json.loads(r[4]), "saved_at": r[5],
             "saved_by": r[6]} for r in db.execute(
        "SELECT id, version, report_type, fields, missing, saved_at, saved_by FROM hhs_reports "
        "WHERE incident_id = ? ORDER BY version", [incident_id])]


def latest_versions(db: sqlite_utils.Database) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in db.execute(
        "SELECT incident_id, max(version) FROM hhs_reports GROUP BY incident_id")}


def insert(db: sqlite_utils.Database, row_id: str, incident_id: str, version: int,
           report_type: str, fields: Mapping[str, Any], missing: list[str], at: str,
           by: str) -> None:
    db.execute("INSERT INTO hhs_reports (id, incident_id, version, report_type, fields, "
               "missing, saved_at, saved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [row_id, incident_id, version, report_type,
                json.dumps(fields, ensure_ascii=False), json.dumps(missing), at, by])
