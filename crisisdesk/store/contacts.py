"""The `contacts` table: rows in, domain `Contact`s out.

Phones are stored as JSON (`[{"label", "number", "e164"}]`) and tags as a JSON list; the FTS5
table `contacts_fts` (kept in step by triggers) indexes name, job title, organisation, tags and
`phone_digits`. Bulk imports go through `insert_many`, one prepared statement per batch, which
is several times faster than building each INSERT in Python.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

from crisisdesk.domain.contacts import Contact, ContactFields, ContactKind, Phone
from crisisdesk.store import replica_edits
from crisisdesk.store.db import write_txn

TABLE = "contacts"
FTS_TABLE = "contacts_fts"
COLUMNS = ("id", "name", "job_title", "organisation", "kind", "email", "notes", "tags",
           "phones", "phone_digits", "created_at", "updated_at", "updated_by")
_SELECT = "SELECT " + ", ".join(f"c.{c}" for c in COLUMNS if c != "phone_digits")
_INSERT = (f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in COLUMNS)})")
FTS_COLUMNS = ("name", "job_title", "organisation", "tags", "phone_digits")
INSERT_TRIGGER = "contacts_ai"
ORDER = "c.name COLLATE NOCASE, c.id"
BATCH_SIZE = 2000  # rows per executemany; read at call time so a test can make it small
BULK_CACHE_KIB = 64 * 1024
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

Row = tuple[Any, ...]


def record(contact_id: str, fields: ContactFields, *, created_at: str, updated_at: str,
           updated_by: str) -> Row:
    """The row tuple for `fields`, in COLUMNS order."""
    phones = _JSON.encode([{"label": p.label, "number": p.original, "e164": p.e164}
                           for p in fields.phones])
    return (contact_id, fields.name, fields.job_title, fields.organisation, fields.kind.value,
            fields.email, fields.notes, _JSON.encode(list(fields.tags)) if fields.tags else "",
            phones, fields.phone_digits, created_at, updated_at, updated_by)


def _contact(r: Sequence[Any]) -> Contact:
    phones = tuple(Phone(p["label"], p["number"], p["e164"]) for p in json.loads(r[8] or "[]"))
    tags = tuple(json.loads(r[7])) if r[7] else ()
    return Contact(id=r[0], name=r[1], job_title=r[2] or "", organisation=r[3] or "",
                   kind=ContactKind(r[4]), phones=phones, email=r[5] or "", notes=r[6] or "",
                   tags=tags, created_at=r[9], updated_at=r[10] or "", updated_by=r[11] or "")


def insert(db: sqlite_utils.Database, row: Row) -> None:
    db.execute(_INSERT, row)


def insert_many(db: sqlite_utils.Database, rows: Iterable[Row],
                batch_size: int | None = None) -> int:
    """Insert rows in batches of `batch_size` (default BATCH_SIZE); call inside a write
    transaction. Returns how many."""
    batch_size = batch_size or BATCH_SIZE
    count = 0
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            db.conn.executemany(_INSERT, batch)
            count += len(batch)
            batch = []
    if batch:
        db.conn.executemany(_INSERT, batch)
        count += len(batch)
    return count


@contextlib.contextmanager
def bulk_insert(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside a write transaction: make a large `insert_many` several times faster.

    The per-row FTS trigger is dropped and the new rows are indexed by one INSERT ... SELECT
    at the end (about 5x faster for 100,000 rows), then the trigger is put back exactly as it
    was; the page cache is enlarged meanwhile. DDL is transactional in SQLite, so an error or
    a killed process rolls the trigger back with the rows: the index never misses a row.
    The body runs in a savepoint, so an error inside it undoes just the bulk part.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("bulk_insert needs an open write transaction")
    found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                       [INSERT_TRIGGER]).fetchone()
    before = int(db.execute(f"SELECT coalesce(max(rowid), 0) FROM {TABLE}").fetchone()[0])
    cache = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        with write_txn(db):  # a savepoint: on error the trigger is back and the rows gone
            if found is not None:
                db.execute(f"DROP TRIGGER {INSERT_TRIGGER}")
            yield
            if found is not None:
                cols = ", ".join(FTS_COLUMNS)
                db.execute(f"INSERT INTO {FTS_TABLE} (rowid, {cols}) "
                           f"SELECT rowid, {cols} FROM {TABLE} WHERE rowid > ?", [before])
                db.execute(str(found[0]))
    finally:
        db.execute(f"PRAGMA cache_size = {cache}")


def update(db: sqlite_utils.Database, contact_id: str, fields: ContactFields, *,
           updated_at: str, updated_by: str) -> bool:
    row = record(contact_id, fields, created_at="", updated_at=updated_at,
                 updated_by=updated_by)
    values = dict(zip(COLUMNS, row, strict=True))
    del values["id"], values["created_at"]
    # On a team desk each changed field is also an edit record that replicates.
    replica_edits.note_change(db, "contact", contact_id,
                              replica_edits.row_values(db, replica_edits.ENTITIES["contact"],
                                                       contact_id),
                              values, operator=updated_by, at=updated_at)
    sets = ", ".join(f"{col} = ?" for col in values)
    cur = db.execute(f"UPDATE {TABLE} SET {sets} WHERE id = ?", [*values.values(), contact_id])
    return bool(cur.rowcount)


def delete(db: sqlite_utils.Database, contact_id: str) -> bool:
    cur = db.execute(f"DELETE FROM {TABLE} WHERE id = ?", [contact_id])
    return bool(cur.rowcount)


def get(db: sqlite_utils.Database, contact_id: str) -> Contact | None:
    row = db.execute(f"{_SELECT} FROM {TABLE} c WHERE c.id = ?", [contact_id]).fetchone()
    return _contact(row) if row else None


def list_contacts(db: sqlite_utils.Database, *, kind: ContactKind | None = None,
                  limit: int | None = None, offset: int = 0) -> list[Contact]:
    where, params = ("WHERE c.kind = ?", [kind.value]) if kind is not None else ("", [])
    sql = f"{_SELECT} FROM {TABLE} c {where} ORDER BY {ORDER} LIMIT ? OFFSET ?"
    rows = db.execute(sql, [*params, -1 if limit is None else limit, offset]).fetchall()
    return [_contact(r) for r in rows]


def iter_all(db: sqlite_utils.Database) -> Iterator[Contact]:
    for r in db.execute(f"{_SELECT} FROM {TABLE} c ORDER BY {ORDER}"):
        yield _contact(r)


def count(db: sqlite_utils.Database) -> int:
    return int(db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0])


SEARCH_SQL = (f"{_SELECT} FROM {FTS_TABLE} JOIN {TABLE} c ON c.rowid = {FTS_TABLE}.rowid "
              f"WHERE {FTS_TABLE} MATCH ? ORDER BY {FTS_TABLE}.rank LIMIT ?")


def search(db: sqlite_utils.Database, fts_query: str, limit: int) -> list[Contact]:
    """Contacts matching an FTS5 expression (build it with `domain.fts.fts_query`), best first."""
    return [_contact(r) for r in db.execute(SEARCH_SQL, [fts_query, limit]).fetchall()]
