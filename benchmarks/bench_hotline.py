"""Hotline benchmarks: "Was I affected?" among 1,000,000 recipients, each against a floor
timed in the same run.

Run: .venv/bin/python benchmarks/bench_hotline.py [--rows N] [--queries N]

The recipients and their letters are written with bulk SQL straight into the encrypted desk
(the importer is benchmarked elsewhere), then:

- hotline_lookup_reference_median: median of `hotline.lookup(reference=...)` (half real
  references, half well-formed ones that match nothing), the whole user action: the indexed
  probe, the opaque handle written, the signed audit entry, one transaction. Floor: the same
  indexed SELECT on the raw connection.
- hotline_lookup_name_dob_median: the same for name and date of birth (hits and misses).
  Floor: the same SELECT on the birth-date index (m022_hotline) on the raw connection.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.letters import reference_number
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.hotline import lookup
from crisisdesk.services.session import Session
from crisisdesk.store import vault

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "José", "Zoë", "Aisha", "Wei", "Priya", "Olga", "Chidi", "Ana", "Mateo",
         "Fatima", "Hiroshi", "Ingrid", "Kwame", "Lucía", "Noah", "Sven", "Yara", "Emma"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Müller",
        "Nguyen", "O'Brien", "Kowalski", "Okafor", "Rodríguez", "Martin", "Lee", "Walker",
        "Hall", "Young", "King", "Wright", "López", "Hill", "Scott", "Green", "Adams", "Baker"]
EPOCH = dt.date(1930, 1, 1)
DAYS = 80 * 365  # birth dates spread over 80 years: ~34 people share each one


def person(i: int) -> tuple[str, str, str]:
    rng = random.Random(i)
    birth = EPOCH + dt.timedelta(days=rng.randrange(DAYS))
    return rng.choice(FIRST), rng.choice(LAST), birth.isoformat()


def fill(session: Session, rows: int) -> None:
    """`rows` recipients, each with a letter, in one transaction of bulk inserts."""
    incident = incident_service.create_incident(
        session, title="Bench", kind=IncidentKind.RANSOMWARE, discovered_on=dt.date(2026, 3, 2))
    conn = session.db.conn
    at = "2026-03-20T12:00:00Z"
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO letter_batches (id, incident_id, number, letter_date, templates, "
                 "selection, letters_per_file, letter_count, created_at) VALUES "
                 "('b1', ?, 1, '2026-03-20', '{}', '{}', 500, ?, ?)", [incident.id, rows, at])
    step = 50_000
    for lo in range(0, rows, step):
        people = [(i, *person(i)) for i in range(lo, min(rows, lo + step))]
        conn.executemany(
            "INSERT INTO recipients (id, incident_id, name, first_name, last_name, birth_date, "
            "address1, city, state, zip, variant, outcome, created_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, 'Springfield', 'IL', '62701', 'adult', 'letter', ?)",
            [(f"r{i}", incident.id, f"{first} {last}", first, last, birth, f"{i % 999} Elm St",
              at) for i, first, last, birth in people])
        conn.executemany(
            "INSERT INTO letters (id, batch_id, incident_id, recipient_id, seq, ref_no, "
            "reference, variant, language, template_key, template_version, status, created_at) "
            "VALUES (?, 'b1', ?, ?, ?, ?, ?, 'adult', 'en', 'patient-notification-en', 1, "
            "'mailed', ?)",
            [(f"l{i}", incident.id, f"r{i}", i + 1, i + 1, reference_number(i + 1), at)
             for i, *_ in people])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def timed(pairs: list[tuple[Callable[[], object], Callable[[], object]]]
          ) -> tuple[float, float]:
    """Median seconds of each side, the two sides alternating which runs first."""
    ours: list[float] = []
    floor: list[float] = []
    for i, (mine, raw) in enumerate(pairs):
        for side in ((0, 1) if i % 2 else (1, 0)):
            start = time.perf_counter()
            (mine if side == 0 else raw)()
            (ours if side == 0 else floor).append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(floor)


def bench(session: Session, rows: int, count: int) -> tuple[tuple[float, float],
                                                            tuple[float, float]]:
    conn = session.db.conn
    rng = random.Random(3)
    refs = [reference_number(rng.randrange(rows) + 1) if k % 2 else
            reference_number(rows + 1 + rng.randrange(1_000_000)) for k in range(count)]
    by_ref = [(lambda r=r: lookup.lookup(session, reference=r),
               lambda r=r: conn.execute("SELECT recipient_id FROM letters WHERE reference = ?",
                                        [r]).fetchall()) for r in refs]
    names = []
    for k in range(count):
        first, last, birth = person(rng.randrange(rows))
        if k % 2:
            last = "Nobody"
        names.append((f"{first} {last}", dt.date.fromisoformat(birth)))
    by_name = [(lambda n=n, b=b: lookup.lookup(session, name=n, birth_date=b),
                lambda b=b: conn.execute(
                    "SELECT id, name, first_name, last_name FROM recipients WHERE "
                    "birth_date = ? AND outcome != 'duplicate'", [b.isoformat()]).fetchall())
               for n, b in names]
    timed(by_ref[:10] + by_name[:10])  # warm both sides alike
    hits = sum(lookup.lookup(session, reference=r).found for r in refs[:20])
    print(f"  {rows:,} recipients; reference hits in the first 20 queries: {hits}",
          file=sys.stderr)
    return timed(by_ref), timed(by_name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        session = desk_service.init_desk(Path(tmp) / "desk", org="Bench", operator="bench",
                                         passphrase="benchmark passphrase").session
        try:
            start = time.perf_counter()
            fill(session, args.rows)
            print(f"  filled in {time.perf_counter() - start:.1f} s", file=sys.stderr)
            (r_ours, r_floor), (n_ours, n_floor) = bench(session, args.rows, args.queries)
        finally:
            session.close()
    print(f"hotline_lookup_reference_median: {r_ours * 1000:.2f} ms "
          f"(ratio {r_ours / r_floor:.2f} to floor)")
    print(f"hotline_lookup_name_dob_median: {n_ours * 1000:.2f} ms "
          f"(ratio {n_ours / n_floor:.2f} to floor)")


if __name__ == "__main__":
    main()
