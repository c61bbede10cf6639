"""Systems status board rows (the desk's list of systems and each one's current status)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from crisisdesk.domain.systems import SystemRow, SystemStatus
from crisisdesk.store import latest_wins

_COLS = "id, name, status, since, procedure, notes, position, updated_at, updated_by"


def _system(r: Sequence[Any]) -> SystemRow:
    return SystemRow(str(r[0]), str(r[1]), SystemStatus(r[2]), str(r[3] or ""), str(r[4] or ""),
                     str(r[5] or ""), int(r[6] or 0), str(r[7] or ""), str(r[8] or ""))


def active(db: sqlite_utils.Database) -> list[SystemRow]:
    return [_system(r) for r in db.execute(
        f"SELECT {_COLS} FROM systems WHERE removed_at = '' OR removed_at IS NULL "
        "ORDER BY position, name COLLATE NOCASE")]


def find(db: sqlite_utils.Database, name: str) -> SystemRow | None:
    row = db.execute(f"SELECT {_COLS} FROM systems WHERE name_key = ? AND "
                     "(removed_at = '' OR removed_at IS NULL)", [name.casefold()]).fetchone()
    return _system(row) if row else None


def insert(db: sqlite_utils.Database, name: str, status: SystemStatus, since: str, at: str,
           by: str) -> SystemRow:
    """Add a system (or bring back a removed one of the same name) at the end of the board."""
    position = int(db.execute("SELECT coalesce(max(position), -1) + 1 FROM systems")
                   .fetchone()[0])
    existing = db.execute("SELECT id FROM systems WHERE name_key = ?",
                          [name.casefold()]).fetchone()
    if existing:
        system_id = str(existing[0])
        db.table("systems").update(system_id, {
            "name": name, "status": status.value, "since": since, "procedure": "", "notes": "",
            "removed_at": "", "position": position, "updated_at": at, "updated_by": by})
    else:
        system_id = str(uuid.uuid4())
        db.table("systems").insert({
            "id": system_id, "name": name, "name_key": name.casefold(), "position": position,
            "status": status.value, "since": since, "procedure": "", "notes": "",
            "removed_at": "", "created_at": at, "updated_at": at, "updated_by": by})
    return SystemRow(system_id, name, status, since, position=position, updated_at=at,
                     updated_by=by)


def update(db: sqlite_utils.Database, system_id: str, changes: dict[str, Any], at: str,
           by: str) -> None:
    """Change a system's row; a change of its status, since, procedure or notes is also kept
    as a report that travels to the team's other laptops (store/latest_wins.py)."""
    latest_wins.note(db, latest_wins.SYSTEMS, (system_id,), changes, at, by)
    db.table("systems").update(system_id, {**changes, "updated_at": at, "updated_by": by})


def remove(db: sqlite_utils.Database, system_id: str, at: str, by: str) -> None:
    update(db, system_id, {"removed_at": at}, at, by)


def last_reports(db: sqlite_utils.Database) -> dict[str, str]:
    """system id -> id of its last status report (the one that names `updated_by`, in the
    order store/latest_wins.py applies them)."""
    found: dict[str, str] = {}
    for rid, system_id in db.execute(
            "SELECT id, system_id FROM system_updates ORDER BY n, at, id"):
        found[str(system_id)] = str(rid)
    return found
