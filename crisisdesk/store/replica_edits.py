"""Edit records: how editable entities (contacts first) replicate without a silent winner.

A change of one field on a team desk writes, beside the row, an immutable record in
`repl_edits`: the entity and field, the new value and the one it replaced (as column values),
the edit records it supersedes (none: the value as cloned), its origin laptop, operator and
time. The engine carries these records like any other family; after a merge `settle` recomputes
each touched field from its edit records alone, so every desk holding the same records shows
the same value, whatever the order they came in:

* one *head* (an edit no other edit supersedes): the field takes the head's value;
* several heads (edits made concurrently on two laptops): a **conflict**. Nobody wins: the
  field keeps the value it had before them (the newest edit all heads build on, or the value
  as cloned), and `conflicts` lists the heads side by side. A resolution is a new edit that
  supersedes all of them, so it replicates and clears the conflict on every desk.

Only `ENTITIES` are covered. Creating and deleting entities replicate as their own records
(store/replica_creations.py): an entity created after the clone starts from the value its
creation record carries; a removed one shows no conflicts and no edit brings it back.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.store import replica_creations
from crisisdesk.store import replication as repl


@dataclass(frozen=True)
class Entity:
    """An editable table: its replicated fields, each as the columns it is stored in."""

    name: str
    table: str
    label_col: str
    fields: dict[str, tuple[str, ...]]


ENTITIES = {e.name: e for e in (
    Entity("contact", "contacts", "name", {
        "name": ("name",), "job_title": ("job_title",), "organisation": ("organisation",),
        "kind": ("kind",), "email": ("email",), "notes": ("notes",), "tags": ("tags",),
        "phones": ("phones", "phone_digits")}),
)}

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
Key = tuple[str, str, str]  # (entity, entity id, field)


@dataclass(frozen=True)
class Edit:
    id: str
    entity: str
    entity_id: str
    field: str
    value: dict[str, Any]
    was: dict[str, Any]
    supersedes: tuple[str, ...]
    origin: str
    operator: str
    at: str


@dataclass(frozen=True)
class ConflictRecord:
    """Concurrent edits of one field: `heads` (oldest first) and the value kept meanwhile."""

    id: str
    entity: str
    entity_id: str
    field: str
    kept: dict[str, Any]
    heads: tuple[Edit, ...]


def _edit(row: tuple[Any, ...]) -> Edit:
    return Edit(str(row[0]), str(row[1]), str(row[2]), str(row[3]), _dict(row[4]),
                _dict(row[5]), tuple(_list(row[6])), str(row[7]), str(row[8]), str(row[9]))


def _dict(text: object) -> dict[str, Any]:
    try:
        value = json.loads(str(text))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _list(text: object) -> list[str]:
    try:
        value = json.loads(str(text))
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


_COLS = "id, entity, entity_id, field, value, was, supersedes, origin, operator, at"


def edits(db: sqlite_utils.Database, key: Key) -> dict[str, Edit]:
    rows = db.execute(f"SELECT {_COLS} FROM repl_edits WHERE entity = ? AND entity_id = ? "
                      "AND field = ?", list(key)).fetchall()
    return {str(r[0]): _edit(r) for r in rows}


def heads(chain: dict[str, Edit]) -> list[Edit]:
    """The edits no other edit supersedes, oldest first."""
    superseded = {p for e in chain.values() for p in e.supersedes}
    return sorted((e for e in chain.values() if e.id not in superseded),
                  key=lambda e: (e.at, e.id))


def _ancestors(chain: dict[str, Edit], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(chain[start].supersedes)
    while todo:
        eid = todo.pop()
        if eid in seen or eid not in chain:
            continue
        seen.add(eid)
        todo.extend(chain[eid].supersedes)
    return seen


def kept_value(chain: dict[str, Edit], tops: list[Edit]) -> dict[str, Any]:
    """The value before concurrent heads: the newest edit they all build on, else the value
    as cloned (what the first edits replaced)."""
    lines = [_ancestors(chain, h.id) for h in tops]
    common = set.intersection(*lines) if lines else set()
    if common:
        newest = [c for c in common
                  if not any(c in _ancestors(chain, d) for d in common if d != c)]
        return chain[max(newest, key=lambda c: (chain[c].at, c))].value
    roots = sorted((e for e in chain.values() if not any(p in chain for p in e.supersedes)),
                   key=lambda e: e.id)
    return roots[0].was if roots else {}


def conflict_id(tops: Iterable[Edit]) -> str:
    """The same on every desk holding these heads."""
    return hashlib.sha256("|".join(sorted(e.id for e in tops)).encode()).hexdigest()[:8]


# -- writing --------------------------------------------------------------------------------
def row_values(db: sqlite_utils.Database, entity: Entity, entity_id: str) -> dict[str, Any]:
    cols = sorted({c for cols in entity.fields.values() for c in cols})
    row = db.execute(f"SELECT {', '.join(cols)} FROM [{entity.table}] WHERE id = ?",
                     [entity_id]).fetchone()
    return dict(zip(cols, row, strict=True)) if row else {}


def note_change(db: sqlite_utils.Database, entity_name: str, entity_id: str,
                before: dict[str, Any], after: dict[str, Any], *, operator: str,
                at: str) -> list[str]:
    """On a team desk, one edit record per field whose columns changed from `before` to
    `after` (it supersedes the field's current heads); returns the fields. Nothing on a
    desk that is not part of a team."""
    ident = repl.identity(db)
    if ident is None or not before:
        return []
    if replica_creations.unsent(db, entity_id):  # its creation record will carry the change
        return []
    entity = ENTITIES[entity_name]
    changed = []
    for field, cols in entity.fields.items():
        if all(before.get(c) == after.get(c) for c in cols if c in after):
            continue
        value = {c: after.get(c, before.get(c)) for c in cols}
        write_edit(db, entity_name, entity_id, field, value,
                   {c: before.get(c) for c in cols},
                   [h.id for h in heads(edits(db, (entity_name, entity_id, field)))],
                   origin=ident.laptop_id, operator=operator, at=at)
        changed.append(field)
    return changed


def write_edit(db: sqlite_utils.Database, entity: str, entity_id: str, field: str,
               value: dict[str, Any], was: dict[str, Any], supersedes: list[str], *,
               origin: str, operator: str, at: str) -> str:
    """Insert one edit record (its trigger queues it for the engine); returns its id."""
    eid = str(uuid.uuid4())
    db.execute(f"INSERT INTO repl_edits ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [eid, entity, entity_id, field, _JSON.encode(value), _JSON.encode(was),
                _JSON.encode(sorted(supersedes)), origin, operator, at])
    return eid


def settle(db: sqlite_utils.Database, keys: Iterable[Key]) -> int:
    """Set each field from its edit records (see the module docstring); returns how many of
    them are in conflict now."""
    in_conflict = 0
    for key in sorted(set(keys)):
        entity = ENTITIES.get(key[0])
        if entity is None or key[2] not in entity.fields:
            continue
        chain = edits(db, key)
        tops = heads(chain)
        if not tops:
            continue
        if len(tops) == 1:
            value, stamp = tops[0].value, (tops[0].at, tops[0].operator)
        else:
            in_conflict += 1
            value, stamp = kept_value(chain, tops), None
        _write_field(db, entity, key[1], key[2], value, stamp)
    return in_conflict


def _write_field(db: sqlite_utils.Database, entity: Entity, entity_id: str, field: str,
                 value: dict[str, Any], stamp: tuple[str, str] | None) -> None:
    cols = [c for c in entity.fields[field] if c in value]
    if not cols:
        return
    sets = [f"{c} = ?" for c in cols]
    values = [value[c] for c in cols]
    if stamp is not None:
        sets += ["updated_at = ?", "updated_by = ?"]
        values += list(stamp)
    db.execute(f"UPDATE [{entity.table}] SET {', '.join(sets)} WHERE id = ?",
               [*values, entity_id])


# -- reading --------------------------------------------------------------------------------
def conflicts(db: sqlite_utils.Database) -> list[ConflictRecord]:
    """Every field with concurrent heads, oldest conflict first."""
    # Only the fields with more than one head are read edit by edit.
    keys = db.execute(
        "WITH superseded AS (SELECT DISTINCT j.value AS id FROM repl_edits s, "
        "json_each(s.supersedes) j) SELECT entity, entity_id, field FROM repl_edits "
        "WHERE id NOT IN superseded "
        "AND entity_id NOT IN (SELECT entity_id FROM repl_removals) "  # removal wins
        "GROUP BY entity, entity_id, field HAVING count(*) > 1 "
        "ORDER BY entity, entity_id, field").fetchall()
    out = []
    for entity, entity_id, field in keys:
        chain = edits(db, (str(entity), str(entity_id), str(field)))
        tops = heads(chain)
        if len(tops) > 1:
            out.append(ConflictRecord(conflict_id(tops), str(entity), str(entity_id),
                                      str(field), kept_value(chain, tops), tuple(tops)))
    return sorted(out, key=lambda c: (c.heads[-1].at, c.id))


def label(db: sqlite_utils.Database, entity_name: str, entity_id: str) -> str:
    """What people call the entity (a contact's name), or '' if this desk lacks it."""
    entity = ENTITIES[entity_name]
    row = db.execute(f"SELECT {entity.label_col} FROM [{entity.table}] WHERE id = ?",
                     [entity_id]).fetchone()
    return str(row[0]) if row else ""
