"""Enrollment codes, letter batches, letters and the mailing log (`letter_events`).

The schema carries the promises: `letters.recipient_id` UNIQUE (one letter per person),
`enrollment_codes.letter_id` UNIQUE (one letter per code), `enrollment_codes.code` UNIQUE,
`letters.reference` UNIQUE. Codes are taken inside the transaction that creates the letter rows
(BEGIN IMMEDIATE), so two desks' processes, a crash or a retry can never hand one out twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from crisisdesk.domain.letters import Letter, LetterStatus, Variant
from crisisdesk.store.db import given_filters
from crisisdesk.store.recipients import SELECT_FIELDS, fields_from

Row = tuple[Any, ...]


# --- codes ----------------------------------------------------------------------------------

def insert_pool(db: sqlite_utils.Database, row: dict[str, Any], codes: Iterable[str]) -> int:
    db.table("code_pools").insert(row)
    cur = db.conn.executemany(
        "INSERT INTO enrollment_codes (pool_id, incident_id, code) VALUES (?, ?, ?)",
        ((row["id"], row["incident_id"], c) for c in codes))
    return int(cur.rowcount)


def existing_codes(db: sqlite_utils.Database, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        found.update(r[0] for r in db.execute(
            f"SELECT code FROM enrollment_codes WHERE code IN ({marks})", chunk))
    return found


def free_code_count(db: sqlite_utils.Database, incident_id: str, today: str) -> int:
    return int(db.execute(
        "SELECT count(*) FROM enrollment_codes c JOIN code_pools p ON p.id = c.pool_id "
        "WHERE c.incident_id = ? AND c.letter_id IS NULL AND p.expires_on >= ?",
        [incident_id, today]).fetchone()[0])


def take_codes(db: sqlite_utils.Database, incident_id: str, letter_ids: list[str], today: str,
               at: str) -> int:
    """Give each letter the next free, unexpired code (inside the letters' transaction)."""
    if not letter_ids:
        return 0
    free = [r[0] for r in db.execute(
        "SELECT c.id FROM enrollment_codes c JOIN code_pools p ON p.id = c.pool_id "
        "WHERE c.incident_id = ? AND c.letter_id IS NULL AND p.expires_on >= ? "
        "ORDER BY p.expires_on, c.id LIMIT ?", [incident_id, today, len(letter_ids)])]
    if len(free) < len(letter_ids):
        raise RuntimeError("not enough codes (the caller checks first)")
    cur = db.conn.executemany(
        "UPDATE enrollment_codes SET letter_id = ?, assigned_at = ? WHERE id = ? AND "
        "letter_id IS NULL", list(zip(letter_ids, [at] * len(free), free, strict=True)))
    return int(cur.rowcount)


def code_stats(db: sqlite_utils.Database, incident_id: str) -> dict[str, Any]:
    r = db.execute("SELECT count(*), count(letter_id) FROM enrollment_codes WHERE "
                   "incident_id = ?", [incident_id]).fetchone()
    pool = db.execute("SELECT min(expires_on), max(enrollment_url), max(monitoring_months) "
                      "FROM code_pools WHERE incident_id = ?", [incident_id]).fetchone()
    return {"codes": int(r[0]), "assigned": int(r[1]), "expires_on": pool[0] or "",
            "enrollment_url": pool[1] or "", "monitoring_months": pool[2]}


def pool_terms(db: sqlite_utils.Database, letter_id: str) -> tuple[str, str, int | None]:
    """(expires_on, enrollment_url, monitoring_months) of the pool a letter's code came from."""
    r = db.execute("SELECT p.expires_on, p.enrollment_url, p.monitoring_months FROM "
                   "enrollment_codes c JOIN code_pools p ON p.id = c.pool_id WHERE "
                   "c.letter_id = ?", [letter_id]).fetchone()
    return (r[0], r[1] or "", r[2]) if r else ("", "", None)


# --- batches and letters --------------------------------------------------------------------

def next_batch_number(db: sqlite_utils.Database, incident_id: str) -> int:
    return int(db.execute("SELECT coalesce(max(number), 0) + 1 FROM letter_batches WHERE "
                          "incident_id = ?", [incident_id]).fetchone()[0])


def next_ref_no(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT coalesce(max(ref_no), 0) + 1 FROM letters").fetchone()[0])


def insert_batch(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.table("letter_batches").insert(row)


def batch(db: sqlite_utils.Database, batch_id: str) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM letter_batches WHERE id = ?", [batch_id]))
    return _batch(rows[0]) if rows else None


def batch_by_number(db: sqlite_utils.Database, incident_id: str, number: int
                    ) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM letter_batches WHERE incident_id = ? AND number = ?",
                         [incident_id, number]))
    return _batch(rows[0]) if rows else None


def batches(db: sqlite_utils.Database, incident_id: str) -> list[dict[str, Any]]:
    return [_batch(r) for r in db.query(
        "SELECT * FROM letter_batches WHERE incident_id = ? ORDER BY number", [incident_id])]


def _batch(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["templates"] = json.loads(row["templates"])
    out["selection"] = json.loads(row["selection"])
    return out


def eligible_recipients(db: sqlite_utils.Database, incident_id: str, *, state: str = "",
                        variant: str = "", language: str = "") -> list[Row]:
    """(id, variant, language, state) of classified recipients who have no letter yet."""
    where = ["r.incident_id = ?", "r.outcome = 'letter'",
             "NOT EXISTS (SELECT 1 FROM letters l WHERE l.recipient_id = r.id)"]
    chosen, params = given_filters(("r.state = ?", state), ("r.variant = ?", variant),
                                   ("r.language = ?", language))
    where += chosen
    params.insert(0, incident_id)
    sql = (f"SELECT r.id, r.variant, r.language, CASE r.variant WHEN 'deceased' THEN "
           f"r.nok_state ELSE r.state END FROM recipients r WHERE {' AND '.join(where)} "
           "ORDER BY 4, r.zip, r.last_name, r.name, r.rowid")
    return db.execute(sql, params).fetchall()


LETTER_COLUMNS = ("id", "batch_id", "incident_id", "recipient_id", "seq", "ref_no", "reference",
                  "variant", "language", "template_key", "template_version", "state", "status",
                  "created_at", "updated_at", "updated_by")


def insert_letters(db: sqlite_utils.Database, rows: list[Row]) -> None:
    sql = (f"INSERT INTO letters ({', '.join(LETTER_COLUMNS)}) VALUES "
           f"({', '.join('?' for _ in LETTER_COLUMNS)})")
    db.conn.executemany(sql, rows)


_LETTER_SELECT = (
    "SELECT l.id, l.batch_id, l.seq, l.reference, l.variant, l.language, l.template_key, "
    "l.template_version, l.status, l.state, l.recipient_id, l.file, "
    f"coalesce(c.code, ''), {SELECT_FIELDS} FROM letters l "
    "JOIN recipients r ON r.id = l.recipient_id "
    "LEFT JOIN enrollment_codes c ON c.letter_id = l.id ")


def _letter(r: Row) -> Letter:
    return Letter(id=r[0], batch_id=r[1], seq=int(r[2]), reference=r[3], variant=Variant(r[4]),
                  language=r[5], template_key=r[6], template_version=int(r[7]),
                  status=LetterStatus(r[8]), state=r[9] or "", recipient_id=r[10],
                  file=r[11] or "", code=r[12], person=fields_from(r, 13))


def iter_letters(db: sqlite_utils.Database, batch_id: str, first: int = 1,
                 last: int | None = None) -> Iterator[Letter]:
    """A batch's letters in print order, streamed (one row in Python at a time)."""
    sql = _LETTER_SELECT + "WHERE l.batch_id = ? AND l.seq >= ? AND l.seq <= ? ORDER BY l.seq"
    for r in db.execute(sql, [batch_id, first, last if last is not None else 1 << 62]):
        yield _letter(r)


def letter_by_reference(db: sqlite_utils.Database, reference: str) -> Letter | None:
    r = db.execute(_LETTER_SELECT + "WHERE l.reference = ?", [reference]).fetchone()
    return _letter(r) if r else None


def letter_ids_in_range(db: sqlite_utils.Database, batch_id: str, first: int, last: int
                        ) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in db.execute(
        "SELECT id, status FROM letters WHERE batch_id = ? AND seq BETWEEN ? AND ? "
        "ORDER BY seq", [batch_id, first, last])]


def references_in_range(db: sqlite_utils.Database, batch_id: str, first: int, last: int
                        ) -> Iterator[tuple[int, str]]:
    """(seq, reference) of a batch's letters `first`..`last`, in print order, streamed."""
    for r in db.execute("SELECT seq, reference FROM letters WHERE batch_id = ? AND "
                        "seq BETWEEN ? AND ? ORDER BY seq", [batch_id, first, last]):
        yield int(r[0]), str(r[1])


def pending_letters(db: sqlite_utils.Database, batch_id: str) -> list[tuple[str, int]]:
    """(id, seq) of a batch's letters not rendered yet, in print order."""
    return [(str(r[0]), int(r[1])) for r in db.execute(
        "SELECT id, seq FROM letters WHERE batch_id = ? AND status = 'pending' ORDER BY seq",
        [batch_id])]


def letter_incident(db: sqlite_utils.Database, letter_id: str) -> str:
    return str(db.execute("SELECT incident_id FROM letters WHERE id = ?",
                          [letter_id]).fetchone()[0])


def template_counts(db: sqlite_utils.Database, batch_id: str) -> list[tuple[str, int, str, int]]:
    """(template key, version, language, letters) used by a batch."""
    return [(str(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in db.execute(
        "SELECT template_key, template_version, language, count(*) FROM letters WHERE "
        "batch_id = ? GROUP BY template_key, template_version, language", [batch_id])]


def set_batch_rendered(db: sqlite_utils.Database, batch_id: str, at: str) -> None:
    db.execute("UPDATE letter_batches SET rendered_at = ? WHERE id = ?", [at, batch_id])


def rendered_files(db: sqlite_utils.Database, batch_id: str) -> dict[int, dict[str, Any]]:
    """{part: row} of a batch's part files as they were proven on disk (name, first_seq,
    last_seq, bytes, sha256)."""
    return {int(r["part"]): r for r in db.query(
        "SELECT part, name, first_seq, last_seq, bytes, sha256 FROM rendered_files "
        "WHERE batch_id = ? ORDER BY part", [batch_id])}


def record_rendered_file(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Insert or replace the record of one proven part file (batch_id, part, incident_id,
    name, first_seq, last_seq, bytes, sha256, rendered_at, rendered_by)."""
    db.table("rendered_files").insert(row, replace=True)


def pending_in_range(db: sqlite_utils.Database, batch_id: str, first: int, last: int
                     ) -> list[str]:
    """Ids of a batch's letters `first`..`last` not marked rendered yet."""
    return [str(r[0]) for r in db.execute(
        "SELECT id FROM letters WHERE batch_id = ? AND status = 'pending' AND "
        "seq BETWEEN ? AND ? ORDER BY seq", [batch_id, first, last])]


def set_batch_printed(db: sqlite_utils.Database, batch_id: str, at: str) -> None:
    db.execute("UPDATE letter_batches SET printed_at = ? WHERE id = ?", [at, batch_id])


def set_status(db: sqlite_utils.Database, rows: list[Row]) -> None:
    """rows: (status, file_or_None, updated_at, updated_by, letter_id)."""
    db.conn.executemany("UPDATE letters SET status = ?, file = coalesce(?, file), "
                        "updated_at = ?, updated_by = ? WHERE id = ?", rows)


def insert_events(db: sqlite_utils.Database, rows: list[Row]) -> None:
    """rows: (id, letter_id, incident_id, at, kind, on_date, note, address, operator).

    Each event's `n` is one more than the newest of its letter's events here (see
    `settle_status`)."""
    db.conn.executemany("INSERT INTO letter_events (id, letter_id, incident_id, at, kind, "
                        "on_date, note, address, operator, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                        "?7, ?8, ?9, (SELECT coalesce(max(n), 0) + 1 FROM letter_events "
                        "WHERE letter_id = ?2))", rows)


_STAGES = {s.value: i for i, s in enumerate(LetterStatus)}


def settle_status(db: sqlite_utils.Database, letter_ids: Iterable[str]) -> None:
    """Set each letter's status from its mailing log (after a merge brought events of it from
    another laptop): the kind of its latest status event. Latest: the highest `n` (one more
    than the newest event of the letter its laptop had seen, so an event made after seeing
    another wins even when its laptop's clock is behind), then time, then how far along the
    mailing it is, then id; any order of arrival gives the same status. A letter with no
    status event keeps its own."""
    marks = ", ".join("?" for _ in _STAGES)
    for letter_id in sorted(set(letter_ids)):
        rows = db.execute(f"SELECT kind, at, operator, id, coalesce(n, 0) FROM letter_events "
                          f"WHERE letter_id = ? AND kind IN ({marks})",
                          [letter_id, *_STAGES]).fetchall()
        if not rows:
            continue
        kind, at, by, _, _ = max(rows, key=lambda r: (int(r[4]), str(r[1]), _STAGES[str(r[0])],
                                                      str(r[3])))
        db.execute("UPDATE letters SET status = ?, updated_at = ?, updated_by = ? WHERE id = ? "
                   "AND (status, updated_at, updated_by) IS NOT (?, ?, ?)",
                   [kind, at, by, letter_id, kind, at, by])


def events(db: sqlite_utils.Database, letter_id: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT at, kind, on_date, note, address, operator FROM letter_events "
                         "WHERE letter_id = ? ORDER BY at, rowid", [letter_id]))


def totals(db: sqlite_utils.Database, incident_id: str) -> list[tuple[str, str, int]]:
    """(state, status, letters) for the incident."""
    return [(r[0] or "", r[1], int(r[2])) for r in db.execute(
        "SELECT state, status, count(*) FROM letters WHERE incident_id = ? "
        "GROUP BY state, status ORDER BY state, status", [incident_id])]


def iter_log(db: sqlite_utils.Database, incident_id: str) -> Iterator[Row]:
    """Mailing-log rows: reference, batch, seq, state, status, addressee fields, last date."""
    sql = ("SELECT l.reference, b.number, l.seq, l.state, l.status, l.variant, l.language, "
           "l.template_key, l.template_version, "
           "(SELECT max(e.on_date) FROM letter_events e WHERE e.letter_id = l.id AND "
           "e.kind IN ('mailed', 'remailed')), "
           "(SELECT max(e.on_date) FROM letter_events e WHERE e.letter_id = l.id AND "
           f"e.kind = 'returned'), l.variant, {SELECT_FIELDS} FROM letters l "
           "JOIN letter_batches b ON b.id = l.batch_id "
           "JOIN recipients r ON r.id = l.recipient_id WHERE l.incident_id = ? "
           "ORDER BY b.number, l.seq")
    yield from db.execute(sql, [incident_id])
