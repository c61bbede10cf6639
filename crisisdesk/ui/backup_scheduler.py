"""The app's scheduled backups: a timer that asks, in the worker, whether one is due.

Every minute (and once when the window closes) it starts `scheduled_backup` through the one
worker, on its own connection; the service decides from the desk's audit log and the settings
whether a backup is due, so the GUI thread only starts a job. One run at a time: a tick while
a backup is still being written and verified does nothing. A locked desk is not backed up (its
key is gone until someone unlocks it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from crisisdesk.domain.errors import UserError
from crisisdesk.services import backup_schedule
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.periodic import PeriodicJob
from crisisdesk.ui.workers import Job, JobRunner

TICK_MS = 60_000


class BackupScheduler(PeriodicJob):
    made = Signal(object)  # a ScheduledResult whose status is "made"
    idle = Signal()  # a run ended, whatever its outcome
    job_name = "scheduled backup"

    def __init__(self, state: DeskState, runner: JobRunner, *, tick_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(state, runner, tick_ms=tick_ms, parent=parent)
        self._on_exit = False

    def tick(self, *, on_exit: bool = False) -> Job | None:
        """Start one run in the worker (None: locked, or a run is still going)."""
        self._on_exit = on_exit
        return super().tick()

    def work(self) -> Callable[..., object]:
        on_exit = self._on_exit

        def run(twin: Session, **_: Any) -> backup_schedule.ScheduledResult:
            return backup_schedule.scheduled_backup(twin, on_exit=on_exit)

        return run

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

    def finished(self, result: object) -> None:
        if isinstance(result, backup_schedule.ScheduledResult) and result.status == "made":
            self.made.emit(result)

    def ended(self) -> None:
        self.idle.emit()
