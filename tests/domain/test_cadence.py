"""Update cadence arithmetic: elapsed time on UTC instants, across midnight, DST and zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from crisisdesk.domain.cadence import (
    CadenceAudience,
    CadenceEvent,
    CadenceState,
    banner_text,
    fold,
    parse_audience,
    parse_interval,
    status,
    statuses,
)
from crisisdesk.domain.errors import ValidationError

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
PUB = CadenceAudience.PUBLIC_MEDIA


def ev(seq: int, kind: str, at: dt.datetime, minutes: int = 0,
       audience: CadenceAudience = PUB) -> CadenceEvent:
    iso = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return CadenceEvent(f"e{seq}", seq, audience, kind, iso, "alex", minutes)


@pytest.mark.parametrize(("text", "minutes"), [("4h", 240), ("90m", 90), ("1d", 1440),
                                                ("2h30m", 150), ("45", 45), ("4 hours", 240)])
def test_intervals_people_type(text: str, minutes: int) -> None:
    assert parse_interval(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "0", "10m", "15d", "four hours", "4x", "h"])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_interval(text)
    assert "interval" in err.value.fields


def test_audience_aliases() -> None:
    assert parse_audience("Media") is PUB
    assert parse_audience("board") is CadenceAudience.BOARD
    with pytest.raises(ValidationError):
        parse_audience("everyone")


def test_next_update_crosses_midnight_in_local_time() -> None:
    done = dt.datetime(2026, 3, 20, 22, 30, tzinfo=CHICAGO)
    cad = fold(PUB, [ev(1, "set", done - dt.timedelta(hours=1), 240), ev(2, "done", done)])
    due = cad.next_due()
    assert due is not None
    assert due.astimezone(CHICAGO).replace(tzinfo=None) == dt.datetime(2026, 3, 21, 2, 30)
    assert status(cad, dt.datetime(2026, 3, 21, 1, 0, tzinfo=CHICAGO)).state is CadenceState.OK
    assert status(cad, dt.datetime(2026, 3, 21, 2, 10, tzinfo=CHICAGO)).state is (
        CadenceState.NEAR)
    late = status(cad, dt.datetime(2026, 3, 21, 2, 31, tzinfo=CHICAGO))
    assert late.state is CadenceState.OVERDUE
    assert late.remaining == dt.timedelta(minutes=-1)


def test_four_hours_means_four_elapsed_hours_across_daylight_saving() -> None:
    # Chicago springs forward at 02:00 on 2026-03-08: 00:30 CST + 4 h is 05:30 CDT on the wall.
    done = dt.datetime(2026, 3, 8, 0, 30, tzinfo=CHICAGO)
    cad = fold(PUB, [ev(1, "set", done, 240)])
    due = cad.next_due()
    assert due is not None
    assert due - done == dt.timedelta(hours=4)
    assert due.astimezone(CHICAGO).strftime("%H:%M %Z") == "05:30 CDT"


def test_changing_the_desk_time_zone_moves_the_display_not_the_deadline() -> None:
    set_at = dt.datetime(2026, 3, 20, 23, 0, tzinfo=dt.UTC)
    cad = fold(PUB, [ev(1, "set", set_at, 120)])
    due = cad.next_due()
    assert due == dt.datetime(2026, 3, 21, 1, 0, tzinfo=dt.UTC)
    assert due.astimezone(CHICAGO).strftime("%Y-%m-%d %H:%M") == "2026-03-20 20:00"
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert due.astimezone(tokyo).strftime("%Y-%m-%d %H:%M") == "2026-03-21 10:00"
    at = dt.datetime(2026, 3, 21, 0, 45, tzinfo=dt.UTC)
    assert status(cad, at).state is status(cad, at.astimezone(tokyo)).state is CadenceState.NEAR


def test_recording_an_update_resets_the_clock_and_changing_interval_keeps_it() -> None:
    t0 = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
    events = [ev(1, "set", t0, 240), ev(2, "done", t0 + dt.timedelta(hours=5))]
    assert fold(PUB, events).next_due() == t0 + dt.timedelta(hours=9)
    events.append(ev(3, "set", t0 + dt.timedelta(hours=6), 60))
    assert fold(PUB, events).next_due() == t0 + dt.timedelta(hours=6)
    events.append(ev(4, "stop", t0 + dt.timedelta(hours=7)))
    assert fold(PUB, events).next_due() is None


def test_near_window_is_a_quarter_of_short_intervals() -> None:
    t0 = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
    cad = fold(PUB, [ev(1, "set", t0, 20)])
    assert status(cad, t0 + dt.timedelta(minutes=14)).state is CadenceState.OK
    assert status(cad, t0 + dt.timedelta(minutes=15)).state is CadenceState.NEAR


def test_banner_lists_overdue_first() -> None:
    t0 = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
    events = [ev(1, "set", t0, 60), ev(2, "set", t0, 90, CadenceAudience.STAFF),
              ev(3, "set", t0, 600, CadenceAudience.BOARD)]
    items = statuses(events, t0 + dt.timedelta(minutes=80))
    text = banner_text(items, lambda m: m.strftime("%H:%M"))
    assert text == ("Public and media update overdue (was due 09:00); "
                    "Staff update due 09:30.")
    assert banner_text(statuses(events, t0), str) == ""
