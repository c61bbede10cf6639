"""Entities created after the clone (contacts, calling trees, incidents, templates, operational
periods) and their removal.

Why: a call, a timeline entry or an activation made on one laptop refers to a contact, a tree
or an incident; if that entity was created after the clone and did not travel, the record would
wait forever on every other laptop.

Creation: a trigger (m028) notes each contact, tree and incident inserted on a team desk; the
engine takes it as an immutable record keyed by the entity's own id, with its origin laptop
and creating operator, *as it is when it first leaves the laptop* (a tree with its people).
Changes made before that are part of it (`unsent`: no edit record is written for them); changes
after are edit records (store/replica_edits.py) whose "value before" is the one the creation
record carries, so every laptop starts from the same value.

Same thing created twice: two laptops that each create "Night shift" get two trees, never one
merged silently. Tree names are unique, so the later of the two (by creation time, then id, the
same on every desk) is renamed "Night shift (Site 2 laptop)" everywhere, and the import counts
the renaming. Contacts and incidents have no unique name: two of them simply exist. Templates
have a unique key: the later one gets a new key the same way (store/replica_template_keys.py).
Of two periods with one number the later is set aside (store/replica_periods.py).

Removal: deleting a contact or removing a tree writes a removal record. The removal wins over
any edit, made before or after it, on any laptop: an edit of a removed entity is kept (and
relayed) but never brings it back; a creation arriving after its removal stays removed. A
removed tree stays in the desk, out of the list, as on the removing laptop (activations refer to
it). A contact created and deleted before it ever left its laptop never leaves it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

import sqlite_utils

from crisisdesk.store import replica_periods, replica_template_keys, replica_tree_people
from crisisdesk.store import replication as repl
from crisisdesk.store.creation_order import created_later

# The families projected before the others.
CREATED: tuple[str, ...] = ("contact", "calling_tree", "incident", "template", "period")
CREATED += (replica_tree_people.FAMILY,)  # a person added to a tree (after its tree)
Key = tuple[str, str, str]  # (entity, entity id, field), as in replica_edits


def unsent(db: sqlite_utils.Database, entity_id: str) -> bool:
    """True while the entity's creation record has not left this laptop (it is still in the
    outbox): a change now is part of the creation, not an edit of it."""
    return db.execute("SELECT 1 FROM repl_records WHERE id = ? AND state = 'outbox' AND "
                      f"family IN ({', '.join('?' for _ in CREATED)})",
                      [entity_id, *CREATED]).fetchone() is not None


def note_removal(db: sqlite_utils.Database, entity: str, entity_id: str, *, operator: str,
                 at: str) -> str:
    """On a team desk, record that `entity_id` was deleted (a contact) or removed (a tree);
    call after the change. Returns the record's id ('' when nothing is recorded: not a team
    desk, or a contact that never left this laptop)."""
    ident = repl.identity(db)
    if ident is None:
        return ""
    if entity == "contact" and unsent(db, entity_id):
        db.execute("DELETE FROM repl_records WHERE id = ?", [entity_id])
        return ""
    data: dict[str, Any] = {}
    if entity == "calling_tree":
        row = db.execute("SELECT version FROM calling_trees WHERE id = ?", [entity_id]).fetchone()
        data["version"] = int(row[0]) if row else 0
    rid = str(uuid.uuid4())
    db.execute("INSERT INTO repl_removals (id, entity, entity_id, data, origin, operator, at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               [rid, entity, entity_id, json.dumps(data, sort_keys=True), ident.laptop_id,
                operator, at])
    return rid


def json_object(text: object) -> dict[str, Any]:
    """A record's JSON text as a dict ({} for anything else: a damaged record is skipped)."""
    try:
        data = json.loads(str(text))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _removal(db: sqlite_utils.Database,
             entity_id: str) -> tuple[str, str, dict[str, Any]] | None:
    """(when, by whom, data) of the earliest removal of the entity, if any."""
    row = db.execute("SELECT at, operator, data FROM repl_removals WHERE entity_id = ? "
                     "ORDER BY at, id LIMIT 1", [entity_id]).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(str(row[2]))
    except ValueError:
        data = {}
    return str(row[0]), str(row[1]), data if isinstance(data, dict) else {}


# -- projection -------------------------------------------------------------------------------
def prepare(db: sqlite_utils.Database, family: str, row: dict[str, Any], origin: str,
            laptops: dict[str, str]) -> tuple[dict[str, Any] | None, int]:
    """The row to insert for a creation record (None: the entity was removed, insert nothing),
    and how many trees were renamed to make room for it."""
    if family == "contact":
        return (None if _removal(db, str(row["id"])) else row), 0
    if family == "period":
        return replica_periods.prepare(db, row)
    if family == replica_tree_people.FAMILY:
        return replica_tree_people.prepare(db, row)
    if family == "template":
        return replica_template_keys.prepare(
            db, row, laptops.get(origin, origin[:8]),
            lambda other: laptops.get(_origin(db, other), other[:8]))
    if family != "calling_tree":
        return row, 0
    row = dict(row)
    removed = _removal(db, str(row["id"]))
    key = str(row["name"]).casefold()
    if removed is not None:  # it stays in the desk (activations refer to it), out of the list
        at, by, data = removed
        row.update(removed_at=at, name_key=f"{key} (removed {row['id']})", updated_at=at,
                   updated_by=by,
                   version=max(int(row.get("version") or 1), int(data.get("version") or 0)))
        return row, 0
    row.update(removed_at="", name_key=key)
    other = db.execute("SELECT id, name, created_at FROM calling_trees WHERE name_key = ? "
                       "AND id != ?", [key, row["id"]]).fetchone()
    if other is None:
        return row, 0
    if created_later(row, other[0], other[2]):  # the one created first keeps the name
        row["name"] = _free_name(db, str(row["name"]), laptops.get(origin, origin[:8]))
        row["name_key"] = str(row["name"]).casefold()
        return row, 1
    name = _free_name(db, str(other[1]), laptops.get(_origin(db, str(other[0])),
                                                     str(other[0])[:8]))
    db.execute("UPDATE calling_trees SET name = ?, name_key = ? WHERE id = ?",
               [name, name.casefold(), other[0]])
    return row, 1


def _origin(db: sqlite_utils.Database, entity_id: str) -> str:
    """The laptop that created an entity ('' for one that came with the clone)."""
    row = db.execute("SELECT origin, state FROM repl_records WHERE id = ?",
                     [entity_id]).fetchone()
    if row is None:
        return ""
    if str(row[1]) == "outbox":  # created here, not sent yet
        ident = repl.identity(db)
        return ident.laptop_id if ident else ""
    return str(row[0])


def _free_name(db: sqlite_utils.Database, name: str, laptop: str) -> str:
    """'Night shift (Site 2 laptop)', or with a number if even that is taken."""
    candidate, n = f"{name} ({laptop})", 2
    while db.execute("SELECT 1 FROM calling_trees WHERE name_key = ?",
                     [candidate.casefold()]).fetchone():
        candidate, n = f"{name} ({laptop} {n})", n + 1
    return candidate


def apply_removals(db: sqlite_utils.Database, removal_ids: Iterable[str]) -> None:
    """Carry out removal records just projected: delete the contact, take the tree out of
    the list (what the removing laptop did)."""
    for entity, entity_id, at, data in db.execute(
            "SELECT entity, entity_id, at, data FROM repl_removals WHERE id IN "
            "(SELECT value FROM json_each(?))", [json.dumps(sorted(removal_ids))]).fetchall():
        if entity == replica_tree_people.ENTITY:
            replica_tree_people.apply_removal(db, str(at), json_object(data))
        elif entity == "contact":
            db.execute("DELETE FROM contacts WHERE id = ?", [entity_id])
        elif entity == "calling_tree":
            removed = _removal(db, str(entity_id))  # the first one, if it was removed twice
            if removed is None:
                continue
            at, by, data = removed
            db.execute("UPDATE calling_trees SET removed_at = ?, "
                       "name_key = name_key || ' (removed ' || id || ')', "
                       "version = max(version, ?), updated_at = ?, updated_by = ? "
                       "WHERE id = ? AND removed_at = ''",
                       [at, int(data.get("version") or 0), at, by, entity_id])


def edit_keys(db: sqlite_utils.Database, entity_ids: Iterable[str]) -> set[Key]:
    """The edited fields of these entities (to settle once their creation is here), and of
    what lives in them (a period's line-ups: 'period id/role key')."""
    return {(str(e), str(i), str(f)) for e, i, f in db.execute(
        "SELECT DISTINCT entity, entity_id, field FROM repl_edits WHERE entity_id IN "
        "(SELECT value FROM json_each(?1)) OR (instr(entity_id, '/') > 0 AND "
        "substr(entity_id, 1, instr(entity_id, '/') - 1) IN (SELECT value FROM json_each(?1)))",
        [json.dumps(sorted(set(entity_ids)))])}


def on_removed(db: sqlite_utils.Database, edit_ids: Iterable[str],
               removal_ids: Iterable[str]) -> int:
    """How many edits a merge leaves unapplied because their entity is removed: the edit
    records it brought of a removed entity, and every edit (this laptop's too) of an entity
    one of its removal records removed."""
    return int(db.execute(
        "SELECT count(*) FROM repl_edits WHERE entity_id IN "
        "(SELECT entity_id FROM repl_removals) AND (id IN (SELECT value FROM json_each(?)) "
        "OR entity_id IN (SELECT entity_id FROM repl_removals WHERE id IN "
        "(SELECT value FROM json_each(?))))",
        [json.dumps(sorted(set(edit_ids))), json.dumps(sorted(set(removal_ids)))]
    ).fetchone()[0])
