"""Writing files the safe way: private permissions, temp file + fsync + proof + rename.

A writer that does not report its own errors (QPdfWriter leaves a 0-byte or truncated file on
a full disk and says nothing) is caught by the proof: `atomic_path(target, verify=...)` checks
the finished temp file before it may replace the target. A disk that fills up, whether the
operating system says so (ENOSPC) or the proof finds a short file, becomes one `DiskFull` line
naming the folder; the temp file is removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from crisisdesk.domain.errors import DeskExists, UserError

# Less free space than this beside a file that came out short means the disk filled up.
FULL_BELOW_BYTES = 4 * 1024 * 1024
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_HASH_CHUNK = 1024 * 1024

Verify = Callable[[Path], None]


class DiskFull(UserError):
    """The disk holding `folder` ran out of space; nothing was replaced."""

    def __init__(self, folder: Path, detail: str = "", advice: str = "") -> None:
        self.folder = Path(folder)
        super().__init__(f"The disk holding {self.folder} is full: "
                         f"{detail or 'nothing was written'}; "
                         f"{advice or 'free space there and try again'}.")


class FileNotProven(UserError):
    """A file came out damaged (short, unparsable, wrong page count) although the disk has room."""


class CannotWrite(UserError):
    """The folder refused the file (permissions, a file where a folder should be, ...)."""


def cannot_write(target: Path, exc: OSError) -> UserError:
    """The one line for an OSError met while writing `target` (a full disk: `DiskFull`)."""
    if is_disk_full(exc):
        return DiskFull(target.parent, f"{target.name} could not be written")
    return CannotWrite(f"Cannot write {target.name} in {target.parent}: "
                       f"{exc.strerror or exc}.")


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    return path


def is_disk_full(exc: BaseException) -> bool:
    """True when an OSError means "no space left" (or over quota, or file too large)."""
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS


def free_bytes(folder: Path) -> int | None:
    """Free space in `folder`'s file system for this user, or None when it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def looks_full(folder: Path) -> bool:
    free = free_bytes(folder)
    return free is not None and free < FULL_BELOW_BYTES


@contextlib.contextmanager
def atomic_path(target: Path, verify: Verify | None = None) -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it is fsynced, proven and renamed onto it.

    `verify(tmp)` runs after the fsync and raises when the file is not what was written (see
    `prove_pdf`). On any failure the temp file is removed, so a crash or error never leaves a
    half file and never replaces a good one. A full disk during the fsync, the proof or the
    rename raises `DiskFull` naming the folder; errors from the caller's own block pass through.
    """
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(folder, f"cannot start {target.name}") from None
        raise
    tmp = Path(tmp_name)
    tmp.unlink()  # callers (e.g. VACUUM INTO) may require that the file does not exist yet
    try:
        yield tmp
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if verify is not None:
                verify(tmp)
            with contextlib.suppress(OSError):
                tmp.chmod(0o600)
            os.replace(tmp, target)
            _fsync_dir(folder)
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull(folder, f"{target.name} could not be written") from None
            raise
        except FileNotProven as exc:
            if looks_full(folder):
                raise DiskFull(folder, f"{target.name} came out incomplete") from None
            raise FileNotProven(f"{target.name} was not written to {folder}: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes_atomic(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def prove_pdf(path: Path, pages: int) -> None:
    """Raise FileNotProven unless `path` is a complete PDF of exactly `pages` pages.

    Complete means: not empty, starts with the PDF header, ends with the end-of-file marker
    (a truncated file loses it) and parses with pypdf to the expected page count.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    size = path.stat().st_size
    if size == 0:
        raise FileNotProven("the file came out empty")
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, size - 1024))
        tail = fh.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise FileNotProven(f"the file came out incomplete ({size:,} bytes)")
    try:
        found = len(PdfReader(path, strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise FileNotProven(f"the file does not read back as a PDF ({type(exc).__name__})"
                            ) from None
    if found != pages:
        raise FileNotProven(f"the file has {found} pages where {pages} were laid out")


def pdf_proof(pages: Callable[[], int]) -> Verify:
    """A `verify` for `atomic_path` that proves a PDF of `pages()` pages (asked at the end,
    once the writer knows how many it laid out)."""
    return lambda path: prove_pdf(path, pages())


def file_digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def matches_digest(path: Path, size: int, sha256: str) -> bool:
    """True when `path` exists with exactly this size and SHA-256 (size is checked first)."""
    try:
        if path.stat().st_size != size:
            return False
        return file_digest(path) == (size, sha256)
    except OSError:
        return False


def move_into_place(tmp: Path, target: Path) -> None:
    """Rename a finished, fsynced and proven temp file onto `target` and make the rename
    durable (for a file written and proven elsewhere, e.g. in a worker process)."""
    with contextlib.suppress(OSError):
        tmp.chmod(0o600)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_desk_folder(to: Path, doing: str) -> Path:
    """`to`, resolved, if it is missing or an empty folder: a desk is only ever made in a new
    place (a restore or a salvage never writes over a desk). `doing` names the action."""
    to = to.expanduser().resolve()
    if to.exists() and (not to.is_dir() or any(to.iterdir())):
        raise DeskExists(f"{to} is not empty; {doing} into a new, empty folder (the live desk "
                         "is never overwritten).")
    return to


@contextlib.contextmanager
def built_beside(to: Path, doing: str) -> Iterator[Path]:
    """A private folder beside `to` to build a desk in: moved to `to` (still new and empty)
    when the block succeeds, removed when it fails, so a failure leaves nothing behind."""
    to.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{to.name}.{doing}-", dir=to.parent))
    try:
        yield staging
        new_desk_folder(to, doing)
        if to.exists():
            to.rmdir()
        staging.rename(to)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        to.chmod(0o700)
