"""The `calling_trees` and `tree_nodes` tables: rows in, domain `CallingTree`s out.

On a team desk each change is also noted for the other laptops: moves and backups as edit
records (replica_edits), people added or taken out as their own records (replica_tree_people).

A tree's `version` goes up by one with every change, so paper and activations can say which
version of the tree they were made from. Empty text stands for "none" in `caller_id` and
`backup_id` (SQLite indexes and compares '' more simply than NULL).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import sqlite_utils

from crisisdesk.domain.calling_trees import CallingTree, TreeNode, moved_people
from crisisdesk.store import replica_edits, replica_tree_loops, replica_tree_people

_TREE_COLS = "id, name, description, version, updated_at, updated_by"


def _tree(row: Sequence[Any], nodes: tuple[TreeNode, ...]) -> CallingTree:
    return CallingTree(row[0], row[1], row[2] or "", int(row[3]), row[4] or "", row[5] or "",
                       nodes)


def _node(row: Sequence[Any]) -> TreeNode:
    return TreeNode(row[0], row[1] or None, int(row[2]), row[3] or None)


def nodes(db: sqlite_utils.Database, tree_id: str) -> tuple[TreeNode, ...]:
    rows = db.execute("SELECT contact_id, caller_id, position, backup_id FROM tree_nodes "
                      "WHERE tree_id = ? ORDER BY caller_id, position, contact_id",
                      [tree_id]).fetchall()
    return tuple(_node(r) for r in rows)


def get(db: sqlite_utils.Database, tree_id: str) -> CallingTree | None:
    row = db.execute(f"SELECT {_TREE_COLS} FROM calling_trees WHERE id = ? AND removed_at = ''",
                     [tree_id]).fetchone()
    return _tree(row, nodes(db, tree_id)) if row else None


def find(db: sqlite_utils.Database, ref: str) -> list[CallingTree]:
    """Trees whose id, id prefix or name (ignoring case) is `ref`."""
    key = " ".join(ref.split()).casefold()
    rows = db.execute(
        f"SELECT {_TREE_COLS} FROM calling_trees WHERE removed_at = '' AND "
        "(id = ? OR name_key = ? OR (length(?) >= 4 AND id LIKE ? || '%')) ORDER BY name_key",
        [ref, key, ref, ref]).fetchall()
    return [_tree(r, nodes(db, r[0])) for r in rows]


def list_trees(db: sqlite_utils.Database) -> list[tuple[CallingTree, int]]:
    """Every tree (without nodes) with its number of people, by name."""
    rows = db.execute(
        f"SELECT {', '.join('t.' + c.strip() for c in _TREE_COLS.split(','))}, "
        "(SELECT count(*) FROM tree_nodes n WHERE n.tree_id = t.id) FROM calling_trees t "
        "WHERE t.removed_at = '' ORDER BY t.name_key").fetchall()
    return [(_tree(r, ()), int(r[6])) for r in rows]


def name_taken(db: sqlite_utils.Database, name: str, except_id: str = "") -> bool:
    row = db.execute("SELECT 1 FROM calling_trees WHERE name_key = ? AND id != ?",
                     [name.casefold(), except_id]).fetchone()
    return row is not None


def insert_tree(db: sqlite_utils.Database, tree_id: str, name: str, description: str, *,
                at: str, by: str) -> None:
    db.execute("INSERT INTO calling_trees (id, name, name_key, description, version, removed_at,"
               " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, 1, '', ?, ?, ?)",
               [tree_id, name, name.casefold(), description, at, at, by])


def update_tree(db: sqlite_utils.Database, tree_id: str, *, at: str, by: str,
                name: str | None = None, description: str | None = None,
                removed: bool = False) -> int:
    """Bump the version (and change name/description/removal); returns the new version."""
    sets = ["version = version + 1", "updated_at = ?", "updated_by = ?"]
    params: list[Any] = [at, by]
    if name is not None:
        sets += ["name = ?", "name_key = ?"]
        params += [name, name.casefold()]
    if description is not None:
        sets.append("description = ?")
        params.append(description)
    if removed:
        sets += ["removed_at = ?", "name_key = name_key || ' (removed ' || id || ')'"]
        params.append(at)
    db.execute(f"UPDATE calling_trees SET {', '.join(sets)} WHERE id = ?", [*params, tree_id])
    return int(db.execute("SELECT version FROM calling_trees WHERE id = ?",
                          [tree_id]).fetchone()[0])


def save_nodes(db: sqlite_utils.Database, tree_id: str, old: Iterable[TreeNode],
               new: Iterable[TreeNode], *, at: str, by: str) -> int:
    """Write only the differences between `old` and `new` nodes; returns rows touched."""
    before = {n.contact_id: n for n in old}
    after = {n.contact_id: n for n in new}
    gone = [(tree_id, cid) for cid in before if cid not in after]
    team = replica_edits.on_team(db)
    gone_rows = [dict(zip(("id", "contact_id", "caller_id", "position"), r, strict=True))
                 for r in db.execute("SELECT id, contact_id, caller_id, position FROM "
                                     "tree_nodes WHERE tree_id = ?", [tree_id])
                 if str(r[1]) not in after] if team and gone else []
    db.conn.executemany("DELETE FROM tree_nodes WHERE tree_id = ? AND contact_id = ?", gone)
    added = [(str(uuid.uuid4()), tree_id, n.contact_id, n.caller_id or "", n.backup_id or "",
              n.position, at, at, by) for cid, n in after.items() if cid not in before]
    db.conn.executemany(
        "INSERT INTO tree_nodes (id, tree_id, contact_id, caller_id, backup_id, position, "
        "created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", added)
    changed = [(n.caller_id or "", n.backup_id or "", n.position, at, by, tree_id, cid)
               for cid, n in after.items() if cid in before and before[cid] != n]
    db.conn.executemany(
        "UPDATE tree_nodes SET caller_id = ?, backup_id = ?, position = ?, updated_at = ?, "
        "updated_by = ? WHERE tree_id = ? AND contact_id = ?", changed)
    if team:
        _note_moves(db, tree_id, before, after, at=at, by=by)
        replica_tree_people.note_added(db, tree_id, [n[2] for n in added], operator=by, at=at)
        replica_tree_people.note_removed(db, tree_id, gone_rows, operator=by, at=at)
        replica_tree_people.adopt_orphans(db)
    return len(gone) + len(added) + len(changed)


def _note_moves(db: sqlite_utils.Database, tree_id: str, before: dict[str, TreeNode],
                after: dict[str, TreeNode], *, at: str, by: str) -> None:
    """On a team desk each person moved (not shifted to make room) or given another backup
    is also an edit record; a move that breaks a loop lets the loop's other moves apply, as
    on the other laptops."""
    moved = moved_people(before.values(), after.values())
    noted = ""
    for cid, n in after.items():
        if cid in before and before[cid] != n:
            row = db.execute("SELECT id FROM tree_nodes WHERE tree_id = ? AND contact_id = ?",
                             [tree_id, cid]).fetchone()
            now = n if cid in moved else replace(n, position=before[cid].position)
            if "caller" in replica_edits.note_change(db, "tree_node", str(row[0]),
                                                     _columns(before[cid]), _columns(now),
                                                     operator=by, at=at):
                noted = str(row[0])
    if noted:
        replica_tree_loops.settle(db, [("tree_node", noted, "caller")])


def _columns(node: TreeNode) -> dict[str, Any]:
    return {"caller_id": node.caller_id or "", "position": node.position,
            "backup_id": node.backup_id or ""}
