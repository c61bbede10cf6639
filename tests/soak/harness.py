"""Kill points: start the writer on the desk, SIGKILL it at a random moment, check the desk.

A kill point is "after K actions ended (acknowledged or refused), plus a few milliseconds"
(so it lands inside the next action), "a random time after the writer is ready", or "during
start-up" (while it unlocks the desk). The checks then run on the desk the writer left, and
the next kill point restarts the writer on the same desk: the lock file the dead writer held
must not block it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.paths import DeskPaths
from tests.soak import desk as soak_desk
from tests.soak import journal as journal_file
from tests.soak.checks import Checker, Findings
from tests.support.cli import cli_env

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_S = 60.0
MAX_ACKS_BEFORE_KILL = 14
MAX_DELAY_S = 3.0


@dataclass
class KillPoint:
    round: int
    killed: bool  # False: the writer ended on its own first (nothing was interrupted)
    acks: int  # acknowledged in this round
    interrupted: str  # the action under way at the kill, "between actions" or "start-up"
    findings: Findings
    writer_error: str = ""
    refusals: list[str] = field(default_factory=list)  # one-line errors the writer was given


@dataclass
class Totals:
    tried: int = 0
    survived: int = 0
    lost: int = 0
    acks: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    interrupted: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)


class Soak:
    """One desk, one journal, many kill points."""

    def __init__(self, work: Path, seed: int) -> None:
        self.work = work
        self.data_dir = work / "desk"
        self.journal = work / "journal.jsonl"
        self.rng = random.Random(seed)
        self.round = 0
        work.mkdir(parents=True, exist_ok=True)
        if not DeskPaths(self.data_dir).exists():
            soak_desk.build(self.data_dir)
        self.checker = Checker(self.data_dir, work)

    def _command(self, seed: int, actions: int | None) -> list[str]:
        extra = [] if actions is None else [str(actions)]
        return [sys.executable, "-m", "tests.soak.writer", str(self.data_dir), str(self.work),
                str(self.journal), str(self.round), str(seed), *extra]

    def before_check(self) -> None:
        """Called after the kill, before the checks (the full-disk run frees space here)."""

    def kill_point(self) -> KillPoint:
        self.round += 1
        start = journal_file.size(self.journal)
        env = cli_env(None, None)
        env["PYTHONPATH"] = str(ROOT)
        env["HOME"] = str(self.work / "home")
        err_path = self.work / "writer.err"
        with open(err_path, "w", encoding="utf-8") as err:
            proc = subprocess.Popen(self._command(self.rng.randrange(1 << 30), None), env=env,
                                    cwd=ROOT, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
            try:
                killed = self._wait_and_kill(proc, start)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=60)
        events = journal_file.read(self.journal)
        mine = journal_file.read(self.journal, start)
        error = ""
        if not killed and proc.returncode != 0:
            error = (f"writer exited {proc.returncode}: "
                     f"{err_path.read_text(encoding='utf-8').strip()[-2000:]}")
        open_begin = "between actions"
        if not any(e["t"] == "ready" for e in mine):
            open_begin = "start-up"
        elif mine[-1]["t"] == "begin":
            open_begin = mine[-1]["kind"]
        self.before_check()
        findings = self.checker.check(events, mine)
        refusals = [e["reason"] for e in mine
                     if e["t"] in ("refused", "start_refused") and e.get("kind") != "batch"]
        return KillPoint(self.round, killed, sum(1 for e in mine if e["t"] == "ack"),
                         open_begin, findings, error, refusals)

    def _wait_and_kill(self, proc: subprocess.Popen[bytes], start: int) -> bool:
        """SIGKILL the writer at this round's random point; False if it ended first."""
        spawned = time.monotonic()
        deadline = spawned + READY_TIMEOUT_S
        mode = self.rng.choices(("acks", "time", "start-up"), (0.5, 0.4, 0.1))[0]
        target = self.rng.randint(0, MAX_ACKS_BEFORE_KILL)
        delay = {"acks": self.rng.uniform(0, 0.2), "time": self.rng.uniform(0, MAX_DELAY_S),
                 "start-up": self.rng.uniform(0, 1.5)}[mode]
        ready = False
        while proc.poll() is None:
            if mode == "start-up":
                due = time.monotonic() >= spawned + delay
            else:
                events = journal_file.read(self.journal, start)
                ready = ready or any(e["t"] == "ready" for e in events)
                ended = sum(1 for e in events if e["t"] in ("ack", "refused"))
                due = ready and (mode == "time" or ended >= target)
                if due:
                    time.sleep(delay)
            if due:
                if proc.poll() is not None:
                    return False
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=60)
                return True
            if time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the soak writer made no progress for a minute")
            time.sleep(0.01)
        return False

    def run(self, kills: int, report: bool = False) -> Totals:
        totals = Totals()
        started = time.monotonic()
        for _ in range(kills):
            point = self.kill_point()
            totals.tried += 1
            totals.acks += point.acks
            totals.lost += point.findings.lost
            key = point.interrupted
            for reason in point.refusals:
                totals.refusals[reason] = totals.refusals.get(reason, 0) + 1
            totals.interrupted[key] = totals.interrupted.get(key, 0) + 1
            problems = point.findings.problems + ([point.writer_error] if point.writer_error
                                                  else [])
            if not point.killed and not point.writer_error:
                problems.append("the writer finished before its kill point")
            if problems:
                totals.problems += [f"kill point {point.round}: {p}" for p in problems]
            else:
                totals.survived += 1
            if report:
                state = "ok" if not problems else f"{len(problems)} PROBLEMS"
                print(f"kill point {point.round:4d}: {point.acks:3d} acks, killed in "
                      f"{key}: {state}", flush=True)
        totals.seconds = time.monotonic() - started
        return totals
