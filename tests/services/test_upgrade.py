"""Opening a desk made by an older CrisisDesk: a backup first, then the upgrade, data intact."""

from __future__ import annotations

from pathlib import Path

from crisisdesk.paths import DeskPaths
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.store import schema
from tests.support.desk import PASSPHRASE
from tests.support.old_desk import NEWER_STEPS, make_old_desk

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


def _names(session: Session) -> list[str]:
    return [c.name for c in contact_service.list_contacts(session)]


def test_an_old_desk_is_backed_up_then_upgraded_with_its_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    make_old_desk(data_dir)
    backups = DeskPaths(data_dir).backups_dir
    assert not list(backups.glob("before-upgrade-*"))
    session = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        assert schema.pending(session.db) == []
        assert schema.version(session.db) == len(schema.KNOWN)
        assert _names(session) == ["Ann Able"]
        assert settings_service.get(session, "autolock_minutes") == 15
        assert audit_service.verify(session).ok
    finally:
        session.close()
    [backup] = sorted(backups.glob("before-upgrade-*.crisisdesk-backup"))
    report = backup_service.verify_backup(backup, ALEX)
    assert report.ok
    assert report.contacts == 1
    assert report.pending_steps == NEWER_STEPS  # the copy is the desk as it was before
    restored_dir = tmp_path / "restored"
    backup_service.restore_backup(backup, restored_dir, ALEX)
    restored = desk_service.unlock(restored_dir, "alex", PASSPHRASE)
    try:
        assert _names(restored) == ["Ann Able"]
        assert settings_service.get(restored, "autolock_minutes") == 15
        assert audit_service.verify(restored).ok
    finally:
        restored.close()


def test_opening_an_up_to_date_desk_takes_no_upgrade_backup(session: Session,
                                                            data_dir: Path) -> None:
    session.close()
    desk_service.unlock(data_dir, "alex", PASSPHRASE).close()
    assert not list(DeskPaths(data_dir).backups_dir.glob("before-upgrade-*"))
