"""The outside call centre's files: masked names, code status, the call log read line by line."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.call_centre import (
    CALL_LOG_HEADER,
    CallLogRejected,
    code_status,
    mask_name,
    read_call_log,
)

NOW = dt.datetime(2026, 3, 20, 18, 0, tzinfo=dt.UTC)
COLUMNS = {c: c for c in CALL_LOG_HEADER}


def test_names_are_masked_to_initials() -> None:
    assert mask_name("Ann Marie Smith") == "A*** S***"
    assert mask_name("X", "George", "Brown") == "G*** B***"
    assert mask_name("Cher") == "C***"
    assert mask_name("") == ""


def test_code_status() -> None:
    today = dt.date(2026, 3, 20)
    assert code_status(None, None, None, today) == "none"
    assert code_status("AB1", "2026-07-31", None, today) == "open"
    assert code_status("AB1", "2026-03-19", None, today) == "expired"
    assert code_status("AB1", "2026-03-19", "2026-03-01", today) == "enrolled"


def _rows(*rows: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    return [(i + 2, row) for i, row in enumerate(rows)]


GOOD = {"call_id": "C1", "time": "2026-03-20 09:05", "agent": "Pat", "language": "es",
        "verified": "Yes", "topics": "enrollment; letter", "outcome": "answered",
        "follow_up": "", "duration_s": "240"}


def test_a_good_call_in_the_desks_terms() -> None:
    (call,) = read_call_log(_rows(GOOD), COLUMNS, "log.csv", dt.timezone(dt.timedelta(hours=-5)),
                            NOW)
    assert (call.at, call.verified, call.topics, call.duration_s) == (
        "2026-03-20T14:05:00Z", True, "enrollment,letter", 240)


def test_every_bad_row_is_named_by_its_line() -> None:
    bad = [dict(GOOD, call_id="C2", topics="gossip"), dict(GOOD, call_id="C3"),
           dict(GOOD, call_id="C1"), dict(GOOD, call_id="C4", time="yesterday"),
           dict(GOOD, call_id="C5", time="2026-03-21T00:00:00Z"),
           dict(GOOD, call_id="C6", duration_s="-3"), dict(GOOD, call_id="C7", verified="")]
    with pytest.raises(CallLogRejected) as caught:
        read_call_log(_rows(GOOD, *bad), COLUMNS, "log.csv", dt.UTC, NOW)
    problems = caught.value.problems
    assert problems[0].startswith("line 3: topic must be one of")
    assert problems[1:] == [
        "line 5: call C1 is listed again (first on line 2)",
        "line 6: time 'yesterday' is not like 2026-03-20T14:05:00Z",
        "line 7: time '2026-03-21T00:00:00Z' is in the future",
        "line 8: duration_s must be whole seconds from 0 to 14400, not '-3'",
        "line 9: verified must be yes or no, not ''"]
    assert str(caught.value).startswith("Nothing was applied from log.csv: line 3:")
