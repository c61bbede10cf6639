"""Re-encryption benchmarks: removing an operator (which re-encrypts the desk with a new data
key) on the demo desk and on a desk holding 100,000 letter recipients, each against a floor
timed in the same run.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_rekey.py [--recipients 100000]

- rekey_demo: `remove_operator` on the demo desk (copy under the new key, re-key the audit
  chain, the removal, verify, switch files, reopen), against a bare `sqlcipher_export` of the
  same file to a new key.
- rekey_100k: the same on a desk with 100,000 imported and classified recipients.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Medians of --runs removals. Unlocking is not measured, so the key derivation is made cheap.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_letters import desk as letters_desk
from bench_letters import write_patients
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import rekey as rekey_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from crisisdesk.store import vault
from crisisdesk.store.db import key_clause

DEMO_OPERATOR, DEMO_PASSPHRASE = "demo", "demo-passphrase-2026"


def floor_export(desk_file: Path, key: bytes, work: Path) -> float:
    """A bare copy of the desk file under a new key: what any re-encryption must pay."""
    target = work / f"floor-{secrets.token_hex(4)}.db"
    conn = sqlcipher.connect(str(desk_file), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = {key_clause(key)}")
        start = time.perf_counter()
        conn.execute(f"ATTACH DATABASE ? AS rekey KEY {key_clause(secrets.token_bytes(32))}",
                     [str(target)])
        conn.execute("BEGIN")  # one transaction, as the rekey does (else one fsync a table)
        conn.execute("SELECT sqlcipher_export('rekey')")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE rekey")
        return time.perf_counter() - start
    finally:
        conn.close()
        target.unlink(missing_ok=True)


def time_removals(session: Session, work: Path, runs: int) -> tuple[float, float, float]:
    """Medians of the whole removal, of the floor, and of `finish` alone (the part the GUI
    runs on its own thread: close, switch files, reopen)."""
    ours, floor, switch = [], [], []
    for i in range(runs):
        name = f"leaver {i}"
        operator_service.add_operator(session, name, Role.OPERATOR, "leaver passphrase 2026")
        floor.append(floor_export(session.paths.desk_file, session._data_key, work))
        start = time.perf_counter()
        prepared, _ = operator_service.prepare_removal(session, name)
        middle = time.perf_counter()
        rekey_service.finish(session, prepared)
        end = time.perf_counter()
        ours.append(end - start)
        switch.append(end - middle)
    return statistics.median(ours), statistics.median(floor), statistics.median(switch)


def report(name: str, timings: tuple[float, float, float], desk_file: Path) -> None:
    ours, floor, switch = timings
    size = desk_file.stat().st_size / 1e6
    print(f"  {name}: desk file {size:.1f} MB; ours {ours:.2f} s (of which the switch on the "
          f"GUI thread {switch * 1000:.0f} ms), floor {floor:.2f} s", file=sys.stderr)
    print(f"{name}: {ours * 1000:.0f} ms (ratio {ours / floor:.2f} to floor)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        demo_dir = work / "demo"
        env = {**os.environ, "CRISISDESK_PASSPHRASE": "x"}
        subprocess.run([sys.executable, "-m", "crisisdesk", "--data-dir", str(demo_dir), "demo"],
                       check=True, env=env, capture_output=True)
        session = desk_service.unlock(demo_dir, DEMO_OPERATOR, DEMO_PASSPHRASE)
        report("rekey_demo", time_removals(session, work, args.runs), session.paths.desk_file)
        session.close()

        big = work / "big"
        big.mkdir()
        session = letters_desk(big)
        source = big / "patients.csv"
        write_patients(source, args.recipients)
        letter_service.import_recipients(session, source, set_aside_invalid=True)
        letter_service.classify_recipients(session)
        report(f"rekey_{args.recipients // 1000}k", time_removals(session, work, args.runs),
               session.paths.desk_file)
        session.close()


if __name__ == "__main__":
    main()
