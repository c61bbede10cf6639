"""SQL for the patient hotline: lookups, verification attempts, locks and the call log.

Lookups read the letters' unique reference index and the recipients' birth-date index
(m022_hotline), so a lookup among a million recipients is one indexed probe.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from crisisdesk.domain.hotline import StoredFacts
from crisisdesk.domain.letters import Variant


def ids_by_reference(db: sqlite_utils.Database, reference: str) -> list[str]:
    rows = db.execute("SELECT recipient_id FROM letters WHERE reference = ?",
                      [reference]).fetchall()
    return [str(r[0]) for r in rows]


def people_born(db: sqlite_utils.Database, birth_iso: str) -> list[tuple[str, str, str, str]]:
    """(id, name, first name, last name) of every recipient born that day, duplicates left
    out (they were merged into another recipient)."""
    rows = db.execute(
        "SELECT id, name, first_name, last_name FROM recipients WHERE birth_date = ? "
        "AND outcome != 'duplicate'", [birth_iso]).fetchall()
    return [(str(r[0]), str(r[1] or ""), str(r[2] or ""), str(r[3] or "")) for r in rows]


_FACTS = (
    "SELECT r.id, COALESCE(r.birth_date, ''), r.zip, r.nok_zip, COALESCE(l.reference, ''), "
    "COALESCE(NULLIF(l.variant, ''), NULLIF(r.variant, ''), 'adult'), r.guardian_name, "
    "r.nok_name FROM recipients r LEFT JOIN letters l ON l.recipient_id = r.id "
    "WHERE r.id = ?")


def stored_facts(db: sqlite_utils.Database, recipient_id: str) -> StoredFacts | None:
    row = db.execute(_FACTS, [recipient_id]).fetchone()
    if row is None:
        return None
    variant = Variant(row[5])
    deceased = variant is Variant.DECEASED
    return StoredFacts(
        birth_date=str(row[1]), zip_code=str((row[3] if deceased else row[2]) or ""),
        reference=str(row[4]), variant=variant,
        proxy_name=str((row[7] if deceased else row[6] if variant is Variant.MINOR else "")
                       or ""))


@dataclass(frozen=True)
class LookupRow:
    id: str
    agent: str
    recipient_ids: tuple[str, ...]
    verified_id: str
    relationship: str


def add_lookup(db: sqlite_utils.Database, lookup_id: str, at: str, agent: str, method: str,
               recipient_ids: Sequence[str]) -> None:
    db.execute("INSERT INTO hotline_lookups (id, at, agent, method, recipient_ids) "
               "VALUES (?, ?, ?, ?, ?)", [lookup_id, at, agent, method,
                                          json.dumps(list(recipient_ids))])


def get_lookup(db: sqlite_utils.Database, lookup_id: str) -> LookupRow | None:
    row = db.execute("SELECT id, agent, recipient_ids, verified_id, relationship "
                     "FROM hotline_lookups WHERE id = ?", [lookup_id]).fetchone()
    if row is None:
        return None
    return LookupRow(str(row[0]), str(row[1]), tuple(json.loads(row[2])), str(row[3]),
                     str(row[4]))


def set_verified(db: sqlite_utils.Database, lookup_id: str, recipient_id: str, at: str,
                 relationship: str) -> None:
    db.execute("UPDATE hotline_lookups SET verified_id = ?, verified_at = ?, relationship = ? "
               "WHERE id = ?", [recipient_id, at, relationship, lookup_id])


def add_attempt(db: sqlite_utils.Database, attempt_id: str, at: str, agent: str,
                recipient_id: str, lookup_id: str, ok: bool) -> None:
    db.execute("INSERT INTO hotline_attempts (id, at, agent, recipient_id, lookup_id, ok) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               [attempt_id, at, agent, recipient_id, lookup_id, int(ok)])


def failures_since_success(db: sqlite_utils.Database, recipient_id: str, agent: str) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM hotline_attempts WHERE recipient_id = ? AND agent = ? AND ok = 0 "
        "AND at >= COALESCE((SELECT MAX(at) FROM hotline_attempts WHERE recipient_id = ? "
        "AND agent = ? AND ok = 1), '')", [recipient_id, agent, recipient_id, agent]).fetchone()
    return int(row[0])


def lock(db: sqlite_utils.Database, recipient_id: str, agent: str, at: str,
         failures: int) -> None:
    db.execute("INSERT OR REPLACE INTO hotline_locks (recipient_id, agent, at, failures) "
               "VALUES (?, ?, ?, ?)", [recipient_id, agent, at, failures])


def is_locked(db: sqlite_utils.Database, recipient_id: str, agent: str) -> bool:
    return db.execute("SELECT 1 FROM hotline_locks WHERE recipient_id = ? AND agent = ?",
                      [recipient_id, agent]).fetchone() is not None


def locks(db: sqlite_utils.Database) -> list[tuple[str, str, str, int]]:
    """(at, agent, recipient id, failures) of every lock, newest first."""
    rows = db.execute("SELECT at, agent, recipient_id, failures FROM hotline_locks "
                      "ORDER BY at DESC").fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


def letter_details(db: sqlite_utils.Database, recipient_id: str) -> dict[str, Any] | None:
    """What a verified caller may be told about the letter sent for `recipient_id`."""
    row = db.execute(
        "SELECT l.id, l.reference, l.template_key, l.template_version, l.variant, "
        "l.language, l.status, r.address1, r.nok_address1, c.code, p.expires_on, "
        "p.enrollment_url, p.monitoring_months, "
        "(SELECT MIN(e.on_date) FROM letter_events e WHERE e.letter_id = l.id "
        " AND e.kind = 'mailed'), "
        "(SELECT MAX(e.on_date) FROM letter_events e WHERE e.letter_id = l.id "
        " AND e.kind = 'remailed') "
        "FROM letters l JOIN recipients r ON r.id = l.recipient_id "
        "LEFT JOIN enrollment_codes c ON c.letter_id = l.id "
        "LEFT JOIN code_pools p ON p.id = c.pool_id WHERE l.recipient_id = ?",
        [recipient_id]).fetchone()
    if row is None:
        return None
    keys = ("letter_id", "reference", "template_key", "template_version", "variant",
            "language", "status", "address1", "nok_address1", "code", "expires_on",
            "enrollment_url", "monitoring_months", "mailed_on", "remailed_on")
    return dict(zip(keys, row, strict=True))


CALL_COLUMNS = ("id", "at", "agent", "language", "verified", "topics", "topic_text", "outcome",
                "follow_up", "lookup_id", "duration_s", "source")


def add_call(db: sqlite_utils.Database, row: Sequence[object]) -> None:
    db.execute(f"INSERT INTO hotline_calls ({', '.join(CALL_COLUMNS)}) VALUES "
               f"({', '.join('?' for _ in CALL_COLUMNS)})", list(row))


def calls(db: sqlite_utils.Database, since: str = "") -> Iterator[dict[str, Any]]:
    cursor = db.execute(f"SELECT {', '.join(CALL_COLUMNS)} FROM hotline_calls WHERE at >= ? "
                        "ORDER BY at, id", [since])
    for row in cursor:
        yield dict(zip(CALL_COLUMNS, row, strict=True))


REQUEST_COLUMNS = ("id", "at", "agent", "kind", "lookup_id", "recipient_id", "incident_id",
                   "letter_id", "detail", "status")


def add_request(db: sqlite_utils.Database, row: Sequence[object]) -> None:
    """A caller's request (REQUEST_COLUMNS, in order): re-send, language, complaint,
    callback, e-mail opt-in."""
    db.execute(f"INSERT INTO hotline_requests ({', '.join(REQUEST_COLUMNS)}) VALUES "
               f"({', '.join('?' for _ in REQUEST_COLUMNS)})", list(row))


def open_requests(db: sqlite_utils.Database, kinds: Sequence[str],
                  letter_id: str = "") -> list[dict[str, Any]]:
    """Open requests of `kinds` (about `letter_id` only, when given), oldest first, with the
    letter's reference, batch and place in it, and whether the letter was reprinted or
    re-mailed since (a re-send done)."""
    marks = ", ".join("?" for _ in kinds)
    only = " AND q.letter_id = ?" if letter_id else ""
    rows = db.execute(
        "SELECT q.id, q.at, q.agent, q.kind, q.detail, COALESCE(l.reference, ''), "
        "COALESCE(b.number, 0), COALESCE(l.seq, 0), "
        "EXISTS (SELECT 1 FROM letter_events e WHERE e.letter_id = q.letter_id "
        " AND e.kind IN ('reprinted', 'remailed') AND e.at >= q.at) "
        "FROM hotline_requests q LEFT JOIN letters l ON l.id = q.letter_id "
        "LEFT JOIN letter_batches b ON b.id = l.batch_id "
        f"WHERE q.status = 'open' AND q.kind IN ({marks}){only} ORDER BY q.at, q.rowid",
        [*kinds, *([letter_id] if letter_id else [])]).fetchall()
    keys = ("id", "at", "agent", "kind", "detail", "reference", "batch", "seq", "sent")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def open_request_counts(db: sqlite_utils.Database) -> dict[str, int]:
    rows = db.execute("SELECT kind, COUNT(*) FROM hotline_requests WHERE status = 'open' "
                      "GROUP BY kind").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def get_request_status(db: sqlite_utils.Database, request_id: str) -> str | None:
    row = db.execute("SELECT status FROM hotline_requests WHERE id = ?",
                     [request_id]).fetchone()
    return None if row is None else str(row[0])


def close_request(db: sqlite_utils.Database, request_id: str, at: str, by: str,
                  note: str) -> None:
    db.execute("UPDATE hotline_requests SET status = 'done', closed_at = ?, closed_by = ?, "
               "closed_note = ? WHERE id = ?", [at, by, note, request_id])


def email_optin(db: sqlite_utils.Database, recipient_id: str) -> str:
    """The latest e-mail address the patient (or their caller) opted in with, or ''."""
    row = db.execute("SELECT detail FROM hotline_requests WHERE recipient_id = ? "
                     "AND kind = 'email_optin' ORDER BY at DESC, rowid DESC LIMIT 1",
                     [recipient_id]).fetchone()
    return "" if row is None else str(row[0])


def letter_of(db: sqlite_utils.Database, recipient_id: str) -> tuple[str, str] | None:
    """(letter id, reference) of the recipient's letter, if one was made."""
    row = db.execute("SELECT id, reference FROM letters WHERE recipient_id = ?",
                     [recipient_id]).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


# --- questions with no approved answer, handling time, the outside call centre -------------

def add_question(db: sqlite_utils.Database, row: Sequence[object]) -> None:
    """(id, at, agent, language, question, folded, template_key): one question asked."""
    db.execute("INSERT INTO hotline_questions (id, at, agent, language, question, folded, "
               "template_key) VALUES (?, ?, ?, ?, ?, ?, ?)", list(row))


def question_template(db: sqlite_utils.Database, folded: str, language: str) -> str:
    """The draft proposed before for the same question in the same language ("" if none)."""
    row = db.execute("SELECT template_key FROM hotline_questions WHERE folded = ? AND "
                     "language = ? ORDER BY at LIMIT 1", [folded, language]).fetchone()
    return str(row[0]) if row else ""


def unanswered(db: sqlite_utils.Database, limit: int) -> list[tuple[str, str, str, int, str]]:
    """(template key, question as first proposed, language, times asked, last asked) of the
    questions whose proposed template has no approved version, most asked first."""
    rows = db.execute(
        "SELECT q.template_key, COALESCE(t.name, MIN(q.question)), q.language, COUNT(*), "
        "MAX(q.at) FROM hotline_questions q LEFT JOIN templates t ON t.key = q.template_key "
        "WHERE NOT EXISTS (SELECT 1 FROM template_versions v WHERE v.template_id = t.id "
        "AND v.status = 'approved') GROUP BY q.template_key "
        "ORDER BY COUNT(*) DESC, MAX(q.at) DESC LIMIT ?", [limit]).fetchall()
    return [(str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4])) for r in rows]


def handling_times(db: sqlite_utils.Database, since: str) -> list[tuple[str, int | None]]:
    """(at, duration in seconds or None) of every call at or after `since`."""
    rows = db.execute("SELECT at, duration_s FROM hotline_calls WHERE at >= ? ORDER BY at",
                      [since]).fetchall()
    return [(str(r[0]), None if r[1] is None else int(r[1])) for r in rows]


def call_centre_rows(db: sqlite_utils.Database) -> Iterator[tuple[Any, ...]]:
    """(reference, name, first name, last name, state, variant, code, code expires on,
    enrolled on) of every letter, in reference order: what an outside call centre's lookup
    needs (the name is masked by the caller)."""
    yield from db.execute(
        "SELECT l.reference, r.name, r.first_name, r.last_name, l.state, l.variant, c.code, "
        "p.expires_on, e.enrolled_on FROM letters l JOIN recipients r ON r.id = l.recipient_id "
        "LEFT JOIN enrollment_codes c ON c.letter_id = l.id "
        "LEFT JOIN code_pools p ON p.id = c.pool_id "
        "LEFT JOIN vendor_enrolments e ON e.incident_id = l.incident_id "
        "AND e.reference = l.reference ORDER BY l.reference")


def calls_by_id(db: sqlite_utils.Database, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The calls with these ids (imported before), by id."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        cursor = db.execute(f"SELECT {', '.join(CALL_COLUMNS)} FROM hotline_calls WHERE id IN "
                            f"({', '.join('?' for _ in chunk)})", chunk)
        for row in cursor:
            call = dict(zip(CALL_COLUMNS, row, strict=True))
            out[str(call["id"])] = call
    return out
