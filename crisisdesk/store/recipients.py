"""The `recipients`, `recipient_review`, `recipient_imports` and `letter_sources` tables.

Recipients are patient data: they live only in the encrypted desk, always under one incident
(so `purge_incident` can remove them when the retention period ends). Bulk inserts use one
prepared statement per batch (`executemany`), as the contact import does; an import writes
each row already classified (`classified`), inside `bulk_insert` (a larger page cache, and
optionally the secondary indexes built once at the end instead of row by row). Duplicates
are marked by one statement (`mark_duplicates`), so no list of every person is ever held in
memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

from crisisdesk.domain.data_elements import decode, encode
from crisisdesk.domain.recipients import Address, RecipientFields
from crisisdesk.store.db import write_txn
from crisisdesk.store.errors import DB_ERRORS

COLUMNS = ("id", "incident_id", "import_id", "line", "name", "first_name", "last_name",
           "birth_date", "death_date", "address1", "address2", "city", "state", "zip",
           "zip_repaired", "language", "guardian_name", "nok_name", "nok_address1",
           "nok_address2", "nok_city", "nok_state", "nok_zip", "external_id", "address_issue",
           "nok_address_issue", "created_at", "updated_at", "updated_by", "information")
_INSERT = (f"INSERT INTO recipients ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' for _ in COLUMNS)})")
FIELD_COLUMNS = ("name", "first_name", "last_name", "birth_date", "death_date", "address1",
                 "address2", "city", "state", "zip", "zip_repaired", "language",
                 "guardian_name", "nok_name", "nok_address1", "nok_address2", "nok_city",
                 "nok_state", "nok_zip", "external_id", "address_issue", "nok_address_issue",
                 "information")
SELECT_FIELDS = ", ".join(f"r.{c}" for c in FIELD_COLUMNS)
CLASS_COLUMNS = ("variant", "outcome", "reason", "duplicate_of", "dedupe_key", "classified_at")
_INSERT_CLASSIFIED = (f"INSERT INTO recipients ({', '.join((*COLUMNS, *CLASS_COLUMNS))}) "
                      f"VALUES ({', '.join('?' for _ in (*COLUMNS, *CLASS_COLUMNS))})")
BATCH_SIZE = 2000  # rows per executemany; read at call time so a test can make it small
BULK_MIN_ROWS = 20_000  # a load at least this large (and larger than the table) is bulk
# Whether a bulk load drops the secondary indexes and builds them again at the end. Off:
# measured on a million rows (bench_letters_import) it takes 74 s of CPU instead of 132 s,
# but SQLite sorts each index in memory (temp_store is MEMORY, so no patient data reaches a
# temp file) and peak memory grew by 178 MB from 100,000 to 1,000,000 rows instead of 48 MB.
BULK_REBUILD_INDEXES = False
BULK_CACHE_KIB = 16 * 1024  # page cache during a bulk load (more saves no time at 300,000 rows)
Row = tuple[Any, ...]
Classes = tuple[str, str, str, str]  # (variant, outcome, reason, dedupe key)


def record(recipient_id: str, incident_id: str, import_id: str, line: int,
           f: RecipientFields, *, at: str, by: str) -> Row:
    a, n = f.address, f.nok_address
    return (recipient_id, incident_id, import_id, line, f.name, f.first_name, f.last_name,
            f.birth_date.isoformat() if f.birth_date else None,
            f.death_date.isoformat() if f.death_date else None,
            a.line1, a.line2, a.city, a.state, a.zip, int(f.zip_repaired), f.language,
            f.guardian_name, f.nok_name, n.line1, n.line2, n.city, n.state, n.zip,
            f.external_id, f.address_issue, f.nok_address_issue, at, at, by,
            encode(f.information))


def classified(recipient_id: str, incident_id: str, import_id: str, line: int,
               f: RecipientFields, classes: Classes, *, at: str, by: str) -> Row:
    """A `record` with its classification, for `insert_many(..., classified=True)`; whether
    it duplicates an earlier row is `mark_duplicates`'s business."""
    variant, outcome, reason, key = classes
    return (*record(recipient_id, incident_id, import_id, line, f, at=at, by=by),
            variant, outcome, reason, "", key, at)


def fields_from(r: Sequence[Any], start: int = 0) -> RecipientFields:
    """RecipientFields from SELECT_FIELDS columns beginning at `start`."""
    v = r[start:start + len(FIELD_COLUMNS)]
    return RecipientFields(
        name=v[0], first_name=v[1] or "", last_name=v[2] or "",
        birth_date=dt.date.fromisoformat(v[3]) if v[3] else None,
        death_date=dt.date.fromisoformat(v[4]) if v[4] else None,
        address=Address(v[5] or "", v[6] or "", v[7] or "", v[8] or "", v[9] or ""),
        zip_repaired=bool(v[10]), language=v[11] or "en", guardian_name=v[12] or "",
        nok_name=v[13] or "", nok_address=Address(v[14] or "", v[15] or "", v[16] or "",
                                                  v[17] or "", v[18] or ""),
        external_id=v[19] or "", address_issue=v[20] or "", nok_address_issue=v[21] or "",
        information=decode(v[22]))


def insert_many(db: sqlite_utils.Database, rows: Iterable[Row], *,
                classified: bool = False) -> int:
    """Insert rows (`record`s, or `classified` ones) in batches of BATCH_SIZE (call inside a
    write transaction); how many."""
    sql = _INSERT_CLASSIFIED if classified else _INSERT
    size = BATCH_SIZE
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            db.conn.executemany(sql, batch)
            count, batch = count + len(batch), []
    if batch:
        db.conn.executemany(sql, batch)
        count += len(batch)
    return count


def last_rowid(db: sqlite_utils.Database) -> int:
    """The newest recipient row of any incident (0 for none): rows written later are after."""
    return int(db.execute("SELECT coalesce(max(rowid), 0) FROM recipients").fetchone()[0])


@contextlib.contextmanager
def bulk_insert(db: sqlite_utils.Database, expected: int) -> Iterator[None]:
    """Inside a write transaction: load `expected` rows faster.

    With BULK_REBUILD_INDEXES, when the load is large (BULK_MIN_ROWS or more) and larger than
    the table already is, the secondary indexes of `recipients` are dropped and built again
    at the end, each by one sort instead of a million scattered updates; their definitions
    are read from the schema, so whatever the migrations made is put back exactly. The page
    cache is enlarged meanwhile (by a constant). DDL is transactional in SQLite: the body runs
    in a savepoint, so an error, a Cancel or a killed process takes the rows back and leaves
    the indexes as they were."""
    if not db.conn.in_transaction:
        raise RuntimeError("bulk_insert needs an open write transaction")
    indexes: list[tuple[str, str]] = []
    if BULK_REBUILD_INDEXES and expected >= BULK_MIN_ROWS and expected > last_rowid(db):
        indexes = [(str(r[0]), str(r[1])) for r in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
            "tbl_name = 'recipients' AND sql IS NOT NULL ORDER BY name")]
    cache = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        with write_txn(db):
            for name, _ in indexes:
                db.execute(f"DROP INDEX [{name}]")
            yield
            for _, sql in indexes:
                db.execute(sql)
    finally:
        db.execute(f"PRAGMA cache_size = {cache}")


DUPLICATE_REASON = "same name, date of birth and address as an earlier row: merged into it"


def mark_duplicates(db: sqlite_utils.Database, incident_id: str) -> int:
    """Mark each recipient whose dedupe key an earlier row (by rowid) of the incident has as
    a duplicate of the first such row, in one statement over the dedupe index (the first
    listed wins); how many. Rows must have been classified first (which clears the mark)."""
    cur = db.execute(
        "UPDATE recipients SET outcome = 'duplicate', reason = ?, duplicate_of = "
        "(SELECT f.id FROM recipients f WHERE f.rowid = g.first) "
        "FROM (SELECT dedupe_key AS k, min(rowid) AS first FROM recipients "
        "WHERE incident_id = ? GROUP BY dedupe_key HAVING count(*) > 1) AS g "
        "WHERE recipients.incident_id = ? AND recipients.dedupe_key = g.k AND "
        "recipients.rowid > g.first", [DUPLICATE_REASON, incident_id, incident_id])
    return int(cur.rowcount)


def update_fields(db: sqlite_utils.Database, recipient_id: str, f: RecipientFields, *,
                  at: str, by: str) -> bool:
    values = record(recipient_id, "", "", 0, f, at=at, by=by)
    by_col = dict(zip(COLUMNS, values, strict=True))
    sets = ", ".join(f"{c} = ?" for c in (*FIELD_COLUMNS, "updated_at", "updated_by"))
    cur = db.execute(f"UPDATE recipients SET {sets} WHERE id = ?",
                     [*(by_col[c] for c in FIELD_COLUMNS), at, by, recipient_id])
    return bool(cur.rowcount)


def pages_for_classification(db: sqlite_utils.Database, incident_id: str, *,
                             up_to: int | None = None
                             ) -> Iterator[list[tuple[int, RecipientFields]]]:
    """The incident's recipients as (rowid, fields) in import order, BATCH_SIZE at a time
    (each page read whole before it is handed out, so it may be updated at once); only rows
    up to rowid `up_to` when given."""
    sql = (f"SELECT r.rowid, {SELECT_FIELDS} FROM recipients r WHERE r.incident_id = ? AND "
           "r.rowid > ? AND r.rowid <= ? ORDER BY r.rowid LIMIT ?")
    after, last = 0, up_to if up_to is not None else last_rowid(db)
    while True:
        page = [(int(r[0]), fields_from(r, 1))
                for r in db.execute(sql, [incident_id, after, last, BATCH_SIZE])]
        if not page:
            return
        yield page
        after = page[-1][0]


def set_classifications(db: sqlite_utils.Database, rows: Iterable[Row]) -> None:
    """rows: (variant, outcome, reason, dedupe_key, classified_at, rowid); clears any
    duplicate mark (`mark_duplicates` sets it again)."""
    db.conn.executemany("UPDATE recipients SET variant = ?, outcome = ?, reason = ?, "
                        "duplicate_of = '', dedupe_key = ?, classified_at = ? "
                        "WHERE rowid = ?", list(rows))


def get(db: sqlite_utils.Database, recipient_id: str) -> tuple[dict[str, Any],
                                                                RecipientFields] | None:
    row = db.execute(f"SELECT r.incident_id, r.variant, r.outcome, r.reason, r.duplicate_of, "
                     f"r.line, {SELECT_FIELDS} FROM recipients r WHERE r.id = ?",
                     [recipient_id]).fetchone()
    if row is None:
        return None
    meta = dict(zip(("incident_id", "variant", "outcome", "reason", "duplicate_of", "line"),
                    row[:6], strict=True))
    return meta, fields_from(row, 6)


def listing(db: sqlite_utils.Database, incident_id: str, *, outcome: str = "",
            limit: int = 1000, offset: int = 0) -> list[tuple[str, dict[str, Any],
                                                               RecipientFields]]:
    where, params = "r.incident_id = ?", [incident_id]
    if outcome:
        where += " AND r.outcome = ?"
        params.append(outcome)
    sql = (f"SELECT r.id, r.variant, r.outcome, r.reason, r.line, {SELECT_FIELDS} "
           f"FROM recipients r WHERE {where} ORDER BY r.rowid LIMIT ? OFFSET ?")
    out = []
    for r in db.execute(sql, [*params, limit, offset]):
        meta = {"variant": r[1], "outcome": r[2], "reason": r[3], "line": r[4]}
        out.append((r[0], meta, fields_from(r, 5)))
    return out


def outcome_counts(db: sqlite_utils.Database, incident_id: str) -> dict[tuple[str, str], int]:
    """{(variant, outcome): n}; unclassified rows count under ('', '')."""
    rows = db.execute("SELECT variant, outcome, count(*) FROM recipients WHERE incident_id = ? "
                      "GROUP BY variant, outcome", [incident_id]).fetchall()
    return {(r[0] or "", r[1] or ""): int(r[2]) for r in rows}


def state_outcome_counts(db: sqlite_utils.Database, incident_id: str
                         ) -> list[tuple[str, str, str, int]]:
    """(state, variant, outcome, rows) for the incident; '' where not known yet."""
    return [(r[0] or "", r[1] or "", r[2] or "", int(r[3])) for r in db.execute(
        "SELECT state, variant, outcome, count(*) FROM recipients WHERE incident_id = ? "
        "GROUP BY state, variant, outcome ORDER BY state", [incident_id])]


def people_by_state(db: sqlite_utils.Database, incident_id: str) -> tuple[dict[str, int], int]:
    """Affected people by state of residence, and those whose state is unknown.

    Duplicates count once; rows set aside for review count too (they are people we could not
    read fully, not people who were not affected)."""
    rows = db.execute(
        "SELECT state, count(*) FROM (SELECT coalesce(state, '') AS state FROM recipients "
        "WHERE incident_id = ? AND coalesce(outcome, '') != 'duplicate' UNION ALL "
        "SELECT coalesce(state, '') FROM recipient_review WHERE incident_id = ? AND "
        "status = 'open') GROUP BY state", [incident_id, incident_id]).fetchall()
    counts = {str(r[0]): int(r[1]) for r in rows if r[0]}
    unknown = sum(int(r[1]) for r in rows if not r[0])
    return counts, unknown


def substitute_counts(db: sqlite_utils.Database, incident_id: str) -> tuple[int, int, int]:
    """(classified insufficient address, letters returned with no new address, open review
    rows): the three groups that count toward substitute notice. A returned letter counts
    while its latest state is "returned" (a re-mail to a corrected address ends that); a
    letter to a deceased person's next of kin never counts (45 CFR 164.404(d)(2))."""
    r = db.execute(
        "SELECT (SELECT count(*) FROM recipients WHERE incident_id = ? AND "
        "outcome = 'insufficient'), "
        "(SELECT count(*) FROM letters l JOIN recipients p ON p.id = l.recipient_id "
        "WHERE l.incident_id = ? AND l.status = 'returned' AND l.variant != 'deceased' AND "
        "p.outcome = 'letter'), "
        "(SELECT count(*) FROM recipient_review WHERE incident_id = ? AND status = 'open')",
        [incident_id, incident_id, incident_id]).fetchone()
    return int(r[0]), int(r[1]), int(r[2])


def count(db: sqlite_utils.Database, incident_id: str) -> int:
    return int(db.execute("SELECT count(*) FROM recipients WHERE incident_id = ?",
                          [incident_id]).fetchone()[0])


# --- the review list and remembered mappings ------------------------------------------------

def insert_review(db: sqlite_utils.Database, rows: Iterable[Row]) -> None:
    """rows: (id, incident_id, import_id, line, row_json, reason, created_at, by, state)."""
    db.conn.executemany(
        "INSERT INTO recipient_review (id, incident_id, import_id, line, row_json, reason, "
        "status, created_at, updated_at, updated_by, state) "
        "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)",
        [(*r[:7], r[6], r[7], r[8]) for r in rows])


def review_by_state(db: sqlite_utils.Database, incident_id: str) -> dict[str, int]:
    """Open review rows by the state read from them ('' where it could not be read)."""
    return {str(r[0] or ""): int(r[1]) for r in db.execute(
        "SELECT coalesce(state, ''), count(*) FROM recipient_review WHERE incident_id = ? AND "
        "status = 'open' GROUP BY 1", [incident_id])}


def review_items(db: sqlite_utils.Database, incident_id: str, *, status: str = "open"
                 ) -> list[dict[str, Any]]:
    rows = db.execute("SELECT id, import_id, line, row_json, reason, status FROM "
                      "recipient_review WHERE incident_id = ? AND status = ? ORDER BY rowid",
                      [incident_id, status]).fetchall()
    return [{"id": r[0], "import_id": r[1], "line": r[2], "row": json.loads(r[3]),
             "reason": r[4], "status": r[5]} for r in rows]


def get_review(db: sqlite_utils.Database, review_id: str) -> dict[str, Any] | None:
    r = db.execute("SELECT id, incident_id, import_id, line, row_json, reason, status FROM "
                   "recipient_review WHERE id = ?", [review_id]).fetchone()
    if r is None:
        return None
    return {"id": r[0], "incident_id": r[1], "import_id": r[2], "line": r[3],
            "row": json.loads(r[4]), "reason": r[5], "status": r[6]}


def close_review(db: sqlite_utils.Database, review_id: str, status: str, recipient_id: str,
                 *, at: str, by: str) -> None:
    db.execute("UPDATE recipient_review SET status = ?, recipient_id = ?, updated_at = ?, "
               "updated_by = ? WHERE id = ?", [status, recipient_id, at, by, review_id])


def insert_import(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.table("recipient_imports").insert(row)


def import_date_format(db: sqlite_utils.Database, import_id: str) -> str:
    """The date format an import was read with ("" when none was recorded)."""
    found = db.execute("SELECT date_format FROM recipient_imports WHERE id = ?",
                       [import_id]).fetchone()
    return str(found[0]) if found and found[0] else ""


def saved_source(db: sqlite_utils.Database, signature: str) -> tuple[dict[str, str], str] | None:
    r = db.execute("SELECT mapping, date_format FROM letter_sources WHERE signature = ?",
                   [signature]).fetchone()
    return (json.loads(r[0]), r[1] or "") if r else None


def save_source(db: sqlite_utils.Database, signature: str, mapping: dict[str, str],
                date_format: str, *, at: str, by: str) -> None:
    db.execute("INSERT INTO letter_sources (signature, mapping, date_format, updated_at, "
               "updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT(signature) DO UPDATE SET "
               "mapping = excluded.mapping, date_format = excluded.date_format, "
               "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
               [signature, json.dumps(mapping, ensure_ascii=False), date_format, at, by])


PURGE_ORDER = ("letter_events", "enrollment_codes", "vendor_enrolments", "letters", "code_pools",
               "rendered_files", "letter_batches", "recipient_review", "recipients",
               "recipient_imports")


# The hotline's rows about the incident's patients (m022_hotline has no incident column): the
# lookups that found one of them (or verified one), the calls, attempts and requests made on
# those lookups, and the attempts and locks on their records. Run before the recipients go: each
# finds its rows through them. A lookup that found no one holds no patient, so it stays.
_INCIDENT_PEOPLE = "SELECT id FROM recipients WHERE incident_id = :incident"
_PURGED_LOOKUPS = (f"SELECT l.id FROM hotline_lookups l WHERE l.verified_id IN "
                   f"({_INCIDENT_PEOPLE}) OR EXISTS (SELECT 1 FROM json_each(l.recipient_ids) j "
                   f"WHERE j.value IN ({_INCIDENT_PEOPLE}))")
HOTLINE_PURGE = (
    ("hotline_calls", f"lookup_id IN ({_PURGED_LOOKUPS})"),
    ("hotline_attempts", f"recipient_id IN ({_INCIDENT_PEOPLE}) OR lookup_id IN "
                         f"({_PURGED_LOOKUPS})"),
    ("hotline_locks", f"recipient_id IN ({_INCIDENT_PEOPLE})"),
    # What verified callers asked for: a callback number, a complaint's words, an e-mail.
    ("hotline_requests", f"incident_id = :incident OR recipient_id IN ({_INCIDENT_PEOPLE}) "
                         f"OR lookup_id IN ({_PURGED_LOOKUPS})"),
    ("hotline_lookups", f"id IN ({_PURGED_LOOKUPS})"),
)


def purge_incident(db: sqlite_utils.Database, incident_id: str) -> dict[str, int]:
    """Delete every patient record of the incident, the hotline's included (call inside a
    write transaction)."""
    removed = {}
    for table, where in HOTLINE_PURGE:
        cur = db.execute(f"DELETE FROM {table} WHERE {where}", {"incident": incident_id})
        removed[table] = int(cur.rowcount)
    for table in PURGE_ORDER:
        cur = db.execute(f"DELETE FROM {table} WHERE incident_id = ?", [incident_id])
        removed[table] = int(cur.rowcount)
    return removed



def team_record_ids(db: sqlite_utils.Database, incident_id: str) -> set[str]:
    """The ids of the rows `purge_incident` deletes that are team records (the mailing log,
    the hotline calls found through this desk's lookups): call before it, so the same records
    can be taken out of the replication engine."""
    rows = db.execute(f"SELECT id FROM letter_events WHERE incident_id = :incident UNION "
                      f"SELECT id FROM hotline_calls WHERE {HOTLINE_PURGE[0][1]}",
                      {"incident": incident_id})
    return {str(r[0]) for r in rows}


def lookup_incidents(db: sqlite_utils.Database, lookup_id: str) -> list[str]:
    """The incidents whose patients a hotline lookup found or verified (what a purge of each
    of them deletes a call logged on it for), sorted; [] for a miss or an unknown lookup."""
    if not lookup_id:
        return []
    rows = db.execute(
        "SELECT DISTINCT r.incident_id FROM hotline_lookups l JOIN recipients r ON "
        "r.id = l.verified_id OR r.id IN (SELECT value FROM json_each(l.recipient_ids)) "
        "WHERE l.id = ? ORDER BY 1", [lookup_id])
    return [str(r[0]) for r in rows]

def secure_delete_on(db: sqlite_utils.Database) -> bool:
    """Switch on (and report) zeroing of deleted content for this connection.

    SQLCipher builds have it on by default; asking again makes a purge independent of the
    build and of any earlier pragma on the connection."""
    db.execute("PRAGMA secure_delete = ON")
    return bool(db.execute("PRAGMA secure_delete").fetchone()[0])


SCRUB_WAIT_MS = 2000  # how long the scrub waits for another connection's reader


def scrub_free_pages(db: sqlite_utils.Database) -> bool:
    """Rebuild the file and empty the write-ahead log after a purge has committed.

    Secure delete already zeroes deleted cells and freed pages; VACUUM rewrites the file
    without free pages, and the TRUNCATE checkpoint drops old page images (which still hold
    the deleted rows) from the WAL. VACUUM cannot run inside a transaction, so this runs after
    the purge action. False when another connection kept the WAL busy (try again later).
    """
    waited = int(db.execute("PRAGMA busy_timeout").fetchone()[0])
    db.execute(f"PRAGMA busy_timeout = {min(waited, SCRUB_WAIT_MS)}")
    try:
        db.execute("VACUUM")
        busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except DB_ERRORS:  # another connection is reading: the purge itself has committed
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {waited}")
    return busy is None or int(busy[0]) == 0
