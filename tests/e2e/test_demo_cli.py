"""`crisisdesk demo` as a separate process: it prints what it made, and what it prints works."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import cli_env, run_cli

pytestmark = pytest.mark.slow


def test_demo_prints_credentials_that_open_it_and_refuses_a_second_run(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    out = run_cli(data_dir, "demo", passphrase=None, operator=None)
    assert out.returncode == 0, out.stderr
    assert "Riverbend Community Health" in out.stdout
    assert f"crisisdesk --data-dir {data_dir}" in out.stdout
    # Every printed command works as typed, from another folder, with .venv/bin not on PATH.
    opener = re.search(r"^Open it with:\n\s+(.+)$", out.stdout, re.M)
    assert opener, out.stdout
    program = shlex.split(opener.group(1))[0]
    assert shutil.which(program) or os.access(program, os.X_OK), program
    example = re.search(r"^or from the command line, for example:\n\s+(.+)$", out.stdout, re.M)
    assert example, out.stdout
    bare = {k: v for k, v in cli_env(None, None).items() if k != "PATH"}
    typed = subprocess.run(["/bin/sh", "-c", example.group(1)], capture_output=True, text=True,
                           env={**bare, "PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=120,
                           stdin=subprocess.DEVNULL)
    assert typed.returncode == 0, typed.stderr
    assert "OPERATOR" in typed.stdout
    assert "demo" in typed.stdout
    match = re.search(r"^\s+demo\s+admin\s+passphrase: (\S+)$", out.stdout, re.M)
    assert match, out.stdout
    listed = run_cli(data_dir, "operators", "list", "--json", operator="demo",
                     passphrase=match.group(1))
    assert listed.returncode == 0, listed.stderr
    assert {o["name"] for o in json.loads(listed.stdout)} == {"demo", "approver", "operator"}

    again = run_cli(data_dir, "demo", passphrase=None, operator=None)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1
    assert "--force" in again.stderr
