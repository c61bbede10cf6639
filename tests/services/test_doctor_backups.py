"""`doctor` on backups, free space and the deadline rules' review date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crisisdesk.paths import shipped
from crisisdesk.services import doctor as doctor_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.backup_schedule import scheduled_backup
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.doctor import Status
from crisisdesk.services.session import Session
from crisisdesk.store import backup as backup_store
from crisisdesk.store.rule_files import DESK_RULES_FILE
from tests.support.desk import PASSPHRASE

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def checks(session: Session, now: dt.datetime = NOW,
           credentials: Credentials | None = None) -> dict[str, doctor_service.Check]:
    report = doctor_service.run_doctor(session.data_dir, credentials, now=now)
    return {c.name: c for c in report.checks}


@pytest.fixture
def usb(session: Session, tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    session.clock = lambda: NOW
    settings_service.set(session, "backup_folder", str(folder))
    settings_service.set(session, "backup_max_age_hours", 12)
    return folder


def test_no_backup_is_a_warning_that_says_how_to_make_one(session: Session) -> None:
    found = checks(session)
    assert found["last backup"].status is Status.WARN
    assert "no verified backup" in found["last backup"].detail


def test_the_last_verified_backup_age_without_a_passphrase(session: Session, usb: Path) -> None:
    made = scheduled_backup(session).backup
    assert made is not None
    fresh = checks(session, NOW + dt.timedelta(hours=2))
    assert fresh["last backup"].status is Status.OK
    assert "verified, made 2 hours ago" in fresh["last backup"].detail
    assert str(made.path) in fresh["last backup"].detail
    assert fresh["backup folder"].status is Status.OK
    assert re.search(r"\d+\.\d [KMG]B free", fresh["backup folder"].detail)
    stale = checks(session, NOW + dt.timedelta(hours=13))  # the desk's 12-hour setting
    assert stale["last backup"].status is Status.WARN
    assert "older than 12 hours" in stale["last backup"].detail


def test_a_missing_backup_folder_is_a_warning(session: Session, usb: Path) -> None:
    scheduled_backup(session)
    for f in usb.iterdir():
        f.unlink()
    usb.rmdir()
    found = checks(session)
    assert found["backup folder"].status is Status.WARN
    assert "is missing" in found["backup folder"].detail
    assert found["last backup"].status is Status.WARN  # its file went with the folder


def test_low_free_space_in_the_data_folder_is_a_warning(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    assert checks(session)["data space"].status is Status.OK
    monkeypatch.setattr(backup_store, "free_bytes", lambda _folder: 20 * 1024 * 1024)
    found = checks(session)["data space"]
    assert found.status is Status.WARN
    assert "only 20.0 MB free" in found.detail


def test_the_rules_files_review_date(session: Session) -> None:
    shipped_rules = checks(session, dt.datetime(2027, 1, 1, tzinfo=dt.UTC))["rules file"]
    assert shipped_rules.status is Status.OK
    assert "last reviewed 20" in shipped_rules.detail
    text = shipped("rules", "notification_rules.toml").read_text(encoding="utf-8")
    own = session.data_dir / DESK_RULES_FILE
    own.write_text(re.sub(r"(?m)^last_reviewed = .*$", "last_reviewed = 2024-06-30", text),
                   encoding="utf-8")
    old = checks(session)["rules file"]
    assert old.status is Status.WARN
    assert str(own) in old.detail
    assert "last reviewed 2024-06-30" in old.detail
    assert "more than a year" in old.detail
    own.write_text(re.sub(r"(?m)^last_reviewed = .*$", "", text), encoding="utf-8")
    assert "no last_reviewed date" in checks(session)["rules file"].detail
