"""A letter worker that hangs (alive but silent) or dies mid-part never leaves the render
waiting for ever: within the stall limit the render stops with one line naming the file and
the letters that are safe, every worker is gone, no temp file is left, and the same render
run again resumes from the proven files and finishes with every letter exactly once."""

from __future__ import annotations

import os
import re
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crisisdesk.domain.errors import UserError
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from tests.printing.test_letters_fast import check_letters, make_batch

pytest.importorskip("PySide6")

from crisisdesk.printing import letter_workers
from crisisdesk.printing.letters import open_letter_pdf

LETTERS, PER_FILE, STALL = 240, 20, 8.0
LINE = re.compile(r"^Writing (letters-\S+-part\d{3}-of012\.pdf) stopped: its worker process "
                  r"(hung \(silent for \d+ s\)|was killed \(signal 9\)); (\d+) of 240 letters "
                  r"are safe in (\d+) files?; run the same command again\.$")


class StruckWorkers(letter_workers.LetterWorkers):
    """Two real workers; once both are writing, one gets `sig` mid-part. A hang is then
    judged with the stall limit `STALL` (before, starting the workers on a loaded machine
    may take longer than that)."""

    def __init__(self, sig: signal.Signals, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(2)
        self.sig, self.struck_at, self.monkeypatch = sig, 0.0, monkeypatch
        self.processes = [p.process for p in self.procs]
        self.writing: set[int] = set()

    def events(self, timeout: float) -> list[Any]:
        found = super().events(timeout)
        for event in found:
            if event[0] == "progress" and not self.struck_at:
                proc = next(p for p in self.procs if event[1] in p.parts)
                self.writing.add(proc.process.pid)
                if len(self.writing) == 2:
                    os.kill(proc.process.pid, self.sig)
                    self.struck_at = time.monotonic()
                    if self.sig == signal.SIGSTOP:
                        self.monkeypatch.setattr(letter_workers, "STALL_SECONDS", STALL)
        return found


@pytest.mark.parametrize("sig", [signal.SIGSTOP, signal.SIGKILL], ids=["hangs", "dies"])
def test_a_hung_or_dead_worker_is_one_line_and_the_next_run_resumes(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        sig: signal.Signals) -> None:
    monkeypatch.setattr(letter_render, "PARALLEL_FROM", 0)  # workers even for a small batch
    own = make_batch(session, tmp_path, LETTERS, PER_FILE)
    out = tmp_path / "out"
    workers: list[StruckWorkers] = []

    def printer() -> StruckWorkers:
        workers.append(StruckWorkers(sig, monkeypatch))
        return workers[-1]

    with pytest.raises(UserError) as caught:
        letter_render.render_batch(session, "1", out, open_letter_pdf, printer=printer)
    waited = time.monotonic() - workers[0].struck_at
    assert workers[0].struck_at, f"the render ended before a worker was struck: {caught.value}"
    line = str(caught.value)
    found = LINE.match(line)
    assert found, line
    if sig == signal.SIGSTOP:
        assert "hung" in line
        assert STALL <= waited < STALL + 20, waited
    else:
        assert "was killed" in line
        assert waited < 10, waited
    assert not (out / found[1]).exists(), "the failed part took its name"
    kept = sorted(out.glob("letters-*.pdf"))
    assert (int(found[3]), int(found[4])) == (PER_FILE * len(kept), len(kept))
    assert not any(p.is_alive() for p in workers[0].processes), "a worker outlived the render"
    assert not list(out.glob(".*.tmp")), "a temp file (patient data) was left behind"
    report = letter_render.render_batch(session, "1", out, open_letter_pdf,
                                        printer=lambda: letter_workers.LetterWorkers(2))
    assert report.reused_files == len(kept)
    check_letters(report.files, own)
    counts = Counter(s for (s,) in session.db.execute("SELECT status FROM letters"))
    assert counts == {"rendered": LETTERS}
