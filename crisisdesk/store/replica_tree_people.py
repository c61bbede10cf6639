"""People added to or taken out of a calling tree on a team desk: how they travel.

Why: moves and backups are edit records (replica_edits), and a tree created after the clone
carries its people in its creation record; but a person added to a tree every laptop already
has, or taken out of one, would otherwise stay on their laptop, and the trees would differ.

* **Adding** a person writes a creation record of the tree node (family `tree_node`, keyed by
  the node's id, with its caller, place, backup, laptop, operator and time), unless the tree
  itself has not left the laptop yet (its creation record carries its people then).
* **Taking out** writes a removal record (replica_creations' `repl_removals`, entity
  `tree_node`) naming the tree, the person, and the caller and place they had. A removal wins
  over a concurrent add or move of that person in that tree: on every desk it takes out the
  person's entry in that tree added at or before it (an add made later, a re-add, stays),
  also when it arrives before a tree created after the clone (applied once the tree arrives).
* **The same person added on two laptops** is one entry: a tree holds a contact once. The entry
  added first (by time, then id: the same on every desk) is kept everywhere; the other is set
  aside (kept in the engine and relayed, never shown), and the import says so ("1 person added
  to a calling tree on two laptops, kept once").
* **The people the removed person called** are never left without a caller: on every desk,
  the removing one included, whoever is called by a person taken out of the tree moves up to
  that person's caller, taking their place in the list (several of them: by contact id), also
  someone moved under them or added under them on another laptop meanwhile. This is derived
  from the removal record on every desk (`adopt_orphans`), not written as moves of its own,
  so it makes no conflict with another laptop's move of the same person: someone moved
  elsewhere meanwhile simply stays where that move put them. If moving up would make a loop
  (a move on another laptop put the caller under them), they are called by the coordinator.
  The loop check of moves (replica_tree_loops) still runs before this, on every settle.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlite_utils

from crisisdesk.store import replication as repl

FAMILY = "tree_node"
ENTITY = "tree_node"


def tree_unsent(db: sqlite_utils.Database, tree_id: str) -> bool:
    """True while the tree's own creation record has not left this laptop."""
    return db.execute("SELECT 1 FROM repl_records WHERE id = ? AND state = 'outbox' AND "
                      "family = 'calling_tree'", [tree_id]).fetchone() is not None


def tree_travels(db: sqlite_utils.Database, tree_id: str) -> bool:
    """Whether people added to or taken out of the tree travel as records of their own (a
    team desk, and the tree has left this laptop)."""
    return repl.identity(db) is not None and not tree_unsent(db, tree_id)


def removal_travels(db: sqlite_utils.Database, tree_id: str, contact_id: str) -> bool:
    """Whether taking the person out of the tree would write a removal record (a team desk,
    the tree and the person's entry have left this laptop): then the people they called move
    up by `adopt_orphans`, as on every other laptop."""
    if not tree_travels(db, tree_id):
        return False
    return db.execute("SELECT 1 FROM tree_nodes n WHERE n.tree_id = ? AND n.contact_id = ? "
                      "AND NOT EXISTS (SELECT 1 FROM repl_records r WHERE r.id = n.id AND "
                      "r.state = 'outbox')", [tree_id, contact_id]).fetchone() is not None


def note_added(db: sqlite_utils.Database, tree_id: str, contact_ids: list[str], *,
               operator: str, at: str) -> None:
    """On a team desk, queue the new entries of these people in the tree for the engine."""
    if not contact_ids or repl.identity(db) is None or tree_unsent(db, tree_id):
        return
    db.conn.executemany(
        "INSERT OR IGNORE INTO repl_records (id, family, state, operator, at) "
        "SELECT id, ?, 'outbox', ?, ? FROM tree_nodes WHERE tree_id = ? AND contact_id = ?",
        [(FAMILY, operator, at, tree_id, cid) for cid in contact_ids])


def note_removed(db: sqlite_utils.Database, tree_id: str, gone: list[dict[str, Any]], *,
                 operator: str, at: str) -> None:
    """On a team desk, a removal record for each entry taken out (`gone`: the rows as they
    were: id, contact_id, caller_id, position). An entry that never left this laptop leaves
    nothing behind."""
    ident = repl.identity(db)
    if not gone or ident is None or tree_unsent(db, tree_id):
        return
    for node in gone:
        if db.execute("DELETE FROM repl_records WHERE id = ? AND state = 'outbox'",
                      [node["id"]]).rowcount:
            continue  # added and taken out before it ever left
        data = {"tree_id": tree_id, "contact_id": node["contact_id"],
                "caller_id": node["caller_id"] or "", "position": int(node["position"])}
        db.execute("INSERT INTO repl_removals (id, entity, entity_id, data, origin, operator, "
                   "at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [str(uuid.uuid4()), ENTITY, node["id"], json.dumps(data, sort_keys=True),
                    ident.laptop_id, operator, at])


def _removals(db: sqlite_utils.Database, tree_id: str, contact_id: str
              ) -> list[tuple[str, dict[str, Any]]]:
    """(when, data) of each removal of the person from the tree, earliest first."""
    out = []
    for at, data in db.execute(
            "SELECT at, data FROM repl_removals WHERE entity = ? AND "
            "json_extract(data, '$.tree_id') = ? AND json_extract(data, '$.contact_id') = ? "
            "ORDER BY at, id", [ENTITY, tree_id, contact_id]):
        try:
            value = json.loads(str(data))
        except ValueError:
            continue
        if isinstance(value, dict):
            out.append((str(at), value))
    return out


def removed_by(db: sqlite_utils.Database, tree_id: str, contact_id: str,
               created_at: str) -> bool:
    """Whether a removal takes out the person's entry in the tree added at `created_at`."""
    return any(at >= created_at for at, _ in _removals(db, tree_id, contact_id))


def prepare(db: sqlite_utils.Database, row: dict[str, Any]) -> tuple[dict[str, Any] | None,
                                                                     int]:
    """The entry to insert for a tree-node creation record (None: it is taken out, or the
    person is in the tree already by an earlier add), and 1 when it met another add of the
    same person (kept once)."""
    tree_id, contact_id = str(row["tree_id"]), str(row["contact_id"])
    created = str(row.get("created_at") or "")
    if removed_by(db, tree_id, contact_id, created):
        return None, 0
    other = db.execute("SELECT id, created_at FROM tree_nodes WHERE tree_id = ? AND "
                       "contact_id = ? AND id != ?", [tree_id, contact_id, row["id"]]).fetchone()
    if other is None:
        return row, 0
    if removed_by(db, tree_id, contact_id, str(other[1] or "")):  # its removal is on its way
        db.execute("DELETE FROM tree_nodes WHERE id = ?", [other[0]])
        return row, 0
    if (str(other[1] or ""), str(other[0])) < (created, str(row["id"])):
        return None, 1
    db.execute("DELETE FROM tree_nodes WHERE id = ?", [other[0]])
    return row, 1


def apply_removal(db: sqlite_utils.Database, at: str, data: dict[str, Any]) -> None:
    """Take out the entry the removal names (added at or before it)."""
    db.execute("DELETE FROM tree_nodes WHERE tree_id = ? AND contact_id = ? AND "
               "created_at <= ?", [str(data.get("tree_id") or ""),
                                   str(data.get("contact_id") or ""), at])


def apply_to_new_trees(db: sqlite_utils.Database, created_ids: list[str]) -> None:
    """Take out of trees just created here (their people as they first left their laptop) the
    people whose removal arrived before them."""
    for at, data in db.execute(
            "SELECT at, data FROM repl_removals WHERE entity = ? AND "
            "json_extract(data, '$.tree_id') IN (SELECT value FROM json_each(?))",
            [ENTITY, json.dumps(sorted(created_ids))]).fetchall():
        try:
            value = json.loads(str(data))
        except ValueError:
            continue
        if isinstance(value, dict):
            apply_removal(db, str(at), value)


def adopt_orphans(db: sqlite_utils.Database) -> int:
    """Move whoever is called by a person taken out of their tree up to that person's caller,
    at their place (see the module docstring); returns how many moved."""
    orphans = db.execute(
        "SELECT n.id, n.tree_id, n.contact_id, n.caller_id FROM tree_nodes n WHERE "
        "n.caller_id != '' AND NOT EXISTS (SELECT 1 FROM tree_nodes m WHERE "
        "m.tree_id = n.tree_id AND m.contact_id = n.caller_id) AND EXISTS (SELECT 1 FROM "
        "repl_removals r WHERE r.entity = ? AND json_extract(r.data, '$.tree_id') = n.tree_id "
        "AND json_extract(r.data, '$.contact_id') = n.caller_id) "
        "ORDER BY n.tree_id, n.contact_id", [ENTITY]).fetchall()
    moved = 0
    for node_id, tree_id, contact_id, caller_id in orphans:
        caller, position = _up(db, str(tree_id), str(caller_id))
        if caller and _above(db, str(tree_id), str(contact_id), caller):
            caller = ""  # moving up would make a loop: the coordinator calls them
        db.execute("UPDATE tree_nodes SET caller_id = ?, position = ? WHERE id = ?",
                   [caller, position, node_id])
        moved += 1
    return moved


def _up(db: sqlite_utils.Database, tree_id: str, gone: str) -> tuple[str, int]:
    """(caller, place) taking the place of `gone`: their caller, or further up while that one
    is out of the tree too."""
    seen: set[str] = set()
    caller, position = gone, 0
    while caller and caller not in seen:
        seen.add(caller)
        if db.execute("SELECT 1 FROM tree_nodes WHERE tree_id = ? AND contact_id = ?",
                      [tree_id, caller]).fetchone():
            return caller, position
        found = _removals(db, tree_id, caller)
        if not found:
            return "", position
        data = found[0][1]
        caller, position = str(data.get("caller_id") or ""), int(data.get("position") or 0)
    return "", position


def _above(db: sqlite_utils.Database, tree_id: str, contact_id: str, caller: str) -> bool:
    """Whether `contact_id` is among the callers above `caller` in the tree now."""
    seen: set[str] = set()
    while caller and caller not in seen:
        if caller == contact_id:
            return True
        seen.add(caller)
        row = db.execute("SELECT caller_id FROM tree_nodes WHERE tree_id = ? AND "
                         "contact_id = ?", [tree_id, caller]).fetchone()
        caller = str(row[0] or "") if row else ""
    return False


def origins(db: sqlite_utils.Database, tree_id: str) -> dict[str, tuple[str, str, str]]:
    """Contact id -> (laptop id, operator, time) of the add that put them in the tree, for
    the people whose entry came as a record from another laptop or left this one."""
    return {str(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in db.execute(
        "SELECT n.contact_id, r.origin, r.operator, r.at FROM tree_nodes n JOIN repl_records r "
        "ON r.id = n.id WHERE n.tree_id = ? AND r.family = ? AND r.state != 'outbox'",
        [tree_id, FAMILY])}


def removals(db: sqlite_utils.Database, tree_id: str
             ) -> dict[str, tuple[str, str, str, str]]:
    """Contact id -> (laptop id, operator, time, their caller then) of the latest removal of
    that person from the tree."""
    return {str(r[0]): (str(r[1]), str(r[2]), str(r[3]), str(r[4] or "")) for r in db.execute(
        "SELECT json_extract(data, '$.contact_id'), origin, operator, at, "
        "json_extract(data, '$.caller_id') FROM repl_removals WHERE entity = ? AND "
        "json_extract(data, '$.tree_id') = ? ORDER BY at, id", [ENTITY, tree_id])}
