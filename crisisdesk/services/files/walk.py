"""Walking an opened file's rows for an import, with progress and Cancel, the same for every
kind of list.

Every PROGRESS_EVERY rows the walk asks `is_cancelled` (raising `Cancelled`) and reports
`progress(done, total)`; after the last row it reports once more. Both callbacks may be called
from a worker thread. The importer decides what a row means; the walk only counts.
"""

from __future__ import annotations

from collections.abc import Callable

from crisisdesk.domain.errors import Cancelled
from crisisdesk.services.files.rows import Rows
from crisisdesk.services.files.source import SourceFile

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
PROGRESS_EVERY = 500


class RowWalk:
    """Iterates `source.rows()`, counting them in `rows`, polling for Cancel as it goes."""

    def __init__(self, source: SourceFile, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None) -> None:
        self.source, self.progress, self.is_cancelled = source, progress, is_cancelled
        self.rows = 0

    def __iter__(self) -> Rows:
        for line, row in self.source.rows():
            self.rows += 1
            if self.rows % PROGRESS_EVERY == 0:
                if self.is_cancelled is not None and self.is_cancelled():
                    raise Cancelled()
                self._report()
            yield line, row
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.rows, max(self.rows, self.source.total_rows))
