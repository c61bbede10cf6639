"""Row digests: which business rows each audited action wrote, and what they then held.

Why: the audit chain proves the log was not rewritten, but someone holding the data key can
still edit a row directly (sqlcipher3 and a few lines of Python). Each action therefore records,
for every business row it inserted, updated or deleted, a digest of the row's content right
after the action, in `row_digests` (seq, tbl, key, digest), and the audit entry of that seq
carries one digest over that list (`rows_digest`, covered by the entry's MAC). `deep_check`
then recomputes every business row and compares it with its last audited write: a direct
edit, insert or delete shows up with its table and key.

How rows are caught: TEMP triggers (they live only in this connection, so they cost nothing
for anyone else and cannot be seen or dropped through the file) note the rowid of each row
inserted or updated, and the key of each row deleted (or whose key changed), in TEMP tables
during the transaction; `record` digests those rows at the end, in SQL, reading them in file
order (a 100,000-row import costs a few percent). Rows replaced through a conflict on another
UNIQUE index (INSERT OR REPLACE) are not noted: the app does not do that.

Business tables are every table of the desk EXCEPT: `meta` (the chain head and desk identity,
covered by the chain itself), `audit` and `row_digests` (the record itself), sqlite-utils'
`_sqlite_migrations`, SQLite's own `sqlite_*` tables, and full-text indexes (`contacts_fts`
and its shadow tables: a cache derived from `contacts`). New tables are business tables.

A row's digest covers its values in column order, leaving out trailing NULL and '' values, so
a migration that adds an empty column does not change any digest; rows a migration writes are
baselined when the desk is next opened (see services/audit.py `baseline`).
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlite_utils
from sqlcipher3 import dbapi2 as sqlcipher

CHANGES = "crisisdesk_row_changes"  # rows to check by key: deleted, or their key changed
WRITTEN = "crisisdesk_rows_written"  # rows inserted or updated, by rowid
TRIGGER_PREFIX = "crisisdesk_rd_"
_NOT_BUSINESS = {"meta", "audit", "row_digests", "_sqlite_migrations"}
_MAX_KEY_COLS = 3
KEY_SEP = "\x1f"  # between the parts of a several-column key (char(31) in SQL)
# A deleted row's recorded digest.
DELETED = b""


@dataclass(frozen=True)
class Table:
    name: str
    pks: tuple[str, ...]  # ("rowid",) when the table has no declared primary key
    has_rowid: bool = True
    columns: tuple[str, ...] = ()


def business_tables(db: sqlite_utils.Database) -> list[Table]:
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    virtual = [str(n) for n, sql in rows if str(sql or "").upper().startswith("CREATE VIRTUAL")]
    tables = []
    for name, sql in rows:
        name = str(name)
        if (name in _NOT_BUSINESS or name.startswith("sqlite_")
                or any(name == v or name.startswith(v + "_") for v in virtual)):
            continue
        tables.append(_with_key(db, name, str(sql or "")))
    return tables


_TABLES: dict[tuple[str, str], Table] = {}  # by (name, CREATE statement): SQLite rewrites
# the statement on every ALTER, so an entry never outlives the table it describes


def _with_key(db: sqlite_utils.Database, name: str, sql: str) -> Table:
    cached = _TABLES.get((name, sql))
    if cached is not None:
        return cached
    info = db.execute(f"PRAGMA main.table_info([{name}])").fetchall()
    pks = tuple(str(r[1]) for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    has_rowid = "WITHOUT ROWID" not in " ".join(sql.upper().split())
    if has_rowid and (not pks or len(pks) > _MAX_KEY_COLS):
        pks = ("rowid",)
    table = Table(name, pks, has_rowid, tuple(str(r[1]) for r in info))
    _TABLES[(name, sql)] = table
    return table


_SHAPES: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[str, Table | None]]
_SHAPES = weakref.WeakKeyDictionary()


def _shapes(db: sqlite_utils.Database) -> dict[str, Table | None]:
    """The tables looked up so far on this connection (reading the schema on every action
    would cost more than the rest of `record`). The schema changes only while a desk is
    opened (its upgrade steps), before any action notes rows."""
    return _SHAPES.setdefault(db, {})


def _table(db: sqlite_utils.Database, name: str,
           shapes: dict[str, Table | None]) -> Table | None:
    """One business table by name (None once it is dropped)."""
    if name not in shapes:
        row = db.execute("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND "
                         "name = ?", [name]).fetchone()
        shapes[name] = None if row is None else _with_key(db, name, str(row[0] or ""))
    return shapes[name]


def _col(c: str) -> str:
    return c if c == "rowid" else f"[{c}]"


def _key_cols(table: Table, prefix: str = "") -> str:
    """The key columns padded to three, as SQL (an empty key part is '')."""
    vals = [f"IFNULL({prefix}{_col(c)}, '')" for c in table.pks]
    return ", ".join(vals + ["''"] * (_MAX_KEY_COLS - len(vals)))


def _trigger_sql(table: Table) -> Iterator[str]:
    """A written row is noted by rowid (read back in file order: cheap even for 100,000);
    a deleted row, or the old key of a row whose key changed, by key."""
    by_key = f"INSERT OR IGNORE INTO temp.{CHANGES} VALUES ('{table.name}', "
    by_rowid = f"INSERT OR IGNORE INTO temp.{WRITTEN} VALUES ('{table.name}', NEW.rowid); "
    if not table.has_rowid:
        by_rowid = f"{by_key}{_key_cols(table, 'NEW.')}); "
    base = f"CREATE TEMP TRIGGER {TRIGGER_PREFIX}{table.name}"
    on = f"ON main.[{table.name}]"
    moved = " OR ".join(f"OLD.{_col(c)} IS NOT NEW.{_col(c)}" for c in table.pks)
    yield f"{base}_i AFTER INSERT {on} BEGIN {by_rowid}END"
    yield f"{base}_u AFTER UPDATE {on} BEGIN {by_rowid}END"
    yield (f"{base}_k AFTER UPDATE {on} WHEN {moved} "
           f"BEGIN {by_key}{_key_cols(table, 'OLD.')}); END")
    yield f"{base}_d AFTER DELETE {on} BEGIN {by_key}{_key_cols(table, 'OLD.')}); END"


def _capturing(db: sqlite_utils.Database) -> bool:
    """Whether this connection has its TEMP tables (a prepared no-op: cheaper than a lookup
    in the temp schema, which holds a few hundred triggers)."""
    try:
        db.conn.execute(f"SELECT 1 FROM temp.{WRITTEN}, temp.{CHANGES} LIMIT 0")
    except sqlcipher.OperationalError as exc:
        if "no such table" in str(exc):
            return False
        raise
    return True


_INSTALLED: weakref.WeakSet[sqlite_utils.Database] = weakref.WeakSet()


def begin(db: sqlite_utils.Database) -> bool:
    """Make sure this connection notes every business row it writes. Called at the start of
    every action, before its transaction: TEMP objects made outside a transaction stay for
    the connection's life (a rolled-back action cannot take them along), so later calls cost
    nothing. False on a desk whose schema predates row digests (until its upgrade)."""
    if db in _INSTALLED:
        return True
    if _capturing(db):
        if not db.conn.in_transaction:
            _INSTALLED.add(db)
        return True
    if not db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'row_digests'").fetchone():
        return False
    _SHAPES.pop(db, None)
    if not db.conn.in_transaction:  # the notes never touch a temp file (none exist yet)
        db.execute("PRAGMA temp_store = MEMORY")
    db.execute(f"CREATE TEMP TABLE {CHANGES} (tbl TEXT NOT NULL, k1 NOT NULL, k2 NOT NULL, "
               "k3 NOT NULL, PRIMARY KEY (tbl, k1, k2, k3)) WITHOUT ROWID")
    db.execute(f"CREATE TEMP TABLE {WRITTEN} (tbl TEXT NOT NULL, rid INTEGER NOT NULL, "
               "PRIMARY KEY (tbl, rid)) WITHOUT ROWID")
    for table in business_tables(db):
        for sql in _trigger_sql(table):
            db.execute(sql)
    if not db.conn.in_transaction:
        _INSTALLED.add(db)
    return True


DIGEST_FUNCTION = "crisisdesk_row_digest"


def row_digest(values: str) -> bytes:
    """16-byte BLAKE2b of a row: its values in column order as a JSON array (which keeps 1,
    "1" and 1.0 apart; a BLOB as "blob:HEX"), made by SQLite's `json_array` as it reads the
    row. Trailing null and "" values are left out: a column added later (always at the end)
    does not change the digest until something is written into it. (Inside the array only
    the last value can be followed by "]", so the stripping is unambiguous.)"""
    while values.endswith((",null]", ',""]')):
        values = values[:values.rfind(",")] + "]"
    return _blake(values.encode("utf-8"), digest_size=16).digest()


_blake = hashlib.blake2b


_REGISTERED: weakref.WeakSet[sqlite_utils.Database] = weakref.WeakSet()


def _register(db: sqlite_utils.Database) -> None:
    """The digest as an SQL function, so rows are hashed as SQLite reads them. Once per
    connection: registering a function makes SQLite re-prepare every cached statement."""
    if db not in _REGISTERED:
        db.conn.create_function(DIGEST_FUNCTION, 1, row_digest, deterministic=True)
        _REGISTERED.add(db)


def digest_sql(table: Table, alias: str) -> str:
    """SQL for the digest of the row `alias` of `table` (see `row_digest`)."""
    values = ", ".join(f"iif(typeof({alias}.[{c}]) = 'blob', 'blob:' || hex({alias}.[{c}]), "
                       f"{alias}.[{c}])" for c in table.columns)
    return f"{DIGEST_FUNCTION}(json_array({values}))"


def _key_sql(table: Table, alias: str, names: list[str]) -> str:
    """The key text of a row, from the columns `names` of `alias`: the value of a one-column
    key, else the values joined with a unit separator (which no id contains)."""
    parts = [f"CAST(IFNULL({alias}.{n}, '') AS TEXT)" for n in names[:len(table.pks)]]
    return " || char(31) || ".join(parts)


def list_digest(rows: Iterable[tuple[str, str, bytes]]) -> str:
    """SHA-256 over (table, key, digest) in table/key order: what an audit entry carries."""
    h = hashlib.sha256()
    for tbl, key, digest in rows:
        h.update(f"{tbl}\x1f{key}\x1f{digest.hex()}\n".encode())
    return h.hexdigest()


@functools.lru_cache(maxsize=512)
def _record_sql(table: Table) -> tuple[str, str]:
    """The two statements `record` runs for a table (built once per table shape)."""
    pks = [_col(c) for c in table.pks]
    written = (f"INSERT OR REPLACE INTO row_digests (seq, tbl, key, digest) "
               f"SELECT ?, ?, {_key_sql(table, 't', pks)}, {digest_sql(table, 't')} "
               f"FROM main.[{table.name}] t WHERE t.rowid IN "
               f"(SELECT rid FROM temp.{WRITTEN} WHERE tbl = ?)")
    on = " AND ".join(f"t.{p} = c.k{i + 1}" for i, p in enumerate(pks))
    # by key: gone (or, without rowid, its content), unless already written above
    by_key = (f"INSERT OR IGNORE INTO row_digests (seq, tbl, key, digest) "
              f"SELECT ?, ?, {_key_sql(table, 'c', ['k1', 'k2', 'k3'])}, "
              f"CASE WHEN t.{pks[0]} IS NULL THEN x'' ELSE {digest_sql(table, 't')} END "
              f"FROM temp.{CHANGES} c LEFT JOIN main.[{table.name}] t ON {on} "
              "WHERE c.tbl = ?")
    return written, by_key


def record(db: sqlite_utils.Database, seq: int) -> str:
    """Digest every row noted since the last record under `seq`; return the list's digest.
    Runs inside the action's transaction, just before its audit entry is appended."""
    if db not in _INSTALLED and not _capturing(db):
        return ""  # not capturing (a desk before row digests)
    noted: dict[str, set[str]] = {}
    for tbl, how in db.execute(f"SELECT DISTINCT tbl, 'w' FROM temp.{WRITTEN} UNION ALL "
                               f"SELECT DISTINCT tbl, 'k' FROM temp.{CHANGES}"):
        noted.setdefault(str(tbl), set()).add(str(how))
    if noted:
        _register(db)
        shapes = _shapes(db)
        for name, how in noted.items():
            table = _table(db, name, shapes)
            if table is None:  # dropped during the action: nothing left to digest
                continue
            written, by_key = _record_sql(table)
            if table.has_rowid and "w" in how:
                db.execute(written, [seq, name, name])
            if "k" in how:
                db.execute(by_key, [seq, name, name])
        for how, temp in (("k", CHANGES), ("w", WRITTEN)):
            if any(how in h for h in noted.values()):
                db.execute(f"DELETE FROM temp.{temp}")
    return entry_list_digest(db, seq)


DIGEST_PAGE = 20_000  # rows of the list hashed per statement


def entry_list_digest(db: sqlite_utils.Database, seq: int) -> str:
    """`list_digest` of the rows recorded under `seq`, with the list built by SQLite (a
    100,000-row action hashes a few strings instead of looping in Python), a page of
    DIGEST_PAGE rows at a time in key order: the same digest as hashing the whole list as one
    string, with memory that does not grow with a million-row action."""
    h = hashlib.sha256()
    after = ("", "")
    while True:
        text, tbl, key = db.execute(
            "WITH page AS MATERIALIZED (SELECT tbl, key, digest FROM row_digests "
            "WHERE seq = ? AND (tbl, key) > (?, ?) ORDER BY tbl, key LIMIT ?) "
            "SELECT (SELECT group_concat(tbl || char(31) || key || char(31) || "
            "lower(hex(digest)) || char(10), '' ORDER BY tbl, key) FROM page), "
            "l.tbl, l.key FROM (SELECT 1) LEFT JOIN "
            "(SELECT tbl, key FROM page ORDER BY tbl DESC, key DESC LIMIT 1) AS l",
            [seq, *after, DIGEST_PAGE]).fetchone()
        if text is None:
            return h.hexdigest()
        h.update(str(text).encode("utf-8"))
        after = (str(tbl), str(key))


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
        parts = key.split(KEY_SEP) if len(by_name[tbl].pks) > 1 else [key]
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
    _register(db)
    tables = business_tables(db)
    for table in tables:
        pks = [_col(c) for c in table.pks]
        for key, digest in db.execute(
                f"SELECT {_key_sql(table, 't', pks)}, {digest_sql(table, 't')} "
                f"FROM main.[{table.name}] t"):
            key = str(key)
            count += 1
            present.add((table.name, key))
            last = latest.get((table.name, key))
            if last is None or last[1] == DELETED:
                changes.append(OutsideChange(table.name, key, "inserted",
                                             None if last is None else last[0]))
            elif last[1] != digest:
                changes.append(OutsideChange(table.name, key, "edited", last[0]))
    names = {t.name for t in tables}
    for (tbl, key), (seq, digest) in latest.items():
        if digest != DELETED and (tbl, key) not in present and tbl in names:
            changes.append(OutsideChange(tbl, key, "deleted", seq))
    changes.sort(key=lambda c: (c.table, c.key))
    return DigestReport(count, changes, altered)
