"""Peak memory of the process that owns the desk while worker processes render a batch.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_letters_memory.py
     [--letters 100000] [--small 10000] [--workers N]

The target: rendering 100,000 letters may use at most 150 MB more than rendering 10,000 (the
parent streams letters from the database part by part, so nothing in it should grow with
the batch). Each render runs in a child process of its own: a desk is made, a batch of that
many letters with codes is built, the peak resident memory (VmHWM) is reset through
/proc/self/clear_refs, and `render_batch` runs end to end with its worker processes; the
peak reported is this parent's alone (the workers' memory is per part, not per batch). On
a kernel that cannot reset the peak, /proc/self/status is sampled every 0.1 s instead.

The parent holds whole parts of filled letters at a time (up to `capacity` parts waiting for
or being sent to the workers): the size of one part, in memory and as sent down the pipe, is
printed on stderr, measured on the first `letters_per_file` letters of the big batch.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout (the floor is the
10,000-letter render's peak); details go to stderr. Takes minutes; `make test` never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from bench_letters import _rss_kib, batch_of, desk

TARGET_MB = 150


class ParentPeak:
    """This process's peak resident memory from now on, in KiB."""

    def __init__(self) -> None:
        self.sampled = 0
        self.done = threading.Event()
        try:
            Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
            self.thread: threading.Thread | None = None
        except OSError:
            self.thread = threading.Thread(target=self._sample, daemon=True)
            self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.1):
            self.sampled = max(self.sampled, _rss_kib(os.getpid()))

    def stop(self) -> tuple[int, str]:
        if self.thread is None:
            return _status_kib("VmHWM"), "VmHWM"
        self.done.set()
        self.thread.join()
        return self.sampled, "sampled"


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def part_size(session: object, per: int) -> tuple[int, int]:
    """(bytes in memory, bytes pickled) of one part of filled letters, as the parent holds it
    and sends it to a worker."""
    from crisisdesk.services.letters import render as letter_render

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    _, letters = letter_render.preview(session, "1", per)  # type: ignore[arg-type]
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    return held, len(pickle.dumps(letters, protocol=pickle.HIGHEST_PROTOCOL))


def child_render(letters: int, workers: int) -> None:
    from crisisdesk.printing.letter_workers import LetterWorkers
    from crisisdesk.printing.letters import open_letter_pdf
    from crisisdesk.printing.pdf import ensure_gui_app
    from crisisdesk.services import settings as settings_service
    from crisisdesk.services.letters import render as letter_render

    ensure_gui_app()
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        session = desk(work)
        built = time.perf_counter()
        batch_of(session, work, letters)
        built = time.perf_counter() - built
        before = _status_kib("VmRSS")
        peak = ParentPeak()
        start = time.perf_counter()
        report = letter_render.render_batch(session, "1", work / "out", open_letter_pdf,
                                            printer=lambda: LetterWorkers(workers))
        seconds = time.perf_counter() - start
        peak_kib, how = peak.stop()
        per = int(settings_service.get(session, "letters_per_file"))
        held, pickled = part_size(session, per)
        capacity = 2 * workers
        session.close()
    print(json.dumps({"letters": report.letters, "files": len(report.files),
                      "seconds": seconds, "build_seconds": built, "rss_before_kib": before,
                      "peak_kib": peak_kib, "how": how, "per_file": per,
                      "part_bytes": held, "part_pickled": pickled, "capacity": capacity}))


def run_child(letters: int, workers: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", str(letters), "--workers",
                          str(workers)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"the {letters}-letter render failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_render(args.child, args.workers)
        return
    small = run_child(args.small, args.workers)
    big = run_child(args.letters, args.workers)
    for run in (small, big):
        print(f"  {int(run['letters']):,} letters in {int(run['files'])} files: built in "
              f"{run['build_seconds']:.0f} s, rendered in {run['seconds']:.0f} s "
              f"({run['letters'] / run['seconds']:.0f} letters/s, {args.workers} workers); "
              f"parent RSS {run['rss_before_kib'] / 1024:.0f} MB before, peak "
              f"{run['peak_kib'] / 1024:.0f} MB ({run['how']})", file=sys.stderr)
    print(f"  one part ({int(big['per_file'])} letters) held by the parent: "
          f"{big['part_bytes'] / 1e6:.1f} MB in memory, {big['part_pickled'] / 1e6:.1f} MB "
          f"sent to a worker; up to {int(big['capacity'])} parts in flight", file=sys.stderr)
    grew = (big["peak_kib"] - small["peak_kib"]) / 1024
    print(f"  target: at most {TARGET_MB} MB more: {'met' if grew <= TARGET_MB else 'MISSED'}",
          file=sys.stderr)
    print(f"letters_render_parent_peak_rss: {grew:.0f} MB more for {args.letters} than "
          f"{args.small} letters (ratio {big['peak_kib'] / small['peak_kib']:.2f} to floor)")


if __name__ == "__main__":
    main()
