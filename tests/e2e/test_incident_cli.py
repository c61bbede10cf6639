"""The crisis commands as a user runs them: on the demo desk, in a separate process.

Each run unlocks the desk with the real key-derivation cost, so this module keeps the number of
runs small and checks several things per run.
"""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from crisisdesk.cli import cli
from tests.support.cli import run_cli


def demo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A run as the demo desk's admin."""
    return run_cli(data_dir, *args, operator="demo", passphrase="demo-passphrase-2026")

COMMANDS = {"incident": ["create", "list", "show", "update", "use"],
            "roles": ["list", "who", "show", "assign", "ack", "unavailable", "handover",
                      "edit", "print"],
            "timeline": ["add", "correct", "list"], "systems": ["list", "set", "add", "remove"],
            "deadlines": ["done", "undo", "flag"]}


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("incident-e2e") / "desk"
    out = run_cli(data_dir, "demo", passphrase=None, operator=None)
    assert out.returncode == 0, out.stderr
    assert "roles: 14 filled" in out.stdout
    return data_dir


def squash(text: str) -> str:
    """PDF text without ligatures or line breaks, so a wrapped name still matches."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def test_org_chart_pdf_has_every_holder(demo_desk: Path, tmp_path: Path) -> None:
    listed = demo(demo_desk, "roles", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    roster = json.loads(listed.stdout)
    names = {slot["name"] for role in roster["roles"] for slot in role["lineup"]}
    assert len(names) > 14
    pdf = tmp_path / "org chart.pdf"
    out = demo(demo_desk, "roles", "print", "--pdf", str(pdf))
    assert out.returncode == 0, out.stderr
    text = squash("".join(page.extract_text() for page in PdfReader(pdf).pages))
    missing = sorted(n for n in names if squash(n) not in text)
    assert missing == []
    assert squash("Incident Management Team Chart (HICS 207)") in text
    acting = [r for r in roster["roles"] if r["state"] == "backup_acting"]
    assert acting, "the demo has a backup acting for someone on leave"
    assert squash(f"acting ({acting[0]['acting']['label']})") in text


def test_incident_deadlines_and_log_round_trip(demo_desk: Path) -> None:
    bad = demo(demo_desk, "incident", "create", "--title", "Lost laptop", "--kind",
                  "data_breach", "--discovered", "2099-01-01")
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1
    assert "in the future" in bad.stderr
    assert "Traceback" not in bad.stderr

    made = demo(demo_desk, "incident", "create", "--title", "Lost laptop", "--kind",
                   "data_breach", "--discovered", "2026-03-02", "--affected", "TX=600",
                   "--affected", "OK=40", "--info", "names", "--info", "dob")
    assert made.returncode == 0, made.stderr

    due = demo(demo_desk, "deadlines", "--json")
    assert due.returncode == 0, due.stderr
    report = json.loads(due.stdout)
    assert report["incident"]["title"] == "Lost laptop"  # the new one is current
    by_key = {o["key"]: o for o in report["obligations"]}
    assert by_key["hipaa.hhs"]["due"] == "2026-05-01"
    assert by_key["hipaa.media.TX"]["due"] == "2026-05-01"
    assert "hipaa.media.OK" not in by_key
    assert by_key["state.TX.ag"]["due"] == "2026-04-01"
    assert "counsel" in report["verify_note"]

    done = demo(demo_desk, "deadlines", "done", "state.TX.ag", "--on", "3/30/2026",
                   "--ref", "TX AG form 55120")  # typed the US way
    assert done.returncode == 0, done.stderr

    bad_count = demo(demo_desk, "incident", "update", "--affected", "XX=5")
    assert bad_count.returncode == 1
    assert "'XX' is not a US state" in bad_count.stderr

    logged = demo(demo_desk, "timeline", "list", "--json")
    texts = [e["text"] for e in json.loads(logged.stdout)]
    assert any(t.startswith("Incident opened: Lost laptop") for t in texts)
    assert any("done on 2026-03-30" in t for t in texts)
    assert any("done on 2026-03-30 (reference TX AG form 55120)" in t for t in texts)


def test_deadlines_from_day_one_and_the_law_of_the_discovery_date(demo_desk: Path,
                                                                  tmp_path: Path) -> None:
    made = demo(demo_desk, "incident", "create", "--title", "Stolen backup tape", "--kind",
                "data_breach", "--discovered", "2025-06-01")
    assert made.returncode == 0, made.stderr
    shown = demo(demo_desk, "deadlines")
    assert shown.returncode == 0, shown.stderr
    assert "No notices triggered" not in shown.stdout
    def line(key: str) -> str:
        return next(x for x in shown.stdout.splitlines() if f" {key} " in x)

    assert line("hipaa.individuals").startswith("2025-07-31")  # 60 days, no count needed
    assert "OVERDUE by" in line("hipaa.individuals")
    assert "Counts unknown: HHS and media thresholds undecided" in line("counts_unknown")

    updated = demo(demo_desk, "incident", "update", "--affected", "CA=800",
                   "--unknown-residence", "600")
    assert updated.returncode == 0, updated.stderr
    report = json.loads(demo(demo_desk, "deadlines", "--json").stdout)
    by_key = {o["key"]: o for o in report["obligations"]}
    assert by_key["state.CA.ag"]["due"] is None  # the 15-day deadline began in 2026
    assert by_key["state.CA.ag"]["effective_to"] == "2026-01-01"
    assert "media_possible" in by_key
    assert by_key["media_possible"]["prompt"] is True
    assert {v["key"] for v in report["not_in_force"]} >= {"state.CA.ag", "state.CA.individuals"}
    assert all("2026-01-01" in v["reason"] for v in report["not_in_force"])


def test_spokesperson_hands_over_to_the_backup(demo_desk: Path) -> None:
    pio = json.loads(demo(demo_desk, "roles", "who", "pio", "--json").stdout)
    primary, backup = pio["lineup"][0]["name"], pio["lineup"][1]["name"]
    out = demo(demo_desk, "roles", "unavailable", primary, "--role", "pio", "--reason",
                  "lost voice")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"PIO: {backup} (acting, backup 1)"
    who = demo(demo_desk, "roles", "who")
    assert who.stdout.startswith(f"PIO: {backup} (acting, backup 1)")
    systems = demo(demo_desk, "systems", "set", "phones", "down", "--procedure",
                      "Runners and radios")
    assert systems.returncode == 0, systems.stderr
    media = demo(demo_desk, "timeline", "list", "--search", "now acting", "--json")
    assert any(f"{primary} marked unavailable (lost voice)" in e["text"]
               for e in json.loads(media.stdout))


def test_every_command_has_an_example_in_its_help() -> None:
    runner = CliRunner()
    for group, subs in COMMANDS.items():
        command = cli.commands[group]
        assert isinstance(command, click.Group)
        assert set(subs) <= set(command.commands), group
        for sub in subs:
            result = runner.invoke(cli, [group, sub, "--help"])
            assert result.exit_code == 0, (group, sub, result.output)
            assert "Example: crisisdesk " in result.output, (group, sub)
    assert "Example: crisisdesk deadlines" in runner.invoke(cli, ["deadlines", "--help"]).output


def test_response_facts_are_set_and_shown(demo_desk: Path) -> None:
    made = demo(demo_desk, "incident", "create", "--title", "Phishing", "--kind", "data_breach",
                "--discovered", "2026-03-02", "--breach-start", "2026-02-27",
                "--affected", "IL=12")
    assert made.returncode == 0, made.stderr
    bad = demo(demo_desk, "incident", "update", "--contained-on", "2026-02-01")
    assert bad.returncode == 1
    assert "before the breach started" in bad.stderr
    set_ = demo(demo_desk, "incident", "update", "--contained-on", "2026-03-03",
                "--law-enforcement-told", "2026-03-04", "--law-enforcement-agency", "the FBI")
    assert set_.returncode == 0, set_.stderr
    done = demo(demo_desk, "deadlines", "done", "hipaa.hhs_annual", "--on", "2026-03-20")
    assert done.returncode == 0, done.stderr
    shown = json.loads(demo(demo_desk, "incident", "show", "--json").stdout)
    assert (shown["contained_on"], shown["law_enforcement_notified_on"],
            shown["law_enforcement_agency"]) == ("2026-03-03", "2026-03-04", "the FBI")
    assert shown["response_facts"]["hhs_notified_on"] == "2026-03-20"
    assert shown["response_facts"]["letters_mailed_on"] is None
    text = demo(demo_desk, "incident", "show").stdout
    assert "Access stopped (contained):" in text
    assert "2026-03-03" in text
    assert "Letters first mailed:" in text
    assert "not recorded" in text
