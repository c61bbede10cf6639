"""The relational desk as a projection of the replicated records: what the app keeps reading.

After the engine merged a bundle, each record this desk did not know becomes a row of its table
(with this desk's own `seq`, so lists keep their local order), in time order. A record whose
row cannot be written yet (a call on an activation this laptop has not got, a timeline entry of
an unknown incident) waits, kept in the engine and relayed, and is tried again at every import
(and within one import once what it refers to is written: entities created after the clone,
store/replica_creations.py, are written first).
A record of a kind or version this CrisisDesk does not know is kept and relayed, never shown.
Calls also fold into each person's state, recomputed from all their calls, so the order in
which laptops' calls arrive does not change the result.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from crisisdesk.domain.call_outcomes import fold
from crisisdesk.store import activations as activation_store
from crisisdesk.store import latest_wins, replica_conflicts, replica_edits, replica_tree_people
from crisisdesk.store import letters as letter_store
from crisisdesk.store import replica_creations as creations
from crisisdesk.store import replication as repl
from crisisdesk.store.errors import DB_ERRORS

# What writing one record's row may raise: the driver's errors, and a malformed record.
_ROW_ERRORS: tuple[type[BaseException], ...] = (*DB_ERRORS, TypeError, ValueError)


@dataclass
class Brought:
    """What one merge added to this desk: (origin laptop, family) -> rows; waiting records."""

    rows: Counter[tuple[str, str]] = field(default_factory=Counter)
    waiting: int = 0
    unknown: int = 0
    conflicts: int = 0  # fields its edit records left in conflict
    closed: set[str] = field(default_factory=set)  # closed activations it touched
    renamed: int = 0  # trees renamed because two laptops created one of the same name
    rekeyed: int = 0  # templates given a new key: two laptops created one with one key
    set_aside: int = 0  # periods set aside: two laptops started one with one number
    kept_once: int = 0  # a person added to one tree on two laptops: one entry kept
    on_removed: int = 0  # edit records of a deleted contact or removed tree (kept, not applied)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [str(r[1]) for r in db.execute(f"PRAGMA table_info([{table}])").fetchall()]


def project(db: sqlite_utils.Database, replica: repl.Replica) -> Brought:
    """Write every record the engine has and the tables lack (new ones, and waiting ones)."""
    brought = Brought()
    known = repl.known_ids(db)
    waiting = {str(r[0]) for r in db.execute(
        "SELECT id FROM repl_records WHERE state IN ('waiting', 'unknown')")}
    wanted = (replica.keys() - known) | waiting
    records = [_parse(key, text) for key, text in replica.records(sorted(wanted))]
    # Noted before their rows are written, so the tables' triggers do not take them for
    # rows written here.
    db.conn.executemany(
        "INSERT INTO repl_records (id, family, state, origin, operator, at) "
        "VALUES (?, ?, 'unknown', ?, ?, ?)",
        [(rec["id"], str(rec.get("family", "")), str(rec.get("origin", "")),
          str(rec.get("by", "")), str(rec.get("at", "")))
         for rec in records if rec["id"] not in known])
    # What others refer to first (a tree before its activations before their calls), then
    # in time order (see _referred).
    records.sort(key=lambda r: (_referred(r), str(r.get("at", "")), str(r.get("id", ""))))
    columns: dict[str, list[str]] = {}
    calls: set[tuple[str, str]] = set()
    edited: set[replica_edits.Key] = set()
    settled = _Settled()
    edit_ids: list[str] = []
    created: list[str] = []
    removals: list[str] = []
    states: list[tuple[str, str]] = []
    laptops = replica.laptops()
    pending = records
    while pending:  # again while a pass wrote what a waiting record refers to
        later: list[dict[str, Any]] = []
        for rec in pending:
            state = _write_row(db, rec, columns, laptops, brought)
            if state == "waiting":
                later.append(rec)
                continue
            states.append((state, rec["id"]))
            if state == "projected":
                brought.rows[(str(rec["origin"]), str(rec["family"]))] += 1
                row = rec["row"]
                if rec["family"] == "call_attempt":
                    calls.add((str(row["activation_id"]), str(row["contact_id"])))
                elif rec["family"] == "edit":
                    edited.add((str(row["entity"]), str(row["entity_id"]), str(row["field"])))
                    edit_ids.append(str(rec["id"]))
                elif rec["family"] in creations.CREATED:
                    created.append(str(rec["id"]))
                elif rec["family"] == "removal":
                    removals.append(str(rec["id"]))
                settled.note(str(rec["family"]), row)
            elif state == "unknown":
                brought.unknown += 1
        if len(later) == len(pending):
            break
        pending = later
    states += [("waiting", rec["id"]) for rec in pending]
    brought.waiting = len(pending)
    db.conn.executemany("UPDATE repl_records SET state = ? WHERE id = ?", states)
    for activation_id, contact_id in sorted(calls):
        state_now = fold(activation_store.attempts(db, activation_id, contact_id))
        activation_store.update_state(db, activation_id, contact_id, state_now)
    creations.apply_removals(db, removals)
    replica_tree_people.apply_to_new_trees(db, created)
    # Edits that came before their entity's creation take effect now.
    edited |= creations.edit_keys(db, created)
    brought.conflicts = replica_conflicts.settle(db, edited)
    brought.closed = settled.apply(db, {a for a, _ in calls})
    brought.on_removed = creations.on_removed(db, edit_ids, removals)
    return brought


@dataclass
class _Settled:
    """Rows that show the latest of their records, to set again after a merge: letters
    (their mailing log), systems and filings (their reports), activations (their closes)."""

    letters: set[str] = field(default_factory=set)
    systems: set[tuple[str, ...]] = field(default_factory=set)
    filings: set[tuple[str, ...]] = field(default_factory=set)
    activations: set[str] = field(default_factory=set)

    def note(self, family: str, row: dict[str, Any]) -> None:
        if family == "letter_event":
            self.letters.add(str(row["letter_id"]))
        elif family == "system_update":
            self.systems.add((str(row["system_id"]),))
        elif family == "filing_event":
            self.filings.add((str(row["incident_id"]), str(row["key"])))
        elif family in ("activation_close", "caller_mark"):
            self.activations.add(str(row["activation_id"]))

    def apply(self, db: sqlite_utils.Database, called: set[str]) -> set[str]:
        """Set them again; returns the closed activations touched (their kept report is
        recomputed by the caller: it counts every call, whenever it arrived)."""
        letter_store.settle_status(db, self.letters)
        latest_wins.settle(db, latest_wins.SYSTEMS, self.systems)
        latest_wins.settle(db, latest_wins.FILINGS, self.filings)
        return {a for a in sorted(self.activations | called)
                if activation_store.settle_close(db, a)}


def _referred(rec: dict[str, Any]) -> int:
    """Removals first (a creation that comes with its removal is written removed), then
    creations, then records with children (activations), then the rest."""
    name = str(rec.get("family", ""))
    if name == "removal":
        return 0
    if name in creations.CREATED:
        return 1
    family = repl.FAMILIES.get(name)
    return 2 if family is not None and family.children is not None else 3


def _parse(key: str, text: str) -> dict[str, Any]:
    try:
        rec = json.loads(text)
    except ValueError:
        return {"id": key}
    if not isinstance(rec, dict) or rec.get("id") != key:
        return {"id": key}
    return rec


def _write_row(db: sqlite_utils.Database, rec: dict[str, Any],
               columns: dict[str, list[str]], laptops: dict[str, str],
               brought: Brought) -> str:
    """'projected', 'present' (it was here already), 'waiting' (what it refers to is
    missing here), 'removed' (a creation whose entity was removed meanwhile) or 'unknown'."""
    family = repl.FAMILIES.get(str(rec.get("family", "")))
    row = rec.get("row")
    if family is None or not isinstance(row, dict) or rec.get("v") != repl.RECORD_SCHEMA \
            or row.get("id") != rec.get("id"):
        return "unknown"
    if family.name in creations.CREATED:
        if db.execute(f"SELECT 1 FROM [{family.table}] WHERE id = ?", [row["id"]]).fetchone():
            return "present"  # (before any renaming: its row came with the clone)
        ready, renamed = creations.prepare(db, family.name, row, str(rec.get("origin", "")),
                                           laptops)
        if ready is None:
            if family.name == "tree_node":  # (the same person added here first: kept once)
                brought.kept_once += renamed
            return "removed"
        row = ready
        if family.name == "template":
            brought.rekeyed += renamed
        elif family.name == "period":
            brought.set_aside += renamed
        elif family.name == "tree_node":
            brought.kept_once += renamed
        else:
            brought.renamed += renamed
    table = family.table
    if table not in columns:
        columns[table] = _columns(db, table)
    fixed = dict(family.fixed)
    cols = [c for c in columns[table]
            if (c in row or c in fixed) and c not in family.local_cols]
    values: list[Any] = [fixed[c] if c in fixed else row[c] for c in cols]
    for col, value in (("updated_at", rec.get("at")), ("updated_by", rec.get("by"))):
        if col in family.local_cols and col in columns[table]:  # as when it was written
            cols.append(col)
            values.append(value)
    marks = ["?"] * len(cols)
    for local in family.local_cols:
        if local == "seq":
            cols.append(local)
            marks.append(f"(SELECT coalesce(max({local}), 0) + 1 FROM [{table}])")
    sql = (f"INSERT INTO [{table}] ({', '.join(cols)}) VALUES ({', '.join(marks)})")
    # A statement that fails undoes only itself; a row with children needs a savepoint.
    nested = family.children is not None
    try:
        if nested:
            db.execute("SAVEPOINT repl_row")
        db.execute(sql, values)
        if family.children is not None:
            _write_children(db, family.children, str(rec["id"]), rec.get("children"))
    except _ROW_ERRORS as exc:
        if nested:
            db.execute("ROLLBACK TO repl_row")
            db.execute("RELEASE repl_row")
        if "FOREIGN KEY" in str(exc).upper():
            return "waiting"
        if f"UNIQUE constraint failed: {table}.id" in str(exc):
            return "present"  # the row came with the desk this one was cloned from
        if isinstance(exc, TypeError | ValueError) or "constraint" in str(exc).lower():
            return "unknown"
        raise
    if nested:
        db.execute("RELEASE repl_row")
    return "projected"


def _write_children(db: sqlite_utils.Database, spec: tuple[str, str, tuple[str, ...]],
                    key: str, rows: object) -> None:
    """The rows written once with a record (an activation's people); ValueError if the
    record does not hold them as expected."""
    table, key_col, cols = spec
    if not isinstance(rows, list) or any(not isinstance(r, list) or len(r) != len(cols)
                                         for r in rows):
        raise ValueError("malformed children")
    marks = ", ".join("?" for _ in range(len(cols) + 1))
    db.conn.executemany(f"INSERT INTO [{table}] ({key_col}, {', '.join(cols)}) "
                        f"VALUES ({marks})", [[key, *r] for r in rows])
