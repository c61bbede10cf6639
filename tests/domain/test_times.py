"""Stored UTC text read back and shown in the desk's zone, the same way everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.times import local_minutes, parse_utc, show_utc

CHICAGO_WINTER = dt.timezone(dt.timedelta(hours=-6))


def test_parse_utc_reads_the_stored_z_form_and_offsets() -> None:
    assert parse_utc("2026-03-02T20:05:00Z") == dt.datetime(2026, 3, 2, 20, 5, tzinfo=dt.UTC)
    assert parse_utc("2026-03-02T14:05:00-06:00") == parse_utc("2026-03-02T20:05:00Z")
    with pytest.raises(ValueError, match="yesterday"):
        parse_utc("yesterday")


def test_show_utc_writes_local_time_and_keeps_what_is_not_a_time() -> None:
    assert show_utc("2026-03-02T20:05:00Z", CHICAGO_WINTER) == "2026-03-02 14:05"
    assert show_utc("2026-03-03T01:30:00Z", CHICAGO_WINTER, "%Y-%m-%d") == "2026-03-02"
    assert show_utc("", CHICAGO_WINTER) == ""
    assert show_utc("not recorded", CHICAGO_WINTER) == "not recorded"


def test_local_minutes_is_the_same_format() -> None:
    moment = dt.datetime(2026, 3, 2, 20, 5, 59, tzinfo=dt.UTC)
    assert local_minutes(moment, CHICAGO_WINTER) == "2026-03-02 14:05"
