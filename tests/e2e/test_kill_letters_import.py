"""`crisisdesk letters import` of a 200,000-row list killed with SIGKILL at a random point:
the desk holds none of the rows or all of them (one transaction), and importing the list
again succeeds and counts every person exactly once.

The kill point is a random fraction of how long the same import takes on a copy of the desk
just before (so it lands part way on a fast quiet machine and on a loaded one alike); the
seed is in every failure message.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from tests.support.cli import cli, cli_env, crisisdesk_command, killable, writer_holds_lock
from tests.support.desk import PASSPHRASE
from tests.support.letters import adult_rows, letter_desk, write_list

ROWS = 200_000


def _status(data_dir: Path) -> dict[str, Any]:
    out = cli(data_dir, "letters", "status", "--json")
    assert out.returncode == 0, out.stderr
    status: dict[str, Any] = json.loads(out.stdout)
    return status


def _import(data_dir: Path, path: Path) -> float:
    """Import `path` to the end; the seconds it took."""
    started = time.monotonic()
    out = cli(data_dir, "letters", "import", str(path))
    assert out.returncode == 0, out.stderr
    return time.monotonic() - started


def _counted_once(status: dict[str, Any], imports: int) -> None:
    """Every person of the list has one letter and is counted once in the incident; rows
    imported again are merged as duplicates."""
    assert status["summary"]["recipients"] == ROWS * imports
    assert status["classification"].get("letter") == ROWS
    assert status["classification"].get("duplicate", 0) == ROWS * (imports - 1)
    assert status["affected"]["total"] == ROWS


@pytest.mark.slow
def test_a_letters_import_killed_at_a_random_point_is_all_or_nothing(
        session: Session, tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    letter_desk(session)
    session.close()
    data_dir = session.data_dir
    big = write_list(tmp_path / "big.csv", adult_rows(ROWS))
    trial = tmp_path / "trial"
    shutil.copytree(data_dir, trial)
    took = _import(trial, big)
    _counted_once(_status(trial), 1)
    shutil.rmtree(trial)

    kill_after = rng.uniform(0.05, 0.95) * took
    watcher = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    watcher.db.conn.execute("PRAGMA busy_timeout = 0")
    try:
        with killable(crisisdesk_command(data_dir, "letters", "import", str(big)),
                      cli_env(PASSPHRASE)) as proc:
            deadline = time.monotonic() + kill_after
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.01)
            running = proc.poll() is None
            in_transaction = running and writer_holds_lock(watcher.db.conn)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    finally:
        watcher.close()
    where = (f"killed {kill_after:.1f} s into an import that took {took:.1f} s on the copy, "
             f"{'inside' if in_transaction else 'outside'} its transaction (seed {seed})")
    print(where)
    assert running, f"the import ended before the kill; nothing was tested: {where}"

    kept = _status(data_dir)
    assert kept["summary"]["recipients"] in (0, ROWS), f"partial import: {kept['summary']}; "\
        f"{where}"
    committed = kept["summary"]["recipients"] == ROWS
    print(f"the desk holds {'all' if committed else 'none'} of the rows")
    if committed:
        _counted_once(kept, 1)
    else:
        assert kept["affected"]["total"] == 0, where
    _import(data_dir, big)
    _counted_once(_status(data_dir), 2 if committed else 1)
    audit = cli(data_dir, "audit", "verify")
    assert audit.returncode == 0, audit.stderr
    assert audit.stdout.startswith("OK:")
