"""`crisisdesk settings` as a separate process: list, set, refuse, reset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli

pytestmark = pytest.mark.slow


def test_settings_round_trip(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    assert run_cli(data_dir, "init", "--org", "Riverside Clinics").returncode == 0

    listed = json.loads(run_cli(data_dir, "settings", "list", "--json").stdout)
    autolock = next(s for s in listed if s["key"] == "autolock_minutes")
    assert (autolock["value"], autolock["is_default"], autolock["minimum"]) == (10, True, 1)

    out = run_cli(data_dir, "settings", "set", "autolock_minutes", "500")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.strip() == ("crisisdesk: Lock after idle (minutes) must be a whole number "
                                  "from 1 to 240, not '500'.")

    out = run_cli(data_dir, "settings", "set", "timezone", "America/Chicago")
    assert out.returncode == 0
    assert out.stdout.strip() == "timezone is now America/Chicago."
    assert run_cli(data_dir, "settings", "get", "timezone").stdout.strip() == "America/Chicago"
    text = run_cli(data_dir, "settings", "list").stdout
    assert "America/Chicago" in text
    assert "10 (default)" in text

    out = run_cli(data_dir, "settings", "reset", "timezone")
    assert out.stdout.strip() == "timezone is back to its default, local."

    out = run_cli(data_dir, "settings", "get", "no_such_thing")
    assert out.returncode == 1
    assert "see 'crisisdesk settings list'" in out.stderr
