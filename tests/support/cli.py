"""Run `python -m crisisdesk` as a user would, in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crisisdesk.store.errors import DB_ERRORS

E2E_PASSPHRASE = "correct horse battery"


def cli_env(passphrase: str | None = E2E_PASSPHRASE,
            operator: str | None = "alex") -> dict[str, str]:
    """This environment without the developer's own CRISISDESK_ settings, Qt offscreen, and
    the operator and passphrase a user would type (None: not given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRISISDESK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if passphrase is not None:
        env["CRISISDESK_PASSPHRASE"] = passphrase
    if operator is not None:
        env["CRISISDESK_OPERATOR"] = operator
    return env


def crisisdesk_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "crisisdesk", "--data-dir", str(data_dir), *args]


def run_cli(data_dir: Path, *args: str, passphrase: str | None = E2E_PASSPHRASE,
            operator: str | None = "alex", timeout: float = 120,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = cli_env(passphrase, operator)
    env.update(extra_env or {})
    return subprocess.run(crisisdesk_command(data_dir, *args), capture_output=True, text=True,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crisisdesk_command(data_dir, *args), capture_output=True, text=True,
                          env=cli_env(), timeout=180, stdin=subprocess.DEVNULL)


def init_desk(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`crisisdesk init` for Riverside Clinics, which must succeed (its output holds the
    recovery key)."""
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    return out


@contextmanager
def killable(command: list[str], env: dict[str, str],
             cwd: Path | None = None) -> Iterator[subprocess.Popen[str]]:
    """`command` running with its output piped, for a test that kills it part way; however
    the block ends, the process is gone afterwards (killed if need be) and its pipes closed."""
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def writer_holds_lock(conn: object) -> bool:
    """True while another connection holds the write lock (BEGIN IMMEDIATE fails at once)."""
    try:
        conn.execute("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
    except DB_ERRORS as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return True
        raise
    conn.execute("ROLLBACK")  # type: ignore[attr-defined]
    return False
