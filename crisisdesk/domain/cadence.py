"""Update cadence: each audience hears from us at a regular rhythm, even when nothing is new.

CERC asks that every message says when the next update comes, and then that it comes. Each
audience gets an interval ("every 4 hours") and the next update is due one interval after the
last one (or after the cadence was set). The arithmetic is done on absolute UTC instants: "every
4 hours" means four hours of elapsed time, across midnight, across a daylight-saving change and
whatever time zone the desk shows; only the display turns it into local wall-clock time.
Cadence changes are append-only events, folded here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.times import parse_utc

MIN_INTERVAL = dt.timedelta(minutes=15)
MAX_INTERVAL = dt.timedelta(days=14)
# The default cap on the "near" warning; a desk sets its own (`cadence_near_minutes` setting).
NEAR_CAP = dt.timedelta(minutes=30)


class CadenceAudience(StrEnum):
    PUBLIC_MEDIA = "public_media"
    PATIENTS = "patients"
    STAFF = "staff"
    REGULATORS = "regulators"
    BOARD = "board"

    @property
    def label(self) -> str:
        return {"public_media": "Public and media"}.get(self.value, self.value.capitalize())


class CadenceState(StrEnum):
    NOT_SET = "not_set"
    OK = "ok"
    NEAR = "near"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CadenceEvent:
    id: str
    seq: int
    audience: CadenceAudience
    kind: str  # "set" (interval), "done" (an update was given), "stop"
    at: str  # UTC ISO
    operator: str
    interval_minutes: int = 0
    note: str = ""


@dataclass(frozen=True)
class Cadence:
    """An audience's rhythm as its events leave it."""

    audience: CadenceAudience
    interval: dt.timedelta | None = None  # None: no cadence set (or stopped)
    since: str = ""  # when the clock last started: the last update, else when it was set
    last_update_at: str = ""
    last_update_by: str = ""

    def next_due(self) -> dt.datetime | None:
        if self.interval is None or not self.since:
            return None
        return parse_utc(self.since) + self.interval


@dataclass(frozen=True)
class CadenceStatus:
    cadence: Cadence
    state: CadenceState
    next_due: dt.datetime | None
    remaining: dt.timedelta | None  # negative when overdue

    @property
    def audience(self) -> CadenceAudience:
        return self.cadence.audience

    def to_dict(self) -> dict[str, Any]:
        c = self.cadence
        return {
            "audience": c.audience.value, "label": c.audience.label, "state": self.state.value,
            "interval_minutes": int(c.interval.total_seconds() // 60) if c.interval else None,
            "last_update_at": c.last_update_at or None,
            "next_due_at": _iso(self.next_due) if self.next_due else None,
            "minutes_remaining": (int(self.remaining.total_seconds() // 60)
                                  if self.remaining is not None else None),
        }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_audience(raw: object) -> CadenceAudience:
    text = str(raw).strip().lower().replace("-", "_").replace(" ", "_").replace("/", "_")
    aliases = {"public": "public_media", "media": "public_media", "press": "public_media",
               "public_and_media": "public_media", "patient": "patients"}
    try:
        return CadenceAudience(aliases.get(text, text))
    except ValueError:
        raise ValidationError(
            f"Audience must be one of {', '.join(a.value for a in CadenceAudience)}, not "
            f"{str(raw)!r}.", {"audience": "unknown"}) from None


def parse_interval(raw: object) -> dt.timedelta:
    """'4h', '90m', '1d', '2h30m' or a number of minutes, between 15 minutes and 14 days."""
    text = str(raw).strip().lower().replace(" ", "")
    total, number = 0, ""
    units = {"d": 1440, "h": 60, "m": 1}
    try:
        if text.isdigit():
            total = int(text)
        else:
            for ch in text.replace("min", "m").replace("hours", "h").replace("hrs", "h"):
                if ch.isdigit():
                    number += ch
                elif ch in units and number:
                    total, number = total + int(number) * units[ch], ""
                else:
                    raise ValueError(text)
            if number or not text:
                raise ValueError(text)
    except ValueError:
        total = -1
    span = dt.timedelta(minutes=total)
    if total < 0 or not MIN_INTERVAL <= span <= MAX_INTERVAL:
        raise ValidationError(
            f"The interval must be between 15 minutes and 14 days, like '4h' or '90m', not "
            f"{str(raw)!r}.", {"interval": "invalid"})
    return span


def fold(audience: CadenceAudience, events: Iterable[CadenceEvent]) -> Cadence:
    interval: dt.timedelta | None = None
    since = last = last_by = ""
    for ev in sorted((e for e in events if e.audience is audience), key=lambda e: e.seq):
        if ev.kind == "set":
            interval = dt.timedelta(minutes=ev.interval_minutes)
            since = last or ev.at  # changing the interval keeps the clock's start
        elif ev.kind == "done":
            since, last, last_by = ev.at, ev.at, ev.operator
        elif ev.kind == "stop":
            interval, since = None, ""
    return Cadence(audience, interval, since, last, last_by)


def near_window(interval: dt.timedelta, cap: dt.timedelta = NEAR_CAP) -> dt.timedelta:
    """How early 'near' starts: a quarter of the interval, at most `cap` (30 minutes)."""
    return min(interval / 4, cap)


def status(cadence: Cadence, now: dt.datetime, near_cap: dt.timedelta = NEAR_CAP
           ) -> CadenceStatus:
    due = cadence.next_due()
    if due is None or cadence.interval is None:
        return CadenceStatus(cadence, CadenceState.NOT_SET, None, None)
    remaining = due - now
    if remaining <= dt.timedelta():
        state = CadenceState.OVERDUE
    elif remaining <= near_window(cadence.interval, near_cap):
        state = CadenceState.NEAR
    else:
        state = CadenceState.OK
    return CadenceStatus(cadence, state, due, remaining)


def statuses(events: Iterable[CadenceEvent], now: dt.datetime,
             near_cap: dt.timedelta = NEAR_CAP) -> list[CadenceStatus]:
    evs = list(events)
    return [status(fold(a, evs), now, near_cap) for a in CadenceAudience]


def alerts(items: Iterable[CadenceStatus]) -> list[CadenceStatus]:
    """The audiences needing attention, overdue first then the soonest due."""
    hot = [s for s in items if s.state in (CadenceState.NEAR, CadenceState.OVERDUE)]
    return sorted(hot, key=lambda s: (s.state is not CadenceState.OVERDUE,
                                      s.remaining or dt.timedelta()))


def banner_text(items: Iterable[CadenceStatus], show: Any) -> str:
    """One sentence for the banner and the tray; `show(datetime) -> str` formats local time."""
    hot = alerts(items)
    parts = []
    for s in hot:
        when = show(s.next_due) if s.next_due else ""
        if s.state is CadenceState.OVERDUE:
            parts.append(f"{s.audience.label} update overdue (was due {when})")
        else:
            parts.append(f"{s.audience.label} update due {when}")
    return "; ".join(parts) + ("." if parts else "")
