"""Which scheduled backups to keep, when one is due, and when the backup folder needs a warning.

Pure rules, no I/O, so they are tested on timestamps alone. Rotation keeps the newest backup of
each of the last `hourly` clock hours that have one and of each of the last `daily` days that
have one (UTC buckets), and always the newest of all: a laptop that was off for a week still
keeps its last backups, because buckets are counted among the backups that exist, not back
from "now".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

KEEP_HOURLY = 24
KEEP_DAILY = 14
MIN_FREE_BYTES = 100 * 1024 * 1024  # below this a folder is "nearly full" whatever the desk size


def _utc(stamp: dt.datetime) -> dt.datetime:
    return stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _newest_per_bucket(stamps: list[dt.datetime], bucket: Callable[[dt.datetime], Hashable],
                       count: int) -> set[dt.datetime]:
    """The newest stamp of each of the `count` most recent buckets (stamps newest first)."""
    kept: set[dt.datetime] = set()
    seen: set[Hashable] = set()
    for stamp in stamps:
        key = bucket(_utc(stamp))
        if key in seen:
            continue
        if len(seen) == count:
            break
        seen.add(key)
        kept.add(stamp)
    return kept


def backups_to_keep(stamps: Iterable[dt.datetime], *, hourly: int = KEEP_HOURLY,
                    daily: int = KEEP_DAILY) -> set[dt.datetime]:
    """The creation times (from `stamps`) whose backups rotation keeps; delete the rest."""
    ordered = sorted(set(stamps), key=_utc, reverse=True)
    if not ordered:
        return set()
    keep = {ordered[0]}
    keep |= _newest_per_bucket(ordered, lambda s: (s.date(), s.hour), hourly)
    keep |= _newest_per_bucket(ordered, lambda s: s.date(), daily)
    return keep


def backup_due(*, now: dt.datetime, last_backup_at: dt.datetime | None, interval_minutes: int,
               changed: bool) -> bool:
    """A scheduled backup is due when the desk changed since the last one and the interval has
    passed (or there never was one)."""
    if not changed:
        return False
    if last_backup_at is None:
        return True
    return _utc(now) - _utc(last_backup_at) >= dt.timedelta(minutes=interval_minutes)


def nearly_full(free_bytes: int, desk_bytes: int) -> bool:
    """Too little room for two more copies of the desk (or under MIN_FREE_BYTES)."""
    return free_bytes < max(MIN_FREE_BYTES, 2 * desk_bytes)


@dataclass(frozen=True)
class Age:
    """How old the last verified backup is, in words a person reads on the Dashboard."""

    delta: dt.timedelta

    @property
    def words(self) -> str:
        minutes = int(self.delta.total_seconds() // 60)
        if minutes < 1:
            return "just now"
        if minutes < 120:
            return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
        hours = minutes // 60
        if hours < 48:
            return f"{hours} hours ago"
        return f"{hours // 24} days ago"


def backup_age(now: dt.datetime, backed_up_at: dt.datetime) -> Age:
    return Age(max(dt.timedelta(0), _utc(now) - _utc(backed_up_at)))


def too_old(now: dt.datetime, backed_up_at: dt.datetime | None, max_age_hours: int) -> bool:
    return backed_up_at is None or backup_age(now, backed_up_at).delta > dt.timedelta(
        hours=max_age_hours)
