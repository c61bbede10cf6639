"""A damaged desk says so: damage is never reported as a wrong passphrase, the integrity check is
one line with a count, and the message names the latest verified backup and the way out."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.errors import DeskDamaged, WrongPassphrase
from crisisdesk.services import backup as backup_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store.vault import Vault
from tests.support.damage import add_contacts, checkpoint, flip_byte, flip_page, leaf_page_of
from tests.support.desk import PASSPHRASE


def _closed(session: Session) -> None:
    checkpoint(session)
    session.close()


def _damage_contacts(session: Session, data_dir: Path, tmp_path: Path) -> None:
    """400 contacts, the desk closed, then one page of the contacts table flipped."""
    add_contacts(session, 400)
    _closed(session)
    key = Vault.load(data_dir).unlock("alex", PASSPHRASE)
    flip_page(data_dir / "desk.db", leaf_page_of(data_dir / "desk.db", key, "contacts", tmp_path))


def test_a_flipped_byte_on_page_one_is_damage_not_a_wrong_passphrase(
        session: Session, data_dir: Path) -> None:
    _closed(session)
    flip_byte(data_dir / "desk.db", 100)
    with pytest.raises(DeskDamaged) as err:
        desk_service.unlock(data_dir, "alex", PASSPHRASE)
    assert not isinstance(err.value, WrongPassphrase)
    assert str(err.value).startswith("The desk file is damaged (its first pages do not decrypt")
    assert "crisisdesk salvage --to" in str(err.value)
    # ...while a wrong passphrase on the same damaged desk is still just that.
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "alex", "not the passphrase at all")


def test_the_salt_at_the_start_of_the_file_counts_too(session: Session, data_dir: Path) -> None:
    _closed(session)
    flip_byte(data_dir / "desk.db", 3)
    with pytest.raises(DeskDamaged, match="^The desk file is damaged"):
        desk_service.unlock(data_dir, "alex", PASSPHRASE)


def test_mid_file_damage_is_one_line_with_a_count(session: Session, data_dir: Path,
                                                  tmp_path: Path) -> None:
    _damage_contacts(session, data_dir, tmp_path)
    with pytest.raises(DeskDamaged) as err:
        desk_service.unlock(data_dir, "alex", PASSPHRASE)
    message = str(err.value)
    assert "\n" not in message
    assert "Tree " not in message  # the b-tree walk's page list stays out of the message
    assert "integrity problem(s): HMAC verification failed for page" in message
    assert "more);" in message
    assert "No verified backup was found" in message


def test_the_message_names_the_latest_verified_backup(session: Session, data_dir: Path,
                                                      tmp_path: Path) -> None:
    backups = data_dir / "backups"
    backups.mkdir()
    older = backup_service.create_backup(session, backups / "older.crisisdesk-backup").path
    newest = backup_service.create_backup(session, backups / "newest.crisisdesk-backup").path
    # A newer backup that does not verify is passed over.
    broken = backups / "zz-broken.crisisdesk-backup"
    broken.write_bytes(newest.read_bytes()[:-5000])
    _damage_contacts(session, data_dir, tmp_path)
    with pytest.raises(DeskDamaged) as err:
        desk_service.unlock(data_dir, "alex", PASSPHRASE)
    message = str(err.value)
    assert f"Latest verified backup: {newest}" in message
    assert f"'crisisdesk backup restore {newest} --to NEWDIR'" in message
    assert str(older) not in message


def test_a_backup_on_a_stick_the_log_names_is_found_too(session: Session, data_dir: Path,
                                                        tmp_path: Path) -> None:
    stick = tmp_path / "usb-stick"
    stick.mkdir()
    on_stick = backup_service.create_backup(session, stick / "desk.crisisdesk-backup").path
    _damage_contacts(session, data_dir, tmp_path)
    with pytest.raises(DeskDamaged) as err:
        desk_service.unlock(data_dir, "alex", PASSPHRASE)
    assert f"Latest verified backup: {on_stick}" in str(err.value)
