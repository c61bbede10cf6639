"""Every count the Letters page's pipeline shows, read in one short batch of indexed queries.

The page asks for these on every refresh, so they are grouped counts (no row leaves SQLite)
read inside one read transaction: the steps never disagree with each other because a write
landed between two of the queries.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class PipelineCounts:
    outcomes: dict[str, int]  # outcome ('' = not classified yet) -> recipients
    letter_variants: dict[str, int]  # variant -> recipients classified for a letter
    eligible: dict[tuple[str, str], int]  # (variant, language) -> letter recipients unbatched
    review_open: int
    codes: int
    codes_free: int  # unused and not expired on `today`
    batches: list[tuple[int, int, str, str]]  # (number, letters, rendered_at, printed_at)
    statuses: dict[str, int]  # letter status -> letters
    printed_by_batch: dict[int, int]  # batch number -> letters printed, not mailed yet


def pipeline_counts(db: sqlite_utils.Database, incident_id: str, today: str) -> PipelineCounts:
    i = [incident_id]
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN")  # one snapshot for every count (WAL: readers never wait)
    try:
        outcomes = {str(r[0]): int(r[1]) for r in db.execute(
            "SELECT coalesce(outcome, ''), count(*) FROM recipients WHERE incident_id = ? "
            "GROUP BY 1", i)}
        # These two read idx_recipients_pipeline alone: no patient row is decrypted.
        variants = {str(r[0]): int(r[1]) for r in db.execute(
            "SELECT variant, count(*) FROM recipients WHERE incident_id = ? AND "
            "outcome = 'letter' GROUP BY 1", i)}
        eligible = {(str(r[0]), str(r[1] or "en")): int(r[2]) for r in db.execute(
            "SELECT r.variant, r.language, count(*) FROM recipients r WHERE "
            "r.incident_id = ? AND r.outcome = 'letter' AND NOT EXISTS (SELECT 1 FROM "
            "letters l WHERE l.recipient_id = r.id) GROUP BY 1, 2", i)}
        review, codes, free = db.execute(
            "SELECT (SELECT count(*) FROM recipient_review WHERE incident_id = ? AND "
            "status = 'open'), (SELECT count(*) FROM enrollment_codes WHERE incident_id = ?), "
            "(SELECT count(*) FROM enrollment_codes c JOIN code_pools p ON p.id = c.pool_id "
            "WHERE c.incident_id = ? AND c.letter_id IS NULL AND p.expires_on >= ?)",
            [incident_id, incident_id, incident_id, today]).fetchone()
        batches = [(int(r[0]), int(r[1]), str(r[2] or ""), str(r[3] or "")) for r in db.execute(
            "SELECT number, letter_count, rendered_at, printed_at FROM letter_batches WHERE "
            "incident_id = ? ORDER BY number", i)]
        statuses = {str(r[0]): int(r[1]) for r in db.execute(
            "SELECT status, count(*) FROM letters WHERE incident_id = ? GROUP BY 1", i)}
        printed = {int(r[0]): int(r[1]) for r in db.execute(
            "SELECT b.number, count(*) FROM letters l JOIN letter_batches b ON "
            "b.id = l.batch_id WHERE l.incident_id = ? AND l.status = 'printed' GROUP BY 1",
            i)} if statuses.get("printed") else {}
    finally:
        if own:
            db.conn.execute("COMMIT")
    return PipelineCounts(outcomes, variants, eligible, int(review), int(codes), int(free),
                          batches, statuses, printed)
