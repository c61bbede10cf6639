"""A full disk during any write transaction is one line naming the desk's folder, with nothing
half-written: SQLite rolls the transaction back itself when it runs out of room, so the desk
must not then fail on its own "ROLLBACK" ("cannot rollback - no transaction is active")."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crisisdesk.services import audit as audit_service
from crisisdesk.services import contact_import, contacts
from crisisdesk.services import desk as desk_service
from crisisdesk.services.letters import imports as recipient_imports
from crisisdesk.services.session import Session
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store.files import DiskFull
from tests.support.cli import run_cli
from tests.support.desk import PASSPHRASE
from tests.support.full_disk import fill, small_disk
from tests.support.letters import adult_rows, letter_desk, write_list

ROWS = 3000


def cap_growth(session: Session, pages: int) -> None:
    """Let the desk file grow by only `pages` pages: SQLite then fails exactly as on a full
    disk ("database or disk is full", SQLITE_FULL), on every platform."""
    used = int(session.db.execute("PRAGMA page_count").fetchone()[0])
    session.db.execute(f"PRAGMA max_page_count = {used + pages}")


def contacts_file(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Name", "Mobile Phone", "Title", "Notes"])
        for i in range(n):
            out.writerow([f"Staff Member {i}", f"(217) 555-{i % 10000:04d}", "Nurse",
                          "on call " * 20])
    return path


def test_recipient_import_on_a_full_disk_is_one_line_and_nothing_is_kept(
        session: Session, tmp_path: Path) -> None:
    incident_id = letter_desk(session)
    audited = audit_service.verify(session).count
    cap_growth(session, 20)
    with pytest.raises(DiskFull) as caught:
        recipient_imports.import_recipients(session, write_list(tmp_path / "list.csv",
                                                                adult_rows(ROWS)))
    assert str(caught.value) == (f"The disk holding {session.data_dir} is full: nothing was "
                                 "saved; free space there and try again.")
    assert recipient_store.count(session.db, incident_id) == 0
    chain = audit_service.verify(session)
    assert (chain.ok, chain.count) == (True, audited)
    session.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    report = recipient_imports.import_recipients(session, tmp_path / "list.csv")
    assert recipient_store.count(session.db, incident_id) == ROWS
    assert report is not None
    assert audit_service.verify(session).count == audited + 1


def test_contact_import_on_a_full_disk_is_one_line_and_nothing_is_kept(
        session: Session, tmp_path: Path) -> None:
    before = contacts.count_contacts(session)
    cap_growth(session, 10)
    with pytest.raises(DiskFull, match=r"^The disk holding .* is full: nothing was saved"):
        contact_import.import_contacts(session, contacts_file(tmp_path / "staff.csv", 2000))
    assert contacts.count_contacts(session) == before
    assert audit_service.verify(session).ok


@pytest.mark.slow
def test_cli_import_onto_a_real_full_disk(tmp_path: Path) -> None:
    """The desk itself on a tmpfs with little room left: one line, exit 1, nothing imported,
    audit chain intact, and the same import works once space is freed."""
    listing = write_list(tmp_path / "list.csv", adult_rows(ROWS))
    with small_disk(tmp_path / "mnt", "12m") as mnt:
        data_dir = mnt / "desk"
        made = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                      passphrase=PASSPHRASE)
        letter_desk(made.session)
        made.session.close()
        filler = fill(mnt, 96 * 1024)
        run = run_cli(data_dir, "letters", "import", str(listing))
        assert run.returncode == 1, run.stdout + run.stderr
        assert run.stderr.strip().splitlines() == [
            f"crisisdesk: The disk holding {data_dir} is full: nothing was saved; free space "
            "there and try again."]
        filler.unlink()
        chain = run_cli(data_dir, "audit", "verify", "--json")
        assert chain.returncode == 0, chain.stderr
        assert '"ok": true' in chain.stdout
        status = run_cli(data_dir, "letters", "status", "--json")
        assert '"recipients": 0' in status.stdout
        again = run_cli(data_dir, "letters", "import", str(listing))
        assert again.returncode == 0, again.stderr
        status = run_cli(data_dir, "letters", "status", "--json")
        assert f'"recipients": {ROWS}' in status.stdout
