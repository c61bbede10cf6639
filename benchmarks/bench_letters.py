"""Letter benchmarks, each against floors timed in the same run.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_letters.py
     [--letters 100000] [--small 10000] [--floor-letters 4000] [--workers N]

- letters_render_1m: minutes to render 1,000,000 letters, SCALED from a `--letters` run
  (100,000 by default) as 1,000,000 / (letters per second of that run): a render streams part
  files of `letters_per_file` (500) letters through worker processes, so its rate does not
  depend on the batch size (the memory line below checks that nothing grows with it). The run
  is `render_batch` end to end with its worker processes (one per core): fill the approved
  template, lay out, letterhead, window address, barcode, code, page X of Y, prove, record and
  rename each file. Each body's static part (letterhead and every paragraph without a person
  field) is laid out once per process and written once per file as PDF forms; a letter draws
  only its own fields (`printing/pdf_forms.py`). Two floors, each run in as many processes at
  once as the render used, on --floor-letters letters: the bare Qt loop (a QTextDocument +
  QPdfWriter over the same pre-rendered letter HTML, every page painted whole) and "stamp
  only" (the variable fields, address, reference and barcode, salutation, code and page
  number, drawn on a blank page, nothing else).
- letters_render_peak_rss: peak resident memory during the render (the parent plus its
  largest worker, sampled from /proc) of the `--letters` render minus the `--small` one, both
  in child processes; building the batch before it is not measured.
- letters_file_size: megabytes of PDF per 1,000 letters in that render, against the files
  of the Qt-loop floor (every page painted whole: what N copies of the static text weigh).
- letters_import_classify_1m: see bench_letters_import.py.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap. These take many minutes at
full size (run them on a quiet machine); `make test` never runs them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crisisdesk.domain.incidents import IncidentKind, InfoKind
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.session import Session
from crisisdesk.store import vault

FIRST = ["James", "Mary", "José", "Zoë", "Aisha", "Wei", "Priya", "Lucía", "Noah", "Siobhán",
         "Mateo", "Fatima", "Hiroshi", "Ingrid", "Kwame", "Olga", "Chidi", "Ana"]
LAST = ["Smith", "Johnson", "García", "Nguyen", "O'Brien", "Kowalski", "Okafor", "Rodríguez",
        "Müller", "Lee", "Walker", "López", "Pérez-Soto", "Campbell", "Jones Jr."]
TOWNS = [("Springfield", "IL", "62701"), ("Boston", "MA", "02134"), ("Dallas", "TX", "75201"),
         ("Hartford", "CT", "06103"), ("Tulsa", "OK", "74101"), ("Madison", "WI", "53703")]
HEADER = ["Id", "BIRTHDATE", "DEATHDATE", "FIRST", "LAST", "ADDRESS", "CITY", "STATE", "ZIP",
          "LANGUAGE", "NOK", "NOK ADDRESS", "NOK CITY", "NOK STATE", "NOK ZIP"]


def write_patients(path: Path, rows: int, seed: int = 6) -> None:
    """Synthetic patients: mostly adults, some minors, deceased, duplicates, no address."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        last: list[str] = []
        for i in range(rows):
            if last and rng.random() < 0.01:
                w.writerow([f"dup{i}", *last[1:]])
                continue
            town, state, zip_code = rng.choice(TOWNS)
            born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(34_000))
            dead = rng.random() < 0.01
            row = [f"p{i}", born.isoformat(), "2025-06-01" if dead else "", rng.choice(FIRST),
                   rng.choice(LAST), "" if rng.random() < 0.002 else f"{i} Example St", town,
                   state, zip_code.lstrip("0") if rng.random() < 0.05 else zip_code,
                   "es" if rng.random() < 0.1 else "en",
                   *(("Kin Example", "9 Example Ct", town, state, zip_code)
                     if dead and rng.random() < 0.5 else ("", "", "", "", ""))]
            w.writerow(row)
            last = row


def desk(work: Path) -> Session:
    vault.DEFAULT_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)
    session = desk_service.init_desk(work / "desk", org="Bench Clinics", operator="bench",
                                     passphrase="benchmark passphrase").session
    for summary in template_service.list_templates(session, status="in_review"):
        # a new desk gets the library in review: approve it as the organisation would
        template_service.approve(session, summary.key, acknowledge_warnings=True)
    for key, value in (("public_phone", "1-833-555-0142"), ("public_hours", "8 to 8"),
                       ("public_email", "privacy@example.org"),
                       ("public_website", "www.example.org/notice"),
                       ("public_postal_address", "100 Example Rd, Springfield, IL 62701"),
                       ("signer_name", "Pat Example"), ("signer_title", "Privacy Officer")):
        settings_service.set(session, key, value)
    incident_service.create_incident(
        session, title="Bench", kind=IncidentKind.RANSOMWARE,
        discovered_on=dt.date.today() - dt.timedelta(days=5),
        breach_started_on=dt.date.today() - dt.timedelta(days=9),
        summary="someone got into part of our network",
        info_kinds=(InfoKind.NAMES, InfoKind.ADDRESSES))
    return session


def batch_of(session: Session, work: Path, letters: int) -> None:
    """A classified list of `letters` adults with codes, and one batch holding them all."""
    source = work / "adults.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["FIRST", "LAST", "BIRTHDATE", "ADDRESS", "CITY", "STATE", "ZIP"])
        for i in range(letters):
            town, state, zip_code = TOWNS[i % len(TOWNS)]
            w.writerow([FIRST[i % len(FIRST)], LAST[i % len(LAST)], "1970-01-01",
                        f"{i} Example St", town, state, zip_code])
    letter_service.import_recipients(session, source)
    letter_service.classify_recipients(session)
    letter_codes.add_code_pool(session, [f"BENCH-{i:07d}" for i in range(letters)],
                               expires_on=dt.date.today() + dt.timedelta(days=90),
                               enrollment_url="www.example.com/enroll", monitoring_months=12)
    letter_service.create_batch(session)


def child_render(letters: int, workers: int) -> None:
    """In a child process: build a batch, render it, print seconds, peak RSS and samples."""
    from crisisdesk.printing.letter_workers import LetterWorkers
    from crisisdesk.printing.letters import open_letter_pdf
    from crisisdesk.printing.pdf import ensure_gui_app
    from crisisdesk.services.letters import render as letter_render

    ensure_gui_app()
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        session = desk(work)
        batch_of(session, work, letters)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sampler = RssSampler()
        start = time.perf_counter()
        report = letter_render.render_batch(session, "1", work / "out", open_letter_pdf,
                                            printer=lambda: LetterWorkers(workers))
        seconds = time.perf_counter() - start
        peak = sampler.stop()
        size = sum(path.stat().st_size for path in report.files)
        _, contents = letter_render.preview(session, "1", 50)
        session.close()
    print(json.dumps({"seconds": seconds, "letters": report.letters, "files": len(report.files),
                      "rss_kib": peak, "rss_before_kib": before, "bytes": size,
                      "html": [c.body_html for c in contents],
                      "stamps": [[c.reference, list(c.address_lines), c.fields[0][1],
                                  c.fields[-1][1], c.language] for c in contents]}))


class RssSampler:
    """Peak resident memory during the render only (the batch is built before, and building
    100,000 rows is not what is measured): this process plus its largest child, from /proc
    every 0.2 s (Linux)."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import os

        me = os.getpid()
        while not self.done.wait(0.2):
            kids = [_rss_kib(int(d)) for d in os.listdir("/proc")
                    if d.isdigit() and _parent_of(int(d)) == me]
            self.peak = max(self.peak, _rss_kib(me) + max(kids, default=0))

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def run_child(letters: int, workers: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child-render", str(letters),
                          "--workers", str(workers)], capture_output=True, text=True,
                         check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def in_parallel(floor: str, samples: list[object], letters: int, workers: int
                ) -> tuple[float, int]:
    """Seconds for `workers` processes at once to run `floor` over `letters` letters in all,
    and the bytes of PDF they wrote."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    share = [letters // workers + (1 if i < letters % workers else 0) for i in range(workers)]
    with ctx.Pool(workers) as pool:
        pool.apply(_ready)  # start the interpreters before the clock
        start = time.perf_counter()
        sizes = pool.starmap(_floor, [(floor, samples, n) for n in share])
        return time.perf_counter() - start, sum(sizes)


def _ready() -> None:
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()


def _floor(floor: str, samples: list[object], letters: int) -> int:
    if floor == "qt":
        return floor_render([str(s) for s in samples], letters)
    return stamp_render(samples, letters)


def stamp_render(stamps: list[object], letters: int, per_file: int = 500) -> int:
    """The variable fields only, one blank page a letter: address in the window, reference
    and barcode, salutation, code, page X of Y (the painter the letters use)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter

    from crisisdesk.domain.letter_pages import LetterContent
    from crisisdesk.printing.letters import DPI, LetterPainter, _writer
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    layout = _bench_layout()
    with tempfile.TemporaryDirectory(prefix="crisisdesk-floor-") as tmp:
        done = 0
        while done < letters:
            writer = _writer(Path(tmp) / f"stamp{done}.pdf", "stamp")
            painter = QPainter(writer)
            paint = LetterPainter(painter, writer, layout, DPI)
            for i in range(min(per_file, letters - done)):
                ref, address, name, code, language = stamps[(done + i) % len(stamps)]  # type: ignore[misc]
                if i:
                    writer.newPage()
                content = LetterContent(ref, tuple(address), "", language)
                paint._reference(ref)
                paint._address(tuple(address))
                painter.drawText(QPointF(paint.body.left(), paint.body.top() + 100),
                                 f"Dear {name},")
                painter.drawText(QPointF(paint.body.left(), paint.body.top() + 900),
                                 f"use this code: {code}")
                paint._footer(content, 1, 1)
            painter.end()
            del painter, writer
            done += min(per_file, letters - done)
        return sum(f.stat().st_size for f in Path(tmp).iterdir())


def _bench_layout() -> object:
    from crisisdesk.domain.envelopes import window_for
    from crisisdesk.domain.letter_pages import LetterLayout

    return LetterLayout(window_for("single-window-10", ""), "Bench Clinics",
                        "100 Example Rd, Springfield, IL 62701")


def floor_render(html: list[str], letters: int, per_file: int = 500) -> int:
    """Bare QTextDocument + QPdfWriter over pre-rendered letter HTML: bytes written for
    `letters` (the caller times it)."""
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    from PySide6.QtGui import QFont

    from crisisdesk.printing.fonts import print_family

    font = QFont(print_family())
    font.setPointSizeF(10)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-floor-") as tmp:
        done = 0
        while done < letters:
            writer = QPdfWriter(str(Path(tmp) / f"floor{done}.pdf"))
            writer.setResolution(300)
            writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter),
                                             QPageLayout.Orientation.Portrait,
                                             QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Inch))
            painter = QPainter(writer)
            for i in range(min(per_file, letters - done)):
                doc = QTextDocument()
                doc.documentLayout().setPaintDevice(writer)
                doc.setHtml(html[(done + i) % len(html)])
                doc.setDefaultFont(font)
                doc.setPageSize(QSizeF(2010, 2035))
                for page in range(doc.pageCount()):
                    if i or page:
                        writer.newPage()
                    painter.save()
                    painter.translate(270, 1040 - page * 2035)
                    doc.drawContents(painter)
                    painter.restore()
            painter.end()
            del painter, writer
            done += min(per_file, letters - done)
        return sum(f.stat().st_size for f in Path(tmp).iterdir())


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--floor-letters", type=int, default=4_000)
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--child-render", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_render:
        child_render(args.child_render, args.workers)
        return
    big = run_child(args.letters, args.workers)
    small = run_child(args.small, args.workers)
    floor_n = min(args.floor_letters, args.letters)
    qt_s, qt_bytes = in_parallel("qt", list(big["html"]), floor_n, args.workers)  # type: ignore[call-overload]
    stamp_s, _ = in_parallel("stamp", list(big["stamps"]), floor_n, args.workers)  # type: ignore[call-overload]
    rate = float(big["letters"]) / float(big["seconds"])  # type: ignore[arg-type]
    qt_rate, stamp_rate = floor_n / qt_s, floor_n / stamp_s
    print(f"  render: {big['letters']} letters in {big['files']} files, "
          f"{float(big['seconds']):.1f} s ({rate:.0f} letters/s, {args.workers} workers); "  # type: ignore[arg-type]
          f"floors on {floor_n} letters: Qt loop {qt_s:.1f} s ({qt_rate:.0f}/s), stamp only "
          f"{stamp_s:.1f} s ({stamp_rate:.0f}/s)", file=sys.stderr)
    rss_big, rss_small = int(big["rss_kib"]) / 1024, int(small["rss_kib"]) / 1024  # type: ignore[call-overload]
    print(f"  peak RSS (parent + largest worker): {args.letters} letters {rss_big:.0f} MB, "
          f"{args.small} letters {rss_small:.0f} MB", file=sys.stderr)
    minutes = 1_000_000 / rate / 60
    scaled = "" if args.letters == 1_000_000 else f", scaled from {args.letters:,}"
    print(f"letters_render_1m: {minutes:.1f} min ({rate:.0f} letters/s{scaled}; ratio "
          f"{rate / qt_rate:.2f} to the Qt-loop floor, {rate / stamp_rate:.2f} to the "
          "stamp-only floor)")
    print(f"letters_render_peak_rss: {rss_big - rss_small:.0f} MB more for {args.letters} "
          f"than {args.small} letters (ratio {rss_big / rss_small:.2f} to floor)")
    per_1000 = int(big["bytes"]) / float(big["letters"]) * 1000 / 1e6  # type: ignore[call-overload, arg-type]
    floor_1000 = qt_bytes / floor_n * 1000 / 1e6
    print(f"letters_file_size: {per_1000:.1f} MB per 1,000 letters (ratio "
          f"{per_1000 / floor_1000:.2f} to the Qt-loop floor's {floor_1000:.1f} MB)")


if __name__ == "__main__":
    main()
