"""`crisisdesk doctor` as a separate process: exit status, JSON, no Qt loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import init_desk, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("doctor-e2e") / "desk"
    init_desk(data_dir)
    return data_dir


def test_doctor_json_on_a_healthy_desk(data_dir: Path) -> None:
    out = run_cli(data_dir, "doctor", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert report["ok"] is True
    assert statuses["integrity"] == statuses["audit chain"] == "ok"
    assert report["versions"]["pyside6"]


def test_doctor_without_a_passphrase_reports_what_it_can(data_dir: Path) -> None:
    out = run_cli(data_dir, "doctor", passphrase=None, operator=None)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SKIP  integrity" in out.stdout
    assert "needs a passphrase" in out.stdout
    assert "font DejaVuSans.ttf" in out.stdout
    assert out.stdout.rstrip().endswith("No problems found (some checks were skipped).")


def test_doctor_exits_1_when_something_is_wrong(data_dir: Path) -> None:
    out = run_cli(data_dir, "doctor", passphrase="not the passphrase")
    assert out.returncode == 1
    assert "FAIL  unlock" in out.stdout
    assert "Traceback" not in out.stderr


def test_doctor_loads_no_qt(data_dir: Path) -> None:
    code = ("import sys, runpy\n"
            "sys.argv = ['crisisdesk', '--data-dir', sys.argv[1], 'doctor']\n"
            "try:\n    runpy.run_module('crisisdesk', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('QT:' + ','.join(m for m in sys.modules if m.startswith('PySide6')))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRISISDESK_")}
    out = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True,
                         text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert out.stdout.rstrip().splitlines()[-1] == "QT:", out.stdout + out.stderr
