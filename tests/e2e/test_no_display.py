"""`crisisdesk` with no display (over SSH): one line saying so and how to use the command line,
exit 1, instead of Qt aborting the process (exit 134) with a misleading message."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from crisisdesk.app import display_missing

HEADLESS_ENV = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux")
def test_no_display_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in HEADLESS_ENV and not k.startswith("CRISISDESK_")}
    out = subprocess.run([sys.executable, "-m", "crisisdesk", "--data-dir", str(tmp_path / "d")],
                         capture_output=True, text=True, env=env, timeout=60,
                         stdin=subprocess.DEVNULL)
    assert out.returncode == 1, out.stderr
    assert out.stdout == ""
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert "no display" in lines[0]
    assert "xcb" not in lines[0]
    hint = lines[0].split("use the command line instead: ", 1)[1]
    assert hint.endswith(" --help")
    help_out = subprocess.run(shlex.split(hint), capture_output=True, text=True, env=env,
                              timeout=60, stdin=subprocess.DEVNULL)
    assert help_out.returncode == 0, help_out.stderr  # the hint works as typed
    assert "Usage: crisisdesk" in help_out.stdout


@pytest.mark.parametrize(("env", "missing"), [
    ({}, True),
    ({"DISPLAY": ":0"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":1"}, False),
    ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":1"}, True),
    ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":1"}, False),
    ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, False),
])
def test_which_environments_have_a_display(env: dict[str, str], missing: bool) -> None:
    assert display_missing(env, "linux") is missing
    assert display_missing(env, "win32") is False  # Windows and macOS always have one
