"""`salvage` saves every readable row of a damaged desk into a new desk that opens as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.domain.errors import DeskDamaged, DeskExists
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import salvage as salvage_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.store.vault import Vault
from tests.support.cli import run_cli
from tests.support.damage import add_contacts, checkpoint, flip_byte, flip_page, leaf_page_of
from tests.support.desk import PASSPHRASE

ALEX = Credentials(operator="alex", passphrase=PASSPHRASE)


def _counts(session: Session) -> dict[str, int]:
    names = [r[0] for r in session.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE 'contacts_fts_%' AND name NOT LIKE 'sqlite_%'")]
    return {n: int(session.db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0])
            for n in names}


@pytest.fixture
def damaged(session: Session, data_dir: Path, tmp_path: Path) -> dict[str, int]:
    """A desk with 400 contacts, one page of whose table is then damaged; returns the counts
    every table had before the damage."""
    add_contacts(session, 400)
    before = _counts(session)
    checkpoint(session)
    session.close()
    key = Vault.load(data_dir).unlock("alex", PASSPHRASE)
    flip_page(data_dir / "desk.db", leaf_page_of(data_dir / "desk.db", key, "contacts", tmp_path))
    return before


def test_salvage_saves_every_other_table_and_the_readable_contacts(
        damaged: dict[str, int], data_dir: Path, tmp_path: Path) -> None:
    original = (data_dir / "desk.db").read_bytes()
    report = salvage_service.salvage(data_dir, tmp_path / "saved", ALEX)
    assert (data_dir / "desk.db").read_bytes() == original  # the damaged desk was only read
    by_table = {t.name: t for t in report.tables}
    contacts = by_table["contacts"]
    assert 0 < contacts.saved < damaged["contacts"]
    assert contacts.lost == damaged["contacts"] - contacts.saved  # exact: an index still counts
    assert [t.name for t in report.damaged_tables] == ["contacts"]
    for name, count in damaged.items():
        if name != "contacts":
            assert by_table[name].saved == count, name
    assert report.integrity_problems == []
    assert report.audit is not None
    assert report.audit.ok

    # The new desk opens with the same passphrase, holds what was saved, and says so.
    session = desk_service.unlock(tmp_path / "saved", "alex", PASSPHRASE)
    try:
        after = _counts(session)
        assert after["contacts"] == contacts.saved
        assert after["audit"] == damaged["audit"] + 1
        hits = contact_service.search_contacts(session, "Person")  # full-text index rebuilt
        assert len(hits) == min(200, contacts.saved)
        last = session.db.execute(
            "SELECT action, summary FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        assert last[0] == "desk.salvage"
        assert f"{contacts.lost} lost" in last[1]
        assert audit_service.verify(session).ok  # the salvage entry is signed too
    finally:
        session.close()


def test_salvage_of_a_desk_whose_first_page_is_gone_creates_nothing(
        session: Session, data_dir: Path, tmp_path: Path) -> None:
    checkpoint(session)
    session.close()
    flip_byte(data_dir / "desk.db", 200)
    with pytest.raises(DeskDamaged, match="^Nothing can be salvaged: the desk's table list"):
        salvage_service.salvage(data_dir, tmp_path / "saved", ALEX)
    assert not (tmp_path / "saved").exists()
    assert [p.name for p in tmp_path.iterdir() if "salvaging" in p.name] == []


def test_salvage_only_fills_an_empty_folder(session: Session, data_dir: Path,
                                            tmp_path: Path) -> None:
    session.close()
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("keep me")
    with pytest.raises(DeskExists, match="not empty"):
        salvage_service.salvage(data_dir, tmp_path / "busy", ALEX)
    assert (tmp_path / "busy" / "notes.txt").read_text() == "keep me"


def test_salvage_cli_prints_what_was_saved_and_lost(damaged: dict[str, int], data_dir: Path,
                                                    tmp_path: Path) -> None:
    out = run_cli(data_dir, "salvage", "--to", str(tmp_path / "saved"), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["damaged_tables"] == ["contacts"]
    contacts = next(t for t in report["tables"] if t["table"] == "contacts")
    assert contacts["saved"] + contacts["lost"] == damaged["contacts"]
    text = run_cli(data_dir, "salvage", "--to", str(tmp_path / "again"))
    assert text.returncode == 0, text.stderr
    assert f"contacts: saved {contacts['saved']}, lost {contacts['lost']}" in text.stdout
    # Every other command on the damaged desk: one line, not a page list.
    listing = run_cli(data_dir, "contacts", "list")
    assert listing.returncode == 1
    assert len(listing.stderr.strip().splitlines()) == 1
    assert "crisisdesk salvage --to NEWDIR" in listing.stderr


def test_verbose_lists_every_integrity_problem_after_the_one_line(
        damaged: dict[str, int], data_dir: Path) -> None:
    out = run_cli(data_dir, "--verbose", "contacts", "list")
    assert out.returncode == 1
    first, *details = out.stderr.strip().splitlines()
    assert first.startswith("crisisdesk: The desk file is damaged (")
    count = int(first.split("(", 1)[1].split(" integrity problem(s)")[0])
    assert len(details) == count > 1
    assert details[0].strip().startswith("HMAC verification failed for page")
