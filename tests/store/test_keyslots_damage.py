"""A damaged keyslots.json is one line naming what is wrong, never a traceback, and a hostile
Argon2 cost is refused before a single byte of key derivation runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crisisdesk.domain.errors import DeskDamaged
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store import vault as vault_module
from tests.support.cli import run_cli
from tests.support.desk import PASSPHRASE

Doc = dict[str, Any]


def _first_kdf(doc: Doc) -> dict[str, Any]:
    kdf: dict[str, Any] = doc["slots"][0]["kdf"]
    return kdf


def _set(edit: Callable[[Doc], None]) -> Callable[[Doc], Doc]:
    def apply(doc: Doc) -> Doc:
        edit(doc)
        return doc
    return apply


CASES: dict[str, tuple[Callable[[Doc], object], str]] = {
    "a bare list": (lambda doc: [], "the file must be a JSON object, not list"),
    "no slots": (_set(lambda d: d.update(slots=[])), "'slots' must be a list of at least one"),
    "an extra key": (_set(lambda d: d["slots"][0].update(extra="x")),
                     "slot 1 has an unknown key 'extra'"),
    "memory_cost 0": (_set(lambda d: _first_kdf(d).update(memory_cost=0)),
                      "slot 1: memory_cost must be a whole number from 8 to 1048576, not 0"),
    "4 TiB of memory": (_set(lambda d: _first_kdf(d).update(memory_cost=2**32)),
                        "slot 1: memory_cost must be a whole number from 8 to 1048576"),
    "a million passes": (_set(lambda d: _first_kdf(d).update(iterations=10**6)),
                         "slot 1: iterations must be a whole number from 1 to 64"),
    "a string for a number": (_set(lambda d: _first_kdf(d).update(lanes="4")),
                              "slot 1: lanes must be a whole number from 1 to 16, not \"4\""),
    "true for a number": (_set(lambda d: _first_kdf(d).update(iterations=True)),
                          "slot 1: iterations must be a whole number"),
    "bad base64": (_set(lambda d: d["slots"][0].update(salt="not base64!!")),
                   "slot 1: salt is not base64"),
    "a short nonce": (_set(lambda d: d["slots"][0].update(nonce="AAAA")),
                      "slot 1: nonce holds 3 bytes, not 12"),
    "a number for a name": (_set(lambda d: d["slots"][0].update(operator=7)),
                            "slot 1: operator must be text, not 7"),
    "a missing key": (_set(lambda d: d["slots"][1].pop("wrapped")), "slot 2 lacks wrapped"),
    "an unknown kind": (_set(lambda d: d["slots"][0].update(kind="admin")),
                        "slot 1: unknown kind 'admin'"),
}


@pytest.fixture
def slots_dir(tmp_path: Path) -> Path:
    """A folder holding only the key slots of a desk: alex's slot and the recovery slot."""
    folder = tmp_path / "desk"
    folder.mkdir()
    vault, key = vault_module.Vault.create(folder, "Riverside Clinics")
    vault.set_operator_slot(key, "alex", PASSPHRASE)
    vault.set_recovery_slot(key)
    vault.save()
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_slot_file_is_one_line(slots_dir: Path, case: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = slots_dir
    slots = data_dir / "keyslots.json"
    edit, reason = CASES[case]
    slots.write_text(json.dumps(edit(json.loads(slots.read_text()))))
    derived: list[object] = []
    monkeypatch.setattr(vault_module, "derive_kek", lambda *a: derived.append(a) or b"k" * 32)
    with pytest.raises(DeskDamaged) as err:
        desk_service.unlock(data_dir, "alex", PASSPHRASE)
    message = str(err.value)
    assert message.startswith(f"The key slots file is damaged: {reason}"), message
    assert "\n" not in message
    assert derived == []  # refused before any key derivation ran


@pytest.mark.parametrize("content", [b"not json at all", b"\xff\xfe{}", b""])
def test_unreadable_slot_file_is_one_line_in_the_cli(slots_dir: Path, content: bytes) -> None:
    data_dir = slots_dir
    (data_dir / "keyslots.json").write_bytes(content)
    out = run_cli(data_dir, "contacts", "list")
    assert out.returncode == 1
    assert out.stderr.startswith("crisisdesk: The key slots file is damaged: it is not JSON")
    assert len(out.stderr.strip().splitlines()) == 1


def test_an_untouched_slot_file_still_opens(session: Session, data_dir: Path) -> None:
    session.close()
    desk_service.unlock(data_dir, "alex", PASSPHRASE).close()
