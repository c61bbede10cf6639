"""Key slots: the data key only ever leaves the vault through a correct secret."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from crisisdesk.domain.errors import DeskDamaged, WrongPassphrase
from crisisdesk.store.vault import Vault, normalise_recovery_code


def _vault(tmp_path: Path) -> tuple[Vault, bytes]:
    v, key = Vault.create(tmp_path, "Riverside Clinics")
    v.set_operator_slot(key, "Alex", "first passphrase")
    v.set_operator_slot(key, "Sam", "second passphrase")
    v.save()
    return Vault.load(tmp_path), key


def test_each_operator_unlocks_the_same_data_key(tmp_path: Path) -> None:
    v, key = _vault(tmp_path)
    assert v.unlock("alex", "first passphrase") == key  # names are case-insensitive
    assert v.unlock("Sam", "second passphrase") == key


def test_wrong_passphrase_and_unknown_operator_give_the_same_message(tmp_path: Path) -> None:
    v, _ = _vault(tmp_path)
    with pytest.raises(WrongPassphrase) as wrong:
        v.unlock("Alex", "second passphrase")
    with pytest.raises(WrongPassphrase) as unknown:
        v.unlock("Nobody", "first passphrase")
    assert str(wrong.value) == str(unknown.value) == "Wrong operator name or passphrase."


def test_slot_file_holds_no_secret_in_clear(tmp_path: Path) -> None:
    v, key = _vault(tmp_path)
    raw = (tmp_path / "keyslots.json").read_bytes()
    text = raw.decode("utf-8")
    for encoded in (key.hex(), key.hex().upper(), base64.b64encode(key).decode(),
                    base64.urlsafe_b64encode(key).decode(), base64.b32encode(key).decode()):
        assert encoded.rstrip("=") not in text
    assert key not in raw
    assert "first passphrase" not in text


def test_slots_cannot_be_swapped_between_operators(tmp_path: Path) -> None:
    v, _ = _vault(tmp_path)
    doc = json.loads(v.path.read_text())
    alex, sam = doc["slots"]
    alex["operator"], sam["operator"] = "Sam", "Alex"  # relabel: Sam's passphrase on Alex's name
    v.path.write_text(json.dumps(doc))
    swapped = Vault.load(tmp_path)
    with pytest.raises(WrongPassphrase):
        swapped.unlock("Alex", "second passphrase")


def test_removed_slot_no_longer_unlocks(tmp_path: Path) -> None:
    v, _ = _vault(tmp_path)
    v.remove_operator_slot("sam")
    v.save()
    with pytest.raises(WrongPassphrase):
        Vault.load(tmp_path).unlock("Sam", "second passphrase")


def test_recovery_code_is_forgiving_about_case_and_dashes(tmp_path: Path) -> None:
    v, key = _vault(tmp_path)
    code = v.set_recovery_slot(key)
    assert len(normalise_recovery_code(code)) == 32
    assert v.unlock_recovery(code.lower().replace("-", " ")) == key
    with pytest.raises(WrongPassphrase, match="recovery key"):
        v.unlock_recovery("A" * 32)


def test_damaged_slot_file_is_named(tmp_path: Path) -> None:
    _vault(tmp_path)
    (tmp_path / "keyslots.json").write_text("{not json")
    with pytest.raises(DeskDamaged, match="^The key slots file is damaged: it is not JSON"):
        Vault.load(tmp_path)
