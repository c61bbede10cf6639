"""The watched team exchange folder: new bundles another laptop left there are imported.

Why a timer and not QFileSystemWatcher: a USB stick comes and goes and network shares do not
report changes reliably; a look every TICK_MS at the folder's list of bundles (names, sizes,
times) costs nothing, and only a change starts an import. Everything runs in the one worker on
its own connection (`team_folder.watch_once`, where pycrdt is first imported): the GUI thread
only starts a job, one at a time. Exporting stays the user's choice ("Export for the team…",
"Sync with folder").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.workers import Job, JobRunner, in_thread_session

TICK_MS = 30_000


class TeamFolderWatcher(QObject):
    imported = Signal(object)  # a FolderSync that imported or refused something
    failed = Signal(object)  # the exception (a UserError names the folder and the reason)

    def __init__(self, state: DeskState, runner: JobRunner, *, tick_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.runner = runner
        self.job: Job | None = None
        self.seen: tuple[tuple[str, int, int], ...] = ()
        self.timer = QTimer(self)
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def tick(self) -> Job | None:
        """Look at the folder in the worker (None: locked, or a look is still going)."""
        session = self.state.current
        if session is None or self.job is not None:
            return None
        seen = self.seen

        def work(twin: Session, **_: Any) -> object:
            from crisisdesk.services import team_folder  # (pycrdt: loaded off the GUI thread)

            return team_folder.watch_once(twin, seen)

        job = Job(in_thread_session(session, work), name="team folder")
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.job = job
        self.runner.start(job)
        return job

    def _finished(self, result: object) -> None:
        self.job = None
        if not isinstance(result, tuple):
            return
        self.seen, synced = result
        if synced is not None and (
                any(r.total or r.waiting for r in synced.imported) or synced.refused):
            self.state.desk_changed.emit()
            self.imported.emit(synced)

    def _failed(self, err: object) -> None:
        self.job = None
        self.failed.emit(err)
