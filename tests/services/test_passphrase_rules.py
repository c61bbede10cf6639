"""Names and passphrases as people actually type and save them: Unicode forms, files from
Notepad, and the rule for new passphrases (which never locks out an existing one)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from crisisdesk.cli.common import read_secret_file
from crisisdesk.domain.errors import ValidationError, WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.store import vault as vault_module
from crisisdesk.store.vault import Vault
from tests.support.cli import run_cli
from tests.support.desk import PASSPHRASE

ZOE_NFC = "Zo\u00eb"
ZOE_NFD = "Zoe\u0308"
SECRET_NFC = unicodedata.normalize("NFC", "crème brûlée on the ward")
SECRET_NFD = unicodedata.normalize("NFD", SECRET_NFC)


def test_the_two_forms_differ_as_bytes() -> None:
    assert ZOE_NFC != ZOE_NFD
    assert SECRET_NFC != SECRET_NFD


@pytest.mark.parametrize(("created", "typed"), [(ZOE_NFC, ZOE_NFD), (ZOE_NFD, ZOE_NFC)])
def test_a_name_in_either_unicode_form_opens(session: Session, data_dir: Path, created: str,
                                             typed: str) -> None:
    operator_service.add_operator(session, created, Role.OPERATOR, SECRET_NFC)
    opened = desk_service.unlock(data_dir, typed, SECRET_NFC)
    try:
        assert opened.operator.name == ZOE_NFC
    finally:
        opened.close()
    with pytest.raises(ValidationError, match="already an operator named"):
        operator_service.add_operator(session, typed, Role.OPERATOR, SECRET_NFC)


@pytest.mark.parametrize(("created", "typed"), [(SECRET_NFC, SECRET_NFD),
                                                (SECRET_NFD, SECRET_NFC)])
def test_a_passphrase_in_either_unicode_form_opens(session: Session, data_dir: Path,
                                                   created: str, typed: str) -> None:
    operator_service.add_operator(session, "kim", Role.OPERATOR, created)
    desk_service.unlock(data_dir, "kim", typed).close()
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(data_dir, "kim", typed.replace("ward", "wart"))


def test_a_slot_made_from_an_unnormalised_passphrase_still_opens(
        session: Session, data_dir: Path) -> None:
    """Slots written before passphrases were normalised hold the KEK of the bytes as typed."""
    operator_service.add_operator(session, "kim", Role.OPERATOR, "placeholder passphrase")
    vault = Vault.load(data_dir)
    slot = vault.operator_slot("kim")
    assert slot is not None
    legacy, _ = vault._make_slot(session._data_key, "operator", "kim", SECRET_NFD,
                                 vault_module.KdfParams(**slot.kdf))
    vault.slots = [s for s in vault.slots if s is not slot] + [legacy]
    vault.save()
    for typed in (SECRET_NFD, SECRET_NFC):
        desk_service.unlock(data_dir, "kim", typed).close()


@pytest.mark.parametrize(("content", "secret"), [
    (b"\xef\xbb\xbfcorrect horse battery\r\n", "correct horse battery"),
    (b"correct horse battery\n", "correct horse battery"),
    (b"correct horse battery", "correct horse battery"),
    (b"correct horse battery\n\n", "correct horse battery\n"),  # only ONE line ending goes
    (b"correct horse battery \n", "correct horse battery "),  # a space is part of it
])
def test_passphrase_file_drops_a_bom_and_one_line_ending(tmp_path: Path, content: bytes,
                                                         secret: str) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(content)
    assert read_secret_file(str(path)) == secret


def test_passphrase_file_saved_by_notepad_unlocks_in_the_cli(session: Session, data_dir: Path,
                                                             tmp_path: Path) -> None:
    session.close()
    path = tmp_path / "secret.txt"
    path.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n")
    out = run_cli(data_dir, "--passphrase-file", str(path), "operators", "list", passphrase=None)
    assert out.returncode == 0, out.stderr
    assert "alex" in out.stdout


@pytest.mark.parametrize("weak", [" " * 10, " " * 40, "short pass", "a b c d e f g h i j k"])
def test_a_new_passphrase_needs_twelve_characters_that_are_not_spaces(
        session: Session, data_dir: Path, tmp_path: Path, weak: str) -> None:
    expected = "A passphrase needs at least 12 characters that are not spaces."
    with pytest.raises(ValidationError, match=expected):
        operator_service.add_operator(session, "kim", Role.OPERATOR, weak)
    with pytest.raises(ValidationError, match=expected):
        operator_service.change_passphrase(session, "alex", weak)
    with pytest.raises(ValidationError, match=expected):
        desk_service.init_desk(tmp_path / "other", org="Other", operator="alex", passphrase=weak)
    assert not (tmp_path / "other" / "keyslots.json").exists()
    desk_service.unlock(data_dir, "alex", PASSPHRASE).close()  # nothing changed


def test_the_minimum_is_a_setting_and_old_passphrases_keep_working(
        session: Session, data_dir: Path) -> None:
    operator_service.add_operator(session, "kim", Role.OPERATOR, "twelve chars!")  # 12 and a space
    settings_service.set(session, "min_passphrase_chars", 20)
    with pytest.raises(ValidationError, match="at least 20 characters"):
        operator_service.add_operator(session, "sam", Role.OPERATOR, "nineteen characters")
    operator_service.add_operator(session, "sam", Role.OPERATOR, "twenty-one characters ok")
    # Existing passphrases shorter than the rule still open the desk.
    desk_service.unlock(data_dir, "kim", "twelve chars!").close()
    desk_service.unlock(data_dir, "alex", PASSPHRASE).close()


def test_a_ten_character_passphrase_from_before_the_rule_still_opens(
        session: Session, data_dir: Path) -> None:
    vault = Vault.load(data_dir)
    operator_service.add_operator(session, "kim", Role.OPERATOR, "placeholder passphrase")
    vault = Vault.load(data_dir)
    vault.set_operator_slot(session._data_key, "kim", "ten chars!")  # what the old rule let in
    vault.save()
    desk_service.unlock(data_dir, "kim", "ten chars!").close()
