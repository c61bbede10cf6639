"""`crisisdesk assessment ...` and `crisisdesk hhs ...` as a user runs them: one-line errors that
save nothing, JSON that says what the screen says, PDFs written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import init_desk, run_cli


def _ok(data_dir: Path, *args: str) -> str:
    out = run_cli(data_dir, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _error(data_dir: Path, *args: str) -> str:
    out = run_cli(data_dir, *args)
    assert out.returncode == 1, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
    return out.stderr


def test_assess_sign_diff_and_report_from_the_command_line(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    init_desk(desk)
    _ok(desk, "incident", "create", "--title", "Ransomware", "--kind", "ransomware",
        "--discovered", "2026-03-02", "--affected", "TX=40", "--system", "EHR")
    _ok(desk, "assessment", "new")
    _ok(desk, "assessment", "fact", "nature", "Names and diagnoses")
    assert "needs the reasons" in _error(desk, "assessment", "conclude", "low-probability")
    _ok(desk, "assessment", "sign")
    assert "signed and cannot be changed" in _error(desk, "assessment", "fact", "person",
                                                    "Too late")
    _ok(desk, "assessment", "new")
    _ok(desk, "assessment", "fact", "person", "Criminal group")
    _ok(desk, "assessment", "sign")
    diff = json.loads(_ok(desk, "assessment", "diff", "--json"))
    assert diff["old"]["signer"] == diff["new"]["signer"] == "alex"
    assert diff["changes"] == [{"what": "fact added", "factor": "person", "before": "",
                                "after": "Criminal group (alex)"}]
    shown = json.loads(_ok(desk, "assessment", "show", "--version", "1", "--json"))
    assert shown["factors"]["person"] == []
    assert shown["signed"]["problem"] == ""

    assert "'maybe' is not one of" in _error(desk, "hhs", "set", "ce_type=provider",
                                             "ba_involved=maybe")
    report = json.loads(_ok(desk, "hhs", "report", "--json"))
    missing = {m["key"] for m in report["missing"]}
    assert "ce_type" in missing  # the good answer beside the bad one was not saved
    fields = {f["key"]: f for s in report["sections"] for f in s["fields"]}
    assert fields["individuals"]["value"] == "40"
    assert fields["breach_affecting"]["value"] == "Fewer Than 500 Individuals"
    assert fields["location"]["value"] == "Electronic Medical Record"
    _ok(desk, "hhs", "set", "ce_type=provider")
    _ok(desk, "hhs", "save")
    assert "Initial Breach Report" in _ok(desk, "hhs", "versions")
    log = json.loads(_ok(desk, "hhs", "annual-log", "--year", "2026", "--json"))
    assert [e["individuals"] for e in log["entries"]] == [40]
    assert log["due"] == "2027-03-01"
    for command in (("assessment", "print"), ("hhs", "print")):
        pdf = tmp_path / f"{command[0]}.pdf"
        _ok(desk, *command, str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
