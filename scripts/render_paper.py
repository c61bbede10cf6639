"""Render every PDF the desk makes, from a fresh demo desk, as 100 dpi PNGs in docs/paper/.

    make paper        (or: PYTHONPATH=. python scripts/render_paper.py [--out docs/paper])

So a reviewer can look at all the paper at once. The binder's own list of printouts
(`crisisdesk.printing.binder.sections`) is rendered section by section, each as the desk lays
it out on its own (the HHS breach report among them; the signed risk assessment too, when the
desk has one); the printouts that are not in the binder (activity log, communication log,
systems board, counts report, activation report, letters and the alignment page) are made by
the real commands (`crisisdesk ... --pdf`). Long documents keep their first pages only
(`MAX_PAGES`; the binder itself: its cover and contents); of the per-caller call sheets of each
tree and of the role cards, the first two. The README's "Paper" table (between
its `paper:` markers) is rewritten with links to the images. Needs `pdftoppm` (poppler-utils).
Nothing here touches a real desk: the demo desk lives in a temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout's crisisdesk, not an installed one
DPI = 100
MAX_PAGES = 2
REPEATS_KEPT = 2  # of the per-caller call sheets of each tree, and of the role cards
BINDER = "Downtime binder (cover and contents)"
FRONT_PAGES: dict[str, int] = {}  # printouts shown to another length than MAX_PAGES
BEGIN, END = "<!-- paper: begin (scripts/render_paper.py) -->", "<!-- paper: end -->"


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60]


def cli(env: dict[str, str], data_dir: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "crisisdesk", "--data-dir", str(data_dir),
                           *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"crisisdesk {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def to_png(pdf: Path, out: Path, name: str, pages: int = MAX_PAGES) -> list[Path]:
    """The PDF's first `pages` pages as out/name-N.png at DPI."""
    for old in out.glob(f"{name}-*.png"):
        old.unlink()
    # No anti-aliasing: the text stays sharp enough to read and the PNGs come out 5-6 times
    # smaller, which matters for images kept in the repository.
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-aa", "no", "-aaVector", "no", "-l",
                    str(pages), str(pdf), str(out / name)], check=True)
    return sorted(out.glob(f"{name}-*.png"))


def in_process(data_dir: Path, work: Path) -> tuple[list[tuple[str, Path]], str, str]:
    """The binder and each of its sections; also the demo's first letter batch and
    activation, for the commands that print those."""
    from crisisdesk.printing import binder
    from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf
    from crisisdesk.services import desk as desk_service
    from crisisdesk.services.calling_trees import activations
    from crisisdesk.services.demo import desk as demo_service
    from crisisdesk.services.letters import batches as letter_batches

    ensure_gui_app()
    session = desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    made: list[tuple[str, Path]] = []
    try:
        seen: dict[str, int] = {}
        for section in binder.sections(session):
            group = section.group
            if section.title.startswith("Call sheet: ") or group == "Role cards":
                seen[group] = seen.get(group, 0) + 1
                if seen[group] > REPEATS_KEPT:
                    continue
            label = f"{group}: {section.title}" if group else section.title
            path = work / f"{slug(label)}.pdf"
            html_to_pdf(section.html, path, title=section.title)
            made.append((label, path))
        path = work / "downtime-binder.pdf"
        result = binder.make_binder(session, path)
        made.insert(0, (BINDER, path))
        FRONT_PAGES[BINDER] = result.entries[0].page - 1 if result.entries else MAX_PAGES
        batches = letter_batches.list_batches(session)
        batch = str(batches[0].number) if batches else ""
        activation = next((a.id for a in activations.list_activations(session)), "")
    finally:
        session.close()
    return made, batch, activation


def by_command(env: dict[str, str], data_dir: Path, work: Path, batch: str,
               activation: str) -> list[tuple[str, Path]]:
    jobs: list[tuple[str, str, list[str]]] = [
        ("Activity log (HICS 214)", "activity-log.pdf", ["timeline", "list", "--pdf"]),
        ("Systems status board (HICS 251)", "systems-board.pdf", ["systems", "list", "--pdf"]),
        ("Communication log", "communication-log.pdf", ["messages", "log", "--pdf"]),
        ("Counts report for counsel", "counts-report.pdf", ["letters", "report", "--pdf"]),
    ]
    if activation:
        jobs.append(("Activation report", "activation-report.pdf",
                     ["activation", "report", activation, "--pdf"]))
    made = []
    for label, name, args in jobs:
        path = work / name
        cli(env, data_dir, *args, str(path))
        made.append((label, path))
    if batch:
        letters = work / "letters"
        cli(env, data_dir, "letters", "render", batch, "--out", str(letters), "--range", "1-2",
            "--alignment")
        pdfs = sorted(letters.rglob("*.pdf"))
        align = [p for p in pdfs if "align" in p.name.lower()]
        rest = [p for p in pdfs if p not in align]
        made += [("Patient letters", p) for p in rest[:1]]
        made += [("Letter alignment page", p) for p in align[:1]]
    return made


def readme_table(images: list[tuple[str, list[Path]]], out: Path) -> str:
    rows = ["| printout | pages |", "| --- | --- |"]
    for label, pngs in images:
        links = " ".join(f"[{i}]({p.relative_to(ROOT).as_posix()})"
                         for i, p in enumerate(pngs, start=1))
        rows.append(f"| {label} | {links} |")
    return "\n".join([BEGIN, *rows, END])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "paper")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("render_paper: pdftoppm not found; install poppler-utils.", file=sys.stderr)
        return 1
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "CRISISDESK_OPERATOR": "demo", "CRISISDESK_PASSPHRASE": "demo-passphrase-2026",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    with tempfile.TemporaryDirectory(prefix="crisisdesk-paper-") as tmp:
        work, data_dir = Path(tmp), Path(tmp) / "demo"
        cli(env, data_dir, "demo")
        made, batch, activation = in_process(data_dir, work)
        made += by_command(env, data_dir, work, batch, activation)
        for old in out.glob("*.png"):
            old.unlink()
        images = [(label, to_png(pdf, out, slug(label), FRONT_PAGES.get(label, MAX_PAGES)))
                  for label, pdf in made]
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        readme.write_text(head + readme_table(images, out) + rest.split(END, 1)[1], "utf-8")
    total = sum(p.stat().st_size for _label, pngs in images for p in pngs)
    print(f"Wrote {sum(len(p) for _l, p in images)} images of {len(images)} printouts to "
          f"{out} ({total / 1e6:.1f} MB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
