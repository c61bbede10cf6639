"""Signing keys in key slots, and audit entries signed by the acting operator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.domain import roster as signing
from crisisdesk.domain.errors import DeskDamaged
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import doctor as doctor_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.doctor import Status
from crisisdesk.services.session import Session
from crisisdesk.store.vault import SLOTS_FILE, SigningKeyDamaged, Vault
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.tamper import raw_desk


def test_a_slot_holds_a_signing_key_only_its_passphrase_unwraps(tmp_path: Path) -> None:
    vault, data_key = Vault.create(tmp_path, "Org")
    private = signing.new_private_key()
    vault.set_operator_slot(data_key, "alex", PASSPHRASE, FAST_KDF, signing_key=private)
    vault.set_operator_slot(data_key, "olly", "ollys passphrase", FAST_KDF)
    vault.save()
    loaded = Vault.load(tmp_path)
    kek, _ = loaded.open_slot("alex", PASSPHRASE)
    slot = loaded.operator_slot("alex")
    assert slot is not None
    assert slot.sign_public == signing.public_key(private)
    assert loaded.open_signing_key(slot, kek) == private
    assert private.hex() not in (tmp_path / SLOTS_FILE).read_text()
    olly = loaded.operator_slot("olly")
    assert olly is not None
    assert loaded.open_signing_key(olly, loaded.open_slot("olly", "ollys passphrase")[0]) is None
    assert "sign_public" not in json.dumps(json.loads(
        (tmp_path / SLOTS_FILE).read_text())["slots"][1])  # written exactly as before


@pytest.mark.parametrize("field", ["sign_public", "sign_wrapped"])
def test_a_swapped_signing_key_is_refused(tmp_path: Path, field: str) -> None:
    vault, data_key = Vault.create(tmp_path, "Org")
    vault.set_operator_slot(data_key, "alex", PASSPHRASE, FAST_KDF,
                            signing_key=signing.new_private_key())
    vault.set_operator_slot(data_key, "olly", "ollys passphrase", FAST_KDF,
                            signing_key=signing.new_private_key())
    alex, olly = vault.slots
    setattr(alex, field, getattr(olly, field))  # olly's key put into alex's slot
    kek, _ = vault.open_slot("alex", PASSPHRASE)
    with pytest.raises(SigningKeyDamaged, match="signing key in the key slot of alex was "
                       "changed outside CrisisDesk"):
        vault.open_signing_key(alex, kek)


def test_half_a_signing_key_in_the_file_is_damage(tmp_path: Path) -> None:
    vault, data_key = Vault.create(tmp_path, "Org")
    vault.set_operator_slot(data_key, "alex", PASSPHRASE, FAST_KDF,
                            signing_key=signing.new_private_key())
    vault.save()
    doc = json.loads((tmp_path / SLOTS_FILE).read_text())
    del doc["slots"][0]["sign_nonce"]
    (tmp_path / SLOTS_FILE).write_text(json.dumps(doc))
    with pytest.raises(DeskDamaged, match="slot 1 has sign_public without the rest of its "
                       "signing key"):
        Vault.load(tmp_path)


def test_every_audit_entry_is_signed_by_the_acting_operator(new_desk_session: Session) -> None:
    session = new_desk_session
    with session.action("test.step", "note", "n1", "step"):
        pass
    rows = session.db.execute("SELECT seq, mac, signer, signature FROM audit").fetchall()
    assert rows
    for seq, mac, signer, signature in rows:
        assert signer == "alex"
        assert signing.verify(session.public_key,
                              signing.audit_payload(session.desk_id, seq, mac), signature)


# --- the attacks: rewrite the log and re-MAC the chain with the data-key-derived key ----------

OLLY, OLLY_PASS = "olly", "ollys own passphrase"
ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


@pytest.fixture
def logged(new_desk_session: Session, data_dir: Path) -> Path:
    """alex's desk with olly (an operator) and a few entries by each; closed."""
    from crisisdesk.domain.operators import Role
    from crisisdesk.services import operators as operator_service

    session = new_desk_session
    operator_service.add_operator(session, OLLY, Role.OPERATOR, OLLY_PASS, FAST_KDF)
    for i in range(3):
        with session.action("test.step", "note", f"a{i}", f"alex step {i}"):
            pass
    session.close()
    olly = desk_service.unlock(data_dir, OLLY, OLLY_PASS)
    with olly.action("test.step", "note", "o1", "olly step"):
        pass
    olly.close()
    return data_dir


def _verify_as_alex(data_dir: Path) -> str:
    session = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        report = audit_service.verify(session)
        assert not report.ok
        return report.problem
    finally:
        session.close()


def test_a_deleted_entry_with_the_chain_re_maced_is_named(logged: Path) -> None:
    with raw_desk(logged, OLLY, OLLY_PASS) as conn:
        conn.execute("DELETE FROM audit WHERE summary = 'alex step 1'")
    problem = _verify_as_alex(logged)
    assert "its signature does not match" in problem
    assert "(alex)" in problem
    doctor = {c.name: c for c in doctor_service.run_doctor(logged, ALEX).checks}
    assert doctor["audit chain"].status is Status.OK  # the MACs alone were fooled...
    assert doctor["signatures"].status is Status.FAIL  # ...the signatures are not
    assert "its signature does not match" in doctor["signatures"].detail


def test_an_altered_entry_with_the_chain_re_maced_is_named(logged: Path) -> None:
    with raw_desk(logged, OLLY, OLLY_PASS) as conn:
        seq = conn.execute("SELECT seq FROM audit WHERE summary = 'alex step 2'").fetchone()[0]
        conn.execute("UPDATE audit SET summary = 'nothing happened' WHERE seq = ?", [seq])
    assert f"audit entry {seq} (alex): its signature does not match" in _verify_as_alex(logged)


def test_an_entry_re_signed_by_someone_else_is_named(logged: Path) -> None:
    with raw_desk(logged, OLLY, OLLY_PASS) as conn:
        seq = conn.execute("SELECT seq FROM audit WHERE summary = 'alex step 0'").fetchone()[0]
        conn.execute("UPDATE audit SET signer = 'olly' WHERE seq = ?", [seq])
    assert f"audit entry {seq} is signed by olly, not by alex" in _verify_as_alex(logged)


def test_deleting_every_entry_and_the_head_is_reported(logged: Path) -> None:
    with raw_desk(logged, OLLY, OLLY_PASS) as conn:
        conn.execute("DELETE FROM audit")
        conn.execute("DELETE FROM meta WHERE key = 'audit_head'")
    problem = _verify_as_alex(logged)
    assert "audit entry 1, which signed roster version 1, is missing" in problem
