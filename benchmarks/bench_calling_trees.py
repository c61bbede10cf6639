"""Calling-tree benchmarks on a 5,000-person tree, each against a floor timed in the same run.

Run: .venv/bin/python benchmarks/bench_calling_trees.py [--people N] [--calls N]

- tree_activation_5000: `start_activation` (approved script rendered with the incident's
  facts, the tree frozen, communication log, timeline, audit, one committed transaction),
  against the bare `executemany` INSERT of the same frozen rows in one committed transaction.
- record_outcome_store: recording one call at the store level with its progress update (insert
  the attempt, re-fold that person's attempts, update their state, count statuses, commit),
  against the bare INSERT of the same attempt row in its own committed transaction.
- record_outcome_service: the same through `record_call` (plus validation and the audit
  entry), against the same floor.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Medians of several runs. Unlocking is not measured, so the key derivation is made cheap.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from crisisdesk.domain.call_outcomes import Attempt, Outcome, fold
from crisisdesk.domain.calling_trees import TreeNode
from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.services import desk as desk_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.session import Session
from crisisdesk.store import activations as activation_store
from crisisdesk.store import calling_trees as tree_store
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import vault
from crisisdesk.store.db import write_txn

SCRIPT = {"message": "Systems are down.", "action": "Use the paper forms.",
          "report_back_to": "the command center", "values": {"staff_hotline": "312-555-0100"}}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build(session: Session, people: int) -> str:
    rng = random.Random(7)
    at = session.now_iso()
    rows = []
    for i in range(people):
        draft = ContactDraft(f"Person {i:05d}", "Staff", "Bench", ContactKind.STAFF,
                             [("mobile", f"({rng.randint(201, 989)}) 555-{i % 10000:04d}"),
                              ("work", f"(312) 555-{rng.randint(0, 9999):04d}")])
        rows.append(contact_store.record(str(uuid.uuid4()), validate_draft(draft),
                                         created_at=at, updated_at=at, updated_by="bench"))
    with write_txn(session.db), contact_store.bulk_insert(session.db):
        contact_store.insert_many(session.db, rows)
    ids = [r[0] for r in rows]
    nodes = [TreeNode(cid, ids[(i - 1) // 5] if i else None, (i - 1) % 5 if i else 0,
                      ids[i + 1] if 0 < i < len(ids) - 1 else None)
             for i, cid in enumerate(ids)]
    tree = tree_service.create_tree(session, "Everyone")
    with write_txn(session.db):
        tree_store.save_nodes(session.db, tree.id, (), nodes, at=at, by="bench")
    return tree.id


def bare_people_insert(session: Session, rows: list[tuple[object, ...]]) -> None:
    with write_txn(session.db):
        session.db.conn.executemany(activation_store.INSERT_PERSON, rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    with tempfile.TemporaryDirectory() as tmp:
        session = desk_service.init_desk(Path(tmp) / "desk", org="Bench", operator="bench",
                                         passphrase="bench passphrase 2026").session
        for summary in template_service.list_templates(session, status="in_review"):
            # a new desk gets the library in review: approve it as the organisation would
            template_service.approve(session, summary.key, acknowledge_warnings=True)
        tree_id = build(session, args.people)
        started: list[str] = []

        def activate() -> None:
            started.append(activation_service.start_activation(session, tree_id, also=True,
                                                               **SCRIPT).id)  # type: ignore[arg-type]

        activation_ms = median_ms(activate, args.runs)
        act_id = started[0]
        people = activation_store.people(session.db, act_id)
        print(f"frozen {len(people)} people per activation", file=sys.stderr)

        def floor_activation() -> None:
            fake = started[-1]
            with write_txn(session.db):
                session.db.execute("DELETE FROM activation_people WHERE activation_id = ?",
                                   [fake])
            rows = [activation_store.person_row(fake, i, p) for i, p in enumerate(people)]
            start = time.perf_counter()
            bare_people_insert(session, rows)
            floor_times.append((time.perf_counter() - start) * 1000)

        floor_times: list[float] = []
        for _ in range(args.runs):
            floor_activation()
        activation_floor = statistics.median(floor_times)
        print(f"tree_activation_{args.people}: {activation_ms:.1f} ms "
              f"(ratio {activation_ms / activation_floor:.1f} to floor)")

        rng = random.Random(11)
        outcomes = list(Outcome)
        targets = [rng.choice(people) for _ in range(args.calls)]

        def store_record(person_index: int) -> None:
            person = targets[person_index]
            attempt = Attempt(str(uuid.uuid4()), person.contact_id, rng.choice(outcomes),
                              session.now_iso(), "bench", person.phones[0].e164)
            with write_txn(session.db):
                activation_store.insert_attempt(session.db, act_id, attempt,
                                                recorded_at=attempt.at)
                state = fold(activation_store.attempts(session.db, act_id, person.contact_id))
                activation_store.update_state(session.db, act_id, person.contact_id, state)
                activation_store.status_counts(session.db, act_id)

        def bare_attempt(person_index: int) -> None:
            person = targets[person_index]
            attempt = Attempt(str(uuid.uuid4()), person.contact_id, Outcome.BUSY,
                              session.now_iso(), "bench", person.phones[0].e164)
            with write_txn(session.db):
                activation_store.insert_attempt(session.db, act_id, attempt,
                                                recorded_at=attempt.at)

        def service_record(person_index: int) -> None:
            person = targets[person_index]
            activation_service.record_call(session, act_id, person.contact_id,
                                           rng.choice(outcomes[:5]))

        results = {}
        for name, fn in (("floor", bare_attempt), ("store", store_record),
                         ("service", service_record)):
            times = []
            for i in range(args.calls):
                start = time.perf_counter()
                fn(i)
                times.append((time.perf_counter() - start) * 1000)
            results[name] = statistics.median(times)
            print(f"{name}: median {results[name]:.2f} ms, p95 "
                  f"{sorted(times)[int(len(times) * 0.95)]:.2f} ms", file=sys.stderr)
        for name in ("store", "service"):
            print(f"record_outcome_{name}: {results[name]:.2f} ms "
                  f"(ratio {results[name] / results['floor']:.1f} to floor)")
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
