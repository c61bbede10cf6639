"""`crisisdesk hotline ...` run in-process through `main` (exit codes and stderr as a user
sees them), on a desk with mailed letters and a hotline agent."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from crisisdesk.services.session import REFUSED_ACTION, Session
from crisisdesk.store import audit as audit_store
from tests.support.hotline import AGENT, agent_session, mailed_letters
from tests.support.hotline import run_cli_in_process as _run


def test_an_agent_takes_a_call_from_the_command_line(
        session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    refs = mailed_letters(session, tmp_path)
    agent_session(session).close()

    def agent(*args: str) -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, session.data_dir, AGENT, *args)

    code, out, _ = agent("hotline", "lookup", "--reference", refs["Ann"], "--json")
    found = json.loads(out)
    assert code == 0
    assert found["found"] is True
    assert "please verify" in found["message"].lower()
    code, out, _ = agent("hotline", "verify", found["handle"], "--birth-date", "1980-05-02",
                         "--zip", "62701")
    assert code == 0
    assert "birth_date: no match" in out
    assert "zip_code: match" in out
    assert "62701" not in out
    code, out, _ = agent("hotline", "verify", found["handle"], "--birth-date", "05/01/1980",
                         "--zip", "62701", "--json")
    verified = json.loads(out)
    assert verified["verified"] is True
    assert verified["details"]["address_line1"] == "12 ****"
    assert verified["details"]["reference"] == refs["Ann"]
    code, out, _ = agent("hotline", "log", "--topic", "enrollment", "--topic", "letter",
                         "--outcome", "answered", "--note", "asked about Ann's code",
                         "--handle", found["handle"], "--json")
    assert code == 0
    assert json.loads(out)["id"]
    agent("hotline", "log", "--topic", "other", "--outcome", "hung_up", "--language", "es")
    code, out, _ = agent("hotline", "stats", "--json")
    stats = json.loads(out)
    assert (stats["calls"], stats["verified"]) == (2, 1)
    assert stats["per_topic"] == {"enrollment": 1, "letter": 1, "other": 1}
    assert list(stats["per_hour"].values()) == [2]  # both in this hour (real clock)

    code, _, err = agent("contacts", "list")
    assert code == 1
    assert err.count("\n") == 1
    assert "hotline agent and may use only the hotline desk" in err
    code, _, err = agent("hotline", "export", str(tmp_path / "calls.csv"))
    assert code == 1
    assert "hotline agent" in err
    refusals = [e for e in audit_store.entries(session.db) if e.action == REFUSED_ACTION]
    assert [e.operator for e in refusals] == [AGENT, AGENT]

    code, out, _ = _run(capsys, monkeypatch, session.data_dir, "alex", "hotline", "export",
                        str(tmp_path / "calls.csv"))
    assert code == 0
    assert "2 calls" in out
    with open(tmp_path / "calls.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["time", "agent", "language", "verified", "topics", "outcome",
                       "follow_up"]
    text = (tmp_path / "calls.csv").read_text("utf-8-sig")
    for identifier in ("Ann", "Smith", refs["Ann"], found["handle"], "62701"):
        assert identifier not in text
    assert sorted(r[3] for r in rows[1:]) == ["no", "yes"]


def test_bad_input_is_one_line(session: Session, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    mailed_letters(session, tmp_path)
    agent_session(session).close()
    code, _, err = _run(capsys, monkeypatch, session.data_dir, AGENT, "hotline", "lookup",
                        "--name", "Ann Smith")
    assert code == 1
    assert err == "crisisdesk: A lookup by name needs the date of birth too.\n"
    code, _, err = _run(capsys, monkeypatch, session.data_dir, AGENT, "hotline", "verify",
                        "nope", "--birth-date", "1980-05-01", "--zip", "62701")
    assert code == 1
    assert "look the caller up again" in err


def test_a_verified_callers_requests_from_the_command_line(
        session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    refs = mailed_letters(session, tmp_path)
    agent_session(session).close()

    def agent(*args: str) -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, session.data_dir, AGENT, "hotline", *args)

    _, out, _ = agent("lookup", "--reference", refs["Ann"], "--json")
    handle = json.loads(out)["handle"]
    code, _, err = agent("resend", handle)
    assert (code, err) == (1, "crisisdesk: Verify the caller first.\n")
    assert agent("verify", handle, "--birth-date", "1980-05-01", "--zip", "62701")[0] == 0
    assert agent("resend", handle) == (0, f"Re-send of letter {refs['Ann']} requested.\n", "")
    assert agent("language", handle, "es")[1] == "Preferred letter language set to es.\n"
    assert agent("language", handle, "fr")[0] == 2  # not a choice: usage
    code, _, err = agent("callback", handle, "--phone", "12")
    assert (code, err) == (1, 'crisisdesk: phone: "12" is not a phone number.\n')
    assert agent("callback", handle, "--phone", "217-555-0142", "--when", "mornings")[0] == 0
    assert agent("complaint", handle, "Nobody told me for a month.")[0] == 0
    code, _, err = agent("email-optin", handle, "ann@")
    assert (code, err) == (1, "crisisdesk: email: 'ann@' is not an e-mail address like "
                         "name@example.org.\n")
    assert agent("email-optin", handle, "ann@example.org")[1] == (
        "E-mail notice will go to ann@example.org.\n")
    code, _, err = agent("followups")  # the list is for the desk's operators, not agents
    assert code == 1
    assert "hotline agent" in err

    def alex(*args: str) -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, session.data_dir, "alex", "hotline", *args)

    code, out, _ = alex("followups", "--json")
    open_ = json.loads(out)
    assert [(f["kind"], f["reference"]) for f in open_] == [
        ("resend", refs["Ann"]), ("callback", refs["Ann"]), ("complaint", refs["Ann"])]
    assert open_[1]["detail"] == "(217) 555-0142 (mornings)"
    assert alex("close", open_[1]["id"], "--note", "called back") == (
        0, "Follow-up closed.\n", "")
    _, out, _ = alex("followups")
    assert "callback" not in out
    assert f"{refs['Ann']}  1/1" in out  # the re-send: batch 1, letter 1 to reprint
