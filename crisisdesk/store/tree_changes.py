"""What changed in a calling tree's structure since an activation froze its copy of it.

Why: an activation follows the copy of the tree frozen when it started (`activation_people`);
a coordinator who moves someone meanwhile, here or on another laptop of the team, changes the
tree but not the running activation. The coordinators running it must see such changes. Each
move or backup change on a team desk is an edit record (store/replica_edits.py) naming its
laptop, operator and time, wherever it was made, and so is each person added or taken out
(store/replica_tree_people.py); the rest (changes on a desk that is not part of a team) shows
as the difference between the frozen copy and the tree now. Which changes a coordinator has
marked as seen is this laptop's own (`meta`), never replicated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.store import meta, record_origins
from crisisdesk.store import replication as repl

# (laptop id, update log's newest row and size) -> the team's laptop names: rebuilding the
# engine's document to read them takes a quarter of a second on a desk of 100,000 records,
# too long for every refresh of a progress screen; they change only with the update log.

@dataclass(frozen=True)
class StructureEdit:
    """One edit record of a person's caller or backup in the tree."""

    id: str
    node_id: str
    contact_id: str
    field: str  # "caller" or "backup"
    value: dict[str, Any]
    origin: str
    operator: str
    at: str


@dataclass(frozen=True)
class NodeNow:
    caller_id: str
    backup_id: str
    created_at: str
    updated_at: str
    updated_by: str


def edits_since(db: sqlite_utils.Database, tree_id: str, since: str) -> list[StructureEdit]:
    """The tree's caller and backup edit records made at or after `since` (as their laptop's
    clock said; '' for all), oldest first, of people still in the tree."""
    out = []
    for row in db.execute(
            "SELECT e.id, e.entity_id, n.contact_id, e.field, e.value, e.origin, e.operator, "
            "e.at FROM repl_edits e JOIN tree_nodes n ON n.id = e.entity_id "
            "WHERE e.entity = 'tree_node' AND e.field IN ('caller', 'backup') "
            "AND n.tree_id = ? AND e.at >= ? ORDER BY e.at, e.id", [tree_id, since]):
        try:
            value = json.loads(str(row[4]))
        except ValueError:
            value = {}
        out.append(StructureEdit(str(row[0]), str(row[1]), str(row[2]), str(row[3]),
                                 value if isinstance(value, dict) else {}, str(row[5]),
                                 str(row[6]), str(row[7])))
    return out


def nodes_now(db: sqlite_utils.Database, tree_id: str) -> dict[str, NodeNow]:
    """Contact id -> where the person is in the tree now."""
    return {str(r[0]): NodeNow(str(r[1] or ""), str(r[2] or ""), str(r[3] or ""),
                               str(r[4] or ""), str(r[5] or ""))
            for r in db.execute("SELECT contact_id, caller_id, backup_id, created_at, "
                                "updated_at, updated_by FROM tree_nodes WHERE tree_id = ?",
                                [tree_id])}


def last_removal(db: sqlite_utils.Database, tree_id: str, since: str) -> tuple[str, str] | None:
    """(when, by whom) of the latest 'take a person out' of the tree since `since` on this
    laptop (its audit chain), if any."""
    row = db.execute("SELECT at, operator FROM audit WHERE action = 'tree.remove' AND "
                     "entity_id = ? AND at >= ? ORDER BY seq DESC LIMIT 1",
                     [tree_id, since]).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def removals_since(db: sqlite_utils.Database, tree_id: str, since: str) -> int:
    return int(db.execute("SELECT count(*) FROM audit WHERE action = 'tree.remove' AND "
                          "entity_id = ? AND at >= ?", [tree_id, since]).fetchone()[0])


def _seen_key(activation_id: str) -> str:
    return f"tree_changes_seen:{activation_id}"


def seen(db: sqlite_utils.Database, activation_id: str) -> set[str]:
    """The changes a coordinator marked as seen on this laptop."""
    try:
        value = json.loads(meta.get(db, _seen_key(activation_id)) or "[]")
    except ValueError:
        return set()
    return {str(v) for v in value} if isinstance(value, list) else set()


def mark_seen(db: sqlite_utils.Database, activation_id: str, ids: set[str]) -> None:
    meta.put(db, _seen_key(activation_id),
             json.dumps(sorted(seen(db, activation_id) | ids)))


def laptop_names(db: sqlite_utils.Database, ident: repl.Identity) -> dict[str, str]:
    """Laptop id -> name, for every laptop of the team this desk has heard of: the names each
    import keeps (store/record_origins.py), not the engine's document, which takes a rebuild
    (~0.2 s at 100,000 records) and this is read on the GUI thread."""
    return {**record_origins.laptop_names(db), ident.laptop_id: ident.laptop_name}
