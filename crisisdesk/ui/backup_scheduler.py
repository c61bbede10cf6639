"""The app's scheduled backups: a timer that asks, in the worker, whether one is due.

Every minute (and once when the window closes) it starts `scheduled_backup` through the one
worker, on its own connection; the service decides from the desk's audit log and the settings
whether a backup is due, so the GUI thread only starts a job. One run at a time: a tick while
a backup is still being written and verified does nothing. A locked desk is not backed up (its
key is gone until someone unlocks it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from crisisdesk.domain.errors import UserError
from crisisdesk.services import backup_schedule
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.workers import Job, JobRunner, in_thread_session

TICK_MS = 60_000


class BackupScheduler(QObject):
    made = Signal(object)  # a ScheduledResult whose status is "made"
    failed = Signal(object)  # the exception (a UserError names the folder and the reason)
    idle = Signal()  # a run ended, whatever its outcome

    def __init__(self, state: DeskState, runner: JobRunner, *, tick_ms: int = TICK_MS,
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

    def tick(self, *, on_exit: bool = False) -> Job | None:
        """Start one run in the worker (None: locked, or a run is still going)."""
        session = self.state.current
        if session is None or self.job is not None:
            return None

        def work(twin: Session, **_: Any) -> backup_schedule.ScheduledResult:
            return backup_schedule.scheduled_backup(twin, on_exit=on_exit)

        job = Job(in_thread_session(session, work), name="scheduled backup")
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.job = job
        self.runner.start(job)
        return job

    def exit_backup_needed(self) -> bool:
        """Whether closing the window should wait for a backup: a folder is set and the desk
        changed since the last one (two small queries, fine on the GUI thread)."""
        session = self.state.current
        if session is None:
            return False
        try:
            folder = backup_schedule.schedule_settings(session).folder
            return folder is not None and backup_schedule.desk_changed(session)
        except UserError:
            return False

    def _finished(self, result: object) -> None:
        self.job = None
        if isinstance(result, backup_schedule.ScheduledResult) and result.status == "made":
            self.made.emit(result)
        self.idle.emit()

    def _failed(self, err: object) -> None:
        self.job = None
        self.failed.emit(err)
        self.idle.emit()
