"""Stored UTC text read back and shown in the desk's zone, the same way everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.times import (
    local_minutes,
    parse_utc,
    show_utc,
    typed_clock,
    typed_date,
    typed_moment,
)

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


@pytest.mark.parametrize("typed", ["2026-12-01", "12/01/2026", "12/1/26", "Dec 1, 2026",
                                   "1 December 2026", "december 1st 2026", " Dec. 1 2026 "])
def test_a_date_is_read_as_a_us_reader_writes_it(typed: str) -> None:
    assert typed_date(typed) == dt.date(2026, 12, 1)


@pytest.mark.parametrize("typed", ["13/01/2026", "2026-02-30", "1 Smarch 2026", "12-01-2026",
                                   "tomorrow", ""])
def test_what_is_not_a_date_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the callers word the message
        typed_date(typed)


@pytest.mark.parametrize(("typed", "clock"), [
    ("15:00", (15, 0)), ("3pm", (15, 0)), ("3 PM", (15, 0)), ("3:30 pm", (15, 30)),
    ("3:30 p.m.", (15, 30)), ("12am", (0, 0)), ("12pm", (12, 0)), ("noon", (12, 0)),
    ("9:05", (9, 5)), ("0:00", (0, 0))])
def test_a_clock_time_is_read_on_either_clock(typed: str, clock: tuple[int, int]) -> None:
    assert typed_clock(typed) == dt.time(*clock)


@pytest.mark.parametrize("typed", ["3", "25:00", "13pm", "0am", "3:75", "soon"])
def test_what_is_not_a_time_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        typed_clock(typed)


def test_a_moment_is_a_date_a_time_or_both() -> None:
    assert typed_moment("12/01/2026 3pm") == (dt.date(2026, 12, 1), dt.time(15))
    assert typed_moment("Dec 1, 2026 at 3:30 pm") == (dt.date(2026, 12, 1), dt.time(15, 30))
    assert typed_moment("2026-12-01") == (dt.date(2026, 12, 1), None)
    assert typed_moment("3pm") == (None, dt.time(15))


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)),
       st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_what_the_desk_prints_reads_back(day: dt.date, clock: dt.time) -> None:
    for shown_day in (day.isoformat(), f"{day.month}/{day.day}/{day.year}",
                      day.strftime("%b %d, %Y"), day.strftime("%d %B %Y")):
        for shown_clock in (clock.strftime("%H:%M"), clock.strftime("%I:%M %p")):
            assert typed_moment(f"{shown_day} {shown_clock}") == (day, clock)
