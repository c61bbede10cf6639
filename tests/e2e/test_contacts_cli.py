"""`crisisdesk contacts ...` run as a separate process, as a user (or a script) would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("contacts-e2e") / "desk"
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    return data_dir


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_import_then_search_json(desk: Path, tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "staff.csv", [
        ["Full Name", "Company", "Cell", "Tags"],
        ["Dana Reyes", "Riverside Clinics", "(212) 555-0142", "on-call"],
        ["José Müller", "Daily Courier", "+44 20 7946 0958", "media"],
    ])
    out = run_cli(desk, "contacts", "import", str(staff))
    assert out.returncode == 0, out.stderr
    assert "Imported 2 of 2 contacts from staff.csv" in out.stdout

    out = run_cli(desk, "contacts", "search", "555 0142", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert [c["name"] for c in found] == ["Dana Reyes"]
    assert found[0]["phones"][0]["e164"] == "+12125550142"

    out = run_cli(desk, "contacts", "search", "jose")
    assert out.returncode == 0
    assert out.stdout.splitlines()[0].split() == ["NAME", "KIND", "ORGANISATION", "PHONE", "ID"]
    assert "José Müller" in out.stdout


def test_bad_file_exit_1_naming_the_line(desk: Path, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", [
        ["Name", "Phone"], ["Ann Able", "212 555 0101"], ["Ben Bold", "212 555 0102"],
        ["", "212 555 0103"], ["Di Dash", "not a phone"],
    ])
    before = json.loads(run_cli(desk, "contacts", "list", "--json").stdout)
    out = run_cli(desk, "contacts", "import", str(bad))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines[0] == "bad.csv: line 4: the row has no name"
    assert lines[1] == 'bad.csv: line 5: "not a phone" is not a phone number'
    assert lines[-1].startswith("crisisdesk: Nothing was imported: line 4")
    assert "Traceback" not in out.stderr
    assert json.loads(run_cli(desk, "contacts", "list", "--json").stdout) == before

    out = run_cli(desk, "contacts", "import", str(bad), "--skip-invalid", "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert (report["imported"], report["skipped"], report["dry_run"]) == (2, 2, True)


def test_bad_option_exit_2(desk: Path, tmp_path: Path) -> None:
    out = run_cli(desk, "contacts", "import", str(tmp_path / "x.csv"), "--no-such-option")
    assert out.returncode == 2
    out = run_cli(desk, "contacts", "list", "--kind", "astronaut")
    assert out.returncode == 2
    out = run_cli(desk, "contacts", "import", str(tmp_path / "x.csv"), "--map", "oops")
    assert out.returncode == 2


def test_add_list_remove_export(desk: Path, tmp_path: Path) -> None:
    out = run_cli(desk, "contacts", "add", "Sam Lee", "--org", "Metro Police", "--kind",
                  "law_enforcement", "--phone", "desk=212 555 0100", "--tag", "police", "--json")
    assert out.returncode == 0, out.stderr
    sam = json.loads(out.stdout)
    listed = json.loads(run_cli(desk, "contacts", "list", "--kind", "law_enforcement",
                                "--json").stdout)
    assert [c["id"] for c in listed] == [sam["id"]]

    target = tmp_path / "export.csv"
    out = run_cli(desk, "contacts", "export", str(target))
    assert out.returncode == 0, out.stderr
    assert "Sam Lee" in target.read_text("utf-8-sig")

    out = run_cli(desk, "contacts", "remove", sam["id"])
    assert (out.returncode, out.stdout.strip()) == (0, "Removed Sam Lee.")
    out = run_cli(desk, "contacts", "remove", sam["id"])
    assert out.returncode == 1
    assert out.stderr.startswith("crisisdesk: That contact no longer exists")


def test_every_contacts_command_has_an_example(desk: Path) -> None:
    for command in ("import", "export", "list", "search", "add", "remove"):
        out = run_cli(desk, "contacts", command, "--help", passphrase=None, operator=None)
        assert out.returncode == 0
        assert "Example: crisisdesk contacts " + command in out.stdout
