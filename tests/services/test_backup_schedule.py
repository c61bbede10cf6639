"""Scheduled backups: made only when the desk changed and the interval passed (a fake clock,
no sleeping), verified after writing, rotated, recorded, and reported when the folder is bad."""

from __future__ import annotations

import datetime as dt
import errno
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisisdesk.domain.errors import DeskDamaged, UserError
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import backup_schedule as schedule
from crisisdesk.services import desk as desk_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.backup_schedule import scheduled_backup
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.store import backup as backup_store
from tests.support.desk import PASSPHRASE

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


@dataclass
class FakeClock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(session: Session) -> FakeClock:
    fake = FakeClock(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    session.clock = fake
    return fake


@pytest.fixture
def usb(session: Session, tmp_path: Path, clock: FakeClock) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    settings_service.set(session, "backup_folder", str(folder))
    settings_service.set(session, "backup_interval_minutes", 30)
    return folder


def change(session: Session, minutes: int) -> None:
    settings_service.set(session, "autolock_minutes", minutes)


def test_a_changed_desk_gets_a_verified_backup_that_opens(session: Session, usb: Path) -> None:
    result = scheduled_backup(session)
    assert result.status == "made"
    assert result.backup is not None
    files = list(usb.iterdir())
    assert files == [result.backup.path]
    assert backup_service.verify_backup(files[0], ALEX).ok  # it opens with the passphrase
    last = audit_service.show(session)[-1]
    assert last.action == "backup.scheduled"
    assert "verified" in last.summary
    assert backup_service.latest_verified_backup(session.data_dir) == result.backup


def test_no_backup_while_nothing_changed_however_long_it_waits(
        session: Session, usb: Path, clock: FakeClock) -> None:
    assert scheduled_backup(session).status == "made"
    clock.advance(hours=5)
    result = scheduled_backup(session)
    assert result.status == "unchanged"
    assert len(list(usb.iterdir())) == 1


def test_a_change_waits_for_the_interval(session: Session, usb: Path,
                                         clock: FakeClock) -> None:
    scheduled_backup(session)
    clock.advance(minutes=10)
    change(session, 20)
    assert scheduled_backup(session).status == "not due"
    assert scheduled_backup(session, on_exit=True).status == "made"  # exit does not wait
    clock.advance(minutes=10)
    change(session, 21)
    assert scheduled_backup(session).status == "not due"
    clock.advance(minutes=21)
    last = scheduled_backup(session)
    assert last.status == "made"
    assert last.backup is not None
    # Three were made in one hour: rotation keeps that hour's newest.
    assert list(usb.iterdir()) == [last.backup.path]


def test_rotation_keeps_the_last_24_hours_and_never_a_hand_made_or_foreign_file(
        session: Session, usb: Path, clock: FakeClock, tmp_path: Path) -> None:
    by_hand = backup_service.create_backup(session, usb).path
    other = desk_service.init_desk(tmp_path / "other", org="Other Clinic", operator="sam",
                                   passphrase=PASSPHRASE).session
    try:
        foreign = backup_service.create_backup(
            other, usb / "other-clinic-auto-20261101T070000Z-abcdef.crisisdesk-backup").path
    finally:
        other.close()
    made: list[Path] = []
    for hour in range(27):
        change(session, 10 + hour)
        result = scheduled_backup(session)
        assert result.status == "made"
        assert result.backup is not None
        made.append(result.backup.path)
        clock.advance(hours=1)
    left = set(usb.iterdir())
    assert by_hand in left
    assert foreign in left  # another desk's scheduled backup is not ours to rotate
    assert set(made[-24:]) <= left  # the last 24 hours, one each
    assert not set(made[:3]) & left  # older hours of a day whose newest is kept
    assert len(left) == 24 + 2
    entries = backup_store.read_log(session.data_dir)["entries"]
    assert {Path(e["path"]) for e in entries} <= left  # the log forgets what rotation removed


def test_a_backup_that_fails_its_check_is_removed_and_reported(
        session: Session, usb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = backup_service.write_file

    def damaging_write(s: Session, target: Path, manifest: dict[str, object]) -> None:
        real_write(s, target, manifest)
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF  # a bad USB stick
        target.write_bytes(bytes(data))

    monkeypatch.setattr(backup_service, "write_file", damaging_write)
    with pytest.raises(DeskDamaged, match="failed its check"):
        scheduled_backup(session)
    assert list(usb.iterdir()) == []
    assert backup_service.latest_verified_backup(session.data_dir) is None
    warnings = schedule.health(session).warnings
    assert any("last scheduled backup failed" in w for w in warnings)


def test_a_missing_folder_is_one_clear_error_and_a_dashboard_warning(
        session: Session, usb: Path) -> None:
    usb.rmdir()
    with pytest.raises(UserError, match=r"backup folder .* is missing"):
        scheduled_backup(session)
    words = " ".join(schedule.health(session).warnings)
    assert "is missing" in words
    assert "no verified backup yet" in words.lower()


def test_off_without_a_folder(session: Session, clock: FakeClock) -> None:
    result = scheduled_backup(session)
    assert result.status == "off"
    assert "no backup folder" in result.message


def test_health_warns_when_old_full_or_not_writable(
        session: Session, usb: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    scheduled_backup(session)
    assert schedule.health(session).ok
    settings_service.set(session, "backup_max_age_hours", 6)
    clock.advance(hours=7)
    assert any("more than 6 hours ago" in w for w in schedule.health(session).warnings)
    clock.advance(hours=-7)
    monkeypatch.setattr(backup_store, "free_bytes", lambda _folder: 10 * 1024 * 1024)
    assert any("nearly full" in w for w in schedule.health(session).warnings)
    monkeypatch.setattr(backup_store, "writable", lambda _folder: False)
    assert any("not writable" in w for w in schedule.health(session).warnings)


def test_latest_verified_backup_skips_a_deleted_or_truncated_file(
        session: Session, usb: Path, clock: FakeClock) -> None:
    first = scheduled_backup(session).backup
    clock.advance(hours=1)
    change(session, 33)
    second = scheduled_backup(session).backup
    assert first is not None
    assert second is not None
    assert backup_service.latest_verified_backup(session.data_dir) == second
    second.path.write_bytes(second.path.read_bytes()[:100])
    assert backup_service.latest_verified_backup(session.data_dir) == first
    first.path.unlink()
    assert backup_service.latest_verified_backup(session.data_dir) is None


def test_a_full_stick_is_one_line_nothing_left_and_a_warning_until_the_next_backup(
        session: Session, usb: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(backup_service, "write_backup", full)
        with pytest.raises(UserError, match=r"Could not write the backup to .*No space left"):
            scheduled_backup(session)
    assert list(usb.iterdir()) == []
    assert any("No space left" in w for w in schedule.health(session).warnings)
    clock.advance(minutes=30)
    assert scheduled_backup(session).status == "made"
    assert not any("failed" in w for w in schedule.health(session).warnings)


def test_a_backup_made_by_hand_is_verified_and_named_but_does_not_replace_the_schedule(
        session: Session, usb: Path, tmp_path: Path) -> None:
    by_hand = backup_service.create_backup(session, tmp_path / "hand.crisisdesk-backup")
    latest = backup_service.latest_verified_backup(session.data_dir)
    assert latest is not None
    assert (latest.path, latest.kind) == (by_hand.path, "manual")
    assert "verified" in audit_service.show(session)[-1].summary
    result = scheduled_backup(session)  # the folder on the stick still gets its copy
    assert result.status == "made"
    assert backup_service.latest_verified_backup(session.data_dir) == result.backup


def test_after_a_failure_the_next_try_waits_for_the_interval(
        session: Session, usb: Path, clock: FakeClock) -> None:
    usb.rmdir()
    with pytest.raises(UserError, match="is missing"):
        scheduled_backup(session)
    usb.mkdir()
    clock.advance(minutes=5)
    assert scheduled_backup(session).status == "not due"  # no retry every minute
    assert scheduled_backup(session, on_exit=True).status == "made"  # but closing does try
