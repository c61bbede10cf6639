"""`crisisdesk letters render` writing parts in worker processes, killed three times at random
points (SIGKILL to the parent) and run to the end: every letter is in the files exactly once,
and no worker outlives its parent or leaves a temp file behind."""

from __future__ import annotations

import json
import random
import re
import signal
import time
from pathlib import Path

import pytest

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from tests.support.cli import cli, cli_env, crisisdesk_command, killable
from tests.support.desk import PASSPHRASE
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.pdf import page_texts

LETTERS, PER_FILE = 2000, 50
PARTS = LETTERS // PER_FILE
# Workers start from 1,000 letters to write (render.PARALLEL_FROM): the kills stop before
# half the files are done, so every run, the resumed ones too, writes through workers.
LAST_KILL_BEFORE = PARTS // 2 - 1


def _children(pid: int) -> set[int]:
    """The live processes `pid` started (its workers and their resource tracker), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _kill_part_way(command: list[str], out_dir: Path, rng: random.Random,
                   workers: set[int]) -> None:
    """Run `command` and SIGKILL it at a random point: after a random number of finished
    files (none, at the first kill, is allowed), plus a random fraction of a second. The
    processes it had started are added to `workers`. A run that went past LAST_KILL_BEFORE
    in its last fraction of a second (a fast machine) is killed as soon as it starts."""
    done = len(list(out_dir.glob("letters-*.pdf")))
    target = rng.randint(done, max(done, min(LAST_KILL_BEFORE, done + 6)))
    with killable(command, cli_env(PASSPHRASE)) as proc:
        deadline = time.monotonic() + 180
        while len(list(out_dir.glob("letters-*.pdf"))) < target:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the render stopped writing files"
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.5))
        workers |= _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.mark.slow
def test_a_render_killed_three_times_has_every_letter_exactly_once(session: Session,
                                                                   tmp_path: Path) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    letter_desk(session)
    settings_service.set(session, "letters_per_file", PER_FILE)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv",
                                                         adult_rows(LETTERS)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, LETTERS)
    letter_service.create_batch(session)
    session.close()
    out_dir = tmp_path / "pdf"
    rendering = crisisdesk_command(session.data_dir, "letters", "render", "1",
                                   "--out", str(out_dir))
    workers: set[int] = set()
    for _ in range(3):
        _kill_part_way(rendering, out_dir, rng, workers)
    assert workers, "the render started no worker processes"
    # A worker whose parent was killed removes its temp file and exits at its next letter.
    deadline = time.monotonic() + 30
    while ((list(out_dir.glob(".*.tmp")) or _alive(workers))
           and time.monotonic() < deadline):
        time.sleep(0.1)
    assert not list(out_dir.glob(".*.tmp")), f"orphaned temp files (seed {seed})"
    assert not _alive(workers), f"worker processes outlived their parent (seed {seed})"
    finished = len(list(out_dir.glob("letters-*.pdf")))
    assert finished < PARTS, f"the last kill came too late to test anything (seed {seed})"
    out = cli(session.data_dir, "letters", "render", "1", "--out", str(out_dir))
    assert out.returncode == 0, out.stderr
    assert f"({finished} reused" in out.stdout
    files = sorted(out_dir.glob("letters-*.pdf"))
    assert len(files) == PARTS
    references: list[str] = []
    for path in files:
        references += re.findall(r"Reference (CD\d{8})", "\n".join(page_texts(path)))
    assert len(references) == len(set(references)) == LETTERS, f"seed {seed}"
    status = json.loads(cli(session.data_dir, "letters", "status", "--json").stdout)
    assert status["by_state"]["ALL"] == {"rendered": LETTERS}
