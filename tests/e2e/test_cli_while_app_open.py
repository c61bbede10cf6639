"""The command line keeps working while the app has the desk open, and the app notices."""

from __future__ import annotations

from pathlib import Path

from crisisdesk.services import contacts as contact_service
from crisisdesk.services.session import Session
from crisisdesk.store.db import data_version
from crisisdesk.store.lock import DeskLock
from tests.support.cli import run_cli
from tests.support.desk import PASSPHRASE


def test_cli_writes_while_the_app_holds_the_desk(session: Session, data_dir: Path) -> None:
    lock = DeskLock(data_dir / "desk.lock")
    lock.acquire()  # what the open app holds
    try:
        before = data_version(session.db)
        contact_service.count_contacts(session)  # the app has read the desk
        out = run_cli(data_dir, "contacts", "add", "Priya Raman", "--phone", "mobile=312 555 0123",
                      passphrase=PASSPHRASE)
        assert out.returncode == 0, out.stderr
        assert data_version(session.db) != before  # how the app's poll sees the change
        assert [c.name for c in contact_service.search_contacts(session, "priya")] == [
            "Priya Raman"]
    finally:
        lock.release()
