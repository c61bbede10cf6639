"""`crisisdesk templates` and `crisisdesk messages` as a user runs them (separate processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.templates import approve_library_at

BEA_PASSPHRASE = "bea's long passphrase"
RISKY_LETTER = (
    '+++\nkey = "risky-letter"\nname = "Risky letter"\naudience = "patients"\n'
    'channel = "printed_letter"\nlanguage = "en"\n+++\n'
    "<p>There is no evidence your information was misused. Your information is safe and we "
    "guarantee this will never happen again. The hacker, a disgruntled former contractor, "
    "has been found.</p>\n")


def as_bea(desk: Path, *args: str) -> object:
    """A second approver: the four-eyes rule needs someone who did not write the version."""
    return run_cli(desk, *args, operator="bea", passphrase=BEA_PASSPHRASE)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("e2e-templates") / "desk"
    out = run_cli(data_dir, "init", "--org", "Riverside Clinics")
    assert out.returncode == 0, out.stderr
    out = run_cli(data_dir, "operators", "add", "bea", "--role", "approver",
                  extra_env={"CRISISDESK_NEW_PASSPHRASE": BEA_PASSPHRASE})
    assert out.returncode == 0, out.stderr
    approve_library_at(data_dir)  # alex, an approver at the organisation, approves it
    return data_dir


def test_a_new_desk_gets_the_library_in_review_and_uses_nothing_until_approved(
        tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    assert run_cli(fresh, "init", "--org", "Riverside Clinics").returncode == 0
    out = run_cli(fresh, "templates", "list", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert len(listed) >= 15
    assert all(t["latest_status"] == "in_review" and t["approved_version"] is None
               for t in listed)
    assert {"patient-notification-en", "patient-notification-es"} <= {t["key"] for t in listed}
    out = run_cli(fresh, "templates", "render", "patient-notification-en", "--sample")
    assert out.returncode == 1
    assert "has no approved version" in out.stderr
    out = run_cli(fresh, "messages", "issue", "staff-sms-alert-en", "--recipients", "2",
                  "--var", "action_requested=Come in", "--var", "staff_hotline=217-555-0120")
    assert out.returncode == 1
    assert "has no approved version" in out.stderr
    out = run_cli(fresh, "templates", "approve", "patient-notification-en",
                  "--acknowledge-warnings")
    assert out.returncode == 0, out.stderr
    shown = json.loads(run_cli(fresh, "templates", "show", "patient-notification-en",
                               "--json").stdout)
    assert shown["approved_by"] == "alex"
    assert not shown["needs_legal_review"]
    out = run_cli(fresh, "templates", "render", "patient-notification-en", "--sample")
    assert out.returncode == 0, out.stderr


def test_risky_wording_is_refused_at_approval_with_each_phrase_named(desk: Path,
                                                                      tmp_path: Path) -> None:
    letter = tmp_path / "risky.tmpl"
    letter.write_text(RISKY_LETTER, "utf-8")
    for step in (("templates", "import", str(letter)), ("templates", "submit", "risky-letter")):
        out = run_cli(desk, *step)
        assert out.returncode == 0, (step, out.stderr)
    out = as_bea(desk, "templates", "approve", "risky-letter", "--acknowledge-warnings")
    assert out.returncode == 1
    refusal = out.stderr.strip().splitlines()[-1]
    assert refusal.startswith("crisisdesk: Cannot approve risky-letter version 1: risky wording")
    for phrase in ("no evidence of misuse", "your information is safe", "guarantee",
                   "will never happen again", "the hacker", "disgruntled", "former contractor"):
        assert f'"{phrase}"' in refusal, phrase
    assert "ERROR Risky wording \"your information is safe\" in: \"Your information is safe " \
        "and we guarantee" in out.stderr  # each finding with its sentence


def test_the_approval_policy_is_four_eyes_unless_an_admin_records_a_reason(
        tmp_path: Path) -> None:
    fresh = tmp_path / "policy"
    assert run_cli(fresh, "init", "--org", "Riverside Clinics").returncode == 0
    policy = json.loads(run_cli(fresh, "templates", "policy", "--json").stdout)
    assert policy["single_person"] is False
    out = run_cli(fresh, "templates", "policy", "--single-person")
    assert out.returncode == 1
    assert "reason" in out.stderr
    out = run_cli(fresh, "templates", "policy", "--single-person", "--reason",
                  "Two-person clinic; counsel reviews every letter")
    assert out.returncode == 0, out.stderr
    assert "Single-person approval allowed by alex" in out.stdout
    audit = run_cli(fresh, "audit", "show", "--json")
    assert audit.returncode == 0
    assert "counsel reviews every letter" in audit.stdout


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
    steps = [("templates", "import", str(edited)), ("templates", "submit", "staff-sms-alert-en")]
    for step in steps:
        out = run_cli(desk, *step)
        assert out.returncode == 0, (step, out.stderr)
    own = run_cli(desk, "templates", "approve", "staff-sms-alert-en")  # alex wrote it
    assert own.returncode == 1
    assert "another approver must approve it" in own.stderr
    out = as_bea(desk, "templates", "approve", "staff-sms-alert-en")
    assert out.returncode == 0, out.stderr
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
    assert "legal advice" not in out.stderr  # approved by the organisation, not the library
