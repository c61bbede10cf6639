"""`crisisdesk demo` as a separate process: it prints what it made, and what it prints works."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.cli import run_cli

pytestmark = pytest.mark.slow


def test_demo_prints_credentials_that_open_it_and_refuses_a_second_run(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    out = run_cli(data_dir, "demo", passphrase=None, operator=None)
    assert out.returncode == 0, out.stderr
    assert "Riverbend Community Health" in out.stdout
    assert f"crisisdesk --data-dir {data_dir}" in out.stdout
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
