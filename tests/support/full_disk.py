"""A real full disk for a test: a small tmpfs mounted over a folder (root only, Linux).

A test using `small_disk` is skipped, with the reason, where it cannot mount (not root, no
tmpfs, a container without the capability); the portable tests beside it simulate the same
failure by damaging or refusing the lowest write instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_disk(folder: Path, size: str = "6m") -> Iterator[Path]:
    """`folder` as the mount point of a fresh tmpfs of `size`; unmounted afterwards."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small tmpfs")
    folder.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(folder)], capture_output=True, text=True, timeout=30,
                          check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip() or made.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30,
                       check=False)


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def fill(folder: Path, leave: int) -> Path:
    """Fill the disk holding `folder` until about `leave` bytes are free; returns the filler
    (delete it to free the space again)."""
    filler = folder / "filler.bin"
    size = max(0, free_bytes(folder) - leave)
    with open(filler, "wb") as fh:
        chunk = b"\0" * (1 << 20)
        while size > 0:
            size -= fh.write(chunk[:min(size, len(chunk))])
    return filler
