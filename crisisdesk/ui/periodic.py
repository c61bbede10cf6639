"""A timer that starts one background job at a time: the shape of every "look again every N
seconds" the window does (scheduled backups, the team exchange folder).

Why one class: each tick must start its work through the one worker on the session's own
connection, do nothing while the desk is locked or the previous run is still going, and let
go of the job when it ends however it ends. Subclasses say only what a run does (`work`) and
what its result means (`finished`); failures are re-emitted as `failed`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.workers import Job, JobRunner, in_thread_session


class PeriodicJob(QObject):
    failed = Signal(object)  # the exception (a UserError names what to fix)

    #: The job's name in the worker (progress and logs).
    job_name = "periodic job"

    def __init__(self, state: DeskState, runner: JobRunner, *, tick_ms: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.job: Job | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def busy(self) -> bool:
        return self.job is not None

    def work(self) -> Callable[..., object]:
        """What one run does in the worker: called on the GUI thread at each tick, returns
        `fn(twin_session, **_)`."""
        raise NotImplementedError

    def finished(self, result: object) -> None:
        """The run's result, on the GUI thread."""

    def ended(self) -> None:
        """After every run, whatever its outcome."""

    def tick(self) -> Job | None:
        """Start one run in the worker (None: the desk is locked, or a run is still going)."""
        session = self.state.current
        if session is None or self.job is not None:
            return None
        fn: Callable[[Session], Any] = self.work()
        job = Job(in_thread_session(session, fn), name=self.job_name)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.job = job
        self.runner.start(job)
        return job

    def _finished(self, result: object) -> None:
        self.job = None
        self.finished(result)
        self.ended()

    def _failed(self, err: object) -> None:
        self.job = None
        self.failed.emit(err)
        self.ended()
