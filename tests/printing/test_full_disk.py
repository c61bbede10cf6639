"""Every PDF the desk writes is proven before it takes its name: on a full disk (QPdfWriter
reports nothing and leaves a short or empty file) the target is untouched, no temp file is
left, and the user gets one line naming the folder; the CLI exits 1 and never says "Wrote"."""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store import files as file_store
from tests.support.cli import cli, run_cli
from tests.support.desk import PASSPHRASE
from tests.support.full_disk import fill, small_disk
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list

pytest.importorskip("PySide6")

from crisisdesk.cli import main
from crisisdesk.printing import letter_workers
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import KEEP_TABLES_TOGETHER, ensure_gui_app, html_to_pdf

HTML = "<h1>Deadlines</h1>" + "".join(f"<p>Line {i} of the printout.</p>" for i in range(150))
OLD = b"%PDF-1.4 the printout from yesterday"

PDF_COMMANDS = [
    ("deadlines", "--pdf", "{}"),
    ("timeline", "list", "--pdf", "{}"),
    ("templates", "render", "patient-notification-en", "--sample", "--out", "{}"),
]


def losing_fsync(how: Callable[[int], None]) -> Callable[[int], None]:
    """An fsync that first does to the file what a full disk did to QPdfWriter's output."""
    real = os.fsync

    def fsync(fd: int) -> None:
        how(fd)
        real(fd)

    return fsync


def emptied(fd: int) -> None:
    os.ftruncate(fd, 0)


def halved(fd: int) -> None:
    os.ftruncate(fd, os.fstat(fd).st_size // 2)


def no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[int], None]], None]:
    """Portable full disk: the written bytes are lost (or fsync refuses), no space is free."""
    ensure_gui_app()

    def arm(how: Callable[[int], None]) -> None:
        monkeypatch.setattr(file_store.os, "fsync", losing_fsync(how))
        monkeypatch.setattr(file_store, "free_bytes", lambda folder: 0)

    return arm


@pytest.mark.parametrize("how", [emptied, halved, no_space])
@pytest.mark.parametrize("keep_together", [False, True])
def test_a_full_disk_leaves_the_old_file_and_names_the_folder(
        full_disk: Callable[[Callable[[int], None]], None], tmp_path: Path,
        how: Callable[[int], None], keep_together: bool) -> None:
    target = tmp_path / "print outs" / "deadlines.pdf"
    target.parent.mkdir()
    target.write_bytes(OLD)
    full_disk(how)
    with pytest.raises(file_store.DiskFull) as caught:
        html_to_pdf(HTML + (KEEP_TABLES_TOGETHER if keep_together else ""), target,
                    title="Deadlines")
    assert str(caught.value).startswith(f"The disk holding {target.parent} is full: "
                                        "deadlines.pdf ")
    assert str(caught.value).endswith("; free space there and try again.")
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in target.parent.iterdir()) == ["deadlines.pdf"]


def test_a_short_file_on_a_disk_with_room_is_refused_too(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ensure_gui_app()
    monkeypatch.setattr(file_store.os, "fsync", losing_fsync(halved))
    target = tmp_path / "brief.pdf"
    with pytest.raises(file_store.FileNotProven, match=rf"^brief.pdf was not written to "
                                                       rf"{tmp_path}: the file came out"):
        html_to_pdf(HTML, target, title="Brief")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_refuses_the_file_is_one_line(tmp_path: Path) -> None:
    ensure_gui_app()
    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("a file where the folder should be")
    with pytest.raises(file_store.CannotWrite, match=rf"^Cannot write x.pdf in {not_a_folder}: "):
        html_to_pdf(HTML, not_a_folder / "x.pdf", title="X")


def test_the_page_count_must_match_what_was_laid_out(tmp_path: Path) -> None:
    ensure_gui_app()
    target = tmp_path / "three.pdf"
    html_to_pdf(HTML, target, title="Pages")
    from pypdf import PdfReader

    pages = len(PdfReader(target).pages)
    assert pages > 1  # the layout's count was proven when it was written
    file_store.prove_pdf(target, pages)
    with pytest.raises(file_store.FileNotProven, match=f"has {pages} pages where "
                                                       f"{pages + 1} were laid out"):
        file_store.prove_pdf(target, pages + 1)


def test_the_proof_counts_pages_as_qt_prints_them_near_a_page_break(tmp_path: Path) -> None:
    """Documents whose last lines fall around a page's foot: Qt's own print gives the writer
    2 mm margins first, and the count proven must be the count printed (no false alarms)."""
    ensure_gui_app()
    from pypdf import PdfReader

    counts = set()
    for lines in range(60, 70):
        target = tmp_path / f"lines-{lines}.pdf"
        html_to_pdf("".join(f"<p>Line {i}</p>" for i in range(lines)), target, title="Lines")
        counts.add(len(PdfReader(target).pages))
    assert len(counts) > 1  # the range crosses a page break


def run_main(data_dir: Path, args: list[str], capsys: pytest.CaptureFixture[str]
             ) -> tuple[int, str, str]:
    try:
        main(["--data-dir", str(data_dir), *args])
    except SystemExit as done:
        code = int(done.code or 0)
    else:  # pragma: no cover - main always exits
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("command", PDF_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_cli_pdf_on_a_full_disk_is_one_line_and_exit_1(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], command: tuple[str, ...],
        full_disk: Callable[[Callable[[int], None]], None]) -> None:
    letter_desk(session)
    session.close()
    monkeypatch.setenv("CRISISDESK_OPERATOR", "alex")
    monkeypatch.setenv("CRISISDESK_PASSPHRASE", PASSPHRASE)
    target = tmp_path / "out" / "printout.pdf"
    full_disk(emptied)
    code, out, err = run_main(session.data_dir, [a.format(target) for a in command], capsys)
    assert code == 1, out + err
    assert err.strip().splitlines() == [
        f"crisisdesk: The disk holding {target.parent} is full: printout.pdf came out "
        "incomplete; free space there and try again."]
    assert "Wrote" not in out
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


@pytest.mark.slow
def test_cli_pdfs_onto_a_real_full_disk(session: Session, tmp_path: Path) -> None:
    """The commands of the report, onto a tmpfs with 8 KB left: exit 1, one line, no file."""
    letter_desk(session)
    session.close()
    with small_disk(tmp_path / "mnt", "2m") as mnt:
        fill(mnt, 8 * 1024)
        for command in PDF_COMMANDS:
            target = mnt / "printout.pdf"
            run = run_cli(session.data_dir, *(a.format(target) for a in command))
            assert run.returncode == 1, (command, run.stdout, run.stderr)
            lines = run.stderr.strip().splitlines()
            assert len(lines) == 1, (command, run.stderr)
            assert lines[0].startswith(f"crisisdesk: The disk holding {mnt} is full: "
                                       "printout.pdf "), command
            assert "Wrote" not in run.stdout
            assert sorted(p.name for p in mnt.iterdir()) == ["filler.bin"]


def serve_on_a_full_disk(how: str, requests: object, replies: object, parent: int) -> None:
    """A letter worker (in its own process) whose disk fills once its first part file is
    written: every later part file is `how` (emptied or refused) as on a full disk."""
    losing, real, files = globals()[how], os.fsync, [0]

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            files[0] += 1
            if files[0] >= 2:
                losing(fd)
        real(fd)

    os.fsync = fsync
    letter_workers.serve(requests, replies, parent)  # type: ignore[arg-type]


@pytest.mark.parametrize("how", [emptied, no_space])
def test_parts_written_by_worker_processes_onto_a_full_disk_are_one_line_then_resume(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        how: Callable[[int], None]) -> None:
    """The same line as a render in one process (what is safe, which folder to free), no
    temp file left, and once space is freed the same render reuses the proven files."""
    from tests.printing.test_letters_fast import check_letters, make_batch

    monkeypatch.setattr(letter_render, "PARALLEL_FROM", 0)  # workers even for a small batch
    own = make_batch(session, tmp_path, 240, 20)
    out = tmp_path / "letters"
    with monkeypatch.context() as full:
        full.setattr(letter_workers, "serve", functools.partial(serve_on_a_full_disk,
                                                                how.__name__))
        full.setattr(file_store, "free_bytes", lambda folder: 0)
        with pytest.raises(file_store.DiskFull) as caught:
            letter_render.render_batch(session, "1", out, open_letter_pdf,
                                       printer=lambda: letter_workers.LetterWorkers(2))
    kept = sorted(out.glob("letters-*.pdf"))
    assert 1 <= len(kept) <= 2  # each worker's first file, the one written before it filled
    files = "1 file" if len(kept) == 1 else f"{len(kept)} files"
    assert str(caught.value) == (f"The disk holding {out} is full: {20 * len(kept)} of 240 "
                                 f"letters are safe in {files}; free space in {out} and run "
                                 "the same command again.")
    assert not list(out.glob(".*.tmp"))
    report = letter_render.render_batch(session, "1", out, open_letter_pdf,
                                        printer=lambda: letter_workers.LetterWorkers(2))
    assert report.reused_files == len(kept)
    check_letters(report.files, own)


@pytest.mark.slow
def test_cli_render_in_worker_processes_onto_a_real_full_disk(session: Session,
                                                             tmp_path: Path) -> None:
    """`letters render` of 1,200 letters (worker processes) onto a tmpfs with room for about
    two of its twelve files: one line, exit 1, no temp file; once space is freed the same
    command reuses the files that were proven and writes the rest, each letter once."""
    import re

    letter_desk(session)
    settings_service.set(session, "letters_per_file", 100)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(1200)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 1200)
    letter_service.create_batch(session)
    session.close()
    with small_disk(tmp_path / "mnt", "12m") as mnt:
        filler = fill(mnt, 1200 * 1024)
        out = mnt / "letters"
        run = cli(session.data_dir, "letters", "render", "1", "--out", str(out))
        assert run.returncode == 1, (run.stdout, run.stderr)
        kept = sorted(out.glob("letters-*.pdf"))
        files = "1 file" if len(kept) == 1 else f"{len(kept)} files"
        assert run.stderr.strip().splitlines() == [
            f"crisisdesk: The disk holding {out} is full: {100 * len(kept)} of 1,200 letters "
            f"are safe in {files}; free space in {out} and run the same command again."]
        assert not list(out.glob(".*.tmp"))
        filler.unlink()
        run = cli(session.data_dir, "letters", "render", "1", "--out", str(out))
        assert run.returncode == 0, run.stderr
        assert f"({len(kept)} reused" in run.stdout
        from tests.support.pdf import page_texts

        references: list[str] = []
        for path in sorted(out.glob("letters-*.pdf")):
            references += re.findall(r"Reference (CD\d{8})", "\n".join(page_texts(path)))
        assert len(references) == len(set(references)) == 1200
