"""Operational periods started after the clone, and one period number started on two laptops.

Why: role line-ups are edit records of 'period id/role key' (store/roles.py); a line-up of a
period a laptop lacks waits there. So starting a period on a team desk (the first one, or the
next one at a handover) travels as a creation record (store/replica_creations.py, family
'period'), as the period is when it first leaves the laptop; its line-ups, the ones carried
over at the handover included, are edit records like any other and take effect as soon as the
period arrives. Ending a period (its handover note, when and by whom) is an edit record of the
ended period's `end` field (store/replica_edits.py), so two laptops that both ended period 1
show a conflict in the inbox, side by side, until a coordinator keeps one handover note.

Two laptops that both started period 2 (each handed over without seeing the other's) are not
merged: line-ups made in one were chosen for it. The period started first (by creation time,
then id: the same on every desk) stays period 2 and is the current one everywhere; the other
one is *set aside* on every desk (`set_aside` holds the id of the one kept), whichever arrives
first, keeping its line-ups, out of the roster. The import counts it, `crisisdesk roles list`
and the Roles page name it with its laptop, time and line-ups (services/periods_set_aside.py),
and its coordinator assigns again in the kept period what still matters. A later period
started on top of a set aside one (period 3 after it) is a period like any other.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from crisisdesk.store.creation_order import created_later


def prepare(db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The period row to insert (set aside if it is the later of two with one number), and
    how many periods were set aside (0 or 1)."""
    row = dict(row)
    row["set_aside"] = str(row.get("set_aside") or "")
    if row["set_aside"]:
        return row, 0
    other = db.execute("SELECT id, created_at FROM operational_periods WHERE number = ? "
                       "AND set_aside = '' AND id != ?", [row["number"], row["id"]]).fetchone()
    if other is None:
        return row, 0
    if created_later(row, other[0], other[1]):  # the one started first stays
        row["set_aside"] = str(other[0])
        return row, 1
    db.execute("UPDATE operational_periods SET set_aside = ? WHERE id = ?",
               [row["id"], other[0]])
    return row, 1


def set_aside(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """(number, id) of the periods set aside on this desk."""
    return [(int(r[0]), str(r[1])) for r in db.execute(
        "SELECT number, id FROM operational_periods WHERE set_aside != '' ORDER BY number, id")]


def set_aside_details(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Each period set aside with the one kept instead: their numbers, ids, when each was
    started and by which laptop ('' when it came with the clone; this laptop's id when it has
    not left it yet)."""
    cols = ("id", "number", "created_at", "origin", "kept_id", "kept_created_at", "kept_origin")
    rows = db.execute(
        "SELECT p.id, p.number, p.created_at, "
        "(SELECT CASE WHEN r.state = 'outbox' THEN (SELECT value FROM meta WHERE "
        "key = 'laptop_id') ELSE r.origin END FROM repl_records r WHERE r.id = p.id), "
        "k.id, k.created_at, "
        "(SELECT CASE WHEN r.state = 'outbox' THEN (SELECT value FROM meta WHERE "
        "key = 'laptop_id') ELSE r.origin END FROM repl_records r WHERE r.id = k.id) "
        "FROM operational_periods p LEFT JOIN operational_periods k ON k.id = p.set_aside "
        "WHERE p.set_aside != '' ORDER BY p.number, p.created_at, p.id").fetchall()
    return [{c: ("" if v is None else v) for c, v in zip(cols, r, strict=True)} for r in rows]
