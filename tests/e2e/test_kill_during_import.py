"""Kill -9 a CLI import half-way: the desk must hold all of the file or none of it.

The test watches the desk's write lock from its own connection: once the importing process
holds it (its one import transaction is open), the test waits a moment so rows are being
written, then kills the process without warning.
"""

from __future__ import annotations

import csv
import signal
import time
from pathlib import Path

import pytest

from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from tests.support.cli import (
    E2E_PASSPHRASE,
    cli_env,
    crisisdesk_command,
    init_desk,
    killable,
    run_cli,
    writer_holds_lock,
)

ROWS = 60_000
DEADLINE_S = 120.0


def write_big_csv(path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Organisation", "Mobile", "Email"])
        for i in range(ROWS):
            writer.writerow([f"Person {i}", f"Org {i % 97}",
                             f"({200 + i % 800}) 555-{i % 10000:04d}", f"p{i}@example.org"])


@pytest.mark.slow
def test_kill_9_during_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    init_desk(data_dir)
    big = tmp_path / "big.csv"
    write_big_csv(big)

    watcher = desk_service.unlock(data_dir, "alex", E2E_PASSPHRASE)
    watcher.db.conn.execute("PRAGMA busy_timeout = 0")
    importing = crisisdesk_command(data_dir, "contacts", "import", str(big))
    try:
        with killable(importing, cli_env()) as proc:
            deadline = time.monotonic() + DEADLINE_S
            while not writer_holds_lock(watcher.db.conn):
                assert proc.poll() is None, f"import ended before it was seen: {proc.stderr}"
                assert time.monotonic() < deadline, "the import never started"
                time.sleep(0.02)
            time.sleep(0.5)  # let it write a good part of the file
            still_running = proc.poll() is None
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    finally:
        watcher.close()
    assert still_running, "the import finished before the kill; nothing was tested"

    session = desk_service.unlock(data_dir, "alex", E2E_PASSPHRASE)
    try:
        count = contact_service.count_contacts(session)
        assert count in (0, ROWS), f"partial import: {count} of {ROWS} rows"
        # the search index agrees with the table, and its trigger is in place
        session.db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('integrity-check')")
        triggers = {r[0] for r in session.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert "contacts_ai" in triggers
    finally:
        session.close()

    out = run_cli(data_dir, "audit", "verify")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK:")
