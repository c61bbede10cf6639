"""`crisisdesk templates` and `crisisdesk messages` as a user runs them (separate processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("e2e-templates") / "desk"
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    return data_dir


def test_a_new_desk_lists_the_library_marked_for_legal_review(desk: Path) -> None:
    out = run_cli(desk, "templates", "list", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert len(listed) >= 15
    assert all(t["approved_version"] == 1 and t["needs_legal_review"] for t in listed)
    assert {"patient-notification-en", "patient-notification-es"} <= {t["key"] for t in listed}


def test_check_a_file_reports_line_and_column_and_exits_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tmpl"
    broken.write_text('+++\nkey = "broken"\nname = "Broken"\naudience = "staff"\n'
                      'channel = "email"\nlanguage = "en"\n[variables.floor]\ntype = "text"\n'
                      'description = "The floor"\nsample = "2"\n+++\n'
                      "Floor {{ floor }} is closed.\nUse {{ floor | }} stairs.\n", "utf-8")
    out = run_cli(tmp_path / "no-desk-needed", "templates", "check", "--file", str(broken),
                  passphrase=None, operator=None)
    assert out.returncode == 1
    assert "ERROR   line 2, column 16:" in out.stdout


def test_edit_submit_approve_issue_and_log(desk: Path, tmp_path: Path) -> None:
    exported = run_cli(desk, "templates", "export", "staff-sms-alert-en")
    assert exported.returncode == 0, exported.stderr
    edited = tmp_path / "sms.tmpl"
    edited.write_text(exported.stdout.replace("Do not forward this text.",
                                              "Reply OK when you read this."), "utf-8")
    steps = [("templates", "import", str(edited)), ("templates", "submit", "staff-sms-alert-en"),
             ("templates", "approve", "staff-sms-alert-en")]
    for step in steps:
        out = run_cli(desk, *step)
        assert out.returncode == 0, (step, out.stderr)
    issued = run_cli(desk, "messages", "issue", "staff-sms-alert-en", "--recipients", "12",
                     "--var", "org_name=Riverside", "--var", "action_requested=Come in now",
                     "--var", "staff_hotline=217-555-0120")
    assert issued.returncode == 0, issued.stderr
    assert issued.stdout.strip() == ("Riverside: our crisis plan is active. Come in now. "
                                     "Questions: (217) 555-0120. Reply OK when you read this.")
    log = json.loads(run_cli(desk, "messages", "log", "--json").stdout)
    assert [(e["template_key"], e["version"], e["recipient_count"], e["operator"])
            for e in log] == [("staff-sms-alert-en", 2, 12, "alex")]


def test_user_errors_are_one_line_and_exit_1(desk: Path, tmp_path: Path) -> None:
    out = run_cli(desk, "templates", "render", "patient-notification-en",
                  "--var", "breach_date=last week")
    assert out.returncode == 1
    assert out.stderr.strip() == ("crisisdesk: Variable breach_date must be a date like "
                                  "2026-03-02, not 'last week'.")
    bad = tmp_path / "bad.tmpl"
    bad.write_text('+++\nkey = "x-1"\nname = "X"\naudience = "patiens"\nchannel = "sms"\n'
                   'language = "en"\n+++\nHi\n', "utf-8")
    out = run_cli(desk, "templates", "import", str(bad))
    assert out.returncode == 1
    assert out.stderr.startswith("crisisdesk: bad.tmpl: Unknown audience 'patiens'")
    assert len(out.stderr.strip().splitlines()) == 1


def test_render_a_letter_to_pdf(desk: Path, tmp_path: Path) -> None:
    target = tmp_path / "letter.pdf"
    out = run_cli(desk, "templates", "render", "patient-notification-en", "--sample",
                  "--var", "recipient_name=<b>Ann</b>", "--out", str(target))
    assert out.returncode == 0, out.stderr
    assert target.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(PdfReader(str(target)).pages[0].extract_text().split())
    assert "Dear <b>Ann</b>," in text
    assert "legal advice" in out.stderr  # the library note, on stderr
