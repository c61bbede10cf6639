"""`crisisdesk backup scheduled|list` as cron would run them, and doctor's backup lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import init_desk, run_cli

pytestmark = pytest.mark.slow


def test_scheduled_backups_from_the_command_line(tmp_path: Path) -> None:
    desk, usb = tmp_path / "desk", tmp_path / "usb"
    init_desk(desk)
    off = run_cli(desk, "backup", "scheduled")
    assert off.returncode == 0, off.stderr
    assert "Scheduled backups are off" in off.stdout
    usb.mkdir()
    assert run_cli(desk, "settings", "set", "backup_folder", str(usb)).returncode == 0
    made = run_cli(desk, "backup", "scheduled", "--json")
    assert made.returncode == 0, made.stderr
    result = json.loads(made.stdout)
    assert result["status"] == "made"
    assert Path(result["backup"]["path"]).parent == usb
    again = run_cli(desk, "backup", "scheduled")
    assert again.returncode == 0
    assert "has not changed" in again.stdout
    listed = json.loads(run_cli(desk, "backup", "list", "--json").stdout)
    assert [b["path"] for b in listed["backups"]] == [result["backup"]["path"]]
    assert listed["backups"][0]["verified_at"]
    assert listed["warnings"] == []
    doctor = json.loads(run_cli(desk, "doctor", "--json").stdout)
    checks = {c["name"]: c for c in doctor["checks"]}
    assert checks["last backup"]["status"] == "ok"
    assert checks["backup folder"]["status"] == "ok"
    assert checks["rules file"]["detail"].startswith("resources/rules/notification_rules.toml")
    for f in usb.iterdir():
        f.unlink()
    usb.rmdir()
    missing = run_cli(desk, "backup", "scheduled", "--force")
    assert missing.returncode == 1
    assert "Traceback" not in missing.stderr
    assert missing.stderr.strip() == (f"crisisdesk: The backup folder {usb} is missing; plug in "
                                      "the USB stick or choose another folder in Settings.")
    text = run_cli(desk, "backup", "list").stdout
    assert f"Warning: The backup folder {usb} is missing" in text
