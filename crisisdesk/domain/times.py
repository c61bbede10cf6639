"""The one home for time: stored UTC text in, the desk's local time out.

The desk stores every moment as UTC ISO text ending in "Z" (`services.session.iso`); people read
them in the desk's time zone on a 24-hour clock, as HICS forms use. Parsing and formatting live
here so the GUI, the CLI and the printed forms cannot drift apart.
"""

from __future__ import annotations

import datetime as dt

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
