"""`crisisdesk contacts ...` run as a separate process, as a user (or a script) would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.support.cli import init_desk, run_cli


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("contacts-e2e") / "desk"
    init_desk(data_dir)
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


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contacts"


def test_unread_phone_column_exit_1_until_mapped_or_ignored(desk: Path, tmp_path: Path) -> None:
    staff = write_csv(tmp_path / "oncall.csv", [
        ["Name", "Reach me on", "Badge"],
        ["Tess Ward", "(212) 555-0131", "10442"],
        ["Uma Vale", "+1 212 555 0132", "10443"],
    ])
    before = json.loads(run_cli(desk, "contacts", "list", "--json").stdout)
    out = run_cli(desk, "contacts", "import", str(staff))
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "crisisdesk: Column \"Reach me on\" holds phone numbers but is not read: add --map "
        "'Reach me on=phone' to read it or --map 'Reach me on=ignore' to drop it.")
    assert json.loads(run_cli(desk, "contacts", "list", "--json").stdout) == before

    out = run_cli(desk, "contacts", "import", str(staff), "--map", "Reach me on=ignore",
                  "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "Ignored columns: Reach me on, Badge" in out.stdout
    out = run_cli(desk, "contacts", "import", str(staff), "--map", "Reach me on=mobile",
                  "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["sources"] == [
        {"field": "name", "cells": 2, "columns": ["Name"]},
        {"field": "phones", "cells": 2, "columns": ["Reach me on"]}]


def test_google_csv_says_what_filled_each_field(desk: Path) -> None:
    out = run_cli(desk, "contacts", "import", str(FIXTURES / "google_legacy.csv"), "--dry-run")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Would import 3 of 3 contacts from google_legacy.csv."
    assert lines[1].startswith("Read name: 9 from Name, Given Name, Additional Name, ")
    assert "phones: 6 from Phone 1 - Value, Phone 2 - Value, Phone 3 - Value;" in lines[1]
    assert "e-mail: 3 from E-mail 1 - Value, E-mail 2 - Value;" in lines[1]
    ignored = lines[2].removeprefix("Ignored columns: ").split(", ")
    assert "Yomi Name" in ignored
    assert "Website 1 - Value" in ignored
    assert not [c for c in ignored if c.startswith(("Phone", "E-mail", "Group"))]
    assert "Organization 1 - Title" not in ignored


def test_add_with_several_emails(desk: Path) -> None:
    out = run_cli(desk, "contacts", "add", "Vic Moss", "--email", "vic@riverside.example",
                  "--email", "vic@home.example", "--json")
    assert out.returncode == 0, out.stderr
    vic = json.loads(out.stdout)
    assert vic["emails"] == ["vic@riverside.example", "vic@home.example"]
    assert vic["email"] == "vic@riverside.example, vic@home.example"
    assert run_cli(desk, "contacts", "remove", vic["id"]).returncode == 0


def test_unbalanced_quote_exit_1_naming_the_line(desk: Path, tmp_path: Path) -> None:
    bad = tmp_path / "glued.csv"
    bad.write_text('Name,Phone\nAnn Able,212 555 0101\nBen Bold,"212 555 0102\n'
                   "Cy Clear,212 555 0103\nDi Dash,212 555 0104\n", encoding="utf-8")
    before = json.loads(run_cli(desk, "contacts", "list", "--json").stdout)
    out = run_cli(desk, "contacts", "import", str(bad), "--skip-invalid")
    assert out.returncode == 1
    assert out.stderr.strip() == ('crisisdesk: Line 3 of glued.csv opens a quoted cell that is '
                                  'never closed (an unbalanced " quote).')
    assert json.loads(run_cli(desk, "contacts", "list", "--json").stdout) == before
