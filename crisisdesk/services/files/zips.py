"""Reading a zip (an .xlsx is one) that may be a zip bomb: bounded before and while unpacking.

`BoundedZipFile` refuses, when it is opened, a zip whose directory says its parts unpack to
more than MAX_UNPACKED_BYTES or any part more than MAX_RATIO times its compressed size. The
directory is written by whoever made the file, so every part is also counted while it is
unpacked: the bytes handed out so far against the same total, and against MAX_RATIO times the
compressed bytes actually consumed. Whichever limit is passed first, the read stops with one
UserError naming it; memory stays at one read buffer, whatever the zip claims or holds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO, Any, Literal

import crisisdesk.services.files.limits as limits
from crisisdesk.domain.errors import UserError
from crisisdesk.services.files.limits import megabytes

CHUNK = 64 * 1024  # what a read of "everything" is cut into, so each piece is counted


class ZipBombError(UserError):
    """A zip that unpacks to more than the limits allow."""


def too_big(name: str, size: int) -> ZipBombError:
    return ZipBombError(
        f"{name} unpacks to more than {megabytes(limits.MAX_UNPACKED_BYTES)} "
        f"(at least {megabytes(size)}), the limit for a file to import; it is refused "
        "unread (a zip bomb?).")


def too_dense(name: str, part: str) -> ZipBombError:
    return ZipBombError(
        f"{name} holds a part ({part}) that unpacks to more than {limits.MAX_RATIO} times "
        "its packed size, the limit for a file to import; it is refused unread (a zip bomb?).")


class BoundedZipFile(zipfile.ZipFile):
    """A read-only ZipFile whose parts cannot unpack past the limits (see the module)."""

    def __init__(self, file: str | Path | IO[bytes], name: str = "") -> None:
        super().__init__(file, "r")
        self.display_name = name or Path(str(file)).name
        self.unpacked = 0  # bytes handed out so far, all parts together
        try:
            self.check_directory()
        except BaseException:
            self.close()
            raise

    def check_directory(self) -> None:
        """Refuse what the zip's own directory admits to."""
        total = 0
        for info in self.infolist():
            total += info.file_size
            if dense(info.file_size, info.compress_size):
                raise too_dense(self.display_name, info.filename)
        if total > limits.MAX_UNPACKED_BYTES:
            raise too_big(self.display_name, total)

    def open(self, name: str | zipfile.ZipInfo, mode: Literal["r", "w"] = "r",
             pwd: bytes | None = None, *, force_zip64: bool = False) -> IO[bytes]:
        if mode != "r":
            raise ValueError("a BoundedZipFile is read-only")
        inner = super().open(name, "r", pwd)
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return CountedPart(inner, self, info)  # type: ignore[return-value]

    def count(self, part: CountedPart, size: int) -> None:
        """Add `size` unpacked bytes of `part`; raises once a limit is passed."""
        self.unpacked += size
        if self.unpacked > limits.MAX_UNPACKED_BYTES:
            raise too_big(self.display_name, self.unpacked)
        if dense(part.unpacked, part.packed_so_far()):
            raise too_dense(self.display_name, part.info.filename)


def dense(unpacked: int, packed: int) -> bool:
    """Whether `unpacked` bytes from `packed` ones pass MAX_RATIO (small parts excepted)."""
    return unpacked > limits.RATIO_GRACE_BYTES and unpacked > limits.MAX_RATIO * max(packed, 1)


class CountedPart(io.BufferedIOBase):
    """One part of a BoundedZipFile, counting the bytes it hands out."""

    def __init__(self, inner: Any, archive: BoundedZipFile, info: zipfile.ZipInfo) -> None:
        super().__init__()
        self.inner, self.archive, self.info = inner, archive, info
        self.unpacked = 0

    def packed_so_far(self) -> int:
        """Compressed bytes consumed so far: CPython's ZipExtFile keeps what is left to read;
        without it, the whole compressed size (an upper bound, so the check stays sound)."""
        left = getattr(self.inner, "_compress_left", None)
        if not isinstance(left, int):
            return self.info.compress_size
        return self.info.compress_size - left

    def _counted(self, data: bytes) -> bytes:
        self.unpacked += len(data)
        self.archive.count(self, len(data))
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._counted(self.inner.read(size))
        pieces = []
        while piece := self._counted(self.inner.read(CHUNK)):
            pieces.append(piece)
        return b"".join(pieces)

    def read1(self, size: int = -1) -> bytes:
        return self._counted(self.inner.read1(size if size >= 0 else CHUNK))

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.inner.close()
        super().close()
