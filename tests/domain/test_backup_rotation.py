"""Rotation of scheduled backups (24 hourly, 14 daily), when one is due, and folder warnings."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from crisisdesk.domain.backup_rotation import (
    backup_age,
    backup_due,
    backups_to_keep,
    nearly_full,
    too_old,
)

START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def every(minutes: int, count: int) -> list[dt.datetime]:
    return [START + dt.timedelta(minutes=minutes * i) for i in range(count)]


def test_a_month_of_half_hourly_backups_keeps_the_last_24_hours_and_14_days() -> None:
    stamps = every(30, 30 * 48)
    kept = backups_to_keep(stamps)
    newest = max(stamps)
    hours = {(s.date(), s.hour) for s in kept}
    days = {s.date() for s in kept}
    assert newest in kept
    assert len(days) == 14  # the last 14 days each keep one
    assert min(days) == newest.date() - dt.timedelta(days=13)
    # The newest of each of the last 24 hours: one per hour, the half-past one.
    last_day = [s for s in kept if newest - s < dt.timedelta(hours=24)]
    assert len(last_day) == 24
    assert all(s.minute == 30 for s in last_day)
    # 24 hourly + 13 earlier days (today's daily is the newest, already an hourly one).
    assert len(kept) == 24 + 13
    assert len(hours) == len(kept)


def test_a_laptop_that_was_off_for_a_week_keeps_its_last_backups() -> None:
    stamps = every(60, 10)  # ten hours of backups, then nothing for a week
    assert backups_to_keep(stamps) == set(stamps)


def test_several_backups_in_one_hour_keep_only_the_newest() -> None:
    stamps = [START + dt.timedelta(minutes=m) for m in (0, 10, 50)]
    assert backups_to_keep(stamps) == {START + dt.timedelta(minutes=50)}


def test_hourly_counts_hours_that_have_a_backup_not_the_last_24_hours() -> None:
    stamps = every(24 * 60, 16)  # one backup a day for 16 days: 16 hours that have one
    assert backups_to_keep(stamps) == set(stamps)


def test_nothing_to_keep_from_nothing() -> None:
    assert backups_to_keep([]) == set()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60 * 24 * 60), max_size=300))
def test_rotation_properties(offsets: list[int]) -> None:
    stamps = [START + dt.timedelta(minutes=m) for m in offsets]
    kept = backups_to_keep(stamps)
    assert kept <= set(stamps)
    if stamps:
        assert max(stamps) in kept  # the newest is never deleted
    assert len(kept) <= 24 + 14
    assert backups_to_keep(kept) == kept  # rotating again deletes nothing more
    # No two kept backups share an hour. Beyond the 14 newest days that have a backup, only
    # the hourly rule keeps anything: the 24 newest hours that have one, however old (as
    # restic's --keep-hourly counts), so at most 24 such days.
    assert len({(s.date(), s.hour) for s in kept}) == len(kept)
    days = sorted({s.date() for s in stamps}, reverse=True)
    assert len({s.date() for s in kept} - set(days[:14])) <= 24


def test_a_backup_is_due_only_after_a_change_and_the_interval() -> None:
    now = START + dt.timedelta(hours=1)
    assert backup_due(now=now, last_backup_at=None, interval_minutes=30, changed=True)
    assert not backup_due(now=now, last_backup_at=None, interval_minutes=30, changed=False)
    recent = now - dt.timedelta(minutes=29)
    assert not backup_due(now=now, last_backup_at=recent, interval_minutes=30, changed=True)
    older = now - dt.timedelta(minutes=30)
    assert backup_due(now=now, last_backup_at=older, interval_minutes=30, changed=True)


def test_folder_and_age_warnings() -> None:
    mb = 1024 * 1024
    assert nearly_full(99 * mb, 1 * mb)
    assert not nearly_full(500 * mb, 1 * mb)
    assert nearly_full(500 * mb, 300 * mb)  # room for one copy of a big desk is not enough
    now = START + dt.timedelta(hours=30)
    assert too_old(now, START, 24)
    assert not too_old(now, START + dt.timedelta(hours=7), 24)
    assert too_old(now, None, 24)
    assert backup_age(now, START).words == "30 hours ago"
    assert backup_age(now, now - dt.timedelta(minutes=5)).words == "5 minutes ago"
    assert backup_age(now, now - dt.timedelta(days=3)).words == "3 days ago"
