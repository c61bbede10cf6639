"""Edit records: how editable entities (`ENTITIES`) replicate without a silent winner.

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
Heads that all hold the same value (two laptops made the same correction) agree: no conflict.
An entity whose fields are not plain columns of one row found by `id` (a role's line-up, a
setting that may have no row) names its own `read` and `write`. After the fields, a calling
tree whose moves, each fine alone, make a loop together is settled as a conflict of its own
(store/replica_tree_loops.py); store/replica_conflicts.py does both.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.store import replica_creations, replica_obligations, replica_templates
from crisisdesk.store import replication as repl
from crisisdesk.store import roles as role_store
from crisisdesk.store import settings as settings_store

# (db, entity id) -> the entity's columns; (db, entity id, columns, (at, by) or None) -> None
Reader = Callable[[sqlite_utils.Database, str], dict[str, Any]]
Writer = Callable[[sqlite_utils.Database, str, dict[str, Any], tuple[str, str] | None], None]


@dataclass(frozen=True)
class Entity:
    """An editable table: its replicated fields, each as the columns it is stored in.

    `label_sql`: a query (one `?`: the entity id) for what people call it, when `label_col`
    of its own row is not enough. `read`/`write`: for an entity that is not one row by `id`."""

    name: str
    table: str
    label_col: str
    fields: dict[str, tuple[str, ...]]
    label_sql: str = ""
    read: Reader | None = None
    write: Writer | None = None


ENTITIES = {e.name: e for e in (
    Entity("contact", "contacts", "name", {
        "name": ("name",), "job_title": ("job_title",), "organisation": ("organisation",),
        "kind": ("kind",), "email": ("email",), "notes": ("notes",), "tags": ("tags",),
        "phones": ("phones", "phone_digits")}),
    Entity("incident", "incidents", "title", {
        "title": ("title",), "kind": ("kind",), "status": ("status",),
        "discovered_on": ("discovered_on",), "breach_started_on": ("breach_started_on",),
        "breach_ended_on": ("breach_ended_on",), "contained_on": ("contained_on",),
        "systems_affected": ("systems_affected",), "info_kinds": ("info_kinds",),
        "affected": ("affected_by_state", "affected_unknown"),
        "law_enforcement_delay": ("law_enforcement_delay",),
        "law_enforcement_notified_on": ("law_enforcement_notified_on",),
        "law_enforcement_agency": ("law_enforcement_agency",), "summary": ("summary",)}),
    # Who holds a role in a period (entity id 'period id/role key'): the people in rank
    # order; and each holder's acknowledgement and availability ('period/role/contact id').
    Entity("role_lineup", "role_assignments", "", {"holders": ("holders",)},
           label_sql=role_store.LINEUP_LABEL_SQL, read=role_store.lineup_value,
           write=role_store.write_lineup),
    Entity("role_holder", "role_assignments", "", {
        "acknowledged": ("acknowledged_at", "acknowledged_by"),
        "unavailable": ("unavailable_since", "unavailable_reason")},
           label_sql=role_store.HOLDER_LABEL_SQL, read=role_store.holder_value,
           write=role_store.write_holder),
    # A calling tree's structure: each person's caller (and place in the caller's list) and
    # backup; loops made by moves on two laptops are found after settling (tree_loops).
    Entity("tree_node", "tree_nodes", "", {
        "caller": ("caller_id", "position"), "backup": ("backup_id",)},
           label_sql="SELECT c.name || ' in ' || t.name FROM tree_nodes n JOIN contacts c "
                     "ON c.id = n.contact_id JOIN calling_trees t ON t.id = n.tree_id "
                     "WHERE n.id = ?"),
    # A template's latest version, text and approval together (replica_templates).
    Entity("template", "templates", "key", replica_templates.FIELDS,
           label_sql=replica_templates.LABEL_SQL, read=replica_templates.latest,
           write=replica_templates.write),
    # An operational period's end: when, by whom, the handover note (replica_periods).
    Entity("period", "operational_periods", "", {
        "end": ("ended_at", "ended_by", "handover_note")},
           label_sql="SELECT 'operational period ' || number FROM operational_periods "
                     "WHERE id = ?"),
    # Team-wide settings (domain/settings.py TEAM_WIDE); None: the default (no row).
    Entity("setting", "settings", "key", {"value": ("value",)}, label_sql="SELECT ?1",
           read=settings_store.value_of, write=settings_store.write_value),
    # Whether a legal deadline is done (replica_obligations); id 'incident id/obligation key'.
    Entity("obligation", "obligation_status", "", replica_obligations.FIELDS,
           label_sql=replica_obligations.LABEL_SQL, read=replica_obligations.value,
           write=replica_obligations.write),
)}

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
Key = tuple[str, str, str]  # (entity, entity id, field)
SETTLE_LAST = ("role_holder",)  # entities whose row another entity's value writes


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
    kind: str = "field"  # or "loop": moves, each fine alone, that make a loop together
    label: str = ""  # what people call it, when the entity is not one of ENTITIES


def _edit(row: tuple[Any, ...]) -> Edit:
    as_dict = replica_creations.json_object
    return Edit(str(row[0]), str(row[1]), str(row[2]), str(row[3]), as_dict(row[4]),
                as_dict(row[5]), tuple(_list(row[6])), str(row[7]), str(row[8]), str(row[9]))


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


def tree_chains(db: sqlite_utils.Database, tree_id: str, field: str
                ) -> dict[str, dict[str, Edit]]:
    """Node id -> the edit records of `field` of each person in the calling tree that has
    any, in one query (a tree's loops are looked for across all its people)."""
    cols = ", ".join(f"e.{c.strip()}" for c in _COLS.split(","))
    out: dict[str, dict[str, Edit]] = {}
    for row in db.execute(f"SELECT {cols} FROM repl_edits e JOIN tree_nodes n ON "
                          "n.id = e.entity_id WHERE e.entity = 'tree_node' AND e.field = ? "
                          "AND n.tree_id = ?", [field, tree_id]):
        edit = _edit(row)
        out.setdefault(edit.entity_id, {})[edit.id] = edit
    return out


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
def on_team(db: sqlite_utils.Database) -> bool:
    """Whether this desk is part of a team (its changes are edit records)."""
    return repl.identity(db) is not None


def current(db: sqlite_utils.Database, entity_name: str, entity_id: str) -> dict[str, Any]:
    """The entity's replicated columns as this desk has them now, the `before` of a change to
    note ({}: it lacks it, or the desk is not part of a team, so there is nothing to note and
    an old desk being upgraded is not read for columns it does not have yet)."""
    if not on_team(db):
        return {}
    return row_values(db, ENTITIES[entity_name], entity_id)


def note_now(db: sqlite_utils.Database, entity_name: str, entity_id: str,
             before: dict[str, Any], *, operator: str, at: str) -> list[str]:
    """`note_change` from `before` (read with `current` before the change) to the values the
    entity has now: for services that change an entity through several store calls."""
    return note_change(db, entity_name, entity_id, before, current(db, entity_name, entity_id),
                       operator=operator, at=at)


def row_values(db: sqlite_utils.Database, entity: Entity, entity_id: str) -> dict[str, Any]:
    if entity.read is not None:
        return entity.read(db, entity_id)
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
    them are in conflict now. (replica_conflicts.settle: this, then the calling trees.)"""
    in_conflict = 0
    # A holder's row exists only once its line-up is written: line-ups first.
    keys = sorted(set(keys), key=lambda k: (k[0] in SETTLE_LAST, k))
    for key in keys:
        entity = ENTITIES.get(key[0])
        if entity is None or key[2] not in entity.fields:
            continue
        chain = edits(db, key)
        tops = heads(chain)
        if not tops:
            continue
        if agreed(tops):
            value, stamp = tops[-1].value, (tops[-1].at, tops[-1].operator)
        else:
            in_conflict += 1
            value, stamp = kept_value(chain, tops), None
        write_field(db, entity, key[1], key[2], value, stamp)
    return in_conflict


def in_conflict(db: sqlite_utils.Database, key: Key) -> bool:
    """Whether the field has concurrent heads that disagree (nothing to settle it yet). A desk
    that is not part of a team has no edit records (nor, before its upgrade, their table)."""
    if not on_team(db):
        return False
    tops = heads(edits(db, key))
    return len(tops) > 1 and not agreed(tops)


def agreed(tops: list[Edit]) -> bool:
    """One head, or heads that all hold the same value (nothing to choose between)."""
    return len({_JSON.encode(e.value) for e in tops}) == 1


def write_field(db: sqlite_utils.Database, entity: Entity, entity_id: str, field: str,
                 value: dict[str, Any], stamp: tuple[str, str] | None) -> None:
    cols = [c for c in entity.fields[field] if c in value]
    if not cols:
        return
    if entity.write is not None:
        entity.write(db, entity_id, {c: value[c] for c in cols}, stamp)
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
        if not agreed(tops):
            out.append(ConflictRecord(conflict_id(tops), str(entity), str(entity_id),
                                      str(field), kept_value(chain, tops), tuple(tops)))
    return sorted(out, key=lambda c: (c.heads[-1].at, c.id))


def label(db: sqlite_utils.Database, entity_name: str, entity_id: str) -> str:
    """What people call the entity (a contact's name), or '' if this desk lacks it."""
    entity = ENTITIES[entity_name]
    sql = entity.label_sql or f"SELECT {entity.label_col} FROM [{entity.table}] WHERE id = ?"
    row = db.execute(sql, [entity_id]).fetchone()
    return str(row[0]) if row else ""
