"""Read what is still readable from a damaged desk file, table by table, and copy it to a new one.

What SQLCipher does with a damaged file (found by flipping bytes in real desks; sqlcipher3 0.6,
SQLCipher 4 with its default page HMAC):

- Every page carries an HMAC. A flipped byte anywhere in a page fails it, and the page is never
  handed to SQLite: reading it raises "database disk image is malformed" (SQLITE_CORRUPT).
  `PRAGMA cipher_integrity_check` names exactly the pages whose HMAC fails ("HMAC verification
  failed for page 147") without walking any b-tree; `PRAGMA quick_check` / `integrity_check` then
  return ONE row listing every page of that b-tree it could no longer reach (about 100 lines of
  "Tree 47 page 145: btreeInitPage() returns error code 11"), which is why the check is summarised.
- A flipped byte on page 1 (or in the 16-byte salt at its start) fails the very first read with
  "file is not a database", exactly as a wrong key does: only the authenticated (AES-GCM) key
  slot tells damage from a wrong passphrase. Page 1 is the root of the table list, so nothing
  at all can be salvaged then; a backup is the only way back.
- After one corrupt-page error the connection stays poisoned: every later query on it, even on
  healthy tables, fails the same way. So every table is read on a fresh connection, and a fresh
  one is opened after every failure.
- A table b-tree is read in rowid order, leaf by leaf; rows come out until the cursor meets the
  bad page, so the rows before it are kept. `WHERE rowid > ?` seeks down the interior pages to
  one leaf, so a probe from a rowid beyond the damaged leaf reads on. The first readable rowid
  after the damage is found by doubling the probe distance, then bisecting (about 2 log2(gap)
  fresh connections per damaged stretch). Probing assumes rowids above 0, as the desk's are.
- `count(*)` is answered from the smallest index when a table has one (or from the index named
  with INDEXED BY), and indexes live in their own pages: so the original row count is often
  still known when the table's own pages are damaged, and "lost" is then exact. Otherwise it is
  the width of the unreadable rowid gaps (an upper bound) or unknown (a damaged tail).
- Virtual (FTS5) tables are not copied page by page: their shadow tables are rebuilt from the
  content table they index, which comes back whole or as far as it was saved.
- WITHOUT ROWID tables cannot be probed by rowid: their rows up to the damage are kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.store.errors import DB_ERRORS

Connection = Any  # a sqlcipher3 connection (the driver ships no type hints)
Opener = Callable[[], Connection]

_FAR = 2**62  # beyond any rowid the desk hands out: past it, the rest of the table is gone
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config",  # FTS5
                    "_segments", "_segdir", "_stat",  # FTS3/4
                    "_node", "_rowid", "_parent")  # R*Tree


def open_reader(path: str, data_key: bytes) -> Connection:
    """A fresh, query-only connection to a (possibly damaged) desk file."""
    conn = sqlcipher.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA query_only = 1")
    except DB_ERRORS:
        conn.close()
        raise
    return conn


@dataclass(frozen=True)
class SchemaItem:
    type: str  # table | index | trigger | view
    name: str
    table: str
    sql: str

    @property
    def virtual(self) -> bool:
        return self.sql.upper().startswith("CREATE VIRTUAL TABLE")

    @property
    def without_rowid(self) -> bool:
        return self.sql.upper().rstrip().rstrip(";").endswith("WITHOUT ROWID")


@dataclass
class TableCopy:
    """What happened to one table: rows saved, rows lost (None: unknown), how it was read."""

    name: str
    saved: int = 0
    lost: int | None = 0
    total: int | None = None  # the original row count, when an index still knew it
    damaged_stretches: int = 0
    note: str = ""

    @property
    def complete(self) -> bool:
        return self.lost == 0 and self.damaged_stretches == 0 and not self.note


@dataclass
class SalvageCopy:
    tables: list[TableCopy] = field(default_factory=list)
    schema_failures: list[str] = field(default_factory=list)  # index/trigger/view not recreated
    orphans: int = 0  # rows whose parent row was lost (foreign_key_check)


def read_schema(opener: Opener) -> tuple[list[SchemaItem], int]:
    """The table list and the schema's user_version; raises a DB error if it cannot be read."""
    conn = opener()
    try:
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    return [SchemaItem(str(t), str(n), str(tb), str(s or "")) for t, n, tb, s in rows], version


def _shadow_names(items: list[SchemaItem]) -> set[str]:
    virtual = [i.name for i in items if i.type == "table" and i.virtual]
    return {f"{v}{suffix}" for v in virtual for suffix in _SHADOW_SUFFIXES}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(conn: Connection, table: str) -> tuple[list[str], bool]:
    """The table's columns, and whether its rowid is an INTEGER PRIMARY KEY column."""
    info = conn.execute(f"PRAGMA table_info({_q(table)})").fetchall()
    names = [str(r[1]) for r in info]
    pks = [r for r in info if int(r[5]) > 0]
    alias = len(pks) == 1 and str(pks[0][2]).upper() == "INTEGER"
    return names, alias


def _original_count(opener: Opener, table: str, indexes: list[SchemaItem]) -> int | None:
    """The row count the table had, from the table itself or any full index that still reads."""
    tries = [f"SELECT count(*) FROM {_q(table)}"]
    tries += [f"SELECT count(*) FROM {_q(table)} INDEXED BY {_q(i.name)}"
              for i in indexes if " WHERE " not in i.sql.upper()]
    for sql in tries:
        conn = opener()
        try:
            return int(conn.execute(sql).fetchone()[0])
        except DB_ERRORS:
            continue
        finally:
            conn.close()
    return None


class _Prober:
    """Find the first readable rowid after a damaged stretch, one fresh connection per probe."""

    def __init__(self, opener: Opener, table: str) -> None:
        self.opener = opener
        self.sql = f"SELECT rowid FROM {_q(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1"

    def probe(self, at: int) -> tuple[bool, int | None]:
        """(readable, first rowid >= at); (True, None) when nothing lies beyond `at`."""
        conn = self.opener()
        try:
            row = conn.execute(self.sql, [at]).fetchone()
            return True, (int(row[0]) if row else None)
        except DB_ERRORS:
            return False, None
        finally:
            conn.close()

    def next_readable(self, after: int) -> int | None:
        bad, step = after, 1
        while True:
            at = after + step
            if at >= _FAR:
                return None
            readable, _ = self.probe(at)
            if readable:
                good = at
                break
            bad, step = at, step * 2
        while good - bad > 1:
            mid = (good + bad) // 2
            readable, _ = self.probe(mid)
            if readable:
                good = mid
            else:
                bad = mid
        return self.probe(good)[1]


def copy_table(opener: Opener, target: Connection, item: SchemaItem,
               indexes: list[SchemaItem]) -> TableCopy:
    """Copy every readable row of `item` into the same table in `target`, skipping damage."""
    result = TableCopy(item.name)
    first = opener()
    try:
        columns, alias = _columns(first, item.name)
    finally:
        first.close()
    with_rowid = not item.without_rowid and not alias
    cols = ", ".join(_q(c) for c in columns)
    read_cols = f"rowid, {cols}" if not item.without_rowid else cols
    insert = (f"INSERT INTO {_q(item.name)} ({'rowid, ' if with_rowid else ''}{cols}) "
              f"VALUES ({', '.join('?' * (len(columns) + (1 if with_rowid else 0)))})")
    gap = 0
    last: int | None = None
    resumed = False  # the last failure's probe found a row at last + 1
    prober = _Prober(opener, item.name)
    while True:
        conn = opener()
        read = 0
        try:
            if item.without_rowid:
                cursor = conn.execute(f"SELECT {read_cols} FROM {_q(item.name)}")
            else:
                cursor = conn.execute(
                    f"SELECT {read_cols} FROM {_q(item.name)} WHERE rowid > ? ORDER BY rowid",
                    [last if last is not None else -_FAR])
            for row in cursor:
                if item.without_rowid:
                    target.execute(insert, row)
                else:
                    last = int(row[0])
                    target.execute(insert, row if with_rowid else row[1:])
                result.saved += 1
                read += 1
            break
        except DB_ERRORS as exc:
            if not _is_corrupt(exc):
                raise
            if item.without_rowid:
                result.damaged_stretches += 1
                result.note = "rows after the damaged page could not be reached"
                gap = -1
                break
            start = last if last is not None else 0
            if resumed and read == 0:
                # Its leaf reads but the row does not (a damaged overflow page): lose one row.
                start += 1
                gap += 1
            else:
                result.damaged_stretches += 1
            found = prober.next_readable(start)
            if found is None:
                result.note = "the end of the table could not be read"
                gap = -1
                break
            gap += max(found - start - 1, 0)
            last = found - 1
            resumed = True
        finally:
            conn.close()
    if result.damaged_stretches:
        result.total = _original_count(opener, item.name, indexes)
        if result.total is not None:
            result.lost = max(result.total - result.saved, 0)
        else:
            result.lost = None if gap < 0 else gap
    return result


def _is_corrupt(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


def copy_all(opener: Opener, target: Connection,
             on_table: Callable[[str], None] | None = None) -> SalvageCopy:
    """Recreate the schema in the empty `target` and copy every readable row into it.

    Tables first (foreign keys off: a row whose parent was lost is kept and counted), then the
    rows, then indexes, full-text tables (rebuilt from their content tables) and triggers, so
    no append-only trigger fires on the copy. Runs in one transaction on `target`.
    """
    items, version = read_schema(opener)
    shadows = _shadow_names(items)
    tables = [i for i in items if i.type == "table" and not i.name.startswith("sqlite_")
              and i.name not in shadows and not i.virtual]
    out = SalvageCopy()
    target.execute("PRAGMA foreign_keys = OFF")
    target.execute("BEGIN IMMEDIATE")
    try:
        for item in tables:
            target.execute(item.sql)
        for item in tables:
            if on_table is not None:
                on_table(item.name)
            indexes = [i for i in items if i.type == "index" and i.table == item.name]
            out.tables.append(copy_table(opener, target, item, indexes))
        _copy_sequences(opener, target, items)
        for item in items:
            if item.type == "table" and item.virtual:
                _recreate_virtual(target, item, out)
        for item in items:
            if item.type in ("index", "view", "trigger") and item.sql:
                try:
                    target.execute(item.sql)
                except DB_ERRORS as exc:
                    out.schema_failures.append(f"{item.type} {item.name}: {exc}")
        target.execute(f"PRAGMA user_version = {version}")
        out.orphans = len(target.execute("PRAGMA foreign_key_check").fetchall())
        target.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(*DB_ERRORS):
            target.execute("ROLLBACK")
        raise
    finally:
        with contextlib.suppress(*DB_ERRORS):
            target.execute("PRAGMA foreign_keys = ON")
    return out


def _copy_sequences(opener: Opener, target: Connection, items: list[SchemaItem]) -> None:
    """AUTOINCREMENT counters, so no id is handed out twice (as far as they still read)."""
    if not any(i.name == "sqlite_sequence" for i in items):
        return
    conn = opener()
    try:
        rows = conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
    except DB_ERRORS:
        rows = []
    finally:
        conn.close()
    for name, seq in rows:
        target.execute("DELETE FROM sqlite_sequence WHERE name = ?", [name])
        target.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [name, seq])


def _recreate_virtual(target: Connection, item: SchemaItem, out: SalvageCopy) -> None:
    try:
        target.execute(item.sql)
        if "content=" in item.sql.replace(" ", "").lower():
            target.execute(f"INSERT INTO {_q(item.name)}({_q(item.name)}) VALUES('rebuild')")
        else:
            out.schema_failures.append(f"table {item.name}: recreated empty")
    except DB_ERRORS as exc:
        out.schema_failures.append(f"table {item.name}: {exc}")
