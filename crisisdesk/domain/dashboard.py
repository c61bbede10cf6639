"""The one shape every feature hands the Dashboard: labelled rows, in order.

Calling trees, letters and the media desk each keep their own rich summary for their pages and
the CLI; their `dashboard_summary` turns it into a `DashboardSummary`, so the Dashboard's panels
render one typed shape and a feature that grows a field changes only its own conversion.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from crisisdesk.domain.times import local_minutes

WARNING = "Warning"


@dataclass(frozen=True)
class DashboardSummary:
    """One panel's rows: (label, value) pairs; an empty label is a line of plain text.
    `warnings` are sentences the panel shows first, labelled "Warning" (not only in colour)."""

    rows: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def all_rows(self) -> tuple[tuple[str, str], ...]:
        return tuple((WARNING, w) for w in self.warnings) + self.rows

    @classmethod
    def of(cls, fields: Mapping[str, Any]) -> DashboardSummary:
        """Rows from named fields ("calls_made" -> "Calls made"), values in words."""
        return cls(tuple((label_for(k), value_text(v)) for k, v in fields.items()))

    @classmethod
    def of_record(cls, record: Any) -> DashboardSummary:
        """Rows from a dataclass's fields, in declaration order."""
        return cls.of({f.name: getattr(record, f.name) for f in dataclasses.fields(record)})

    @classmethod
    def text(cls, line: str) -> DashboardSummary:
        return cls((("", line),))


def label_for(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def value_text(value: Any) -> str:
    """A value as the Dashboard writes it: thousands separators, dates, nested records."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, dt.datetime):
        return local_minutes(value)
    if isinstance(value, dt.timedelta):
        return duration_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, Mapping):  # a nested record: its filled-in fields on one line
        return " · ".join(f"{label_for(k)}: {value_text(v)}" for k, v in value.items()
                          if v not in (None, "", (), []))
    if isinstance(value, list | tuple | set | frozenset):
        items = [value_text(v) for v in value]
        nested = any(isinstance(v, Mapping) or dataclasses.is_dataclass(v) for v in value)
        return ("\n" if nested else ", ").join(items) or "none"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value_text(dataclasses.asdict(value))
    return str(value)


def duration_text(delta: dt.timedelta) -> str:
    """A span as people say it, to the minute: '24 h', '1 h 30 min', '30 min' (never
    '1 day, 0:00:00'). The sign is dropped: `due_text` says which way it points."""
    minutes = round(abs(delta.total_seconds()) / 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def time_left(seconds: float) -> str:
    """A work's remaining time as people say it: '45 s', then '2 min', '1 h 10 min'."""
    if seconds < 90:
        return f"{max(0, round(seconds))} s"
    return duration_text(dt.timedelta(seconds=seconds))


def due_text(remaining: dt.timedelta) -> str:
    """'due in 2 h' or 'overdue by 30 min' (a negative remaining time is overdue)."""
    if remaining < dt.timedelta():
        return f"overdue by {duration_text(remaining)}"
    return f"due in {duration_text(remaining)}"


def binder_age_text(printed_at: dt.datetime | None, now: dt.datetime, changes: int) -> str:
    """How stale the printed downtime binder is, in words: "binder is 6 days old, 41 changes
    since". Paper is only as good as its age, so the Dashboard and Settings both say it."""
    if printed_at is None:
        return "The downtime binder has never been printed."
    age = max(now - printed_at, dt.timedelta(0))
    if age < dt.timedelta(hours=1):
        when = "was printed less than an hour ago"
    elif age < dt.timedelta(days=1):
        hours = int(age.total_seconds() // 3600)
        when = f"is {hours} hour{'s' if hours != 1 else ''} old"
    else:
        when = f"is {age.days} day{'s' if age.days != 1 else ''} old"
    since = ("no changes since" if changes == 0
             else f"{changes:,} change{'s' if changes != 1 else ''} since")
    return f"The binder {when}, {since}."
