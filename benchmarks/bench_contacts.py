"""Contacts benchmarks: 100,000-row import and search, each against a floor timed in the same run.

Run: .venv/bin/python benchmarks/bench_contacts.py [--rows N] [--queries N]

- contacts_import_100k: `import_contacts` (read, validate, normalise phones, encrypt, index)
  of a generated CSV, against `sqlite-utils insert plain.db contacts file.csv --csv` loading
  the same file into a plain, unindexed SQLite database.
- contacts_search_median: median of varied queries through `search_contacts` on the encrypted
  desk holding those contacts, against the same FTS5 SQL run straight on the connection.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crisisdesk.domain.fts import fts_query
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import vault

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "José", "Zoë", "Søren", "Aisha", "Wei", "Priya", "Olga", "Chidi", "Ana",
         "Mateo", "Fatima", "Hiroshi", "Ingrid", "Kwame", "Lucía", "Noah", "Sven", "Yara"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Müller",
        "Nguyen", "O'Brien", "Kowalski", "Okafor", "Rodríguez", "Martin", "Lee", "Walker",
        "Hall", "Young", "King", "Wright", "López", "Hill", "Scott", "Green", "Adams", "Baker",
        "Nelson", "Carter", "Mitchell", "Pérez", "Roberts", "Turner", "Phillips", "Campbell"]
ORGS = ["Riverside Clinics", "County Health Department", "Metro Police", "Daily Courier",
        "State Board of Health", "MedSupply Inc", "Harbor Hospital", "Valley Ambulance",
        "Channel 7 News", "Office for Civil Rights", "Northside Pharmacy", "CityNet IT"]
TITLES = ["Charge Nurse", "Physician", "Press Officer", "Detective", "Inspector",
          "Account Manager", "IT Lead", "Pharmacist", "Paramedic", "Reporter", "Counsel"]
KINDS = ["staff", "staff", "staff", "external", "media", "regulator", "vendor",
         "law_enforcement"]
TAGS = ["on-call", "icu", "exec", "media-trained", "night", "pager", ""]


def us_number(rng: random.Random) -> str:
    area, exch, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    shape = rng.randrange(4)
    return [f"({area}) {exch}-{line:04d}", f"{area}-{exch}-{line:04d}",
            f"+1 {area} {exch} {line:04d}", f"{area}.{exch}.{line:04d}"][shape]


def any_number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.04:
        return f"+44 20 7946 {rng.randint(0, 9999):04d}"
    if roll < 0.06:
        return f"+49 30 {rng.randint(1000000, 9999999)}"
    return us_number(rng)


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Title", "Organisation", "Kind", "Mobile", "Work Phone",
                         "Email", "Tags"])
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            writer.writerow([
                f"{first} {last}", rng.choice(TITLES), rng.choice(ORGS), rng.choice(KINDS),
                any_number(rng), us_number(rng) if rng.random() < 0.5 else "",
                f"{first.lower()}.{i}@example.org", rng.choice(TAGS),
            ])


def queries(count: int, seed: int = 11) -> list[str]:
    """A varied mix: names, prefixes, full names, organisations, tags, phone fragments."""
    rng = random.Random(seed)
    makers = [
        lambda: rng.choice(LAST),
        lambda: rng.choice(FIRST)[:3],
        lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        lambda: f"{rng.choice(FIRST)} {rng.choice(LAST)[:3]}",
        lambda: rng.choice(ORGS).split()[0],
        lambda: f"{rng.choice(LAST)} {rng.choice(ORGS).split()[0]}",
        lambda: f"{rng.randint(201, 989)} {rng.randint(200, 999)}",
        lambda: f"{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        lambda: f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9):01d}",
        lambda: f"{rng.choice(TITLES).split()[-1]} {rng.choice(LAST)}",
        lambda: f"{rng.choice(['jose', 'zoe', 'muller', 'lopez', 'perez'])}",
        lambda: f"{rng.choice(['on-call', 'icu', 'exec'])} {rng.choice(LAST)}",
    ]
    return [rng.choice(makers)() for _ in range(count)]


def bench_import(work: Path, rows: int) -> tuple[float, float, Session]:
    source = work / "contacts.csv"
    write_csv(source, rows)
    sqlite_utils_cli = Path(sys.executable).with_name("sqlite-utils")
    start = time.perf_counter()
    subprocess.run([str(sqlite_utils_cli), "insert", str(work / "plain.db"), "contacts",
                    str(source), "--csv"], check=True)
    floor = time.perf_counter() - start

    session = desk_service.init_desk(work / "desk", org="Bench", operator="bench",
                                     passphrase="benchmark passphrase").session
    start = time.perf_counter()
    report = contact_service.import_contacts(session, source)
    ours = time.perf_counter() - start
    assert report.imported == rows, report
    print(f"  import floor (sqlite-utils CLI): {floor:.2f} s; ours: {ours:.2f} s",
          file=sys.stderr)
    return ours, floor, session


def bench_search(session: Session, count: int) -> tuple[float, float]:
    conn = session.db.conn
    qs = queries(count)
    for q in qs[:20]:  # warm the page cache for both sides alike
        contact_service.search_contacts(session, q)
    ours: list[float] = []
    floor: list[float] = []
    hits: list[int] = []
    for i, q in enumerate(qs):
        expression = fts_query(q)
        order = (0, 1) if i % 2 else (1, 0)
        for side in order:
            start = time.perf_counter()
            if side == 0:
                found = len(contact_service.search_contacts(session, q))
                ours.append(time.perf_counter() - start)
                hits.append(found)
            else:
                conn.execute(contact_store.SEARCH_SQL, [expression, 200]).fetchall()
                floor.append(time.perf_counter() - start)
    print(f"  search: {len(qs)} queries, median {statistics.median(hits)} hits, "
          f"p90 ours {sorted(ours)[int(len(ours) * 0.9)] * 1000:.1f} ms, "
          f"floor median {statistics.median(floor) * 1000:.2f} ms", file=sys.stderr)
    return statistics.median(ours), statistics.median(floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        ours, floor, session = bench_import(Path(tmp), args.rows)
        try:
            s_ours, s_floor = bench_search(session, args.queries)
        finally:
            session.close()
    print(f"contacts_search_median: {s_ours * 1000:.2f} ms "
          f"(ratio {s_ours / s_floor:.2f} to floor)")
    print(f"contacts_import_100k: {ours:.2f} s (ratio {ours / floor:.2f} to floor)")


if __name__ == "__main__":
    main()
