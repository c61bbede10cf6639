"""The operator's local time: today's date for the clocks, and times people type or read.

Times are stored in UTC and shown in the desk's time zone (the `timezone` setting, else this
computer's). Incident dates are calendar dates in that zone: "discovered today" means today
where the team is, not in Greenwich.
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.times import MINUTES, parse_utc, show_utc, typed_moment
from crisisdesk.services.session import Session, iso


def zone(session: Session) -> dt.tzinfo:
    try:
        from crisisdesk.services import settings as settings_service
    except ImportError:  # pragma: no cover - settings not installed
        return dt.datetime.now().astimezone().tzinfo or dt.UTC
    return settings_service.zone(session)


def today(session: Session) -> dt.date:
    return session.now().astimezone(zone(session)).date()


def parse_time(session: Session, value: str | dt.datetime | None, field_name: str) -> str:
    """UTC ISO text from a local date and time as people type them ('12/01/2026 3pm',
    '2026-03-02 14:05'), a time alone (today, local: '14:05', '3pm'), ISO with an offset,
    a datetime, or None (now). A date alone is refused: a deadline needs its hour."""
    if value is None:
        return session.now_iso()
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=zone(session))
        return iso(moment)
    text = value.strip()
    if not text:
        return session.now_iso()
    tz = zone(session)
    try:
        day, clock = typed_moment(text)
        if clock is None:
            raise ValueError("a date without a time")
        moment = dt.datetime.combine(day or today(session), clock, tz)
    except ValueError:
        try:
            parsed = parse_utc(text)
        except ValueError:
            raise ValidationError(
                f"{field_name.replace('_', ' ').capitalize()} must be a time like "
                f"'12/01/2026 3pm', '2026-12-01 15:00' or '3:30 pm' (today), not {text!r}.",
                {field_name: "not a time"}) from None
        moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    return iso(moment)


def show(session: Session, utc_iso: str, fmt: str = MINUTES) -> str:
    """A stored UTC time in the desk's zone, for people."""
    return show_utc(utc_iso, zone(session), fmt)
