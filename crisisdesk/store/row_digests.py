"""Row digests: which business rows each audited action wrote, and what they then held.

Why: the audit chain proves the log was not rewritten, but someone holding the data key can
still edit a row directly (sqlcipher3 and a few lines of Python). Each action therefore records,
for every business row it inserted, updated or deleted, a digest of the row's content right
after the action, in `row_digests` (seq, tbl, key, digest), and the audit entry of that seq
carries one digest over that list (`rows_digest`, covered by the entry's MAC). `deep_check`
then recomputes every business row and compares it with its last audited write: a direct
edit, insert or delete shows up with its table and key.

How rows are caught: TEMP triggers (they live only in this connection, so they cost nothing
for anyone else and cannot be seen or dropped through the file) write the primary key of each
changed row into a TEMP table during the transaction; `record` digests those rows at the end.

Business tables are every table of the desk EXCEPT: `meta` (the chain head and desk identity,
covered by the chain itself), `audit` and `row_digests` (the record itself), sqlite-utils'
`_sqlite_migrations`, SQLite's own `sqlite_*` tables, and full-text indexes (`contacts_fts`
and its shadow tables: a cache derived from `contacts`). New tables are business tables.

A row's digest covers its column names and values, leaving out NULL and '' values, so a
migration that adds an empty column does not change any digest; a migration that fills values
in existing rows must be followed by a baseline (see services/audit.py `baseline`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlite_utils

CHANGES = "crisisdesk_row_changes"
TRIGGER_PREFIX = "crisisdesk_rd_"
_NOT_BUSINESS = {"meta", "audit", "row_digests", "_sqlite_migrations"}
_MAX_KEY_COLS = 3
# A deleted row's recorded digest.
DELETED = b""


@dataclass(frozen=True)
class Table:
    name: str
    pks: tuple[str, ...]  # ("rowid",) when the table has no declared primary key

    def key_of(self, values: tuple[object, ...]) -> str:
        """The key text stored for a row: the value of a one-column key, else them joined
        with a unit separator (which no id contains)."""
        return "\x1f".join("" if v is None else str(v) for v in values)


def business_tables(db: sqlite_utils.Database) -> list[Table]:
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [str(n) for n, sql in rows if str(sql or "").upper().startswith("CREATE VIRTUAL")]
    tables = []
    for name, _sql in rows:
        name = str(name)
        if (name in _NOT_BUSINESS or name.startswith("sqlite_")
                or any(name == v or name.startswith(v + "_") for v in virtual)):
            continue
        info = db.execute(f"PRAGMA table_info([{name}])").fetchall()
        pks = tuple(str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        if not pks or len(pks) > _MAX_KEY_COLS:
            pks = ("rowid",)
        tables.append(Table(name, pks))
    return tables


def _col(c: str) -> str:
    return c if c == "rowid" else f"[{c}]"


def _key_cols(table: Table, prefix: str = "") -> str:
    """The key columns padded to three, as SQL (an empty key part is '')."""
    vals = [f"IFNULL({prefix}{_col(c)}, '')" for c in table.pks]
    return ", ".join(vals + ["''"] * (_MAX_KEY_COLS - len(vals)))


def _trigger_sql(table: Table) -> Iterator[str]:
    def cols(prefix: str) -> str:
        return _key_cols(table, prefix + ".")

    insert = f"INSERT OR IGNORE INTO temp.{CHANGES} VALUES ('{table.name}', "
    base = f"CREATE TEMP TRIGGER {TRIGGER_PREFIX}{table.name}"
    yield (f"{base}_i AFTER INSERT ON main.[{table.name}] BEGIN {insert}{cols('NEW')}); END")
    yield (f"{base}_u AFTER UPDATE ON main.[{table.name}] BEGIN {insert}{cols('OLD')}); "
           f"{insert}{cols('NEW')}); END")
    yield (f"{base}_d AFTER DELETE ON main.[{table.name}] BEGIN {insert}{cols('OLD')}); END")


def begin(db: sqlite_utils.Database) -> bool:
    """Make sure this connection notes every business row it writes (cheap after the first
    call: one lookup). Called at the start of every action. False on a desk whose schema
    predates row digests (until its upgrade): nothing is noted."""
    if db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", [CHANGES]).fetchone():
        return True
    if not db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'row_digests'").fetchone():
        return False
    db.execute(f"CREATE TEMP TABLE {CHANGES} (tbl TEXT NOT NULL, k1 NOT NULL, k2 NOT NULL, "
               "k3 NOT NULL, PRIMARY KEY (tbl, k1, k2, k3)) WITHOUT ROWID")
    for table in business_tables(db):
        for sql in _trigger_sql(table):
            db.execute(sql)
    return True


def stop(db: sqlite_utils.Database) -> None:
    """Drop this connection's capture (before a schema change, or in tests)."""
    for (name,) in db.execute("SELECT name FROM temp.sqlite_master WHERE type = 'trigger' "
                              "AND name LIKE ?", [TRIGGER_PREFIX + "%"]).fetchall():
        db.execute(f"DROP TRIGGER temp.[{name}]")
    db.execute(f"DROP TABLE IF EXISTS temp.{CHANGES}")


def row_digest(columns: Iterable[str], values: Iterable[object]) -> bytes:
    """16-byte BLAKE2b of a row's non-empty (column, value) pairs, types kept apart."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr([(c, v) for c, v in zip(columns, values, strict=True)
                   if v is not None and v != ""]).encode("utf-8"))
    return h.digest()


def _current(db: sqlite_utils.Database, table: Table,
             keys_sql: str, params: list[object]) -> Iterator[tuple[str, bytes]]:
    """(key, digest) of the rows of `table` whose key is among `keys_sql`'s (k1, k2, k3);
    DELETED for a key with no row."""
    on = " AND ".join(f"t.{_col(c)} = c.k{i + 1}" for i, c in enumerate(table.pks))
    cur = db.execute(f"WITH c(k1, k2, k3) AS ({keys_sql}) "
                     f"SELECT c.k1, c.k2, c.k3, t.rowid, t.* FROM c LEFT JOIN main.[{table.name}] t ON {on}", params)
    columns = [d[0] for d in cur.description][4:]
    n = len(table.pks)
    for row in cur:
        key = table.key_of(row[:n])
        yield key, (DELETED if row[3] is None else row_digest(columns, row[4:]))


def list_digest(rows: Iterable[tuple[str, str, bytes]]) -> str:
    """SHA-256 over (table, key, digest) in table/key order: what an audit entry carries."""
    h = hashlib.sha256()
    for tbl, key, digest in rows:
        h.update(f"{tbl}\x1f{key}\x1f{digest.hex()}\n".encode())
    return h.hexdigest()


def record(db: sqlite_utils.Database, seq: int) -> str:
    """Digest every row noted since the last record under `seq`; return the list's digest.
    Runs inside the action's transaction, just before its audit entry is appended."""
    found: list[tuple[str, str, bytes]] = []
    if not db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?", [CHANGES]).fetchone():
        return ""  # not capturing (a desk before row digests)
    noted = [str(r[0]) for r in db.execute(f"SELECT DISTINCT tbl FROM temp.{CHANGES}")]
    if noted:
        by_name = {t.name: t for t in business_tables(db)}
        for name in noted:
            table = by_name.get(name)
            if table is None:  # dropped during the action: nothing left to digest
                continue
            sql = f"SELECT k1, k2, k3 FROM temp.{CHANGES} WHERE tbl = ?"
            found.extend((name, key, digest) for key, digest in _current(db, table, sql, [name]))
        db.execute(f"DELETE FROM temp.{CHANGES}")
    found.sort(key=lambda r: (r[0], r[1]))
    db.conn.executemany("INSERT OR REPLACE INTO row_digests (seq, tbl, key, digest) "
                        "VALUES (?, ?, ?, ?)", [(seq, t, k, d) for t, k, d in found])
    return list_digest(found)


def note_all(db: sqlite_utils.Database, tables: Iterable[str] | None = None) -> None:
    """Note every row of the business tables (or of `tables`) for the next `record`: a
    baseline of rows written without an action (a new desk's defaults, an upgrade)."""
    if not begin(db):
        return
    for table in business_tables(db):
        if tables is not None and table.name not in tables:
            continue
        db.execute(f"INSERT OR IGNORE INTO temp.{CHANGES} SELECT '{table.name}', "
                   f"{_key_cols(table)} FROM main.[{table.name}]")


def note_keys(db: sqlite_utils.Database, rows: Iterable[tuple[str, str]]) -> None:
    """Note these (table, key) rows for the next `record` (rows to re-baseline)."""
    if not begin(db):
        return
    by_name = {t.name: t for t in business_tables(db)}
    params = []
    for tbl, key in rows:
        parts = key.split("\x1f") if len(by_name[tbl].pks) > 1 else [key]
        params.append((tbl, *parts, *[""] * (_MAX_KEY_COLS - len(parts))))
    db.conn.executemany(f"INSERT OR IGNORE INTO temp.{CHANGES} VALUES (?, ?, ?, ?)", params)


# --- checking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutsideChange:
    """A business row whose content is not what the last audited write left."""

    table: str
    key: str
    kind: str  # "edited", "inserted" or "deleted"
    last_seq: int | None  # the entry of the last audited write (None: never audited)

    def as_dict(self) -> dict[str, object]:
        return {"table": self.table, "id": self.key, "change": self.kind,
                "last_audited_entry": self.last_seq}


@dataclass(frozen=True)
class DigestReport:
    rows: int
    changes: list[OutsideChange]
    altered_entries: list[int]  # entries whose recorded row list no longer matches them


def recorded(db: sqlite_utils.Database,
             entry_digests: dict[int, str]) -> tuple[dict[tuple[str, str], tuple[int, bytes]],
                                                     list[int]]:
    """The last recorded (seq, digest) per row, and the entries whose rows were altered
    (their list no longer hashes to the entry's `rows_digest`)."""
    latest: dict[tuple[str, str], tuple[int, bytes]] = {}
    altered: list[int] = []
    seen: set[int] = set()

    def close(seq: int, rows: list[tuple[str, str, bytes]]) -> None:
        seen.add(seq)
        if entry_digests.get(seq) != list_digest(rows):
            altered.append(seq)

    current: int | None = None
    batch: list[tuple[str, str, bytes]] = []
    for seq, tbl, key, digest in db.execute(
            "SELECT seq, tbl, key, digest FROM row_digests ORDER BY seq, tbl, key"):
        if seq != current:
            if current is not None:
                close(current, batch)
            current, batch = int(seq), []
        batch.append((str(tbl), str(key), bytes(digest or b"")))
        latest[(str(tbl), str(key))] = (int(seq), bytes(digest or b""))
    if current is not None:
        close(current, batch)
    empty = list_digest([])
    altered.extend(s for s, d in entry_digests.items() if d and s not in seen and d != empty)
    return latest, sorted(altered)


def deep_check(db: sqlite_utils.Database, entry_digests: dict[int, str]) -> DigestReport:
    """Compare every business row with its last audited write. `entry_digests` maps each
    audit entry's seq to its `rows_digest` (only entries of a verified chain)."""
    latest, altered = recorded(db, entry_digests)
    changes: list[OutsideChange] = []
    count = 0
    present: set[tuple[str, str]] = set()
    for table in business_tables(db):
        keys = f"SELECT {_key_cols(table)} FROM main.[{table.name}]"
        for key, digest in _current(db, table, keys, []):
            count += 1
            present.add((table.name, key))
            last = latest.get((table.name, key))
            if last is None or last[1] == DELETED:
                changes.append(OutsideChange(table.name, key, "inserted",
                                             None if last is None else last[0]))
            elif last[1] != digest:
                changes.append(OutsideChange(table.name, key, "edited", last[0]))
    names = {t.name for t in business_tables(db)}
    for (tbl, key), (seq, digest) in latest.items():
        if digest != DELETED and (tbl, key) not in present and tbl in names:
            changes.append(OutsideChange(tbl, key, "deleted", seq))
    changes.sort(key=lambda c: (c.table, c.key))
    return DigestReport(count, changes, altered)
