"""Handling time and the staffing hint; the outside call centre's lookup file and call log."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.call_centre import CallLogRejected
from crisisdesk.domain.errors import PermissionDenied, ValidationError
from crisisdesk.services.hotline import call_centre, calls, staffing, summary
from crisisdesk.services.session import Session
from tests.support.crisis import NOW, freeze
from tests.support.hotline import agent_session, mailed_letters

LOG_HEADER = "call_id,time,agent,language,verified,topics,outcome,follow_up,duration_s\n"
LOG_ROWS = ("A-1,2026-03-20T09:00:00Z,Pat,en,yes,enrollment,answered,,300\n"
            "A-2,2026-03-20T10:30:00Z,Lee,es,no,letter resend,resend_requested,resend,\n")


def test_handling_time_gives_the_staffing_hint(session: Session, tmp_path: Path) -> None:
    mailed_letters(session, tmp_path)
    agent = agent_session(session)
    try:
        assert staffing.staffing_hint(agent) is None  # no calls
        freeze(agent, NOW - dt.timedelta(hours=5))  # before the window: not counted
        calls.log_call(agent, language="en", topics=["letter"], outcome="answered",
                       duration_s=3000)
        freeze(agent, NOW)
        calls.log_call(agent, language="en", topics=["letter"], outcome="hung_up")
        assert staffing.staffing_hint(agent) is None  # calls, but none timed
        for seconds in (240, 360, 300, 300, 300):
            calls.log_call(agent, language="en", topics=["enrollment"], outcome="answered",
                           duration_s=seconds)
        hint = staffing.staffing_hint(agent)
        with pytest.raises(ValidationError):
            calls.log_call(agent, language="en", topics=["letter"], outcome="answered",
                           duration_s=-1)
    finally:
        agent.close()
    assert hint is not None
    assert (hint.calls, hint.timed_calls, hint.calls_per_hour, hint.average_handling_s) == (
        6, 5, 2.0, 300.0)
    assert hint.agents == 1
    rows = dict(summary.dashboard_summary(session).rows)
    assert rows["Staffing hint"].startswith("1 agent (2.0 calls/hour over the last 3 h, "
                                            "5 min 00 s a call on average")


def test_the_lookup_file_holds_no_more_than_the_call_centre_needs(
        session: Session, tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    out = tmp_path / "lookup.csv"
    assert call_centre.export_lookup(session, out) == 3
    text = out.read_text("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ["reference", "name", "state", "letter_variant", "code_status"]
    by_ref = {r["reference"]: r for r in rows}
    assert by_ref[refs["Ann"]] == {"reference": refs["Ann"], "name": "A*** S***",
                                   "state": "IL", "letter_variant": "adult",
                                   "code_status": "open"}
    assert by_ref[refs["Emma"]]["letter_variant"] == "minor"
    assert by_ref[refs["George"]]["letter_variant"] == "deceased"
    for secret in ("Smith", "1980", "Elm", "62701", "AB0000"):
        assert secret not in text
    agent = agent_session(session)
    try:
        with pytest.raises(PermissionDenied):
            call_centre.export_lookup(agent, tmp_path / "agent.csv")
    finally:
        agent.close()
    assert not (tmp_path / "agent.csv").exists()


def test_their_call_log_applies_whole_once(session: Session, tmp_path: Path) -> None:
    freeze(session)
    log = tmp_path / "log.csv"
    log.write_text(LOG_HEADER + LOG_ROWS, "utf-8")
    assert call_centre.import_call_log(session, log, "Acme Calls") == (
        call_centre.CallLogImport(2, 2, 0))
    stats = calls.stats(session)
    assert (stats.calls, stats.verified, stats.per_topic["resend"]) == (2, 1, 1)
    # the same file again adds nothing
    assert call_centre.import_call_log(session, log, "Acme Calls") == (
        call_centre.CallLogImport(2, 0, 2))
    assert calls.stats(session).calls == 2
    # one more call and one bad row: nothing of it applied, the bad row named by its line
    log.write_text(LOG_HEADER + LOG_ROWS + "A-3,2026-03-20T11:00:00Z,Pat,en,no,letter,"
                   "answered,,60\nA-4,2026-03-20T11:10:00Z,Pat,fr,no,letter,answered,,\n")
    with pytest.raises(CallLogRejected, match=r"^Nothing was applied from log.csv: line 5: "
                                              "language must be one of"):
        call_centre.import_call_log(session, log, "Acme Calls")
    assert calls.stats(session).calls == 2
    # a call imported before, now with other details: named, not overwritten
    log.write_text(LOG_HEADER + LOG_ROWS.replace("answered,,300", "hung_up,,300"))
    with pytest.raises(CallLogRejected, match="line 2: call A-1 was imported before"):
        call_centre.import_call_log(session, log, "Acme Calls")
    # another centre's call A-1 is another call
    assert call_centre.import_call_log(session, log, "Other Centre").added == 2
    assert calls.stats(session).calls == 4
