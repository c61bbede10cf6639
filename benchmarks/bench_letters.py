"""Letter benchmarks, each against a floor timed in the same run.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_letters.py
     [--letters 10000] [--small 1000] [--floor-letters 2000] [--recipients 100000]

- letters_render_10k: `render_batch` of a 10,000-letter batch (fill the approved template per
  letter, lay out, letterhead, window address, barcode, page X of Y, 500 letters a file)
  in letters per second, against a floor loop that lays out and writes the same pre-rendered
  letter HTML with a bare QTextDocument + QPdfWriter (the floor runs on --floor-letters
  letters: it is a rate, and the full 10,000 would only double the run time).
- letters_render_peak_rss: peak resident memory of a process rendering 10,000 letters minus
  one rendering 1,000 (both measured in child processes; streaming means it stays small).
- letters_import_classify_100k: `import_recipients` + `classify_recipients` of a generated
  100,000-row CSV, against `sqlite-utils insert plain.db recipients file.csv --csv`.

Prints exactly `name: value unit (ratio R to floor)` lines on stdout; details go to stderr.
Unlocking is not measured, so the key derivation is made cheap. These take minutes at full
size; `make test` never runs them.
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


def child_render(letters: int) -> None:
    """In a child process: build a batch, render it, print seconds and peak RSS as JSON."""
    from crisisdesk.printing.letters import open_letter_pdf
    from crisisdesk.printing.pdf import ensure_gui_app
    from crisisdesk.services.letters import render as letter_render

    ensure_gui_app()
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        session = desk(work)
        batch_of(session, work, letters)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        report = letter_render.render_batch(session, "1", work / "out", open_letter_pdf)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        html = [c.body_html for c in letter_render.preview(session, "1", 50)[1]]
        session.close()
    print(json.dumps({"seconds": seconds, "letters": report.letters, "files": len(report.files),
                      "rss_kib": peak, "rss_before_kib": before, "html": html}))


def run_child(letters: int) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child-render", str(letters)],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def floor_render(html: list[str], letters: int, per_file: int = 500) -> float:
    """Bare QTextDocument + QPdfWriter over pre-rendered letter HTML: seconds for `letters`."""
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    from PySide6.QtGui import QFont

    from crisisdesk.printing.fonts import print_family

    font = QFont(print_family())
    font.setPointSizeF(10)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-floor-") as tmp:
        start = time.perf_counter()
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
        return time.perf_counter() - start


def bench_import(rows: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="crisisdesk-bench-") as tmp:
        work = Path(tmp)
        source = work / "patients.csv"
        write_patients(source, rows)
        cli = Path(sys.executable).with_name("sqlite-utils")
        start = time.perf_counter()
        subprocess.run([str(cli), "insert", str(work / "plain.db"), "recipients", str(source),
                        "--csv"], check=True)
        floor = time.perf_counter() - start
        session = desk(work)
        start = time.perf_counter()
        report = letter_service.import_recipients(session, source, set_aside_invalid=True)
        result = letter_service.classify_recipients(session)
        ours = time.perf_counter() - start
        session.close()
    print(f"  import+classify {report.imported} rows ({report.set_aside} set aside, "
          f"{report.zip_repaired} ZIPs repaired): {result.counts}; ours {ours:.2f} s, "
          f"floor {floor:.2f} s", file=sys.stderr)
    return ours, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--floor-letters", type=int, default=2_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--child-render", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_render:
        child_render(args.child_render)
        return
    big = run_child(args.letters)
    small = run_child(args.small)
    html = [str(h) for h in big["html"]]  # type: ignore[union-attr]
    floor_n = min(args.floor_letters, args.letters)
    floor_s = floor_render(html, floor_n)
    ours_rate = float(big["letters"]) / float(big["seconds"])  # type: ignore[arg-type]
    floor_rate = floor_n / floor_s
    print(f"  render: {big['letters']} letters in {big['files']} files, "
          f"{float(big['seconds']):.1f} s; floor {floor_n} letters in {floor_s:.1f} s",  # type: ignore[arg-type]
          file=sys.stderr)
    rss_big, rss_small = int(big["rss_kib"]) / 1024, int(small["rss_kib"]) / 1024  # type: ignore[call-overload]
    print(f"  peak RSS: {args.letters} letters {rss_big:.0f} MB, {args.small} letters "
          f"{rss_small:.0f} MB", file=sys.stderr)
    imp, imp_floor = bench_import(args.recipients)
    print(f"letters_render_10k: {ours_rate:.1f} letters/s (ratio {ours_rate / floor_rate:.2f} "
          "to floor)")
    print(f"letters_render_peak_rss: {rss_big - rss_small:.0f} MB more for {args.letters} "
          f"than {args.small} letters (ratio {rss_big / rss_small:.2f} to floor)")
    print(f"letters_import_classify_100k: {imp:.2f} s (ratio {imp / imp_floor:.2f} to floor)")


if __name__ == "__main__":
    main()
