"""The single-instance guard: the GUI holds `desk.lock` while a desk is open.

An OS file lock is released by the OS when the process dies, so a crash never leaves a stale
lock. CLI commands do not take it: they share the desk through WAL and the busy timeout.

It is taken before the unlock dialog appears, so on Linux and macOS it is a plain `flock` on
the file, the very lock `filelock` takes there (`crisisdesk doctor` asks through filelock,
store/diagnostics.py, and sees it): importing filelock (some 25 modules) cost a third of an
empty window's start-up. Where `flock` is missing (Windows) or the file system refuses it (some
network shares), filelock does it, with its own fallbacks.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from crisisdesk.domain.errors import DeskAlreadyOpen

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from filelock import FileLock

# What flock raises when another process holds the lock (some file systems say EACCES).
_HELD_ELSEWHERE = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES}

ALREADY_OPEN = ("This desk is already open in another CrisisDesk window on this computer; "
                "switch to that window (command-line tools still work alongside it).")


class DeskLock:
    def __init__(self, lock_file: Path) -> None:
        self._path = Path(lock_file)
        self._fd: int | None = None  # the flock'ed file, while held
        self._fallback: FileLock | None = None  # filelock, where flock cannot be used

    def acquire(self) -> None:
        if self.held:
            return
        if fcntl is None or self._fallback is not None:
            self._acquire_with_filelock()
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in _HELD_ELSEWHERE:
                raise DeskAlreadyOpen(ALREADY_OPEN) from None
            self._acquire_with_filelock()  # e.g. ENOLCK / ENOSYS on a network share
            return
        self._fd = fd

    def _acquire_with_filelock(self) -> None:
        from filelock import FileLock, Timeout

        if self._fallback is None:
            self._fallback = FileLock(str(self._path), timeout=0)
        try:
            self._fallback.acquire()
        except Timeout:
            raise DeskAlreadyOpen(ALREADY_OPEN) from None

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        elif self._fallback is not None and self._fallback.is_locked:
            self._fallback.release()

    @property
    def held(self) -> bool:
        return self._fd is not None or bool(self._fallback is not None
                                           and self._fallback.is_locked)
