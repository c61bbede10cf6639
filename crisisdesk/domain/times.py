"""The one home for time: stored UTC text in, the desk's local time out.

The desk stores every moment as UTC ISO text ending in "Z" (`services.session.iso`); people read
them in the desk's time zone on a 24-hour clock, as HICS forms use. Parsing and formatting live
here so the GUI, the CLI and the printed forms cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re

MINUTES = "%Y-%m-%d %H:%M"
# On paper a time always names its zone ("2026-03-02 14:05 CST"): the sheet outlives the screen
# that showed which zone the desk is in.
PAPER_MINUTES = "%Y-%m-%d %H:%M\u00a0%Z"  # no line break between time and zone
PAPER_CLOCK = "%H:%M\u00a0%Z"


def parse_utc(text: str) -> dt.datetime:
    """A stored ISO time ("...Z" or with an offset) as a datetime; ValueError when not a time."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_minutes(moment: dt.datetime, tz: dt.tzinfo | None = None, fmt: str = MINUTES) -> str:
    """A moment in `tz` (this computer's zone when None), to the minute."""
    return moment.astimezone(tz).strftime(fmt)


def show_utc(utc_iso: str, tz: dt.tzinfo | None, fmt: str = MINUTES) -> str:
    """Stored UTC text in `tz` for people; "" stays "", text that is not a time is shown as is."""
    if not utc_iso:
        return ""
    try:
        moment = parse_utc(utc_iso)
    except ValueError:
        return utc_iso
    return local_minutes(moment, tz, fmt)


# --- what people type ---------------------------------------------------------------------
# One reader for the dates and clock times people type in the GUI and the CLI. The desk serves
# US organisations, so a numeric date is month/day/year (12/01/2026 is 1 December); ISO
# (2026-12-01) and dates with the month as a word ("Dec 1, 2026", "1 December 2026") are read
# too, because they cannot be misread. Clock times are read on a 12- or 24-hour clock.

_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1)
    for name in names}
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_US_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_WORD_DAY = re.compile(r"(?:(\d{1,2})\s+([a-z]+)\.?|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?)"
                       r",?\s+(\d{4})")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?")
TYPED_DATES = "2026-12-01, 12/01/2026 or Dec 1, 2026"
TYPED_TIMES = "15:00, 3pm or 3:30 pm"


def typed_date(text: str) -> dt.date:
    """A date as people type it (see above); ValueError when it is not one."""
    value = " ".join(text.strip().casefold().split())
    if m := _ISO_DAY.fullmatch(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := _US_DAY.fullmatch(value):
        month, day, year = (int(g) for g in m.groups())
        year += 2000 if len(m.group(3)) == 2 else 0
    elif m := _WORD_DAY.fullmatch(value):
        day_text, month_word = (m.group(1), m.group(2)) if m.group(1) else (m.group(4),
                                                                            m.group(3))
        if month_word not in _MONTHS:
            raise ValueError(f"no month called {month_word!r}")
        day, month, year = int(day_text), _MONTHS[month_word], int(m.group(5))
    else:
        raise ValueError(f"{text!r} is not a date")
    return dt.date(year, month, day)


def typed_clock(text: str) -> dt.time:
    """A clock time as people type it: 15:00, 3pm, 3:30 pm, 3:30 p.m., noon, midnight."""
    value = " ".join(text.strip().casefold().split())
    if value in ("noon", "midday"):
        return dt.time(12, 0)
    if value == "midnight":
        return dt.time(0, 0)
    m = _CLOCK.fullmatch(value)
    if m is None or (m.group(2) is None and m.group(3) is None):
        raise ValueError(f"{text!r} is not a time")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r} is not a time")
        hour = hour % 12 + (12 if half == "p" else 0)
    return dt.time(hour, minute)


def typed_moment(text: str) -> tuple[dt.date | None, dt.time | None]:
    """A date, a time, or a date then a time ("12/01/2026 3pm", "2026-12-01 15:00").

    ValueError when the text is none of these."""
    value = " ".join(text.strip().split())
    for cut in range(len(value), 0, -1):  # the longest date at the start, then a time
        if cut < len(value) and value[cut] != " ":
            continue
        try:
            day = typed_date(value[:cut])
        except ValueError:
            continue
        rest = value[cut:].strip().removeprefix("at ").strip()
        return day, (typed_clock(rest) if rest else None)
    return None, typed_clock(value)
