"""Activations of calling trees: the frozen copy, append-only attempts and caller marks.

Recording a call is the hot path (a 5,000-person tree, one keystroke per call): one INSERT of
the attempt, one UPDATE of that person's folded state, and progress read back as a GROUP BY
over the `(activation_id, status)` index. The frozen copy is written with one `executemany`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils

from crisisdesk.domain.call_escalation import AvailabilityMark, FrozenPerson
from crisisdesk.domain.call_outcomes import Activation, Attempt, Outcome, PersonState, Status
from crisisdesk.domain.phones import Phone
from crisisdesk.store.db import given_filters

_ACT_COLS = ("id, tree_id, tree_name, tree_version, is_drill, status, started_at, started_by, "
             "incident_id, template_key, template_version, script, message_log_id, closed_at, "
             "closed_by, summary, report_back_to")
_PERSON_COLS = ("contact_id, name, job_title, phones, caller_id, backup_id, position, depth, "
                "branch_id")
_STATE_COLS = ("status, attempts, failed_attempts, last_outcome, last_at, first_at, reached_at, "
               "wrong_numbers")
_ATTEMPT_COLS = "id, contact_id, outcome, at, recorded_by, number, caller_id, note, corrects"
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _activation(r: Sequence[Any]) -> Activation:
    return Activation(r[0], r[1], r[2], int(r[3]), bool(r[4]), r[5], r[6], r[7] or "",
                      r[8] or "", r[9] or "", int(r[10] or 0), r[11] or "", r[12] or "",
                      r[13] or "", r[14] or "", r[15] or "", r[16])


def insert_activation(db: sqlite_utils.Database, act: Activation, *, sha256: str, at: str,
                      by: str) -> None:
    db.execute(
        f"INSERT INTO tree_activations ({_ACT_COLS}, template_sha256, created_at, updated_at, "
        "updated_by) VALUES (" + ", ".join("?" for _ in range(21)) + ")",
        [act.id, act.tree_id, act.tree_name, act.tree_version, int(act.is_drill), act.status,
         act.started_at, act.started_by, act.incident_id, act.template_key,
         act.template_version, act.script, act.message_log_id, act.closed_at, act.closed_by,
         act.summary, act.report_back_to, sha256, at, at, by])


def person_row(activation_id: str, seq: int, p: FrozenPerson) -> tuple[Any, ...]:
    phones = _JSON.encode([[ph.label, ph.original, ph.e164] for ph in p.phones])
    return (activation_id, p.contact_id, seq, p.name, p.job_title, phones, p.caller_id or "",
            p.backup_id or "", p.position, p.depth, p.branch_id)


INSERT_PERSON = ("INSERT INTO activation_people (activation_id, contact_id, seq, name, job_title,"
                 " phones, caller_id, backup_id, position, depth, branch_id) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def insert_people(db: sqlite_utils.Database, activation_id: str,
                  people: Iterable[FrozenPerson]) -> int:
    rows = [person_row(activation_id, i, p) for i, p in enumerate(people)]
    db.conn.executemany(INSERT_PERSON, rows)
    return len(rows)


def get(db: sqlite_utils.Database, activation_id: str) -> Activation | None:
    row = db.execute(f"SELECT {_ACT_COLS} FROM tree_activations WHERE id = ?",
                     [activation_id]).fetchone()
    return _activation(row) if row else None


def find(db: sqlite_utils.Database, ref: str) -> list[Activation]:
    rows = db.execute(f"SELECT {_ACT_COLS} FROM tree_activations WHERE id = ? OR "
                      "(length(?) >= 4 AND id LIKE ? || '%')", [ref, ref, ref]).fetchall()
    return [_activation(r) for r in rows]


def list_activations(db: sqlite_utils.Database, *, tree_id: str | None = None,
                     only_open: bool = False) -> list[Activation]:
    where, params = given_filters(("tree_id = ?", tree_id))
    if only_open:
        where.append("status = 'open'")
    rows = db.execute(f"SELECT {_ACT_COLS} FROM tree_activations "
                      f"WHERE {' AND '.join(where) or '1 = 1'} "
                      "ORDER BY started_at DESC, id", params).fetchall()
    return [_activation(r) for r in rows]


def close(db: sqlite_utils.Database, activation_id: str, *, at: str, by: str,
          summary: dict[str, Any]) -> None:
    """Close it here, and keep the close as a record that travels to the team's laptops."""
    db.execute("INSERT INTO activation_closes (id, activation_id, at, operator) "
               "VALUES (?, ?, ?, ?)", [str(uuid.uuid4()), activation_id, at, by])
    db.execute("UPDATE tree_activations SET status = 'closed', closed_at = ?, closed_by = ?, "
               "summary = ?, updated_at = ?, updated_by = ? WHERE id = ?",
               [at, by, _JSON.encode(summary), at, by, activation_id])


def settle_close(db: sqlite_utils.Database, activation_id: str) -> bool:
    """Close the activation as its earliest close record says (by time, then id), after a
    merge brought a close from another laptop: two laptops that closed it apart end with the
    same closing time and closer everywhere. True when it is closed (the caller recomputes its
    kept report); False when no close record exists here."""
    row = db.execute("SELECT at, operator FROM activation_closes WHERE activation_id = ? "
                     "ORDER BY at, id LIMIT 1", [activation_id]).fetchone()
    if row is None:
        return False
    at, by = str(row[0]), str(row[1])
    db.execute("UPDATE tree_activations SET status = 'closed', closed_at = ?, closed_by = ?, "
               "updated_at = ?, updated_by = ? WHERE id = ? AND (status, closed_at, closed_by, "
               "updated_at, updated_by) IS NOT ('closed', ?, ?, ?, ?)",
               [at, by, at, by, activation_id, at, by, at, by])
    return True


def set_summary(db: sqlite_utils.Database, activation_id: str, summary: dict[str, Any]) -> None:
    """Replace the kept report of a closed activation (recomputed after a merge)."""
    text = _JSON.encode(summary)
    db.execute("UPDATE tree_activations SET summary = ? WHERE id = ? AND summary IS NOT ?",
               [text, activation_id, text])


def _person(r: Sequence[Any]) -> FrozenPerson:
    phones = tuple(Phone(a, b, c) for a, b, c in json.loads(r[3] or "[]"))
    return FrozenPerson(r[0], r[1], r[2] or "", phones, r[4] or None, r[5] or None, int(r[6]),
                        int(r[7]), r[8] or r[0])


def _state(r: Sequence[Any]) -> PersonState:
    return PersonState(Status(r[0]), int(r[1]), int(r[2]), Outcome(r[3]) if r[3] else None,
                       r[4] or "", r[5] or "", r[6] or "", frozenset(json.loads(r[7] or "[]")))


def people(db: sqlite_utils.Database, activation_id: str) -> list[FrozenPerson]:
    rows = db.execute(f"SELECT {_PERSON_COLS} FROM activation_people WHERE activation_id = ? "
                      "ORDER BY seq", [activation_id]).fetchall()
    return [_person(r) for r in rows]


def person(db: sqlite_utils.Database, activation_id: str, contact_id: str
           ) -> FrozenPerson | None:
    row = db.execute(f"SELECT {_PERSON_COLS} FROM activation_people WHERE activation_id = ? "
                     "AND contact_id = ?", [activation_id, contact_id]).fetchone()
    return _person(row) if row else None


def states(db: sqlite_utils.Database, activation_id: str) -> dict[str, PersonState]:
    rows = db.execute(f"SELECT contact_id, {_STATE_COLS} FROM activation_people "
                      "WHERE activation_id = ?", [activation_id]).fetchall()
    return {r[0]: _state(r[1:]) for r in rows}


def update_state(db: sqlite_utils.Database, activation_id: str, contact_id: str,
                 s: PersonState) -> None:
    db.execute(
        "UPDATE activation_people SET status = ?, attempts = ?, failed_attempts = ?, "
        "last_outcome = ?, last_at = ?, first_at = ?, reached_at = ?, wrong_numbers = ? "
        "WHERE activation_id = ? AND contact_id = ?",
        [s.status.value, s.attempts, s.failed_attempts, s.last_outcome.value if s.last_outcome
         else "", s.last_at, s.first_at, s.reached_at, _JSON.encode(sorted(s.wrong_numbers)),
         activation_id, contact_id])


def calls_anyone(db: sqlite_utils.Database, activation_id: str, contact_id: str) -> bool:
    """Whether this person is the caller of anyone in the activation."""
    return db.execute("SELECT 1 FROM activation_people WHERE activation_id = ? AND "
                      "caller_id = ? LIMIT 1", [activation_id, contact_id]).fetchone() is not None


def status_counts(db: sqlite_utils.Database, activation_id: str) -> dict[Status, int]:
    rows = db.execute("SELECT status, count(*) FROM activation_people WHERE activation_id = ? "
                      "GROUP BY status", [activation_id]).fetchall()
    return {Status(r[0]): int(r[1]) for r in rows}


def _attempt(r: Sequence[Any]) -> Attempt:
    return Attempt(r[0], r[1], Outcome(r[2]), r[3], r[4] or "", r[5] or "", r[6] or None,
                   r[7] or "", r[8] or "")


def attempts(db: sqlite_utils.Database, activation_id: str,
             contact_id: str | None = None) -> list[Attempt]:
    sql = f"SELECT {_ATTEMPT_COLS} FROM call_attempts WHERE activation_id = ?"
    params = [activation_id]
    if contact_id is not None:
        sql += " AND contact_id = ?"
        params.append(contact_id)
    return [_attempt(r) for r in db.execute(sql + " ORDER BY at, rowid", params).fetchall()]


def get_attempt(db: sqlite_utils.Database, attempt_id: str) -> tuple[str, Attempt] | None:
    row = db.execute(f"SELECT activation_id, {_ATTEMPT_COLS} FROM call_attempts WHERE id = ?",
                     [attempt_id]).fetchone()
    return (row[0], _attempt(row[1:])) if row else None


def insert_attempt(db: sqlite_utils.Database, activation_id: str, a: Attempt, *,
                   recorded_at: str) -> None:
    db.execute(
        "INSERT INTO call_attempts (id, activation_id, contact_id, outcome, at, recorded_at, "
        "recorded_by, number, caller_id, note, corrects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [a.id, activation_id, a.contact_id, a.outcome.value, a.at, recorded_at, a.recorded_by,
         a.number, a.caller_id or "", a.note, a.corrects])


def marks(db: sqlite_utils.Database, activation_id: str) -> list[AvailabilityMark]:
    rows = db.execute("SELECT id, contact_id, available, at, recorded_by, note FROM caller_marks "
                      "WHERE activation_id = ? ORDER BY seq", [activation_id]).fetchall()
    return [AvailabilityMark(r[0], r[1], bool(r[2]), r[3], r[4] or "", r[5] or "") for r in rows]


def insert_mark(db: sqlite_utils.Database, activation_id: str, m: AvailabilityMark) -> None:
    seq = int(db.execute("SELECT coalesce(max(seq), 0) + 1 FROM caller_marks").fetchone()[0])
    db.execute("INSERT INTO caller_marks (id, seq, activation_id, contact_id, available, at, "
               "recorded_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [m.id, seq, activation_id, m.contact_id, int(m.available), m.at, m.recorded_by,
                m.note])


def last_verified(db: sqlite_utils.Database) -> dict[tuple[str, str], str]:
    """(contact id, number dialled) -> when a call on that number last reached the person."""
    rows = db.execute("SELECT contact_id, number, max(at) FROM call_attempts WHERE outcome = "
                      "'reached' AND id NOT IN (SELECT corrects FROM call_attempts WHERE "
                      "corrects != '') GROUP BY contact_id, number").fetchall()
    return {(r[0], r[1] or ""): r[2] for r in rows}
