"""`crisisdesk backup create|verify|restore` as a separate process, with the real KDF cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """A desk (data dir, recovery code) and a backup of it, made through the CLI."""
    root = tmp_path_factory.mktemp("backup-e2e")
    data_dir = root / "desk"
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    code = out.stdout.split("RECOVERY KEY")[1].splitlines()[1].strip()
    assert run_cli(data_dir, "settings", "set", "autolock_minutes", "20").returncode == 0
    target = root / "desk.crisisdesk-backup"
    out = run_cli(data_dir, "backup", "create", str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Wrote {target}")
    return data_dir, code, target


def _one_line_error(out: object) -> str:
    stderr = out.stderr  # type: ignore[attr-defined]
    assert out.returncode == 1, stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("crisisdesk: ")
    return str(lines[0])


def test_verify_with_a_passphrase_prints_a_short_report(desk: tuple[Path, str, Path]) -> None:
    data_dir, _, backup = desk
    out = run_cli(data_dir, "backup", "verify", str(backup))
    assert out.returncode == 0, out.stderr
    assert "Audit chain: OK, 2 entries" in out.stdout  # desk.init + settings.set
    assert "Operators:   1" in out.stdout
    assert "Contacts:    0" in out.stdout
    assert out.stdout.rstrip().endswith("OK: this backup can be restored.")


def test_verify_json_with_the_recovery_key(desk: tuple[Path, str, Path], tmp_path: Path) -> None:
    data_dir, code, backup = desk
    key_file = tmp_path / "recovery.txt"
    key_file.write_text(code + "\n")
    out = run_cli(data_dir, "--recovery-key-file", str(key_file), "backup", "verify",
                  str(backup), "--json", passphrase=None, operator=None)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["org"] == "Riverside Clinics"
    assert report["audit"]["count"] == 2
    assert report["created_by"] == "alex"


def test_verify_with_a_wrong_passphrase_is_one_line(desk: tuple[Path, str, Path]) -> None:
    data_dir, _, backup = desk
    out = run_cli(data_dir, "backup", "verify", str(backup), passphrase="not the passphrase")
    assert _one_line_error(out) == (
        "crisisdesk: Wrong operator name or passphrase for this backup."
    )


def test_verify_without_any_secret_says_how_to_give_one(desk: tuple[Path, str, Path]) -> None:
    data_dir, _, backup = desk
    out = run_cli(data_dir, "backup", "verify", str(backup), passphrase=None)
    assert "CRISISDESK_PASSPHRASE" in _one_line_error(out)


def test_a_truncated_backup_is_rejected(desk: tuple[Path, str, Path], tmp_path: Path) -> None:
    data_dir, _, backup = desk
    broken = tmp_path / "broken.crisisdesk-backup"
    data = backup.read_bytes()
    broken.write_bytes(data[: len(data) - 4096])
    out = run_cli(data_dir, "backup", "verify", str(broken))
    assert "not a readable CrisisDesk backup" in _one_line_error(out)
    out = run_cli(data_dir, "backup", "restore", str(broken), "--to", str(tmp_path / "r"))
    _one_line_error(out)
    assert not (tmp_path / "r").exists()


def test_create_refuses_to_overwrite_without_force(desk: tuple[Path, str, Path]) -> None:
    data_dir, _, backup = desk
    before = backup.read_bytes()
    out = run_cli(data_dir, "backup", "create", str(backup))
    assert "--force" in _one_line_error(out)
    assert backup.read_bytes() == before


def test_restore_gives_a_working_desk_with_the_same_history(desk: tuple[Path, str, Path],
                                                            tmp_path: Path) -> None:
    data_dir, _, backup = desk
    new_dir = tmp_path / "restored"
    out = run_cli(data_dir, "backup", "restore", str(backup), "--to", str(new_dir))
    assert out.returncode == 0, out.stderr
    assert f"crisisdesk --data-dir {new_dir}" in out.stdout

    live = json.loads(run_cli(data_dir, "audit", "show", "--json").stdout)
    restored = run_cli(new_dir, "audit", "show", "--json")
    assert restored.returncode == 0, restored.stderr
    entries = json.loads(restored.stdout)
    # The live desk has one more entry (backup.create) recorded after the copy was taken.
    assert entries[:2] == live[:2]
    assert [e["action"] for e in entries] == ["desk.init", "settings.set", "backup.restore"]
    assert run_cli(new_dir, "audit", "verify").returncode == 0
    got = run_cli(new_dir, "settings", "get", "autolock_minutes")
    assert got.stdout.strip() == "20"


def test_restore_never_writes_into_a_folder_that_is_not_empty(desk: tuple[Path, str, Path]
                                                              ) -> None:
    data_dir, _, backup = desk
    before = sorted(p.name for p in data_dir.iterdir())
    out = run_cli(data_dir, "backup", "restore", str(backup), "--to", str(data_dir))
    assert "not empty" in _one_line_error(out)
    assert sorted(p.name for p in data_dir.iterdir()) == before


def test_restore_needs_to(desk: tuple[Path, str, Path]) -> None:
    data_dir, _, backup = desk
    out = run_cli(data_dir, "backup", "restore", str(backup))
    assert out.returncode == 2


def test_a_damaged_desk_inside_a_valid_zip_fails_verify(desk: tuple[Path, str, Path],
                                                        tmp_path: Path) -> None:
    from tests.support.backups import forge

    data_dir, _, backup = desk
    forged = forge(backup, tmp_path / "forged.crisisdesk-backup", page=3)
    out = run_cli(data_dir, "backup", "verify", str(forged))
    assert "the backup failed its check: integrity" in _one_line_error(out)
    assert "Audit chain: not checked" in out.stdout
