"""The full-disk run: the desk, its letters and its backups on a small tmpfs that is nearly
full, the writer killed at random points as usual.

Before each kill point the disk is filled to leave a random few hundred kilobytes; after the
kill the space is freed (as a user would, deleting something) and the usual checks run,
including resuming the renders. Needs root to mount the tmpfs; otherwise it is skipped and
says why.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.soak.harness import KillPoint, Soak, Totals

SIZE_MB = 48
FREE_CHOICES = (32 << 10, 256 << 10, 1 << 20, 3 << 20)  # bytes left free before a kill point


def why_not() -> str:
    """Why a tmpfs cannot be mounted here ("" when it can)."""
    if not sys.platform.startswith("linux"):
        return f"a tmpfs mount needs Linux (this is {sys.platform})"
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root (run `sudo make soak` for the full-disk run)"
    if shutil.which("mount") is None:
        return "no `mount` command"
    return ""


@contextmanager
def small_disk(where: Path, size_mb: int = SIZE_MB) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs",
                    str(where)], check=True, capture_output=True, text=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False, capture_output=True)


class Filler:
    """A file that takes up all but `free` bytes of its disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()

    def leave(self, free: int) -> None:
        stat = os.statvfs(self.path.parent)
        available = stat.f_bavail * stat.f_frsize
        size = self.path.stat().st_size
        target = max(0, size + available - free)
        if target < size:
            os.truncate(self.path, target)
            return
        with open(self.path, "ab") as fh:
            chunk = b"\0" * (1 << 20)
            remaining = target - size
            try:
                while remaining > 0:
                    remaining -= fh.write(chunk[:min(len(chunk), remaining)])
            except OSError:  # the disk is fuller than statvfs said: that is full enough
                pass

    def free(self) -> None:
        os.truncate(self.path, 0)


class FullDiskSoak(Soak):
    def __init__(self, work: Path, mount: Path, seed: int) -> None:
        work.mkdir(parents=True, exist_ok=True)
        for name in ("desk", "letters", "backups"):
            (mount / name).mkdir(exist_ok=True)
            link = work / name
            if not link.is_symlink():
                link.symlink_to(mount / name, target_is_directory=True)
        super().__init__(work, seed)
        self.filler = Filler(mount / "filler")
        self.fill_rng = random.Random(seed + 1)

    def kill_point(self) -> KillPoint:
        self.filler.leave(self.fill_rng.choice(FREE_CHOICES))
        return super().kill_point()

    def before_check(self) -> None:
        self.filler.free()


def run(work: Path, seed: int, kills: int, report: bool = False) -> Totals | str:
    """Kill points on a nearly full disk; the reason instead when it cannot be done here."""
    reason = why_not()
    if reason:
        return reason
    try:
        with small_disk(work / "mnt") as mount:
            return FullDiskSoak(work / "run", mount, seed).run(kills, report=report)
    except subprocess.CalledProcessError as exc:
        return f"could not mount a tmpfs ({(exc.stderr or '').strip() or exc})"
