"""Calling-tree moves from two laptops that make a loop together: a conflict of its own.

Each laptop refuses a move that would make a loop in the tree it shows. But laptop A may put
Ann under Bo while laptop B puts Bo under Ann: each `caller` field then has one head (no field
conflict), yet together they make a loop, and nobody in it would ever be called. After the
fields are settled (replica_edits.settle), each touched tree is rebuilt from what its edit
records *ask for*; every loop in it is a conflict, and every moved person in a loop keeps the
caller (and place) they had before their move, so the tree stays as it was before the moves
on every desk. The conflict is the set of those moves (its id is the same on every desk
holding them); a resolution keeps one laptop's moves and writes edits that undo the others',
so it replicates like any edit, and settling again finds no loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.domain.calling_trees import loops
from crisisdesk.store import replica_edits as edits

ENTITY = "tree_node"
FIELD = "caller"
LOOP_ENTITY = "calling_tree"
LOOP_FIELD = "loop"


@dataclass(frozen=True)
class Move:
    """A person whose caller was changed by edit records: the heads, the value they ask for
    and the value before them."""

    node_id: str
    contact_id: str
    heads: tuple[edits.Edit, ...]
    value: dict[str, Any]
    before: dict[str, Any]


@dataclass(frozen=True)
class Loop:
    tree_id: str
    people: tuple[str, ...]  # contact ids, each followed by their caller
    moves: tuple[Move, ...]  # the moved people in it

    @property
    def heads(self) -> tuple[edits.Edit, ...]:
        return tuple(sorted((h for m in self.moves for h in m.heads),
                            key=lambda e: (e.at, e.id)))

    @property
    def id(self) -> str:
        return edits.conflict_id(self.heads)


def _moves(db: sqlite_utils.Database, tree_id: str) -> tuple[dict[str, str | None],
                                                             dict[str, Move]]:
    """(contact -> the caller the edit records ask for, contact -> its move)."""
    asked: dict[str, str | None] = {}
    moved: dict[str, Move] = {}
    chains = edits.tree_chains(db, tree_id, FIELD)
    for node_id, contact_id, caller_id in db.execute(
            "SELECT id, contact_id, caller_id FROM tree_nodes WHERE tree_id = ?", [tree_id]):
        chain = chains.get(str(node_id), {})
        tops = edits.heads(chain)
        if not tops:
            asked[str(contact_id)] = str(caller_id or "") or None
            continue
        before = edits.kept_value(chain, tops)
        value = tops[-1].value if edits.agreed(tops) else before
        asked[str(contact_id)] = str(value.get("caller_id") or "") or None
        moved[str(contact_id)] = Move(str(node_id), str(contact_id), tuple(tops), value,
                                      before)
    return asked, moved


def tree_loops(db: sqlite_utils.Database, tree_id: str) -> list[Loop]:
    """The loops the tree's edit records ask for (none in a tree edited on one desk)."""
    asked, moved = _moves(db, tree_id)
    out = []
    for people in loops(asked):
        in_loop = tuple(moved[c] for c in people if c in moved)
        if in_loop:  # (a loop nobody moved into came with the desk: not a conflict)
            out.append(Loop(tree_id, tuple(people), in_loop))
    return out


def _trees_of(db: sqlite_utils.Database, node_ids: Iterable[str]) -> list[str]:
    ids = sorted(set(node_ids))
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(str(r[0]) for r in db.execute(
            f"SELECT DISTINCT tree_id FROM tree_nodes WHERE id IN ({marks})", chunk))
    return sorted(found)


def settle(db: sqlite_utils.Database, keys: Iterable[edits.Key]) -> int:
    """Rewrite the callers of each tree touched by `keys` from its edit records, the moved
    people in a loop as before their moves; returns how many loops there are."""
    trees = _trees_of(db, (k[1] for k in keys if k[0] == ENTITY and k[2] == FIELD))
    entity = edits.ENTITIES[ENTITY]
    count = 0
    for tree_id in trees:
        asked, moved = _moves(db, tree_id)
        undone: set[str] = set()
        found = [lp for lp in (loops(asked)) if any(c in moved for c in lp)]
        count += len(found)
        for _ in range(len(moved) + 1):  # undo moves until no loop is left
            looping = {c for lp in loops(asked) for c in lp if c in moved} - undone
            if not looping:
                break
            for contact_id in looping:
                undone.add(contact_id)
                asked[contact_id] = str(moved[contact_id].before.get("caller_id") or "") or None
        for contact_id, move in sorted(moved.items()):
            if contact_id in undone:
                edits.write_field(db, entity, move.node_id, FIELD, move.before, None)
            elif edits.agreed(list(move.heads)):
                last = move.heads[-1]
                edits.write_field(db, entity, move.node_id, FIELD, move.value,
                                  (last.at, last.operator))
    return count


def loop_conflicts(db: sqlite_utils.Database) -> list[edits.ConflictRecord]:
    """Every loop as a conflict record: the moves (heads) and, as kept, the callers before."""
    out = []
    for (tree_id, name) in db.execute(
            "SELECT DISTINCT n.tree_id, t.name FROM repl_edits e JOIN tree_nodes n "
            "ON n.id = e.entity_id JOIN calling_trees t ON t.id = n.tree_id "
            "WHERE e.entity = ? AND e.field = ?", [ENTITY, FIELD]).fetchall():
        for lp in tree_loops(db, str(tree_id)):
            kept = {m.contact_id: m.before for m in lp.moves}
            out.append(edits.ConflictRecord(lp.id, LOOP_ENTITY, str(tree_id), LOOP_FIELD,
                                            kept, lp.heads, kind="loop", label=str(name)))
    return out


def find(db: sqlite_utils.Database, conflict_id: str) -> Loop | None:
    """The loop whose conflict id is `conflict_id` (complete), if this desk has it."""
    for (tree_id,) in db.execute(
            "SELECT DISTINCT n.tree_id FROM repl_edits e JOIN tree_nodes n "
            "ON n.id = e.entity_id WHERE e.entity = ? AND e.field = ?",
            [ENTITY, FIELD]).fetchall():
        for lp in tree_loops(db, str(tree_id)):
            if lp.id == conflict_id:
                return lp
    return None


def node_person(db: sqlite_utils.Database, node_id: str) -> str:
    """The contact id of a tree node ('' if this desk lacks it)."""
    row = db.execute("SELECT contact_id FROM tree_nodes WHERE id = ?", [node_id]).fetchone()
    return str(row[0]) if row else ""
