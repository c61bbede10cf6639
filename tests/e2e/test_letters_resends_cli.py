"""`crisisdesk letters resends`: the re-sends callers asked for, listed and reprinted."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.services.hotline import actions, lookup, verify
from crisisdesk.services.session import Session
from tests.support.cli import run_cli
from tests.support.hotline import agent_session, mailed_letters
from tests.support.pdf import page_texts


def test_resends_are_listed_then_printed_once(session: Session, tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    agent = agent_session(session)
    handle = lookup.lookup(agent, reference=refs["Ann"]).handle
    assert verify.verify(agent, handle, CallerFacts(birth_date=dt.date(1980, 5, 1),
                                                    zip_code="62701")).verified
    actions.request_resend(agent, handle)
    agent.close()
    session.close()
    listed = run_cli(session.data_dir, "letters", "resends", "--json")
    assert listed.returncode == 0, listed.stderr
    waiting = json.loads(listed.stdout)
    assert [(w["reference"], w["batch"]) for w in waiting] == [(refs["Ann"], 1)]
    out = tmp_path / "re-sends.pdf"
    printed = run_cli(session.data_dir, "letters", "resends", "--print", str(out))
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == f"Wrote 1 letter to {out}; print and mail them."
    assert refs["Ann"] in " ".join(page_texts(out))
    again = run_cli(session.data_dir, "letters", "resends", "--print", str(out))
    assert (again.returncode, again.stderr.strip()) == (1, "crisisdesk: No re-send is waiting.")
