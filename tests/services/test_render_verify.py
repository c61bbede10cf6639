"""Letter parts are proven on disk before they count: a re-run reuses a part only when its size
and SHA-256 still match what was recorded, and a full disk stops the run with one line saying
how many letters are safe, marking nothing rendered that is not on disk."""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store import files as file_store
from tests.support.cli import cli
from tests.support.full_disk import fill, small_disk
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list

pytest.importorskip("PySide6")

from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import ensure_gui_app
from tests.support.pdf import read

LETTERS, PER_FILE = 9, 3


@pytest.fixture
def batch(session: Session, tmp_path: Path) -> Session:
    ensure_gui_app()
    letter_desk(session)
    settings_service.set(session, "letters_per_file", PER_FILE)
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv",
                                                         adult_rows(LETTERS)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, LETTERS)
    letter_service.create_batch(session)
    return session


def render(session: Session, out: Path) -> letter_render.RenderReport:
    return letter_render.render_batch(session, "1", out, open_letter_pdf)


def references(files: list[Path]) -> list[str]:
    found: list[str] = []
    for path in files:
        found += re.findall(r"Reference (CD\d{8})", "\n".join(read(path)[1]))
    return found


def rendered_count(session: Session) -> int:
    """RENDERED in the ALL row of `letters status`."""
    return mailing_log.totals(session).get("ALL", {}).get("rendered", 0)


def fsync_that_loses(part: int, how: Callable[[int], None]) -> Callable[[int], None]:
    """An fsync for the temp file of part `part` that first damages it as a full disk does."""
    real = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else ""
        if f"-part{part:03d}-" in name and name.endswith(".tmp"):
            how(fd)
        real(fd)

    return fsync


def test_an_emptied_truncated_or_changed_part_is_rendered_again(batch: Session,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = render(batch, out)
    assert first.reused_files == 0
    good = [p.read_bytes() for p in first.files]
    first.files[0].write_bytes(b"")  # emptied
    first.files[1].write_bytes(good[1][: len(good[1]) // 2])  # truncated
    changed = bytearray(good[2])
    changed[len(changed) // 2] ^= 0x01  # same size, one bit different
    first.files[2].write_bytes(bytes(changed))
    again = render(batch, out)
    assert again.reused_files == 0
    assert [p.read_bytes() for p in again.files] != [b"", good[1][: len(good[1]) // 2],
                                                     bytes(changed)]
    assert all(p.stat().st_size > 1000 for p in again.files)
    refs = references(again.files)
    assert len(refs) == len(set(refs)) == LETTERS
    third = render(batch, out)
    assert third.reused_files == len(third.files) == LETTERS // PER_FILE


def test_full_disk_mid_render_keeps_only_proven_parts_and_resumes(
        batch: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Portable: the third part's bytes are lost as on a full disk (QPdfWriter says nothing),
    and the disk reports no free space."""
    if not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd to tell the part's temp file by name")
    out = tmp_path / "out"

    def truncate(fd: int) -> None:
        os.ftruncate(fd, os.fstat(fd).st_size // 3)

    monkeypatch.setattr(file_store.os, "fsync", fsync_that_loses(3, truncate))
    monkeypatch.setattr(file_store, "free_bytes", lambda folder: 0)
    with pytest.raises(file_store.DiskFull) as caught:
        render(batch, out)
    message = str(caught.value)
    assert message == (f"The disk holding {out} is full: 6 of 9 letters are safe in 2 files; "
                       f"free space in {out} and run the same command again.")
    assert sorted(p.name[-17:] for p in out.glob("*.pdf")) == ["part001-of003.pdf",
                                                               "part002-of003.pdf"]
    assert not list(out.glob(".*.tmp"))
    assert rendered_count(batch) == 6  # only the letters in proven files
    batch_row = letter_service.list_batches(batch)[0]
    assert batch_row.rendered_at == ""
    monkeypatch.undo()
    resumed = render(batch, out)
    assert resumed.reused_files == 2
    refs = references(resumed.files)
    assert len(refs) == len(set(refs)) == LETTERS
    assert rendered_count(batch) == LETTERS


def test_no_space_reported_by_the_os_is_one_line_and_nothing_marked(
        batch: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(file_store.os, "fsync", lambda fd: no_space(fd))
    out = tmp_path / "out"
    with pytest.raises(file_store.DiskFull, match=r"0 of 9 letters are safe in 0 files; "
                                                  r"free space in .* and run the same"):
        render(batch, out)
    assert not list(out.iterdir())
    assert rendered_count(batch) == 0


def test_status_counts_only_letters_in_proven_files(batch: Session, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`letters status` (RENDERED per state) shows only what is on disk after a stop."""
    calls = {"n": 0}
    real = file_store.prove_pdf

    def second_fails(path: Path, pages: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise file_store.FileNotProven("the file came out empty")
        real(path, pages)

    monkeypatch.setattr("crisisdesk.printing.letters.prove_pdf", second_fails)
    with pytest.raises(file_store.FileNotProven, match=r"3 of 9 letters are safe in 1 file"):
        render(batch, tmp_path / "out")
    totals = mailing_log.totals(batch)
    assert totals["ALL"] == {"pending": 6, "rendered": 3}


@pytest.mark.slow
def test_render_onto_a_real_full_disk_says_what_is_safe_and_resumes(
        batch: Session, tmp_path: Path) -> None:
    """`letters render` onto a small tmpfs with room for about one and a half part files."""
    sample = tmp_path / "sample.pdf"
    letter_render.reprint(batch, "1", 1, PER_FILE, sample, open_letter_pdf)
    data_dir = batch.data_dir
    batch.close()
    with small_disk(tmp_path / "mnt") as mnt:
        filler = fill(mnt, int(sample.stat().st_size * 1.6))
        out_dir = mnt / "letters"
        run = cli(data_dir, "letters", "render", "1", "--out", str(out_dir))
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip().splitlines() == [
            f"crisisdesk: The disk holding {out_dir} is full: 3 of 9 letters are safe in 1 "
            f"file; free space in {out_dir} and run the same command again."]
        assert "Rendered" not in run.stdout
        assert [p.name[-17:] for p in out_dir.glob("*.pdf")] == ["part001-of003.pdf"]
        assert not list(out_dir.glob(".*.tmp"))
        status = json.loads(cli(data_dir, "letters", "status", "--json").stdout)
        assert status["by_state"]["ALL"] == {"pending": 6, "rendered": 3}
        filler.unlink()
        run = cli(data_dir, "letters", "render", "1", "--out", str(out_dir))
        assert run.returncode == 0, run.stderr
        assert "(1 reused" in run.stdout
        refs = references(sorted(out_dir.glob("*.pdf")))
        assert len(refs) == len(set(refs)) == LETTERS
        status = json.loads(cli(data_dir, "letters", "status", "--json").stdout)
        assert status["by_state"]["ALL"] == {"rendered": LETTERS}
