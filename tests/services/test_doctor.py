"""`doctor`: what it reports about healthy, locked-out, open, tampered and half-missing desks."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.services import audit as audit_service
from crisisdesk.services import doctor as doctor_service
from crisisdesk.services import fonts as fonts_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.doctor import Status
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.lock import DeskLock
from tests.support.desk import PASSPHRASE, MemoryKeyring

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


def _by_name(report: doctor_service.DoctorReport) -> dict[str, doctor_service.Check]:
    return {c.name: c for c in report.checks}


def test_a_healthy_desk_passes_every_check(new_desk_session: Session) -> None:
    session = new_desk_session
    report = doctor_service.run_doctor(session.data_dir, ALEX)
    checks = _by_name(report)
    assert report.ok
    assert checks["integrity"].status is Status.OK
    assert checks["audit chain"].status is Status.OK
    assert "1 entries" in checks["audit chain"].detail
    assert checks["schema"].status is Status.OK
    assert "up to date" in checks["schema"].detail
    assert checks["key slots"].status is Status.OK
    assert "Riverside Clinics" in checks["desk"].detail
    assert checks["app"].detail == "the desk is not open in the app"
    assert report.versions["sqlcipher"].startswith("4.")
    assert not any(c.status is Status.SKIP for c in report.checks)


def test_the_recovery_key_also_unlocks_the_checks(recovery: tuple[Session, str]) -> None:
    session, code = recovery
    report = doctor_service.run_doctor(session.data_dir, Credentials(recovery_code=code))
    assert _by_name(report)["audit chain"].status is Status.OK


def test_without_a_passphrase_it_reports_the_rest_and_says_what_was_skipped(
    session: Session,
) -> None:
    report = doctor_service.run_doctor(session.data_dir, None)
    checks = _by_name(report)
    assert report.ok
    for name in ("integrity", "audit chain", "schema"):
        assert checks[name].status is Status.SKIP
        assert "passphrase" in checks[name].detail
    assert checks["key slots"].status is Status.OK  # needs no passphrase
    assert any(name.startswith("font ") for name in checks)


def test_a_wrong_passphrase_is_a_failure(session: Session) -> None:
    report = doctor_service.run_doctor(
        session.data_dir, Credentials(operator="alex", passphrase="not it at all"))
    assert not report.ok
    assert _by_name(report)["unlock"].status is Status.FAIL


def test_it_says_when_the_app_has_the_desk_open(session: Session) -> None:
    lock = DeskLock(session.paths.lock_file)
    lock.acquire()
    try:
        report = doctor_service.run_doctor(session.data_dir, None)
    finally:
        lock.release()
    assert "open in CrisisDesk" in _by_name(report)["app"].detail
    assert report.ok


def test_a_tampered_audit_entry_fails(session: Session) -> None:
    session.db.execute("UPDATE audit SET summary = 'nothing happened' WHERE seq = 1")
    report = doctor_service.run_doctor(session.data_dir, ALEX)
    check = _by_name(report)["audit chain"]
    assert check.status is Status.FAIL
    assert "entry 1 was altered" in check.detail
    assert not report.ok


def test_a_pending_migration_is_reported_not_applied(session: Session) -> None:
    last = session.db.execute(
        "SELECT name FROM _sqlite_migrations ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    session.db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [last])
    for _ in range(2):  # the doctor must not apply it
        check = _by_name(doctor_service.run_doctor(session.data_dir, ALEX))["schema"]
        assert check.status is Status.WARN
        assert last in check.detail


def test_a_desk_from_a_newer_version_fails(session: Session) -> None:
    session.db["_sqlite_migrations"].insert(
        {"migration_set": "crisisdesk", "name": "m999_future", "applied_at": "2030-01-01"})
    report = doctor_service.run_doctor(session.data_dir, ALEX)
    assert _by_name(report)["schema"].status is Status.FAIL
    assert "newer CrisisDesk" in _by_name(report)["schema"].detail


def test_the_doctor_changes_nothing(session: Session) -> None:
    before = audit_service.show(session)
    doctor_service.run_doctor(session.data_dir, ALEX)
    assert audit_service.show(session) == before


def test_no_desk_yet_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    report = doctor_service.run_doctor(tmp_path / "nothing", ALEX)
    assert report.ok
    assert _by_name(report)["data dir"].status is Status.WARN
    assert "integrity" not in _by_name(report)


def test_a_missing_desk_file_fails(session: Session) -> None:
    session.close()
    session.paths.desk_file.unlink()
    report = doctor_service.run_doctor(session.data_dir, ALEX)
    assert not report.ok
    assert "desk.db is missing" in _by_name(report)["data dir"].detail


def test_a_damaged_desk_file_fails_integrity(session: Session) -> None:
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    desk = session.paths.desk_file
    data = bytearray(desk.read_bytes())
    data[4096 * 2 + 64 : 4096 * 2 + 96] = bytes(32)
    desk.write_bytes(bytes(data))
    report = doctor_service.run_doctor(session.data_dir, ALEX)
    assert not report.ok
    assert _by_name(report)["integrity"].status is Status.FAIL


def test_keychain_usable_or_refused(session: Session) -> None:
    refused = doctor_service.run_doctor(session.data_dir, None,
                                        keychain=Keychain(MemoryKeyring()))
    assert _by_name(refused)["keychain"].status is Status.WARN
    usable = doctor_service.run_doctor(session.data_dir, None,
                                       keychain=Keychain(MemoryKeyring(), trusted=True))
    check = _by_name(usable)["keychain"]
    assert check.status is Status.OK
    assert "Remember on this computer" in check.detail


def test_the_shipped_fonts_are_real_fonts_with_their_family_names() -> None:
    fonts = {f.path.name: f for f in fonts_service.check_fonts()}
    assert fonts["DejaVuSans.ttf"].family == "DejaVu Sans"
    assert fonts["DejaVuSerif-Bold.ttf"].name == "DejaVu Serif Bold"
    assert all(f.ok for f in fonts.values())


def test_a_missing_or_broken_font_fails(session: Session, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "DejaVuSans.ttf").write_bytes((fonts_service.FONTS_DIR / "DejaVuSans.ttf")
                                            .read_bytes())
    (folder / "DejaVuSans-Bold.ttf").write_bytes(b"<html>not a font</html>")
    truncated = (fonts_service.FONTS_DIR / "DejaVuSerif.ttf").read_bytes()[:200]
    (folder / "DejaVuSerif.ttf").write_bytes(truncated)
    monkeypatch.setattr(fonts_service, "FONTS_DIR", folder)
    report = doctor_service.run_doctor(session.data_dir, None)
    checks = _by_name(report)
    assert checks["font DejaVuSans.ttf"].status is Status.OK
    assert "not a TrueType" in checks["font DejaVuSans-Bold.ttf"].detail
    assert checks["font DejaVuSerif.ttf"].status is Status.FAIL
    assert checks["font DejaVuSerif-Bold.ttf"].detail.startswith("missing")
    assert not report.ok
