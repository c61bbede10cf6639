"""`crisisdesk tree ...` and `crisisdesk activation ...`: documented, and a whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from crisisdesk.cli import cli
from crisisdesk.domain.errors import UserError
from crisisdesk.services.session import Session
from tests.support.cli import run_cli
from tests.support.crisis import staff
from tests.support.desk import PASSPHRASE


def test_every_command_has_an_example() -> None:
    runner = CliRunner()
    for group, subs in (("tree", ["list", "show", "create", "add", "remove", "move", "backup",
                                  "import", "export", "print", "stale"]),
                        ("activation", ["start", "record", "mark", "status", "close", "report"])):
        for sub in subs:
            result = runner.invoke(cli, [group, sub, "--help"])
            assert result.exit_code == 0, (group, sub, result.output)
            assert "Example: crisisdesk " in result.output, (group, sub)


def invoke(data_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args],
                                env={"CRISISDESK_PASSPHRASE": PASSPHRASE,
                                     "CRISISDESK_OPERATOR": "alex"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_import_start_record_status_close(session: Session, tmp_path: Path) -> None:
    for i, name in enumerate(["Lee Lead", "Ann Able", "Bo Baker"]):
        staff(session, name, phone=f"(312) 555-01{i:02d}")
    data_dir = session.data_dir
    session.close()
    csv_file = tmp_path / "leadership.csv"
    csv_file.write_text("person,caller,backup\nLee Lead,,Bo Baker\nAnn Able,Lee Lead,\n"
                        "Bo Baker,Lee Lead,\n", encoding="utf-8")
    assert "Imported 3 people into leadership" in invoke(data_dir, "tree", "import",
                                                         str(csv_file))
    shown = json.loads(invoke(data_dir, "tree", "show", "leadership", "--json"))
    assert [(p["person"], p["depth"]) for p in shown["people"]] == [
        ("Lee Lead", 0), ("Ann Able", 1), ("Bo Baker", 1)]
    started = json.loads(invoke(data_dir, "activation", "start", "leadership", "--message",
                                "Systems down.", "--action", "Use paper.", "--report-to", "IC",
                                "--value", "staff_hotline=312-555-0199", "--json"))
    invoke(data_dir, "activation", "record", started["id"], "Lee Lead", "reached")
    invoke(data_dir, "activation", "record", started["id"][:8], "ann able", "vm", "--at",
           "00:01")
    status = json.loads(invoke(data_dir, "activation", "status", started["id"], "--json"))
    assert (status["reached"], status["attempted"], status["not_called"]) == (1, 1, 1)
    assert "Closed: 1 of 3 reached" in invoke(data_dir, "activation", "close", started["id"])
    listed = json.loads(invoke(data_dir, "tree", "list", "--json"))
    assert listed[0]["people"] == 3


def refused(data_dir: Path, *args: str) -> str:
    """The one line `crisisdesk` prints for a refusal (`main` turns the UserError into it)."""
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args],
                                env={"CRISISDESK_PASSPHRASE": PASSPHRASE,
                                     "CRISISDESK_OPERATOR": "alex"})
    assert isinstance(result.exception, UserError), result.output
    return str(result.exception)


def test_a_real_start_needs_its_message_and_a_second_one_needs_also(session: Session) -> None:
    staff(session, "Lee Lead")
    data_dir = session.data_dir
    session.close()
    invoke(data_dir, "tree", "create", "leadership")
    invoke(data_dir, "tree", "add", "leadership", "Lee Lead")
    start = ["activation", "start", "leadership", "--action", "Use paper.", "--report-to", "IC",
             "--value", "staff_hotline=312-555-0199"]
    assert "needs the message" in refused(data_dir, *start, "--message", " ")
    invoke(data_dir, *start, "--message", "Systems down.")
    again = refused(data_dir, *start, "--message", "Systems down.")
    assert "already running" in again
    assert "Add --also" in again
    invoke(data_dir, *start, "--message", "Systems down.", "--also")
    assert len(json.loads(invoke(data_dir, "activation", "status", "--json"))) == 2


@pytest.mark.slow
def test_refusals_in_a_real_process(session: Session, tmp_path: Path) -> None:
    """One subprocess: a bad tree file is named by line and nothing is imported."""
    staff(session, "Lee Lead")
    data_dir = session.data_dir
    session.close()
    bad = tmp_path / "bad.csv"
    bad.write_text("person,caller,backup\nLee Lead,,Lee Lead\nNobody,Lee Lead,\n", "utf-8")
    result = run_cli(data_dir, "tree", "import", str(bad), passphrase=PASSPHRASE)
    assert result.returncode == 1
    assert "bad.csv: line 2: \"Lee Lead\" is their own backup" in result.stderr
    assert "bad.csv: line 3: person \"Nobody\" is not in Contacts" in result.stderr
    assert "Nothing was imported" in result.stderr


def test_print_call_sheets_pdf(session: Session, tmp_path: Path) -> None:
    for i, name in enumerate(["Lee Lead", "Ann Able"]):
        staff(session, name, phone=f"(312) 555-01{i:02d}")
    data_dir = session.data_dir
    session.close()
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("person,caller,backup\nLee Lead,,\nAnn Able,Lee Lead,\n", "utf-8")
    invoke(data_dir, "tree", "import", str(csv_file), "--name", "Small")
    pdf = tmp_path / "sheets.pdf"
    invoke(data_dir, "tree", "print", "Small", str(pdf), "--what", "sheets")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Call sheet: Lee Lead" in text
    assert "Ann Able" in text
