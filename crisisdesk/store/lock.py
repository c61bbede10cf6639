"""The single-instance guard: the GUI holds `desk.lock` while a desk is open.

An OS file lock (flock / LockFileEx via `filelock`) is released by the OS when the process dies,
so a crash never leaves a stale lock. CLI commands do not take it: they share the desk through
WAL and the busy timeout.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from crisisdesk.domain.errors import DeskAlreadyOpen


class DeskLock:
    def __init__(self, lock_file: Path) -> None:
        self._lock = FileLock(str(lock_file), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout:
            raise DeskAlreadyOpen(
                "This desk is already open in another CrisisDesk window on this computer; "
                "switch to that window (command-line tools still work alongside it)."
            ) from None

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)
