"""Team benchmarks: exporting and importing 100,000 call attempts between two laptops of a team,
each against a floor timed in the same run.

Run: .venv/bin/python benchmarks/bench_team.py [--rows N]

Desk A gets an incident, a calling tree of 50 people and a running activation through the real
services, and is cloned to laptop B (`team.clone_desk`). Then:

- the floor: the N call attempts written with bulk SQL straight into desk A, one
  transaction (the tables' replication triggers fire, as they do for every call recorded).
  This is the floor both figures below are compared with.
- team_export: `team.export_bundle` on A, the whole user action: the N new rows taken into the
  engine, the update log kept in the desk, the delta encoded, compressed, encrypted and
  written, one audit entry.
- team_import: `team.import_bundle` of that file on B: decrypted, merged into B's engine,
  projected into B's tables (each person's call state folded again), one audit entry.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path

from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import team
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees import activations, trees
from crisisdesk.services.session import Session
from crisisdesk.store import vault

PASSPHRASE = "benchmark passphrase"
PEOPLE = 50
OUTCOMES = ("reached", "no_answer", "voicemail", "busy")


def setup(session: Session) -> tuple[str, list[str]]:
    """An incident, a tree of PEOPLE people and a running activation; (its id, people)."""
    for summary in template_service.list_templates(session, status="in_review"):
        # a new desk gets the library in review: approve it as the organisation would
        template_service.approve(session, summary.key, acknowledge_warnings=True)
    incident_service.create_incident(session, title="Bench", kind=IncidentKind.RANSOMWARE,
                                     discovered_on=dt.date(2026, 3, 2))
    people = [contact_service.add_contact(session, ContactDraft(
        name=f"Person {i}", job_title="Staff", phones=[("mobile", f"(312) 555-{i:04d}")])).id
        for i in range(PEOPLE)]
    tree = trees.create_tree(session, "All staff")
    trees.add_person(session, tree.id, people[0])
    for pid in people[1:]:
        trees.add_person(session, tree.id, pid, caller_id=people[0])
    act = activations.start_activation(
        session, tree.id, message="Our systems are down.", action="Use the paper forms.",
        report_back_to="the command center", values={"staff_hotline": "312-555-0100"})
    return act.id, people[1:]


def write_straight(session: Session, activation: str, people: list[str], rows: int) -> float:
    """Seconds to write `rows` call attempts with bulk SQL in one transaction."""
    conn = session.db.conn
    base = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)
    batch = [(str(uuid.uuid4()), activation, people[i % len(people)], OUTCOMES[i % 4],
              (base + dt.timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
              "bench", f"(312) 555-{i % len(people):04d}")
             for i in range(rows)]
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO call_attempts (id, activation_id, contact_id, outcome, at, recorded_at, "
        "recorded_by, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(rid, act, who, outcome, at, at, by, number)
         for rid, act, who, outcome, at, by, number in batch])
    conn.execute("COMMIT")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        root = Path(tmp)
        a = desk_service.init_desk(root / "A", org="Bench", operator="bench",
                                   passphrase=PASSPHRASE).session
        activation, people = setup(a)
        team.clone_desk(a, root / "B", "Site 2 laptop", this_name="Command centre")
        b = desk_service.unlock(root / "B", "bench", PASSPHRASE)
        try:
            floor = write_straight(a, activation, people, args.rows)
            start = time.perf_counter()
            exported = team.export_bundle(a, root / "a.cdbundle")
            export_s = time.perf_counter() - start
            start = time.perf_counter()
            imported = team.import_bundle(b, exported.path)
            import_s = time.perf_counter() - start
            print(f"  {exported.records:,} records in {exported.size_bytes / 1e6:.1f} MB; "
                  f"import brought: {imported.sentence()}", file=sys.stderr)
            on_b = int(b.db.execute("SELECT count(*) FROM call_attempts").fetchone()[0])
            if on_b != args.rows:
                raise SystemExit(f"B holds {on_b} call attempts, not {args.rows}")
        finally:
            b.close()
            a.close()
    print(f"  floor (the same rows written straight into the desk): {floor:.2f} s",
          file=sys.stderr)
    print(f"team_export: {export_s:.2f} s (ratio {export_s / floor:.2f} to floor)")
    print(f"team_import: {import_s:.2f} s (ratio {import_s / floor:.2f} to floor)")


if __name__ == "__main__":
    main()
