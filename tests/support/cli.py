"""Run `python -m crisisdesk` as a user would, in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

E2E_PASSPHRASE = "correct horse battery"


def run_cli(data_dir: Path, *args: str, passphrase: str | None = E2E_PASSPHRASE,
            operator: str | None = "alex", timeout: float = 120,
            extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRISISDESK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if passphrase is not None:
        env["CRISISDESK_PASSPHRASE"] = passphrase
    if operator is not None:
        env["CRISISDESK_OPERATOR"] = operator
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "crisisdesk", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
    )


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRISISDESK_")}
    env.update(QT_QPA_PLATFORM="offscreen", CRISISDESK_PASSPHRASE=E2E_PASSPHRASE,
               CRISISDESK_OPERATOR="alex")
    return subprocess.run([sys.executable, "-m", "crisisdesk", "--data-dir", str(data_dir),
                           *args], capture_output=True, text=True, env=env, timeout=180,
                          stdin=subprocess.DEVNULL)
