"""The worker primitive: results, errors, cancel and progress arrive on the GUI thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.services.session import Session
from crisisdesk.ui.message_bar import Level, MessageBar
from crisisdesk.ui.workers import Job, JobRunner, in_thread_session, run_with_progress

Progress = Callable[[int, int], None]


def test_result_arrives_on_gui_thread(qtbot: QtBot, runner: JobRunner) -> None:
    seen: list[tuple[object, bool]] = []
    job = Job(lambda progress, is_cancelled: threading.get_ident())
    job.finished.connect(lambda r: seen.append((r, threading.get_ident() == gui)))
    gui = threading.get_ident()
    with qtbot.waitSignal(job.finished, timeout=5_000):
        runner.start(job)
    assert seen
    assert seen[0][0] != gui
    assert seen[0][1]
    qtbot.waitUntil(lambda: not runner.busy)


def test_user_error_and_bug_both_fail(qtbot: QtBot, runner: JobRunner) -> None:
    def boom(progress: Progress, is_cancelled: Callable[[], bool]) -> None:
        raise UserError("The disk is full.")

    job = Job(boom)
    with qtbot.waitSignal(job.failed, timeout=5_000) as blocker:
        runner.start(job)
    assert isinstance(blocker.args[0], UserError)

    job2 = Job(lambda progress, is_cancelled: 1 / 0)
    with qtbot.waitSignal(job2.failed, timeout=5_000) as blocker2:
        runner.start(job2)
    assert isinstance(blocker2.args[0], ZeroDivisionError)


def test_cancel_and_progress(qtbot: QtBot, runner: JobRunner) -> None:
    started = threading.Event()

    def slow(progress: Progress, is_cancelled: Callable[[], bool]) -> int:
        for i in range(1000):
            started.set()
            if is_cancelled():
                raise Cancelled()
            progress(i, 1000)
            time.sleep(0.002)
        return 1

    parent = QWidget()
    qtbot.addWidget(parent)
    job = Job(slow)
    progress: list[tuple[int, int]] = []
    job.progress.connect(lambda d, t: progress.append((d, t)))
    dialog = run_with_progress(runner, job, parent, title="Slow", label="Working…")
    assert started.wait(5)
    qtbot.waitUntil(lambda: bool(progress), timeout=5_000)
    assert len(progress) < 200  # throttled, not one signal per call
    with qtbot.waitSignal(job.cancelled, timeout=5_000):
        dialog.findChild(QPushButton).click()  # the dialog's Cancel button
    assert job.is_cancelled()


def test_in_thread_session_uses_own_connection(qtbot: QtBot, runner: JobRunner,
                                               session: Session) -> None:
    def work(twin: Session, **_: object) -> bool:
        return twin.db.conn is not session.db.conn and twin.operator == session.operator

    job = Job(in_thread_session(session, work))
    with qtbot.waitSignal(job.finished, timeout=5_000) as blocker:
        runner.start(job)
    assert blocker.args == [True]


def test_message_bar_levels_and_dismiss(qtbot: QtBot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_user_error(UserError("That contact no longer exists."))
    assert bar.isVisibleTo(None) or not bar.isHidden()
    assert bar.level is Level.ERROR
    assert bar.text == "That contact no longer exists."
    assert bar.close_button.accessibleName() == "Dismiss message"
    with qtbot.waitSignal(bar.dismissed):
        bar.close_button.click()
    assert bar.isHidden()
    assert bar.text == ""


def test_the_newest_progress_arrives_even_when_the_work_pauses(
    qtbot: QtBot, runner: JobRunner
) -> None:
    resume = threading.Event()

    def stalls(progress: Progress, is_cancelled: Callable[[], bool]) -> None:
        for i in range(1, 6):
            progress(i, 10)  # five quick reports, inside one throttling interval
        resume.wait(10)  # then a long pause (a printer stalls)

    job = Job(stalls)
    seen: list[tuple[int, int]] = []
    job.progress.connect(lambda d, t: seen.append((d, t)))
    with qtbot.waitSignal(job.finished, timeout=10_000):
        runner.start(job)
        qtbot.waitUntil(lambda: bool(seen) and seen[-1] == (5, 10), timeout=5_000)
        assert len(seen) <= 2  # coalesced, not one event per report
        resume.set()


def test_the_final_count_arrives_before_finished(qtbot: QtBot, runner: JobRunner) -> None:
    def quick(progress: Progress, is_cancelled: Callable[[], bool]) -> str:
        for i in range(1, 4):
            progress(i, 3)
        return "done"

    job = Job(quick)
    events: list[object] = []
    job.progress.connect(lambda d, t: events.append((d, t)))
    job.finished.connect(events.append)
    with qtbot.waitSignal(job.finished, timeout=5_000):
        runner.start(job)
    assert events[-2:] == [(3, 3), "done"]


def test_a_handler_connected_while_the_job_runs_still_hears_how_it_ended(
        qtbot: QtBot, runner: JobRunner) -> None:
    """The whole emission of a final signal reaches every handler, however late in it. Here
    the worker is held in the middle of emitting `finished` (by a direct handler between the
    runner's and a later one) while the GUI thread goes on with its event loop, which is what
    a loaded machine does by preempting the worker: when the runner let go of the job's
    signals object on its part of `finished`, the later handler (a page's, a test's) was
    lost."""
    go = threading.Event()
    job = Job(lambda progress, is_cancelled: go.wait(5) and "done")
    runner.start(job)
    qtbot.waitUntil(lambda: runner.pool.activeThreadCount() == 1, timeout=5_000)
    job.finished.connect(lambda _result: time.sleep(0.5), Qt.ConnectionType.DirectConnection)
    heard: list[object] = []
    job.finished.connect(heard.append)
    go.set()
    qtbot.waitUntil(lambda: job.done, timeout=5_000)
    qtbot.waitUntil(lambda: bool(heard), timeout=3_000)
    assert heard == ["done"]
    qtbot.waitUntil(lambda: not runner.busy)
