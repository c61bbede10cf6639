"""The app's scheduled backups: the timer's runs in the worker (a fake clock, no sleeping), the
backup made when the window closes, and the Dashboard's Backups panel warning in words."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services import backup as backup_service
from crisisdesk.services import backup_schedule
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.backup_scheduler import BackupScheduler
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard.panels import PANELS, SummaryPanel
from crisisdesk.ui.page import Page
from crisisdesk.ui.sections import Section
from tests.support.ui import RecordingPrompts, unlock_via_dialog


@dataclass
class FakeClock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def usb(session: Session, tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    settings_service.set(session, "backup_folder", str(folder))
    settings_service.set(session, "backup_interval_minutes", 30)
    return folder


@pytest.fixture
def scheduler(ctx: UiContext, session: Session) -> Iterator[BackupScheduler]:
    session.clock = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    s = BackupScheduler(ctx.state, ctx.runner, tick_ms=3_600_000)
    yield s
    s.stop()


def run(qtbot: QtBot, scheduler: BackupScheduler) -> list[object]:
    outcomes: list[object] = []
    scheduler.made.connect(outcomes.append)
    scheduler.failed.connect(outcomes.append)
    assert scheduler.tick() is not None
    qtbot.waitUntil(lambda: not scheduler.busy, timeout=15_000)
    return outcomes


def test_ticks_back_up_in_the_worker_only_after_a_change_and_the_interval(
        qtbot: QtBot, scheduler: BackupScheduler, session: Session, usb: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[bool] = []
    real = backup_schedule.scheduled_backup

    def recording(s: Session, **kw: bool) -> backup_schedule.ScheduledResult:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(s, **kw)

    monkeypatch.setattr(backup_schedule, "scheduled_backup", recording)
    clock = session.clock
    assert isinstance(clock, FakeClock)
    made = run(qtbot, scheduler)
    assert len(made) == 1
    assert len(list(usb.iterdir())) == 1
    assert threads == [False]  # written and verified off the GUI thread
    clock.now += dt.timedelta(minutes=10)
    assert run(qtbot, scheduler) == []  # nothing changed: no backup
    settings_service.set(session, "autolock_minutes", 12)
    clock.now += dt.timedelta(minutes=10)
    assert run(qtbot, scheduler) == []  # changed, but a backup of 20 minutes ago is recent
    clock.now += dt.timedelta(hours=3)
    assert len(run(qtbot, scheduler)) == 1
    assert len(list(usb.iterdir())) == 2
    clock.now += dt.timedelta(hours=5)
    assert run(qtbot, scheduler) == []  # nothing changed since: none, however long
    latest = backup_service.latest_verified_backup(session.data_dir)
    assert latest is not None
    assert latest.created_at == "2026-12-01T11:20:00Z"


def test_one_run_at_a_time_and_none_while_locked(
        qtbot: QtBot, scheduler: BackupScheduler, ctx: UiContext, usb: Path) -> None:
    job = scheduler.tick()
    assert job is not None
    assert scheduler.tick() is None  # still writing the first
    qtbot.waitUntil(lambda: not scheduler.busy, timeout=15_000)
    session = ctx.state.session
    ctx.state.set_session(None)
    try:
        assert scheduler.tick() is None
    finally:
        ctx.state.set_session(session)


def test_a_missing_folder_fails_with_its_name(qtbot: QtBot, scheduler: BackupScheduler,
                                              usb: Path) -> None:
    usb.rmdir()
    outcomes = run(qtbot, scheduler)
    assert len(outcomes) == 1
    assert f"The backup folder {usb} is missing" in str(outcomes[0])


def test_the_backups_panel_warns_in_words(qtbot: QtBot, ctx: UiContext, usb: Path) -> None:
    summary = dict(PANELS)["Backups"]
    panel = SummaryPanel("Backups", summary)
    qtbot.addWidget(panel)
    panel.refresh(ctx.session)
    rows = panel.rows()
    assert ("Warning:", "There is no verified backup yet.") in rows
    assert ("Folder:", str(usb)) in rows
    warning = [w for w in panel.findChildren(QLabel) if w.text() == "Warning:"]
    assert warning
    assert "color" in warning[0].styleSheet()  # colour too, but the word comes first
    backup_schedule.scheduled_backup(ctx.session)
    panel.refresh(ctx.session)
    rows = panel.rows()
    assert not any(label == "Warning:" for label, _ in rows)
    assert dict(rows)["Last verified backup:"] == "just now (scheduled)"


class QuietPage(Page):
    title = "Quiet"

    def refresh(self) -> None:
        pass

    def clear(self) -> None:
        pass


def test_closing_the_window_makes_a_backup_first(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain, usb: Path) -> None:
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts,
                        sections=[Section("quiet", "Quiet", QuietPage)])
    try:
        unlock_via_dialog(qtbot, app)
        window = app.main_window
        assert window is not None
        window.close()
        assert window.isVisible()  # it waits, without blocking, for the backup
        assert "Making a backup before closing" in window.messages.text
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
        latest = backup_service.latest_verified_backup(session.data_dir)
        assert latest is not None
        assert latest.path.parent == usb
    finally:
        app.shutdown()


def test_closing_during_a_scheduled_backup_waits_for_it(
        qtbot: QtBot, session: Session, prompts: RecordingPrompts,
        trusted_keychain: Keychain, usb: Path) -> None:
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts,
                        sections=[Section("quiet", "Quiet", QuietPage)])
    try:
        unlock_via_dialog(qtbot, app)
        window = app.main_window
        assert window is not None
        assert window.backups.tick() is not None  # the timer's run has just started
        window.close()
        assert window.isVisible()
        assert "Finishing the backup in progress" in window.messages.text
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
        assert len(list(usb.iterdir())) == 1  # that run's backup; nothing changed after it
    finally:
        app.shutdown()
