"""Operator rows: who may unlock the desk and with which role (the key slots live in the vault)."""

from __future__ import annotations

import uuid

import sqlite_utils

from crisisdesk.domain.operators import Operator, Role
from crisisdesk.store.vault import slot_key


def _op(row: dict[str, object]) -> Operator:
    return Operator(str(row["id"]), str(row["name"]), Role(str(row["role"])))


def find(db: sqlite_utils.Database, name: str) -> Operator | None:
    rows = list(db.table("operators").rows_where(
        "name_key = ? AND removed_at IS NULL", [slot_key(name)], limit=1))
    return _op(rows[0]) if rows else None


def active(db: sqlite_utils.Database) -> list[Operator]:
    return [_op(r) for r in db.table("operators").rows_where("removed_at IS NULL", order_by="name")]


def count_active(db: sqlite_utils.Database) -> int:
    """Operators who can still unlock the desk (not removed)."""
    return int(db.execute("SELECT count(*) FROM operators WHERE removed_at IS NULL").fetchone()[0])


def insert(db: sqlite_utils.Database, name: str, role: Role, at: str, by: str,
           op_id: str | None = None) -> Operator:
    op_id = op_id or str(uuid.uuid4())
    # A removed operator's row is kept for the record; re-adding the name reuses it.
    existing = list(db.table("operators").rows_where("name_key = ?", [slot_key(name)], limit=1))
    if existing:
        op_id = str(existing[0]["id"])
        db.table("operators").update(op_id, {"name": name, "role": role.value, "removed_at": None,
                                       "updated_at": at, "updated_by": by})
    else:
        db.table("operators").insert({
            "id": op_id, "name": name, "name_key": slot_key(name), "role": role.value,
            "created_at": at, "updated_at": at, "updated_by": by, "removed_at": None,
        })
    return Operator(op_id, name, role)


def mark_removed(db: sqlite_utils.Database, op: Operator, at: str, by: str) -> None:
    db.table("operators").update(op.id, {"removed_at": at, "updated_at": at, "updated_by": by})


def count_admins(db: sqlite_utils.Database) -> int:
    return int(db.execute(
        "SELECT count(*) FROM operators WHERE role = 'admin' AND removed_at IS NULL"
    ).fetchone()[0])
