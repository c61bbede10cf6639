"""The fast letter path (each body filled and laid out once, parts written in worker
processes) never puts one person's data on another's letter, and stops cleanly on Cancel.

Every person below has a name, a guardian and a code no one else has, so any text carried over
from another letter (a stale layout, a swapped field, a part written from the wrong range)
shows up as a foreign token on a page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from crisisdesk.domain.errors import Cancelled
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from tests.support.letters import add_codes, letter_desk, spanish_facts
from tests.support.pdf import page_texts

pytest.importorskip("PySide6")

from crisisdesk.printing.letter_workers import LetterWorkers
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import ensure_gui_app

HEADER = "FIRST,LAST,BIRTHDATE,ADDRESS,CITY,STATE,ZIP,LANGUAGE,GUARDIAN,DATA ELEMENTS"
PLACES = (("Springfield", "IL", "62701"), ("Boston", "MA", "02134"),
          ("Hartford", "CT", "06103"), ("Dallas", "TX", "75201"))
LASTS = ("Smith", "O'Brien", "García-Pérez", "Lee", "Nguyen", "Kowalczyk-Wiśniewska",
         "Smith & Sons", "Müller", "Van der Berg Okonkwo-Adeyemi")
ELEMENTS = ("", "SSN", "DOB; Diagnosis", "Name")
PERSON = re.compile(r"\b[PG]\d{5}[a-z]*\b")
CODE = re.compile(r"\bAB\d{5}-Q\b")
REFERENCE = re.compile(r"\bCD\d{8}\b")


def people(n: int) -> list[str]:
    """`n` rows: four states (two with inserts), English and Spanish, adults and minors
    (a letter to the parent), several information lists, names of many lengths."""
    rows = []
    for i in range(n):
        city, state, zip_code = PLACES[i % len(PLACES)]
        minor = i % 7 == 3
        born = "2015-03-20" if minor else f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}"
        first = f"P{i:05d}" + "x" * (i % 11)  # lengths vary, so lines wrap differently
        guardian = f"G{i:05d} {LASTS[i % len(LASTS)]}" if minor else ""
        language = "es" if i % 5 == 1 else ""
        last = LASTS[(i // 3) % len(LASTS)]
        rows.append(f'{first},"{last}",{born},{i} Elm St,{city},{state},{zip_code},'
                    f'{language},"{guardian}","{ELEMENTS[i % len(ELEMENTS)]}"')
    return rows


def make_batch(session: Session, tmp_path: Path, n: int, per_file: int) -> dict[str, set[str]]:
    """Batch 1 of `n` people; {reference: the person tokens and code on that letter}."""
    ensure_gui_app()
    letter_desk(session)
    spanish_facts(session)
    settings_service.set(session, "letters_per_file", per_file)
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "\n" + "\n".join(people(n)) + "\n", encoding="utf-8")
    letter_service.import_recipients(session, path)
    letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))
    add_codes(session, tmp_path, n)
    letter_service.create_batch(session)
    own: dict[str, set[str]] = {}
    for reference, first, guardian, code in session.db.execute(
            "SELECT l.reference, r.first_name, r.guardian_name, c.code FROM letters l "
            "JOIN recipients r ON r.id = l.recipient_id "
            "LEFT JOIN enrollment_codes c ON c.letter_id = l.id ORDER BY l.seq"):
        tokens = {first}
        if guardian:
            tokens.add(guardian.split()[0])
        own[reference] = tokens | ({code} if code else set())
    return own


def check_letters(files: list[Path], own: dict[str, set[str]]) -> int:
    """Every page belongs to exactly one letter and holds no other person's name or code;
    each letter appears once, in order. Returns how many letters carried a code."""
    seen: list[str] = []
    with_code = 0
    for path in files:
        pages = page_texts(path)
        letters: list[tuple[str, str]] = []  # (reference, text of its pages)
        for text in pages[1:]:  # page 1 of a file is its cover sheet
            refs = set(REFERENCE.findall(text))
            assert len(refs) == 1, f"{path.name}: a page with references {refs}"
            ref = refs.pop()
            if letters and letters[-1][0] == ref:
                letters[-1] = (ref, letters[-1][1] + "\n" + text)
            else:
                letters.append((ref, text))
        for ref, text in letters:
            found = set(PERSON.findall(text)) | set(CODE.findall(text))
            assert found == own[ref], f"{ref}: expected {own[ref]}, found {found}"
            codes = CODE.findall(text)
            assert len(codes) == len(own[ref] & set(codes)) <= 1, f"{ref}: codes {codes}"
            with_code += len(codes)
            seen.append(ref)
    assert seen == list(own), "letters missing, repeated or out of order"
    return with_code


@pytest.mark.slow
def test_ten_thousand_letters_in_workers_each_page_holds_only_its_own_person(
        session: Session, tmp_path: Path) -> None:
    own = make_batch(session, tmp_path, 10_000, 500)
    report = letter_render.render_batch(session, "1", tmp_path / "out", open_letter_pdf,
                                        printer=lambda: LetterWorkers(2))
    assert len(report.files) == 20
    assert check_letters(report.files, own) == sum(1 for t in own.values()
                                                  if any(CODE.match(x) for x in t))
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_cancel_stops_every_worker_and_a_second_render_reuses_the_finished_files(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letter_render, "PARALLEL_FROM", 0)  # workers even for a small batch
    own = make_batch(session, tmp_path, 240, 20)
    out = tmp_path / "out"
    workers: list[LetterWorkers] = []

    def printer() -> LetterWorkers:
        workers.append(LetterWorkers(2))
        return workers[-1]

    seen: list[int] = []
    with pytest.raises(Cancelled, match="files are complete"):
        letter_render.render_batch(session, "1", out, open_letter_pdf, printer=printer,
                                   progress=lambda done, total: seen.append(done),
                                   is_cancelled=lambda: bool(seen) and seen[-1] >= 60)
    assert all(not p.process.is_alive() for p in workers[0].procs) or not workers[0].procs
    assert not list(out.glob(".*.tmp")), "a cancelled part left its temp file"
    kept = sorted(out.glob("letters-*.pdf"))
    assert 0 < len(kept) < 12
    assert seen == sorted(seen), "progress went backwards"
    report = letter_render.render_batch(session, "1", out, open_letter_pdf, printer=printer)
    assert report.reused_files == len(kept)
    check_letters(report.files, own)
    counts = Counter(s for (s,) in session.db.execute("SELECT status FROM letters"))
    assert counts == {"rendered": 240}
