"""The watched team exchange folder: new bundles another laptop left there are imported.

Why a timer and not QFileSystemWatcher: a USB stick comes and goes and network shares do not
report changes reliably; a look every TICK_MS at the folder's list of bundles (names, sizes,
times) costs nothing, and only a change starts an import. Everything runs in the one worker on
its own connection (`team_folder.watch_once`, where pycrdt is first imported): the GUI thread
only starts a job, one at a time. Exporting stays the user's choice ("Export for the team…",
"Sync with folder").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState
from crisisdesk.ui.periodic import PeriodicJob
from crisisdesk.ui.workers import JobRunner

TICK_MS = 30_000


class TeamFolderWatcher(PeriodicJob):
    imported = Signal(object)  # a FolderSync that imported or refused something
    job_name = "team folder"

    def __init__(self, state: DeskState, runner: JobRunner, *, tick_ms: int = TICK_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(state, runner, tick_ms=tick_ms, parent=parent)
        self.seen: tuple[tuple[str, int, int], ...] = ()

    def work(self) -> Callable[..., object]:
        """Look at the folder in the worker, against what the last look saw."""
        seen = self.seen

        def run(twin: Session, **_: Any) -> object:
            from crisisdesk.services import team_folder  # (pycrdt: loaded off the GUI thread)

            return team_folder.watch_once(twin, seen)

        return run

    def finished(self, result: object) -> None:
        if not isinstance(result, tuple):
            return
        self.seen, synced = result
        if synced is not None and (
                any(r.total or r.waiting for r in synced.imported) or synced.refused):
            self.state.desk_changed.emit()
            self.imported.emit(synced)
