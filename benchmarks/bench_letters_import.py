"""Importing a large affected-patient list, against sqlite-utils on the same file.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_letters_import.py
     [--recipients 1000000] [--small 100000] [--classify-again]

- letters_import_classify_1m: seconds for one `import_recipients` of a generated
  `--recipients`-row CSV (bench_letters' `write_patients`: adults, minors, deceased, 1 %
  duplicates, missing addresses, ZIPs without their leading zero) into a fresh encrypted desk.
  That one action reads and checks every row, classifies it (letter type, outcome, dedupe
  key), marks duplicates and updates the incident's counts; with `--classify-again`,
  `classify_recipients` afterwards (everything classified again) is timed too and shown on
  stderr, not in the ratio. Two
  floors on the same file: `sqlite-utils insert plain.db recipients file.csv --csv` (the CLI,
  into an unencrypted file, as the issue states the target), and the same sqlite-utils
  insert (`rows_from_file` + `insert_all`, what the CLI runs) into an encrypted file opened
  as the desk opens its own (SQLCipher, WAL, synchronous FULL). Each run is a child process;
  ratios are given by wall time and by CPU time (user + system of that child), the second
  being steadier on a shared machine. With `--recipients` under a million the name says the
  size run (`letters_import_classify_200k`); nothing is scaled.
- letters_import_peak_rss: peak resident memory of the `--recipients` import minus the
  `--small` one (both children build the same desk first): flat means it does not grow with
  the list.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap. `make test` never runs this.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_letters import desk, write_patients


def child_import(source: Path, again: bool) -> None:
    """In a child process: a fresh desk, one import of `source` (then, if `again`, one
    classify of everything); JSON out."""
    from crisisdesk.services.letters import batches as letter_service

    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        session = desk(Path(tmp))
        wall, cpu = time.perf_counter(), time.process_time()
        report = letter_service.import_recipients(session, source, set_aside_invalid=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds = time.perf_counter()
        if again:
            letter_service.classify_recipients(session)
        seconds = time.perf_counter() - seconds
        session.close()
    print(json.dumps({"wall": wall, "cpu": cpu, "classify_again": seconds if again else None,
                      "rss_kib": rss, "summary": report.summary}))


def child_floor(source: Path) -> None:
    """In a child process: sqlite-utils' CSV insert into an encrypted file; JSON out."""
    from sqlite_utils.utils import Format, rows_from_file

    from crisisdesk.store.db import connect

    with tempfile.TemporaryDirectory(prefix="crisisdesk-floor-") as tmp:
        db = connect(Path(tmp) / "floor.db", os.urandom(32), create=True)
        wall, cpu = time.perf_counter(), time.process_time()
        with open(source, "rb") as fh:
            rows, _ = rows_from_file(fh, Format.CSV)
            db["recipients"].insert_all(rows, batch_size=100)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.close()
    print(json.dumps({"wall": wall, "cpu": cpu}))


def run_child(kind: str, source: Path, again: bool = False) -> dict[str, object]:
    extra = ["--classify-again"] if again else []
    out = subprocess.run([sys.executable, __file__, f"--child-{kind}", str(source), *extra],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def cli_floor(source: Path, work: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of `sqlite-utils insert plain.db recipients source --csv`."""
    cli = Path(sys.executable).with_name("sqlite-utils")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(cli), "insert", str(work / "plain.db"), "recipients", str(source),
                    "--csv"], check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--classify-again", action="store_true")
    parser.add_argument("--child-ours", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ours:
        child_import(args.child_ours, args.classify_again)
        return
    if args.child_floor:
        child_floor(args.child_floor)
        return
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        big, small = work / "patients.csv", work / "small.csv"
        start = time.perf_counter()
        write_patients(big, args.recipients)
        write_patients(small, min(args.small, args.recipients))
        print(f"  generated {args.recipients:,} + {min(args.small, args.recipients):,} rows "
              f"({big.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s",
              file=sys.stderr)
        cli_wall, cli_cpu = cli_floor(big, work)
        enc = run_child("floor", big)
        ours = run_child("ours", big, args.classify_again)
        little = run_child("ours", small)
    wall, cpu = float(ours["wall"]), float(ours["cpu"])  # type: ignore[arg-type]
    enc_wall, enc_cpu = float(enc["wall"]), float(enc["cpu"])  # type: ignore[arg-type]
    again = ("" if ours["classify_again"] is None
             else f"; classify again {float(ours['classify_again']):.1f} s")  # type: ignore[arg-type]
    print(f"  ours: {wall:.1f} s wall, {cpu:.1f} s CPU{again}; {ours['summary']}",
          file=sys.stderr)
    print(f"  floors: sqlite-utils CLI into plain SQLite {cli_wall:.1f} s wall, {cli_cpu:.1f} s "
          f"CPU; sqlite-utils into an encrypted file {enc_wall:.1f} s wall, {enc_cpu:.1f} s CPU",
          file=sys.stderr)
    rss_big, rss_small = int(ours["rss_kib"]) / 1024, int(little["rss_kib"]) / 1024  # type: ignore[call-overload]
    print(f"  peak RSS: {args.recipients:,} rows {rss_big:.0f} MB, "
          f"{min(args.small, args.recipients):,} rows {rss_small:.0f} MB", file=sys.stderr)
    print(f"letters_import_classify_{_short(args.recipients)}: {wall:.1f} s (ratio "
          f"{wall / cli_wall:.2f} to floor; by CPU {cpu / cli_cpu:.2f}; to sqlite-utils into "
          f"an encrypted file {wall / enc_wall:.2f}, by CPU {cpu / enc_cpu:.2f})")
    print(f"letters_import_peak_rss: {rss_big - rss_small:.0f} MB more for "
          f"{args.recipients:,} than {min(args.small, args.recipients):,} rows (ratio "
          f"{rss_big / rss_small:.2f} to floor)")


def _short(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


if __name__ == "__main__":
    main()
