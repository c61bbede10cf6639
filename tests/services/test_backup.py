"""Backups through the service: create, verify by opening, restore into a new folder."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from crisisdesk.domain.errors import (
    DeskDamaged,
    DeskExists,
    PermissionDenied,
    UserError,
    WrongPassphrase,
)
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.store import backup as backup_store
from tests.support.backups import forge
from tests.support.desk import PASSPHRASE

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


@pytest.fixture
def backup_file(session: Session, tmp_path: Path) -> Path:
    settings_service.set(session, "autolock_minutes", 15)
    info = backup_service.create_backup(session, tmp_path / "desk.crisisdesk-backup")
    return info.path


def test_create_writes_a_backup_and_records_it_in_the_audit_log(session: Session,
                                                                 tmp_path: Path) -> None:
    info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
    assert info.path.is_file()
    assert info.size_bytes > 0
    last = audit_service.show(session)[-1]
    assert (last.action, last.entity_id) == ("backup.create", info.backup_id)
    assert audit_service.verify(session).ok
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    with zipfile.ZipFile(info.path) as zf:
        assert set(zf.namelist()) == {"desk.db", "keyslots.json", "manifest.json"}
        # The desk inside is encrypted: no SQLite header, no readable organisation name.
        db = zf.read("desk.db")
        assert not db.startswith(b"SQLite format 3")
        assert b"Riverside" not in db


def test_create_into_a_folder_picks_a_dated_name(session: Session, tmp_path: Path) -> None:
    info = backup_service.create_backup(session, tmp_path)
    assert info.path.parent == tmp_path
    assert info.path.name.startswith("riverside-clinics-")
    assert info.path.name.endswith(".crisisdesk-backup")


def test_create_refuses_to_overwrite_unless_forced(backup_file: Path, session: Session) -> None:
    before = backup_file.read_bytes()
    with pytest.raises(DeskExists, match="--force"):
        backup_service.create_backup(session, backup_file)
    assert backup_file.read_bytes() == before
    backup_service.create_backup(session, backup_file, force=True)
    assert backup_file.read_bytes() != before


def test_create_into_a_missing_folder_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        backup_service.create_backup(session, tmp_path / "nope" / "b.crisisdesk-backup")


def test_a_failure_half_way_leaves_no_file_behind(session: Session, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "b.crisisdesk-backup"
    target.parent.mkdir()
    entries_before = audit_service.verify(session).count

    def broken_writestr(self: zipfile.ZipFile, name: str, data: object, *a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    with pytest.raises(UserError, match="No space left on device"):
        backup_service.create_backup(session, target)
    assert list(target.parent.iterdir()) == []  # no half file, no temp files
    assert audit_service.verify(session).count == entries_before  # nothing recorded


def test_only_admins_make_backups(session: Session, data_dir: Path, tmp_path: Path) -> None:
    operator_service.add_operator(session, "kim", Role.OPERATOR, "kim's passphrase")
    kim = desk_service.unlock(data_dir, "kim", "kim's passphrase")
    try:
        with pytest.raises(PermissionDenied):
            backup_service.create_backup(kim, tmp_path / "b.crisisdesk-backup")
    finally:
        kim.close()
    assert not (tmp_path / "b.crisisdesk-backup").exists()


def test_verify_with_a_passphrase_reports_what_is_inside(backup_file: Path,
                                                         session: Session) -> None:
    report = backup_service.verify_backup(backup_file, ALEX)
    assert report.ok, report.problems
    assert report.org == "Riverside Clinics"
    assert report.operators == 1
    assert report.contacts == 0
    # desk.init + settings.set were in the copy; backup.create was recorded after it.
    assert report.audit.count == audit_service.verify(session).count - 1
    assert report.created_at.endswith("Z")


def test_verify_with_the_recovery_key(recovery: tuple[Session, str], tmp_path: Path) -> None:
    session, code = recovery
    info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
    report = backup_service.verify_backup(info.path, Credentials(recovery_code=code.lower()))
    assert report.ok


def test_verify_with_a_wrong_passphrase_is_refused(backup_file: Path) -> None:
    with pytest.raises(WrongPassphrase, match="for this backup"):
        backup_service.verify_backup(backup_file,
                                     Credentials(operator="alex", passphrase="wrong wrong wrong"))


def test_verify_cleans_up_its_temporary_folder(backup_file: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    seen: list[Path] = []
    real_inspect = backup_service._inspect

    def spy(folder: Path, *args: object) -> object:
        seen.append(folder)
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # private while it exists
        return real_inspect(folder, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(backup_service, "_inspect", spy)
    backup_service.verify_backup(backup_file, ALEX)
    with pytest.raises(WrongPassphrase):
        backup_service.verify_backup(backup_file, Credentials(operator="alex",
                                                              passphrase="wrong wrong wrong"))
    assert len(seen) == 2
    assert all(p.parent == scratch for p in seen)
    assert list(scratch.iterdir()) == []


def test_a_truncated_backup_is_rejected_clearly(backup_file: Path) -> None:
    data = backup_file.read_bytes()
    backup_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(DeskDamaged, match="not a readable CrisisDesk backup"):
        backup_service.verify_backup(backup_file, ALEX)


def test_a_corrupted_desk_inside_the_backup_is_rejected(backup_file: Path) -> None:
    data = bytearray(backup_file.read_bytes())
    with zipfile.ZipFile(backup_file) as zf:
        info = zf.getinfo("desk.db")
    # Flip bytes in the middle of the stored (uncompressed) desk file.
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    middle = start + info.file_size // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    backup_file.write_bytes(bytes(data))
    with pytest.raises(DeskDamaged, match="damaged"):
        backup_service.verify_backup(backup_file, ALEX)


def test_a_rezipped_tampered_desk_fails_the_page_checks(backup_file: Path,
                                                        tmp_path: Path) -> None:
    """Someone who rebuilds the zip (so CRCs and checksums agree) is still caught."""
    forged = forge(backup_file, tmp_path / "forged.crisisdesk-backup", page=3)
    report = backup_service.verify_backup(forged, ALEX)
    assert not report.ok
    assert report.problems[0].startswith("integrity")
    assert "\n" not in report.problems[0]
    assert report.audit is None  # not checked on a damaged file
    with pytest.raises(DeskDamaged, match="failed its check"):
        backup_service.restore_backup(forged, tmp_path / "r", ALEX)
    assert not (tmp_path / "r").exists()


def test_not_a_backup_at_all(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(DeskDamaged, match="not a readable CrisisDesk backup"):
        backup_service.verify_backup(junk, ALEX)
    with pytest.raises(DeskDamaged, match="no backup file"):
        backup_service.verify_backup(tmp_path / "missing.crisisdesk-backup", ALEX)


def test_restore_gives_a_desk_with_the_same_data_and_audit_chain(
    backup_file: Path, session: Session, tmp_path: Path
) -> None:
    original = audit_service.show(session)[:-1]  # up to (not incl.) backup.create
    new_dir = tmp_path / "restored"
    result = backup_service.restore_backup(backup_file, new_dir, ALEX)
    assert result.data_dir == new_dir.resolve()
    assert stat.S_IMODE(new_dir.stat().st_mode) == 0o700
    restored = desk_service.unlock(new_dir, "alex", PASSPHRASE)
    try:
        assert restored.desk_id == session.desk_id
        assert settings_service.get(restored, "autolock_minutes") == 15
        entries = audit_service.show(restored)
        assert entries[: len(original)] == original
        assert [e.action for e in entries[len(original):]] == ["backup.restore"]
        assert audit_service.verify(restored).ok
    finally:
        restored.close()
    # The live desk was not touched.
    assert audit_service.show(session)[-1].action == "backup.create"


def test_restore_with_the_recovery_key(recovery: tuple[Session, str], tmp_path: Path) -> None:
    session, code = recovery
    info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
    with pytest.raises(WrongPassphrase):
        backup_service.restore_backup(info.path, tmp_path / "wrong",
                                      Credentials(recovery_code="A" * len(code)))
    assert not (tmp_path / "wrong" / "desk.db").exists()
    backup_service.restore_backup(info.path, tmp_path / "new", Credentials(recovery_code=code))
    reopened = desk_service.unlock(tmp_path / "new", "alex", PASSPHRASE)
    try:
        assert reopened.desk_id == session.desk_id
        assert audit_service.show(reopened)[-1].action == "backup.restore"
        assert audit_service.verify(reopened).ok
    finally:
        reopened.close()


def test_restore_refuses_a_folder_that_is_not_empty(backup_file: Path, session: Session,
                                                    tmp_path: Path) -> None:
    with pytest.raises(DeskExists, match="not empty"):
        backup_service.restore_backup(backup_file, session.data_dir, ALEX)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(DeskExists):
        backup_service.restore_backup(backup_file, busy, ALEX)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]


def test_restore_into_an_existing_empty_folder(backup_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    backup_service.restore_backup(backup_file, empty, ALEX)
    assert (empty / "desk.db").is_file()
    assert (empty / "keyslots.json").is_file()


def test_a_failed_restore_leaves_nothing_behind(backup_file: Path, tmp_path: Path) -> None:
    parent = tmp_path / "restores"
    parent.mkdir()
    with pytest.raises(WrongPassphrase):
        backup_service.restore_backup(backup_file, parent / "new",
                                      Credentials(operator="alex", passphrase="wrong wrong wrong"))
    data = backup_file.read_bytes()
    backup_file.write_bytes(data[:-200])
    with pytest.raises(DeskDamaged):
        backup_service.restore_backup(backup_file, parent / "new", ALEX)
    assert os.listdir(parent) == []


def test_backup_keeps_slots_of_operators_added_later(session: Session, tmp_path: Path) -> None:
    operator_service.add_operator(session, "sam", Role.APPROVER, "sam's passphrase")
    info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
    report = backup_service.verify_backup(
        info.path, Credentials(operator="sam", passphrase="sam's passphrase"))
    assert report.ok
    assert report.operators == 2
    assert backup_store.read_manifest(info.path)["created_by"] == "alex"


def test_backup_while_the_desk_is_open_elsewhere_includes_its_latest_changes(
    session: Session, data_dir: Path, tmp_path: Path
) -> None:
    """The GUI keeps its connection open (WAL not checkpointed); the CLI backs up meanwhile."""
    gui = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        settings_service.set(gui, "reading_grade_target", 6)
        assert Path(f"{data_dir / 'desk.db'}-wal").stat().st_size > 0
        gui.db.conn.execute("BEGIN")  # the GUI is in the middle of reading
        gui.db.execute("SELECT count(*) FROM audit").fetchone()
        info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
        gui.db.conn.execute("COMMIT")
    finally:
        gui.close()
    backup_service.restore_backup(info.path, tmp_path / "r", ALEX)
    restored = desk_service.unlock(tmp_path / "r", "alex", PASSPHRASE)
    try:
        assert settings_service.get(restored, "reading_grade_target") == 6
    finally:
        restored.close()
