"""`crisisdesk media|statements|cadence` as a user runs them (few processes: each unlocks)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from crisisdesk.cli import cli
from tests.support.cli import run_cli


def test_every_media_command_has_an_example() -> None:
    runner = CliRunner()
    for group, subs in (("media", ("add", "list", "edit", "assign", "answer", "close", "bank",
                                      "ask", "brief")),
                        ("statements", ("issue", "list")),
                        ("cadence", ("set", "status", "done"))):
        for sub in subs:
            out = runner.invoke(cli, [group, sub, "--help"]).output
            assert f"Example: crisisdesk {group} {sub}" in out, (group, sub)


def test_log_list_ask_cadence_and_brief(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert run_cli(desk, "init", "--org", "Riverside Clinics").returncode == 0
    bad = run_cli(desk, "media", "add", "--outlet", " ", "--question", "Q?")
    assert bad.returncode == 1
    assert bad.stderr.strip() == ("crisisdesk: An inquiry needs the outlet (the newspaper, "
                                  "station or site asking).")
    added = run_cli(desk, "media", "add", "--outlet", "Daily Ledger", "--question",
                    "When is the EHR back?", "--deadline", "2020-01-01 09:00")
    assert added.returncode == 0, added.stderr
    listed = json.loads(run_cli(desk, "media", "list", "--json").stdout)
    assert [(q["outlet"], q["deadline_state"]) for q in listed] == [("Daily Ledger", "overdue")]
    asked = run_cli(desk, "media", "ask", listed[0]["id"][:8], "--answer", "In stages.")
    assert asked.returncode == 0, asked.stderr
    refused = run_cli(desk, "media", "answer", listed[0]["id"][:8], "qa-when-is-the-ehr-back")
    assert refused.returncode == 1
    assert "no approved version" in refused.stderr
    assert run_cli(desk, "cadence", "set", "staff", "4h").returncode == 0
    status = json.loads(run_cli(desk, "cadence", "status", "--json").stdout)
    staff = next(s for s in status if s["audience"] == "staff")
    assert (staff["interval_minutes"], staff["state"]) == (240, "ok")
    pdf = tmp_path / "brief.pdf"
    brief = run_cli(desk, "media", "brief", "--pdf", str(pdf))
    assert brief.returncode == 0, brief.stderr
    text = " ".join("".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Spokesperson brief" in text
    assert "What not to say" in text


def test_edit_and_assign_an_inquiry(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    assert run_cli(desk, "init", "--org", "Riverside Clinics").returncode == 0
    assert run_cli(desk, "settings", "set", "timezone", "America/Chicago").returncode == 0
    assert run_cli(desk, "media", "add", "--outlet", "Ledger", "--question", "EHR?",
                   "--deadline", "2020-01-01 09:00").returncode == 0
    ref = json.loads(run_cli(desk, "media", "list", "--json").stdout)[0]["id"][:8]
    edited = run_cli(desk, "media", "edit", ref, "--outlet", "Daily Ledger", "--question",
                     "When is the EHR back?", "--deadline", "2099-03-20 16:30",
                     "--reporter", "Carla Smithers")
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.strip() == (f"Edited inquiry {ref} from Daily Ledger: outlet, "
                                     "reporter, deadline, question.")
    assigned = run_cli(desk, "media", "assign", ref, "Jordan Reyes")
    assert assigned.returncode == 0, assigned.stderr
    assert assigned.stdout.strip() == (f"Inquiry {ref} from Daily Ledger is assigned to "
                                       "Jordan Reyes.")
    [q] = json.loads(run_cli(desk, "media", "list", "--json").stdout)
    assert (q["outlet"], q["reporter"], q["question"], q["assignee"], q["status"]) == (
        "Daily Ledger", "Carla Smithers", "When is the EHR back?", "Jordan Reyes", "assigned")
    assert (q["deadline"], q["deadline_state"]) == ("2099-03-20T21:30:00Z", "ok")
    bad = run_cli(desk, "media", "edit", ref, "--outlet", " ")
    assert bad.returncode == 1
    assert bad.stderr.strip() == ("crisisdesk: An inquiry needs the outlet (the newspaper, "
                                  "station or site asking).")
    nothing = run_cli(desk, "media", "edit", ref)
    assert nothing.returncode == 2
    assert "--outlet" in nothing.stderr
    cleared = run_cli(desk, "media", "edit", ref, "--deadline", "none")
    assert cleared.returncode == 0, cleared.stderr
    assert json.loads(run_cli(desk, "media", "list", "--json").stdout)[0]["deadline"] == ""
    audit = run_cli(desk, "audit", "show", "--json")
    actions = [e["action"] for e in json.loads(audit.stdout)]
    assert actions.count("media.edited") == 2
    assert actions.count("media.assigned") == 1
