"""The core commands, run as a separate process: exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.services import desk as desk_service
from tests.support.cli import E2E_PASSPHRASE, run_cli


@pytest.fixture(scope="module")
def cli_desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("e2e") / "desk"
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    code = out.stdout.split("RECOVERY KEY")[1].splitlines()[1].strip()
    return data_dir, code


def test_init_prints_a_recovery_key_that_opens_the_desk(cli_desk: tuple[Path, str],
                                                        tmp_path: Path) -> None:
    data_dir, code = cli_desk
    key_file = tmp_path / "recovery.txt"
    key_file.write_text(code + "\n")
    out = run_cli(data_dir, "--recovery-key-file", str(key_file), "audit", "verify",
                  passphrase=None, operator=None)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("OK:")


def test_wrong_passphrase_is_one_line_and_exit_1(cli_desk: tuple[Path, str]) -> None:
    out = run_cli(cli_desk[0], "operators", "list", passphrase="nope nope nope")
    assert out.returncode == 1
    assert out.stderr.strip() == "crisisdesk: Wrong operator name or passphrase."
    assert "Traceback" not in out.stderr


def test_usage_error_exits_2(cli_desk: tuple[Path, str]) -> None:
    assert run_cli(cli_desk[0], "operators", "list", "--bogus").returncode == 2
    assert run_cli(cli_desk[0], "nosuchcommand").returncode == 2


def test_missing_desk_is_a_clear_error(tmp_path: Path) -> None:
    out = run_cli(tmp_path / "empty", "audit", "show")
    assert out.returncode == 1
    assert "No desk in" in out.stderr
    assert "Traceback" not in out.stderr


def test_operators_and_audit_round_trip(cli_desk: tuple[Path, str]) -> None:
    data_dir, _ = cli_desk
    add = run_cli(data_dir, "operators", "add", "sam", "--role", "approver",
                  extra_env={"CRISISDESK_NEW_PASSPHRASE": "sams passphrase 1"})
    assert add.returncode == 0, add.stderr
    listed = json.loads(run_cli(data_dir, "operators", "list", "--json").stdout)
    assert {"name": "sam", "role": "approver"} in listed
    as_sam = run_cli(data_dir, "operators", "list", operator="sam",
                     passphrase="sams passphrase 1")
    assert as_sam.returncode == 0
    assert "alex" in as_sam.stdout
    shown = json.loads(run_cli(data_dir, "audit", "show", "--json").stdout)
    assert [e["action"] for e in shown][:2] == ["desk.init", "operator.add"]


def test_audit_verify_names_an_altered_entry(cli_desk: tuple[Path, str]) -> None:
    data_dir, _ = cli_desk
    session = desk_service.unlock(data_dir, "alex", E2E_PASSPHRASE)
    try:
        session.db.execute("UPDATE audit SET operator = 'mallory' WHERE seq = 1")
        out = run_cli(data_dir, "audit", "verify")
        assert out.returncode == 1
        assert "entry 1 was altered" in out.stderr
        session.db.execute("UPDATE audit SET operator = 'alex' WHERE seq = 1")
        assert run_cli(data_dir, "audit", "verify").returncode == 0
    finally:
        session.close()
