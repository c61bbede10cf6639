"""`crisisdesk hotline faq|export --call-centre|import|stats` run in-process through `main`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crisisdesk.services.session import Session
from tests.support.hotline import AGENT, agent_session, mailed_letters
from tests.support.hotline import run_cli_in_process as _run


def test_faq_search_ask_and_the_call_centre_files(
        session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    refs = mailed_letters(session, tmp_path)
    agent_session(session).close()

    def agent(*args: str) -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, session.data_dir, AGENT, *args)

    def alex(*args: str) -> tuple[int, str, str]:
        return _run(capsys, monkeypatch, session.data_dir, "alex", *args)

    code, out, _ = agent("hotline", "faq", "credit", "--language", "es", "--json")
    assert code == 0
    assert json.loads(out)[0]["question"] == "¿Hay vigilancia de crédito gratis?"
    code, out, _ = agent("hotline", "faq", "--script", "greeting")
    assert out.startswith("Hotline greeting\nThank you for calling Riverside Clinics.")
    code, out, _ = agent("hotline", "faq", "parking", "at", "the", "clinic")
    assert (code, out) == (0, "No approved answer. Log the question with --ask.\n")
    code, out, _ = agent("hotline", "faq", "Is", "there", "parking", "at", "the", "clinic?",
                         "--ask", "--json")
    assert json.loads(out)["new_draft"] is True
    code, _, err = agent("hotline", "faq", "Is", "ZIP", "62701", "in", "it?", "--ask")
    assert (code, err) == (1, "crisisdesk: Type the question without numbers, dates or e-mail "
                              "addresses: it is kept in the log, and the caller's details "
                              "must not be.\n")
    code, out, _ = alex("hotline", "faq", "--unanswered", "--json")
    assert [(q["question"], q["asked"]) for q in json.loads(out)] == [
        ("Is there parking at the clinic?", 1)]
    # the outside call centre: an agent may not export their file; an operator may
    code, _, err = agent("hotline", "export", str(tmp_path / "l.csv"), "--call-centre")
    assert code == 1
    assert "hotline agent" in err or "role" in err
    code, out, _ = alex("hotline", "export", str(tmp_path / "l.csv"), "--call-centre", "--json")
    assert json.loads(out) == {"file": str(tmp_path / "l.csv"), "letters": 3}
    assert refs["Ann"] in (tmp_path / "l.csv").read_text("utf-8-sig")
    log = tmp_path / "calls.csv"
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)  # the CLI runs on the real clock
    log.write_text("call_id,time,agent,language,verified,topics,outcome,duration_s\n"
                   f"X1,{hour_ago:%Y-%m-%dT%H:%M:%SZ},Pat,en,yes,letter,answered,300\n"
                   f"X2,{hour_ago:%Y-%m-%dT%H:%M:%SZ},Pat,en,maybe,letter,answered,300\n",
                   "utf-8")
    code, _, err = alex("hotline", "import", str(log), "--centre", "Acme")
    assert code == 1
    assert "line 3: verified must be yes or no, not 'maybe'" in err
    log.write_text(log.read_text().replace("maybe", "no"))
    code, out, _ = alex("hotline", "import", str(log), "--centre", "Acme", "--json")
    assert json.loads(out) == {"rows": 2, "added": 2, "already": 0}
    code, out, _ = alex("hotline", "import", str(log), "--centre", "Acme")
    assert out == "2 calls in calls.csv: 0 added, 2 imported before.\n"
    code, out, _ = alex("hotline", "stats", "--json")
    stats = json.loads(out)
    assert stats["calls"] == 2
    assert stats["staffing"]["agents"] == 1
    code, out, _ = alex("hotline", "stats")
    assert "Staffing hint: 1 agent (0.7 calls/hour over the last 3 h" in out
