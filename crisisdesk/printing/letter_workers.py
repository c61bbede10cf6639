"""Letter part files written in worker processes, one per core, each with its own offscreen Qt.

Painting a PDF holds one core; a batch of hundreds of thousands of letters is split into part
files anyway, so whole parts go to worker processes (started with 'spawn', never 'fork': the
parent has Qt loaded). The parent fills the letters, hands each worker a part (its letters and
the temp path beside the final name), and records and renames each proven file itself, so the
record of a part is always written by the one process that owns the desk.

A worker writes its part to the temp path, reports progress every few letters, and answers
`done` once the file is fsynced and proven (`write_letter_pdf`), or `failed` with the kind of
failure and a line without patient data. A worker whose parent is gone (killed) removes its
temp file and exits at the next letter, so a killed render leaves no orphan painting letters.
Patient data travels over the pipes only.

The parent, in turn, never waits on a worker for ever: a worker that has parts to write and
has said nothing for `STALL_SECONDS` (hung: alive but silent) or whose process has ended is
reported as a failed part, and the render stops every worker and removes its temp files.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.letter_pages import CoverSheet, LetterContent, LetterLayout
from crisisdesk.services.template_process import _no_main_script
from crisisdesk.store.files import FileNotProven

PROGRESS_EVERY = 20  # letters between progress reports
MAX_WORKERS = 4
# A worker writing a part reports every PROGRESS_EVERY letters (well under a second each, a
# few seconds under load) and proves a file of at most 5,000 letters in seconds; starting one
# (an interpreter, Qt, the fonts) takes a few. Two minutes of silence is not a busy worker.
STALL_SECONDS = 120.0
Event = tuple[Any, ...]


class _Orphaned(Exception):
    """The parent is gone: stop and clean up."""


def serve(requests: Connection, replies: Connection, parent: int) -> None:
    """A worker's loop: write each part it is sent until the pipe closes or the parent dies.

    Files this worker wrote are removed when it stops without its parent: one still being
    written, and finished ones the parent may not have renamed yet (a renamed one is gone
    from its temp name already), so a killed render leaves no patient data in temp files.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent, which stops us
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    written: list[str] = []
    try:
        while True:
            if not requests.poll(0.5):
                if os.getppid() != parent:
                    return
                continue
            job = requests.recv()
            if job is None:
                written.clear()  # the parent is closing us in order: its files are its own
                return
            written.append(job[1])
            _write(job, replies, parent)
    except (EOFError, OSError, _Orphaned):  # the parent closed the pipe or is gone
        return
    finally:
        for tmp in written:
            _remove(tmp)


def _write(job: tuple[Any, ...], replies: Connection, parent: int) -> None:
    from crisisdesk.printing.letters import file_title, write_letter_pdf

    part, tmp, layout, cover, letters = job

    def each(n: int) -> None:
        if n % PROGRESS_EVERY == 0:
            if os.getppid() != parent:
                raise _Orphaned
            replies.send(("progress", part, n))

    try:
        pages = write_letter_pdf(Path(tmp), layout, cover, letters, file_title(cover), each)
    except (_Orphaned, BrokenPipeError, EOFError):
        raise _Orphaned from None
    except FileNotProven as exc:
        _remove(tmp)
        replies.send(("failed", part, "not_proven", str(exc)))
    except UserError as exc:  # an address too long for the window, ...
        _remove(tmp)
        replies.send(("failed", part, "user", str(exc)))
    except OSError as exc:
        _remove(tmp)
        replies.send(("failed", part, "os", exc.errno, exc.strerror or type(exc).__name__))
    except Exception as exc:  # a bug: its name only (a message might quote a letter)
        _remove(tmp)
        replies.send(("failed", part, "bug", type(exc).__name__))
    else:
        replies.send(("done", part, pages))


def _remove(tmp: str | Path) -> None:
    with contextlib.suppress(OSError):
        Path(tmp).unlink()


class _Proc:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        child_requests, self.requests = ctx.Pipe(duplex=False)
        self.replies, child_replies = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=serve, name="crisisdesk-letters", daemon=True,
                                   args=(child_requests, child_replies, os.getpid()))
        with _no_main_script():
            self.process.start()
        child_requests.close()
        child_replies.close()
        self.parts: list[int] = []
        self.heard = time.monotonic()  # when it last reported, or was given work while idle
        # A part is megabytes: sent from a thread, so the parent can fill the next part
        # while this worker is still reading the last one off the pipe.
        self.outbox: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self.sender = threading.Thread(target=self._send, name="crisisdesk-letters-send",
                                       daemon=True)
        self.sender.start()

    def _send(self) -> None:
        while (job := self.outbox.get()) is not None:
            try:
                self.requests.send(job)
            except (OSError, ValueError, TypeError):
                # The worker is gone, or `close` shut the pipe under us (TypeError: its
                # handle is already None); `events` reports what happened.
                return


class LetterWorkers:
    """A few worker processes writing part files; see `services.letters.render.PartPrinter`.

    `events(timeout)` returns what the workers reported since the last call:
    ("progress", part, letters), ("done", part, pages) or ("failed", part, kind, ...);
    a worker with parts to write that went silent for `STALL_SECONDS` is reported as
    ("failed", part, "stalled", seconds), one whose process ended as
    ("failed", part, "stopped", exit code).
    """

    def __init__(self, workers: int | None = None) -> None:
        count = workers if workers is not None else min(MAX_WORKERS, os.cpu_count() or 1)
        self.procs = [_Proc() for _ in range(max(1, count))]
        self.capacity = 2 * len(self.procs)  # one painting and one waiting per worker
        self.gone: list[_Proc] = []  # workers whose process ended, closed with the rest

    def start(self, part: int, tmp: Path, layout: LetterLayout, cover: CoverSheet | None,
              letters: list[LetterContent]) -> None:
        proc = min(self.procs, key=lambda p: len(p.parts))
        if not proc.parts:
            proc.heard = time.monotonic()  # its silence counts from now
        proc.parts.append(part)
        proc.outbox.put((part, str(tmp), layout, cover, letters))

    def events(self, timeout: float) -> list[Event]:
        found: list[Event] = []
        ready = wait([p.replies for p in self.procs], timeout)
        for proc in [p for p in self.procs if any(r is p.replies for r in ready)]:
            try:
                while proc.replies.poll():
                    event: Event = proc.replies.recv()
                    proc.heard = time.monotonic()
                    if event[0] in ("done", "failed") and event[1] in proc.parts:
                        proc.parts.remove(event[1])
                    found.append(event)
            except (EOFError, OSError):
                found.append(self._lost(proc))
        # Judged only after reading everything waiting: news the parent was too busy to read
        # (filling the next part) is news, so only a worker's own silence counts.
        now = time.monotonic()
        for proc in [p for p in self.procs if p.parts]:
            if proc.process.exitcode is not None:
                found.append(self._lost(proc))
            elif now - proc.heard > STALL_SECONDS:
                found.append(("failed", proc.parts[0], "stalled", round(now - proc.heard)))
        return found

    def _lost(self, proc: _Proc) -> Event:
        """A worker whose process ended (killed, crashed): the part it was writing failed."""
        proc.process.join(1)
        self.procs.remove(proc)
        self.gone.append(proc)
        return ("failed", proc.parts[0] if proc.parts else 0, "stopped", proc.process.exitcode)

    def close(self) -> None:
        """Stop every worker at once (a cancel or an error: the parent removes temp files)."""
        procs = self.procs + self.gone
        for proc in procs:
            proc.outbox.put(None)
            if proc.process.is_alive():
                proc.process.kill()  # a stopped (SIGSTOP) process is killed all the same
        for proc in procs:
            for conn in (proc.requests, proc.replies):
                conn.close()
            proc.process.join(5)
            proc.sender.join(5)
        self.procs, self.gone = [], []
