"""`make soak`: hundreds of SIGKILLs at random points of a realistic writer, then a run on a
nearly full disk; prints kill points tried, faults survived, writes lost and time taken.

    python scripts/soak.py [--kills 200] [--full-disk-kills 20] [--seed N] [--work DIR] [-v]

Exit 0 when every fault was survived and no acknowledged write was lost, else 1 (the
problems are listed). The desk is made once (with the tests' cheap key derivation) and every
kill point restarts the writer on it. See tests/soak/ for the writer and the checks.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def show(title: str, totals: object) -> None:
    from tests.soak.harness import Totals

    assert isinstance(totals, Totals)
    print(f"{title}:")
    print(f"  kill points tried:  {totals.tried}")
    print(f"  faults survived:    {totals.survived}")
    print(f"  writes lost:        {totals.lost}  (acknowledged actions missing, and letters "
          "marked rendered but not in their files)")
    print(f"  acknowledged writes checked: {totals.acks}")
    print(f"  time taken:         {totals.seconds:.0f} s")
    print("  killed during: " + ", ".join(f"{k} {v}" for k, v in
                                          sorted(totals.interrupted.items())))
    for reason, n in sorted(totals.refusals.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  refused {n}x: {reason}")
    for problem in totals.problems[:40]:
        print(f"  PROBLEM {problem}")
    if len(totals.problems) > 40:
        print(f"  ... and {len(totals.problems) - 40} more problems")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200, help="kill points on a roomy disk")
    parser.add_argument("--full-disk-kills", type=int, default=20,
                        help="kill points on a nearly full tmpfs (root only; 0: skip)")
    parser.add_argument("--seed", type=int, default=None,
                        help="repeat the run's choices (kill timing still varies)")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep the desk, journal and files here (default: a temp folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per kill point")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    from tests.soak import full_disk
    from tests.soak.harness import Soak

    with tempfile.TemporaryDirectory(prefix="crisisdesk-soak-") as tmp:
        work = args.work or Path(tmp)
        print(f"soak seed {seed} in {work}", flush=True)
        started = time.monotonic()
        ok = True
        if args.kills:
            totals = Soak(work / "roomy", seed).run(args.kills, report=args.verbose)
            show("kill points on a roomy disk", totals)
            ok = not totals.problems and totals.lost == 0
        if args.full_disk_kills:
            full = full_disk.run(work / "full", seed, args.full_disk_kills, report=args.verbose)
            if isinstance(full, str):
                print(f"full-disk run skipped: {full}")
            else:
                show("kill points on a nearly full disk", full)
                ok = ok and not full.problems and full.lost == 0
        print(f"soak {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s "
              f"(seed {seed})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
