"""Role catalogue edits, operational periods and role assignments.

The shipped catalogue lives in resources/; `role_catalogue` rows hold only the desk's edits and
additions (and roles it removed), so a newer CrisisDesk can still improve the shipped text.
Assignment rows are state (who holds what now); the history of changes is the audit log and
the incident timeline.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.domain.roles import OperationalPeriod, RoleDef, RoleGroup

# --- catalogue edits -----------------------------------------------------------------------


def desk_roles(db: sqlite_utils.Database) -> tuple[list[RoleDef], list[str]]:
    """(edited or added roles, keys of removed roles)."""
    roles: list[RoleDef] = []
    removed: list[str] = []
    for r in db.execute("SELECT key, title, short, grp, description, first_actions, hics, "
                        "removed FROM role_catalogue ORDER BY created_at, key"):
        if r[7]:
            removed.append(str(r[0]))
            continue
        roles.append(RoleDef(str(r[0]), str(r[1]), str(r[2]), RoleGroup(r[3]), str(r[4]),
                             tuple(json.loads(r[5] or "[]")), bool(r[6])))
    return roles, removed


def put_role(db: sqlite_utils.Database, role: RoleDef, at: str, by: str,
             removed: bool = False) -> None:
    db.execute(
        "INSERT INTO role_catalogue (key, title, short, grp, description, first_actions, hics, "
        "removed, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET title = excluded.title, short = excluded.short, "
        "grp = excluded.grp, description = excluded.description, "
        "first_actions = excluded.first_actions, hics = excluded.hics, "
        "removed = excluded.removed, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        [role.key, role.title, role.short, role.group.value, role.description,
         json.dumps(list(role.first_actions)), int(role.hics), int(removed), at, at, by],
    )


# --- operational periods -------------------------------------------------------------------

_PCOLS = "id, number, starts_at, ends_at, ended_at, handover_note, ended_by"


def _period(r: Sequence[Any]) -> OperationalPeriod:
    return OperationalPeriod(str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4] or ""),
                             str(r[5] or ""), str(r[6] or ""))


def latest_period(db: sqlite_utils.Database) -> OperationalPeriod | None:
    row = db.execute(f"SELECT {_PCOLS} FROM operational_periods WHERE set_aside = '' "
                     "ORDER BY number DESC LIMIT 1").fetchone()
    return _period(row) if row else None


def period_by_number(db: sqlite_utils.Database, number: int) -> OperationalPeriod | None:
    row = db.execute(f"SELECT {_PCOLS} FROM operational_periods WHERE number = ? "
                     "AND set_aside = ''", [number]).fetchone()
    return _period(row) if row else None


def insert_period(db: sqlite_utils.Database, number: int, starts_at: str, ends_at: str,
                  at: str, by: str) -> OperationalPeriod:
    period_id = str(uuid.uuid4())
    db.table("operational_periods").insert({
        "id": period_id, "number": number, "starts_at": starts_at, "ends_at": ends_at,
        "ended_at": "", "ended_by": "", "handover_note": "",
        "created_at": at, "updated_at": at, "updated_by": by,
    })
    return OperationalPeriod(period_id, number, starts_at, ends_at)


def end_period(db: sqlite_utils.Database, period_id: str, note: str, at: str, by: str) -> None:
    db.table("operational_periods").update(period_id, {
        "ended_at": at, "ended_by": by, "handover_note": note, "updated_at": at,
        "updated_by": by,
    })


# --- assignments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    id: str
    period_id: str
    role_key: str
    rank: int
    contact_id: str
    acknowledged_at: str = ""
    acknowledged_by: str = ""
    unavailable_since: str = ""
    unavailable_reason: str = ""


_ACOLS = ("id, period_id, role_key, rank, contact_id, acknowledged_at, acknowledged_by, "
          "unavailable_since, unavailable_reason")


def _assignment(r: Sequence[Any]) -> AssignmentRow:
    return AssignmentRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]),
                         *(str(x or "") for x in r[5:9]))


def assignments(db: sqlite_utils.Database, period_id: str,
                role_key: str | None = None) -> list[AssignmentRow]:
    sql = f"SELECT {_ACOLS} FROM role_assignments WHERE period_id = ?"
    params: list[str] = [period_id]
    if role_key is not None:
        sql += " AND role_key = ?"
        params.append(role_key)
    return [_assignment(r) for r in db.execute(sql + " ORDER BY role_key, rank", params)]


def replace_lineup(db: sqlite_utils.Database, period_id: str, role_key: str,
                   rows: Sequence[AssignmentRow], at: str, by: str) -> None:
    """Set the role's primary and backups for the period (rank order as given)."""
    db.execute("DELETE FROM role_assignments WHERE period_id = ? AND role_key = ?",
               [period_id, role_key])
    for rank, row in enumerate(rows):
        db.table("role_assignments").insert({
            "id": str(uuid.uuid4()), "period_id": period_id, "role_key": role_key,
            "rank": rank, "contact_id": row.contact_id,
            "acknowledged_at": row.acknowledged_at, "acknowledged_by": row.acknowledged_by,
            "unavailable_since": row.unavailable_since,
            "unavailable_reason": row.unavailable_reason,
            "created_at": at, "updated_at": at, "updated_by": by,
        })


def update_assignment(db: sqlite_utils.Database, assignment_id: str, changes: dict[str, str],
                      at: str, by: str) -> None:
    db.table("role_assignments").update(assignment_id,
                                        {**changes, "updated_at": at, "updated_by": by})


# --- line-ups as replicated edit records (store/replica_edits.py) ---------------------------
# A line-up's entity id is 'period id/role key'; a holder's is 'period id/role key/contact id'.

LINEUP_LABEL_SQL = (
    "SELECT substr(?1, length(p.id) + 2) || ' in operational period ' || p.number "
    "FROM operational_periods p WHERE substr(?1, 1, length(p.id) + 1) = p.id || '/'")
HOLDER_LABEL_SQL = (
    "SELECT c.name || ' as ' || a.role_key || ' in operational period ' || p.number "
    "FROM role_assignments a JOIN operational_periods p ON p.id = a.period_id "
    "LEFT JOIN contacts c ON c.id = a.contact_id "
    "WHERE a.period_id || '/' || a.role_key || '/' || a.contact_id = ?1")


def lineup_id(period_id: str, role_key: str) -> str:
    return f"{period_id}/{role_key}"


def holder_id(period_id: str, role_key: str, contact_id: str) -> str:
    return f"{period_id}/{role_key}/{contact_id}"


def lineup_value(db: sqlite_utils.Database, entity_id: str) -> dict[str, Any]:
    """{'holders': contact ids, primary first}; {} if this desk lacks the period."""
    period_id, _, role_key = entity_id.partition("/")
    if db.execute("SELECT 1 FROM operational_periods WHERE id = ?",
                  [period_id]).fetchone() is None:
        return {}
    return {"holders": [r.contact_id for r in assignments(db, period_id, role_key)]}


def write_lineup(db: sqlite_utils.Database, entity_id: str, value: dict[str, Any],
                 stamp: tuple[str, str] | None) -> None:
    """Set the holders as replicated; each one who stays keeps their acknowledgement and
    availability. Nothing on a desk that lacks the period."""
    period_id, _, role_key = entity_id.partition("/")
    wanted = [str(c) for c in value.get("holders") or []]
    if lineup_value(db, entity_id).get("holders", wanted) == wanted:
        return
    before = {r.contact_id: r for r in assignments(db, period_id, role_key)}
    rows = [before.get(c) or AssignmentRow("", period_id, role_key, rank, c)
            for rank, c in enumerate(wanted)]
    at, by = stamp or ("", "")
    replace_lineup(db, period_id, role_key, rows, at, by)


def _holder_key(entity_id: str) -> tuple[str, str, str]:
    period_id, _, rest = entity_id.partition("/")
    role_key, _, contact_id = rest.rpartition("/")
    return period_id, role_key, contact_id


_HOLDER_COLS = ("acknowledged_at", "acknowledged_by", "unavailable_since", "unavailable_reason")


def holder_value(db: sqlite_utils.Database, entity_id: str) -> dict[str, Any]:
    """A holder's acknowledgement and availability columns; {} if not assigned here."""
    row = db.execute(f"SELECT {', '.join(_HOLDER_COLS)} FROM role_assignments WHERE "
                     "period_id = ? AND role_key = ? AND contact_id = ?",
                     list(_holder_key(entity_id))).fetchone()
    return {c: str(v or "") for c, v in zip(_HOLDER_COLS, row, strict=True)} if row else {}


def write_holder(db: sqlite_utils.Database, entity_id: str, value: dict[str, Any],
                 stamp: tuple[str, str] | None) -> None:
    cols = [c for c in _HOLDER_COLS if c in value]
    sets = [f"{c} = ?" for c in cols]
    params: list[Any] = [value[c] for c in cols]
    if stamp is not None:
        sets += ["updated_at = ?", "updated_by = ?"]
        params += list(stamp)
    db.execute(f"UPDATE role_assignments SET {', '.join(sets)} WHERE period_id = ? AND "
               "role_key = ? AND contact_id = ?", [*params, *_holder_key(entity_id)])
