"""The one way to run long work off the GUI thread: `Job` on a `JobRunner`'s QThreadPool.

A job runs a Qt-free callable `fn(progress=..., is_cancelled=...)` (a service function, or a
small lambda around one) and reports back only through signals, which Qt queues onto the GUI
thread: workers never touch widgets. Anything that touches the desk from a worker opens its own
connection with `session.for_thread()` (see `in_thread_session`) and closes it after.

Lifetimes are the subtle part. The signals object is parented to the runner (a GUI-thread
QObject) and removed with `deleteLater()` once the job is over, so a QObject is never destroyed
from a worker thread; the runner keeps each Job referenced until then. The runner learns that
a job is over from a private signal sent after the final one: had it listened to the final
signal itself, it could let go of the object while a preempted worker was still queueing the
same signal for handlers connected after it, and those calls would be dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from crisisdesk.domain.errors import Cancelled

if TYPE_CHECKING:
    from crisisdesk.services.session import Session

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI
REAP_AFTER_S = 0.5


class JobFn(Protocol):
    def __call__(self, *, progress: Callable[[int, int], None],
                 is_cancelled: Callable[[], bool]) -> Any: ...


def _spent(**_kwargs: Any) -> None:
    raise RuntimeError("a Job runs once")


class JobSignals(QObject):
    """Lives on the GUI thread. Progress is coalesced: the worker only records the newest
    (done, total) and queues at most one wake-up; the GUI thread delivers the newest value, at
    most every PROGRESS_INTERVAL_S, and always delivers the last one (a trailing timer), so a
    pause in the work never leaves the dialog showing an old count."""

    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the result
    failed = Signal(object)  # a UserError (show it) or another exception (a bug: crash path)
    cancelled = Signal()
    _wake = Signal()
    _flush = Signal()
    _over = Signal()  # after the final signal's emission is complete: for the runner only

    job: Job | None = None

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._latest: tuple[int, int] | None = None
        self._pending = False
        self._delivered_at = 0.0
        self._wake.connect(self._deliver_soon)  # queued: emitted from the worker thread
        self._flush.connect(self._deliver)

    def flush(self) -> None:  # worker thread, just before the final signal
        """The newest count reaches the GUI before finished/failed/cancelled (same queue)."""
        with self._lock:
            pending = self._latest is not None
        if pending:
            self._flush.emit()

    def report(self, done: int, total: int) -> None:  # worker thread
        with self._lock:
            self._latest = (int(done), int(total))
            if self._pending:
                return
            self._pending = True
        self._wake.emit()

    def _deliver_soon(self) -> None:  # GUI thread
        wait = PROGRESS_INTERVAL_S - (time.monotonic() - self._delivered_at)
        if wait > 0:
            QTimer.singleShot(int(wait * 1000) + 1, self, self._deliver)
        else:
            self._deliver()

    def _deliver(self) -> None:
        with self._lock:
            latest, self._latest, self._pending = self._latest, None, False
        if latest is not None:
            self._delivered_at = time.monotonic()
            self.progress.emit(*latest)


def _signal(name: str) -> Any:
    """A read-only attribute of `Job` that is the signal `name` of its `JobSignals`."""
    return property(lambda job: getattr(job.signals, name))


class Job(QRunnable):
    """One piece of work. Connect to its signals *before* `runner.start(job)`: a fast job may
    finish before a later `connect` and its result would be lost."""

    def __init__(self, fn: JobFn, *, name: str = "job") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self._spent_fn: object = None
        self.exited_at = 0.0
        self.done = False
        self.cancel_note = ""  # what the work said as it stopped ("3 of 8 files are kept")

    # A QRunnable is not a QObject and cannot own signals: these read through to `signals`.
    progress = _signal("progress")
    finished = _signal("finished")
    failed = _signal("failed")
    cancelled = _signal("cancelled")

    def cancel(self) -> None:
        """Ask the work to stop; it checks `is_cancelled()` and raises `Cancelled`."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _report(self, done: int, total: int) -> None:
        self.signals.report(done, total)

    def run(self) -> None:  # worker thread
        fn, self.fn = self.fn, _spent  # the closure is released on the GUI thread, not here
        try:
            if self._cancel.is_set():
                raise Cancelled()
            result = fn(progress=self._report, is_cancelled=self._cancel.is_set)
        except Cancelled as exc:
            self.cancel_note = str(exc)
            self.signals.flush()
            self.signals.cancelled.emit()
        except BaseException as exc:  # everything must reach the GUI thread
            exc.__traceback__ = exc.__traceback__.tb_next if exc.__traceback__ else None
            self.signals.flush()
            self.signals.failed.emit(exc)
        else:
            self.signals.flush()
            self.signals.finished.emit(result)
        finally:
            self._spent_fn = fn
            self.exited_at = time.monotonic()
            # The runner hears of the end only now: every handler of the final signal has its
            # call queued before this one, so none is dropped when the runner lets go.
            self.signals._over.emit()


class JobRunner(QObject):
    """Owns the thread pool and keeps running jobs alive; created once by the composition root."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._jobs: set[Job] = set()
        self._graveyard: list[Job] = []
        self._reaper = QTimer(self)
        self._reaper.setInterval(500)
        self._reaper.timeout.connect(self._reap)

    def start(self, job: Job) -> Job:
        # Bound methods, not lambdas holding `self`: a lambda would keep this runner's wrapper
        # alive until the signals object is deleted, and dropping the wrapper then deletes the
        # runner, and with it (again) the child that is being deleted: a crash.
        job.signals.setParent(self)
        job.signals.job = job
        job.signals._over.connect(self._ended)
        self._jobs.add(job)
        self.pool.start(job)
        return job

    def _ended(self) -> None:
        signals = self.sender()
        job = getattr(signals, "job", None)
        if isinstance(job, Job) and not job.done:
            self._forget(job)

    def _forget(self, job: Job) -> None:
        """The job is over. Keep the Job (and what its closure holds) a little longer: if the
        GUI let go first, the last reference would drop in the worker thread as its `run()`
        returns, and objects must not be destroyed there."""
        job.done = True
        self._jobs.discard(job)
        job.signals.deleteLater()
        self._graveyard.append(job)
        if not self._reaper.isActive():
            self._reaper.start()

    def _reap(self) -> None:
        cutoff = time.monotonic() - REAP_AFTER_S
        keep = [j for j in self._graveyard if not j.exited_at or j.exited_at > cutoff]
        self._graveyard = keep
        if not keep:
            self._reaper.stop()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Cancel everything and wait (at exit, before the desk is closed)."""
        for job in list(self._jobs):
            job.cancel()
        done = bool(self.pool.waitForDone(timeout_ms))
        if done:
            self._graveyard.clear()
        return done


def in_thread_session(session: Session, work: Callable[..., Any]) -> JobFn:
    """Wrap `work(twin_session, progress=, is_cancelled=)` to run on its own connection."""

    def fn(*, progress: Callable[[int, int], None], is_cancelled: Callable[[], bool]) -> Any:
        twin = session.for_thread()
        try:
            return work(twin, progress=progress, is_cancelled=is_cancelled)
        finally:
            twin.close()

    return fn


def run_with_progress(runner: JobRunner, job: Job, parent: QWidget, *, title: str,
                      label: str) -> QProgressDialog:
    """Start `job` behind a window-modal progress dialog whose Cancel cancels the job.

    Opened with `open()`, not `exec()`, so no nested event loop: the caller reacts to the
    job's own signals, and the dialog closes itself when any final signal arrives.
    """
    from PySide6.QtCore import Qt  # here: the Qt namespace costs the unlock dialog ~14 ms

    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)

    def close(*_args: object) -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    job.progress.connect(on_progress)
    for sig in (job.finished, job.failed):
        sig.connect(close)
    job.cancelled.connect(close)
    dialog.canceled.connect(job.cancel)
    dialog.canceled.connect(lambda: dialog.setLabelText("Cancelling…"))
    runner.start(job)
    return dialog
