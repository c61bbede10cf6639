"""The replication engine behind team desks: the only module that imports pycrdt.

Why pycrdt (Yjs/Yrs): state vectors, minimal deltas, idempotent and order-independent updates
and buffering of out-of-order pieces come from a maintained engine, not from our own protocol
(see ../shared/design/replication-options.md). Everything pycrdt-specific stays in `Replica`,
so Loro (or another engine) could replace it by rewriting this class.

What goes in: one Y document per desk (`DOC`) holding a map of immutable records keyed by
their UUID. Each value is a JSON *string* (Yjs turns every number into a float, and a map key
written on two laptops is settled silently by client id: records are never rewritten, so that
never decides anything). A second map names the laptops (each laptop writes only its own key).

Where it lives: the engine's update log is the `repl_updates` table inside the encrypted desk;
a document is rebuilt from it for each exchange, inside the write transaction, and a fresh
random client id is used every time (never reused with a clock another process may have
advanced). Local writes do not touch the engine at all: the triggers of the append-only tables
(and of contacts, calling trees, incidents, templates and operational periods created on a
team desk: store/replica_creations.py)
note each new row in `repl_records` ('outbox'), and `ingest` puts them into the document when
the laptop next exchanges, so recording a call costs one more INSERT, not a Y transaction.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils
from pycrdt import Doc, Map, merge_updates

from crisisdesk.store import meta, recipients
from crisisdesk.store.db import connect, write_txn

DOC = "desk"
RECORD_SCHEMA = 1
COMPACT_AFTER = 32  # log rows before they are merged into one
_RECORDS = "records"
_LAPTOPS = "laptops"
EMPTY_UPDATE = b"\x00\x00"  # what an update holding nothing encodes to


@dataclass(frozen=True)
class Family:
    """A kind of immutable record: its table, who wrote it, when, and the columns that are
    this desk's own numbering (never replicated: each desk numbers its rows itself).

    `fixed`: columns a later local change may alter (an activation's closing, which travels
    as its own record: `activation_close`), replicated as their value at the start.
    `children`: rows of another table written with it once (an activation's frozen copy of
    the tree), as (table, key column, columns)."""

    name: str
    table: str
    operator_col: str
    at_col: str
    local_cols: tuple[str, ...] = ("seq",)
    fixed: tuple[tuple[str, object], ...] = ()
    children: tuple[str, str, tuple[str, ...]] | None = None


FAMILIES = {f.name: f for f in (
    Family("activation", "tree_activations", "started_by", "started_at",
           ("updated_at", "updated_by"),
           fixed=(("status", "open"), ("closed_at", ""), ("closed_by", ""), ("summary", "")),
           children=("activation_people", "activation_id",
                     ("contact_id", "seq", "name", "job_title", "phones", "caller_id",
                      "backup_id", "position", "depth", "branch_id"))),
    Family("call_attempt", "call_attempts", "recorded_by", "at", ()),
    Family("caller_mark", "caller_marks", "recorded_by", "at"),
    Family("timeline_entry", "timeline", "updated_by", "at"),
    Family("media_event", "media_events", "operator", "at"),
    Family("cadence_event", "cadence_events", "operator", "at"),
    Family("log_entry", "message_log", "operator", "issued_at", ()),
    Family("hotline_call", "hotline_calls", "agent", "at", ()),
    # A re-mail's corrected address stays here: no patient address in the team's exchange.
    Family("letter_event", "letter_events", "operator", "at", ("address",)),
    Family("hotline_question", "hotline_questions", "agent", "at", ()),
    Family("substitute_placement", "substitute_media", "created_by", "created_at", ()),
    # Reports that set a row's latest values (store/latest_wins.py), and closes.
    Family("system_update", "system_updates", "operator", "at", ()),
    Family("filing_event", "filing_events", "operator", "at", ()),
    Family("activation_close", "activation_closes", "operator", "at", ()),
    # A change of one field of an editable entity (store/replica_edits.py).
    Family("edit", "repl_edits", "operator", "at", ()),
    # Entities created after the clone, keyed by their own id, as they are when they first
    # leave the laptop; and their deletion (store/replica_creations.py).
    Family("contact", "contacts", "updated_by", "created_at", ()),
    Family("calling_tree", "calling_trees", "updated_by", "created_at", (),
           children=("tree_nodes", "tree_id",
                     ("id", "contact_id", "caller_id", "backup_id", "position", "created_at",
                      "updated_at", "updated_by"))),
    Family("incident", "incidents", "updated_by", "created_at", ()),
    Family("removal", "repl_removals", "operator", "at", ()),
    # A template created after the clone, with its versions (store/replica_template_keys.py).
    Family("template", "templates", "created_by", "created_at", ("updated_at", "updated_by"),
           children=("template_versions", "template_id",
                     ("id", "version", "status", "body", "variables", "required_sections",
                      "sha256", "note", "created_at", "created_by", "updated_at",
                      "updated_by", "submitted_at", "submitted_by", "approved_at",
                      "approved_by", "acknowledged_warnings", "retired_at", "retired_by",
                      "retired_reason", "approval_signer", "approval_key",
                      "approval_signature"))),
    # An operational period started after the clone (store/replica_periods.py).
    Family("period", "operational_periods", "updated_by", "created_at",
           ("updated_at", "updated_by")),
)}
# A person added to a calling tree every laptop has (store/replica_tree_people.py).
FAMILIES["tree_node"] = Family("tree_node", "tree_nodes", "updated_by", "created_at", ())
# An incident's patient data purged (store/replica_purge.py): every desk deletes it too.
FAMILIES["purge"] = Family("purge", "repl_purges", "operator", "at", ())
# Families whose records are an incident's patient data: each record names the incidents
# whose purge deletes it ("incidents"), so a desk that has the purge drops it on arrival.
PATIENT_FAMILIES = ("letter_event", "hotline_call")


# -- which team and which laptop this desk is (laptop-local: never replicated) -----------------
@dataclass(frozen=True)
class Identity:
    team_id: str
    team_key: bytes
    laptop_id: str
    laptop_name: str


def identity(db: sqlite_utils.Database) -> Identity | None:
    """This desk's team and laptop, or None for a desk that is not part of a team yet."""
    team = meta.get(db, "team_id")
    if not team:
        return None
    return Identity(team, bytes.fromhex(meta.get(db, "team_key") or ""),
                    meta.get(db, "laptop_id") or "", meta.get(db, "laptop_name") or "")


def new_team(db: sqlite_utils.Database, laptop_name: str) -> Identity:
    """Make this desk the first laptop of a new team: a team id and a random team key (bundles
    are encrypted with it; it stays inside the encrypted desk and survives a rekey)."""
    made = Identity(str(uuid.uuid4()), secrets.token_bytes(32), str(uuid.uuid4()), laptop_name)
    set_identity(db, made)
    return made


def set_identity(db: sqlite_utils.Database, ident: Identity) -> None:
    meta.put_many(db, {"team_id": ident.team_id, "team_key": ident.team_key.hex(),
                       "laptop_id": ident.laptop_id, "laptop_name": ident.laptop_name})


def copy_desk(db: sqlite_utils.Database, target: Path, data_key: bytes,
              ident: Identity) -> None:
    """A consistent copy of the desk file at `target` (same data key, through SQLite, the
    app may be open) that is the laptop `ident` of the same team."""
    db.execute("VACUUM INTO ?", [str(target)])
    copy = connect(target, data_key)
    try:
        with write_txn(copy):
            set_identity(copy, ident)
    finally:
        copy.conn.close()


# -- the engine -----------------------------------------------------------------------------
class Replica:
    """One Y document: put immutable records, compute deltas, apply updates."""

    def __init__(self) -> None:
        self._doc: Doc = Doc(client_id=secrets.randbits(31) + 1)
        self._records: Map = self._doc.get(_RECORDS, type=Map)
        self._laptops: Map = self._doc.get(_LAPTOPS, type=Map)

    def state(self) -> bytes:
        """The state vector: what this document has seen, per writer."""
        return bytes(self._doc.get_state())

    def delta(self, since: bytes | None = None) -> bytes:
        """An update holding everything not covered by `since` (everything if None)."""
        return bytes(self._doc.get_update(since) if since else self._doc.get_update())

    def apply(self, update: bytes) -> None:
        """Merge an update: applying one twice, or in any order, gives the same document.
        ValueError if `update` is not one."""
        self._doc.apply_update(update)

    def put(self, records: Iterable[tuple[str, str]]) -> bytes:
        """Add (key, JSON text) records in one transaction; returns the update they make."""
        before = self._doc.get_state()
        with self._doc.transaction():
            for key, value in records:
                self._records[key] = value
        return bytes(self._doc.get_update(before))

    def name_laptop(self, laptop_id: str, name: str) -> bytes:
        """Record this laptop's display name (only ever written by the laptop itself)."""
        if self._laptops.get(laptop_id) == name:
            return b""
        before = self._doc.get_state()
        with self._doc.transaction():
            self._laptops[laptop_id] = name
        return bytes(self._doc.get_update(before))

    def forget(self, keys: Iterable[str]) -> bytes:
        """Delete records (a purge): their keys become tombstones that replicate, and their
        content is garbage-collected (the document never skips gc), so an update encoded from
        it afterwards no longer holds it. Returns the update the deletions make."""
        before = self._doc.get_state()
        with self._doc.transaction():
            for key in keys:
                if key in self._records:
                    del self._records[key]
        return bytes(self._doc.get_update(before))

    def laptops(self) -> dict[str, str]:
        with self._doc.transaction():
            return {str(k): str(v) for k, v in self._laptops.items()}

    def keys(self) -> set[str]:
        with self._doc.transaction():
            return {str(k) for k in self._records.keys()}  # noqa: SIM118 (a Y map)

    def records(self, keys: Iterable[str]) -> Iterator[tuple[str, str]]:
        with self._doc.transaction():
            for key in keys:
                value = self._records.get(key)
                if value is not None:
                    yield key, str(value)


def count_records(update: bytes) -> int:
    """How many records an update holds (ValueError if it is not one)."""
    replica = Replica()
    replica.apply(update)
    return len(replica.keys())


# -- the update log inside the desk ---------------------------------------------------------
def load(db: sqlite_utils.Database) -> Replica:
    """The desk's document rebuilt from its log. Call inside the write transaction that will
    append to the log, so no other process writes between the read and the write."""
    replica = Replica()
    rows = [bytes(r[0]) for r in db.execute(
        "SELECT data FROM repl_updates WHERE doc = ? ORDER BY seq", [DOC]).fetchall()]
    if rows:
        replica.apply(merge_updates(*rows) if len(rows) > 1 else rows[0])
    return replica


def append(db: sqlite_utils.Database, update: bytes, *, source: str, at: str) -> None:
    """Keep an update in the log; past COMPACT_AFTER rows the log is merged into one row
    (merge_updates keeps pieces still waiting for their predecessors)."""
    if not update or update == EMPTY_UPDATE:
        return
    db.execute("INSERT INTO repl_updates (doc, data, source, at) VALUES (?, ?, ?, ?)",
               [DOC, update, source, at])
    count = int(db.execute("SELECT count(*) FROM repl_updates WHERE doc = ?",
                           [DOC]).fetchone()[0])
    if count > COMPACT_AFTER:
        rows = db.execute("SELECT seq, data FROM repl_updates WHERE doc = ? ORDER BY seq",
                          [DOC]).fetchall()
        merged = bytes(merge_updates(*[bytes(r[1]) for r in rows]))
        db.execute("DELETE FROM repl_updates WHERE doc = ?", [DOC])
        db.execute("INSERT INTO repl_updates (doc, data, source, at) VALUES (?, ?, ?, ?)",
                   [DOC, merged, "compacted", at])


def rewrite_log(db: sqlite_utils.Database, replica: Replica, at: str) -> None:
    """Replace the log by one update encoded from the document: unlike `merge_updates` of the
    old rows, it no longer holds the content of deleted records (after a purge)."""
    db.execute("DELETE FROM repl_updates WHERE doc = ?", [DOC])
    db.execute("INSERT INTO repl_updates (doc, data, source, at) VALUES (?, ?, ?, ?)",
               [DOC, replica.delta(), "compacted", at])


# -- local rows into the engine ---------------------------------------------------------------
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def record_text(family: Family, row: dict[str, Any], origin: str,
                children: list[list[Any]] | None = None, by: str = "",
                incidents: Iterable[str] = ()) -> str:
    """The immutable replicated form of a row: JSON text naming its origin and operator
    (`by`, else the row's operator column)."""
    skip = set(family.local_cols) | {col for col, _ in family.fixed}
    body = {k: v for k, v in row.items() if k not in skip}
    rec = {"v": RECORD_SCHEMA, "family": family.name, "id": row["id"], "origin": origin,
           "by": by or row.get(family.operator_col) or "", "at": row.get(family.at_col) or "",
           "row": body}
    if family.children is not None:
        rec["children"] = children or []
    if incidents:
        rec["incidents"] = sorted(incidents)
    return _JSON.encode(rec)


def patient_incidents(db: sqlite_utils.Database, family: Family, row: dict[str, Any]
                      ) -> list[str]:
    """The incidents whose purge deletes this row ([] for a row that is no patient data):
    a mailing-log event's own incident; for a hotline call, those of the patients its lookup
    found (only the laptop that made the lookup knows them, so they travel in the record)."""
    if family.name == "letter_event":
        return [str(row["incident_id"])]
    if family.name == "hotline_call":
        return recipients.lookup_incidents(db, str(row.get("lookup_id") or ""))
    return []


def children_of(db: sqlite_utils.Database, family: Family, key: str) -> list[list[Any]]:
    if family.children is None:
        return []
    table, key_col, cols = family.children
    return [list(r) for r in db.execute(
        f"SELECT {', '.join(cols)} FROM [{table}] WHERE {key_col} = ? ORDER BY rowid", [key])]


def outbox(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Rows written on this laptop not yet in the engine, by family."""
    out: dict[str, list[str]] = {}
    for rid, family in db.execute(
            "SELECT id, family FROM repl_records WHERE state = 'outbox' ORDER BY rowid"):
        out.setdefault(str(family), []).append(str(rid))
    return out


def ingest(db: sqlite_utils.Database, replica: Replica, ident: Identity, at: str) -> int:
    """Put this laptop's new rows into the document and the log; returns how many."""
    pending = outbox(db)
    # Who wrote a row, when its trigger noted that (a created entity's own column may name
    # whoever changed it last).
    noted = {str(r[0]): str(r[1]) for r in db.execute(
        "SELECT id, operator FROM repl_records WHERE state = 'outbox' AND operator != ''")}
    texts: list[tuple[str, str]] = []
    notes: list[tuple[str, str, str, str]] = []
    for name, ids in pending.items():
        family = FAMILIES.get(name)
        if family is None:
            continue
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" for _ in chunk)
            cursor = db.execute(f"SELECT * FROM [{family.table}] WHERE id IN ({marks})", chunk)
            cols = [d[0] for d in cursor.description]
            for values in cursor.fetchall():
                row = dict(zip(cols, values, strict=True))
                kids = children_of(db, family, str(row["id"]))
                by = noted.get(str(row["id"]), "")
                texts.append((str(row["id"]),
                              record_text(family, row, ident.laptop_id, kids, by,
                                          patient_incidents(db, family, row))))
                notes.append((ident.laptop_id, by or str(row.get(family.operator_col) or ""),
                              str(row.get(family.at_col) or ""), str(row["id"])))
    update = replica.name_laptop(ident.laptop_id, ident.laptop_name)
    append(db, update, source="local", at=at)
    if texts:
        append(db, replica.put(texts), source="local", at=at)
    db.conn.executemany("UPDATE repl_records SET state = 'local', origin = ?, operator = ?, "
                        "at = ? WHERE id = ?", notes)
    return len(texts)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# -- bookkeeping ------------------------------------------------------------------------------
def known_ids(db: sqlite_utils.Database) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT id FROM repl_records")}


def counts(db: sqlite_utils.Database) -> dict[str, dict[str, int]]:
    """family -> state -> how many records."""
    out: dict[str, dict[str, int]] = {}
    for family, state, n in db.execute(
            "SELECT family, state, count(*) FROM repl_records GROUP BY family, state"):
        out.setdefault(str(family), {})[str(state)] = int(n)
    return out


def by_origin(db: sqlite_utils.Database) -> dict[str, int]:
    """origin laptop -> records this desk holds from it."""
    return {str(o): int(n) for o, n in db.execute(
        "SELECT origin, count(*) FROM repl_records WHERE origin != '' GROUP BY origin")}


def by_origin_family(db: sqlite_utils.Database, own: str) -> dict[str, dict[str, int]]:
    """origin laptop -> family -> records this desk holds from it (rows written here and not
    sent yet count for `own`, this laptop)."""
    out: dict[str, dict[str, int]] = {}
    for origin, family, n in db.execute(
            "SELECT CASE WHEN state = 'outbox' THEN ? ELSE origin END AS o, family, count(*) "
            "FROM repl_records WHERE state = 'outbox' OR origin != '' GROUP BY o, family "
            "ORDER BY o, family", [own]):
        out.setdefault(str(origin), {})[str(family)] = int(n)
    return out


def peer_state(db: sqlite_utils.Database, laptop_id: str) -> bytes | None:
    row = db.execute("SELECT state FROM repl_peers WHERE laptop_id = ?",
                     [laptop_id]).fetchone()
    return bytes(row[0]) if row else None


def peers(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """(laptop id, when its last bundle was made, when it was imported here)."""
    return [(str(r[0]), str(r[1]), str(r[2])) for r in db.execute(
        "SELECT laptop_id, bundle_at, imported_at FROM repl_peers ORDER BY imported_at")]


def note_peer(db: sqlite_utils.Database, laptop_id: str, state: bytes, *, bundle_at: str,
              at: str) -> None:
    db.execute("INSERT INTO repl_peers (laptop_id, state, bundle_at, imported_at) "
               "VALUES (?, ?, ?, ?) ON CONFLICT(laptop_id) DO UPDATE SET "
               "state = excluded.state, bundle_at = excluded.bundle_at, "
               "imported_at = excluded.imported_at WHERE excluded.bundle_at >= bundle_at",
               [laptop_id, state, bundle_at, at])


def bundle_seen(db: sqlite_utils.Database, sha256: str) -> str | None:
    """When the bundle with this digest was imported (None: never)."""
    row = db.execute("SELECT imported_at FROM repl_bundles WHERE sha256 = ?",
                     [sha256]).fetchone()
    return str(row[0]) if row else None


def note_bundle(db: sqlite_utils.Database, sha256: str, sender: str, at: str,
                summary: str) -> None:
    db.execute("INSERT OR IGNORE INTO repl_bundles (sha256, sender, imported_at, summary) "
               "VALUES (?, ?, ?, ?)", [sha256, sender, at, summary])
