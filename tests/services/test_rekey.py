"""Removing an operator or replacing the recovery key re-encrypts the desk with a new data key:
a removed person's kept copy of keyslots.json opens only what existed before the removal."""

from __future__ import annotations

import base64
import json
import shutil
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlcipher3 import dbapi2 as sqlcipher

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.errors import Cancelled, UserError, WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import rekey as rekey_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.vault import SLOTS_FILE, KeySlot, Vault
from tests.support.desk import PASSPHRASE, MemoryKeyring

BEA, BEA_PASS = "bea", "beas passphrase"
CARL, CARL_PASS = "carl", "carls passphrase"


def _stolen_key(slot_copy: Path, operator: str, passphrase: str) -> bytes:
    """What a removed operator gets from the slot file they kept, with their passphrase."""
    folder = slot_copy.parent / f"stolen-{uuid.uuid4().hex}"
    folder.mkdir()
    shutil.copy(slot_copy, folder / SLOTS_FILE)
    return Vault.load(folder).unlock(operator, passphrase)


def _opens(desk_file: Path, key: bytes) -> bool:
    """Whether raw sqlcipher3 with this key reads the file (the attacker's few lines)."""
    conn = sqlcipher.connect(str(desk_file))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()


def _contact(session: Session, name: str) -> None:
    contact_service.add_contact(session, ContactDraft(name, "Nurse", "ICU", ContactKind.STAFF,
                                                      [("mobile", "(312) 555-0142")]))


@pytest.fixture
def team(session: Session) -> Session:
    operator_service.add_operator(session, BEA, Role.OPERATOR, BEA_PASS)
    operator_service.add_operator(session, CARL, Role.APPROVER, CARL_PASS)
    return session


def test_a_removed_operators_copied_slot_no_longer_opens_the_live_desk(
    team: Session, data_dir: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "bea-kept-keyslots.json"
    shutil.copy(data_dir / SLOTS_FILE, kept)
    old_key = _stolen_key(kept, BEA, BEA_PASS)
    assert _opens(data_dir / "desk.db", old_key)  # before: her copy opens the live desk

    operator_service.remove_operator(team, BEA)
    _contact(team, "Added After Removal")

    assert not _opens(data_dir / "desk.db", _stolen_key(kept, BEA, BEA_PASS))
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, BEA, BEA_PASS)
    # the admin's session carried on under the new key, and sees the new row
    assert [c.name for c in contact_service.search_contacts(team, "Added After Removal")]


def test_remaining_operators_the_recovery_key_and_remember_me_still_open_it(
    recovery: tuple[Session, str], data_dir: Path
) -> None:
    session, code = recovery
    operator_service.add_operator(session, BEA, Role.OPERATOR, BEA_PASS)
    operator_service.add_operator(session, CARL, Role.APPROVER, CARL_PASS)
    keychain = Keychain(MemoryKeyring(), trusted=True)
    desk_service.unlock(data_dir, CARL, CARL_PASS, keychain=keychain, remember=True).close()
    _contact(session, "Before Removal")

    operator_service.remove_operator(session, BEA)

    for opened in (desk_service.unlock(data_dir, "alex", PASSPHRASE),
                   desk_service.unlock(data_dir, CARL, CARL_PASS),
                   desk_service.unlock_with_recovery(data_dir, code),
                   desk_service.unlock_from_keychain(data_dir, CARL, keychain)):
        assert opened is not None
        try:
            assert [c.name for c in contact_service.search_contacts(opened, "Before Removal")]
            assert audit_service.verify(opened).ok
            assert opened._data_key == session._data_key
        finally:
            opened.close()


def test_the_removal_is_one_audit_entry_in_a_chain_that_still_verifies(team: Session) -> None:
    before = audit_store.last_seq(team.db)
    operator_service.remove_operator(team, BEA)
    report = audit_service.verify(team)
    assert report.ok, report.problem
    entries = audit_store.entries(team.db, limit=5)
    assert audit_store.last_seq(team.db) == before + 1
    assert entries[-1].action == "operator.remove"
    assert "re-encrypted" in entries[-1].summary
    assert BEA not in [op.name for op in operator_service.list_operators(team)]


def test_replacing_the_recovery_key_makes_a_kept_copy_of_the_old_one_useless(
    recovery: tuple[Session, str], data_dir: Path, tmp_path: Path
) -> None:
    session, old_code = recovery
    kept = tmp_path / "kept-keyslots.json"
    shutil.copy(data_dir / SLOTS_FILE, kept)
    new_code = operator_service.replace_recovery_key(session)

    folder = tmp_path / "kept"
    folder.mkdir()
    shutil.copy(kept, folder / SLOTS_FILE)
    old_key = Vault.load(folder).unlock_recovery(old_code)
    assert not _opens(data_dir / "desk.db", old_key)
    desk_service.unlock_with_recovery(data_dir, new_code).close()
    desk_service.unlock(data_dir, "alex", PASSPHRASE).close()


def test_an_old_backup_keeps_the_old_key(team: Session, tmp_path: Path) -> None:
    made = backup_service.create_backup(team, tmp_path / "before.crisisdesk-backup")
    old_key = team._data_key
    operator_service.remove_operator(team, BEA)
    assert team._data_key != old_key
    assert backup_service.verify_with_key(made.path, old_key).ok


def test_cancelling_changes_nothing(team: Session, data_dir: Path) -> None:
    slots = (data_dir / SLOTS_FILE).read_bytes()
    key = team._data_key
    with pytest.raises(Cancelled):
        operator_service.remove_operator(team, BEA, is_cancelled=lambda: True)
    assert (data_dir / SLOTS_FILE).read_bytes() == slots
    assert team._data_key == key
    assert sorted(p.name for p in data_dir.iterdir() if "rekey" in p.name) in ([],
                                                                             ["rekey.lock"])
    desk_service.unlock(data_dir, BEA, BEA_PASS).close()


def _make_legacy(data_dir: Path, operator: str, passphrase: str) -> None:
    """Rewrite `operator`'s slot the way CrisisDesk wrote slots before sealing."""
    vault = Vault.load(data_dir)
    kek, data_key = vault.open_slot(operator, passphrase)
    slot = vault.operator_slot(operator)
    assert slot is not None
    nonce = b"\x01" * 12
    wrapped = AESGCM(kek).encrypt(nonce, data_key, vault._aad(slot.id, slot.kind, slot.operator))
    legacy = KeySlot(slot.id, slot.kind, slot.operator, slot.salt,
                     base64.b64encode(nonce).decode(), base64.b64encode(wrapped).decode(),
                     dict(slot.kdf))
    vault.slots = [legacy if s is slot else s for s in vault.slots]
    vault.save()


def test_a_legacy_slot_blocks_the_rekey_until_it_is_opened_once(
    team: Session, data_dir: Path
) -> None:
    _make_legacy(data_dir, CARL, CARL_PASS)
    doc = json.loads((data_dir / SLOTS_FILE).read_text())
    assert not any("sealed" in s for s in doc["slots"] if s["operator"] == CARL)

    with pytest.raises(UserError, match="carl"):
        operator_service.remove_operator(team, BEA)
    desk_service.unlock(data_dir, BEA, BEA_PASS).close()  # nothing changed

    desk_service.unlock(data_dir, CARL, CARL_PASS).close()  # seals carl's slot
    doc = json.loads((data_dir / SLOTS_FILE).read_text())
    assert all("sealed" in s for s in doc["slots"])
    operator_service.remove_operator(team, BEA)
    desk_service.unlock(data_dir, CARL, CARL_PASS).close()


def test_a_change_made_while_the_copy_was_made_is_kept_and_nothing_switches(
    team: Session, data_dir: Path
) -> None:
    twin = team.for_thread()
    try:
        prepared, _ = operator_service.prepare_removal(twin, BEA)
    finally:
        twin.close()
    _contact(team, "Written Meanwhile")
    with pytest.raises(UserError, match="changed while"):
        rekey_service.finish(team, prepared)
    assert [c.name for c in contact_service.search_contacts(team, "Written Meanwhile")]
    assert not (data_dir / "desk.db.rekey").exists()
    desk_service.unlock(data_dir, BEA, BEA_PASS).close()
    operator_service.remove_operator(team, BEA)  # done again, it goes through
    assert [c.name for c in contact_service.search_contacts(team, "Written Meanwhile")]


def test_while_another_window_or_command_has_the_desk_open_nothing_switches(
    team: Session, data_dir: Path
) -> None:
    other = desk_service.unlock(data_dir, CARL, CARL_PASS)  # e.g. a CLI command running
    try:
        with pytest.raises(UserError, match="has the desk open"):
            operator_service.remove_operator(team, BEA)
        _contact(other, "Written By The Other")  # the other connection still works
        _contact(team, "Written By The Admin")  # and so does the admin's
    finally:
        other.close()
    assert contact_service.count_contacts(team) == 2
    desk_service.unlock(data_dir, BEA, BEA_PASS).close()
    operator_service.remove_operator(team, BEA)  # once it is closed, it goes through
    assert contact_service.count_contacts(team) == 2


def test_the_signed_roster_and_every_signature_hold_across_rekeys(team: Session) -> None:
    operator_service.remove_operator(team, BEA)
    operator_service.replace_recovery_key(team)
    operator_service.remove_operator(team, CARL)
    assert audit_service.signatures(team).ok, audit_service.signatures(team).problems
    roster = team.verified_roster().current
    assert roster is not None
    assert {m.name for m in roster.members} == {"alex"}
    recovery = team.vault.recovery_slot()
    assert recovery is not None
    assert roster.recovery_key == recovery.sign_public != ""  # the new recovery key can sign
    assert audit_service.verify(team).ok
