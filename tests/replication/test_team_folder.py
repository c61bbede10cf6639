"""The team exchange folder: laptops that sync with one shared folder end up with each other's
work; a second sync changes nothing; a bad bundle there is reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.services import settings as settings_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations
from crisisdesk.services.team_folder import sync_folder, watch_once
from tests.replication.conftest import Team, tick
from tests.replication.picture import picture
from tests.support.crisis import audit_count


def _calls(t: Team, desk: str) -> int:
    return activations.view(t.desks[desk], t.activation).progress.counts.reached


@pytest.fixture
def stick(team_desks: Team) -> Path:
    folder = team_desks.tmp / "stick"
    folder.mkdir()
    return folder


def test_two_laptops_syncing_with_one_folder_see_each_others_calls(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    first = sync_folder(t.a, stick)
    assert first.imported == []
    assert first.exported is not None
    assert len(list(stick.glob("*.cdbundle"))) == 1
    tick(t.b, 5)
    activations.record_call(t.b, t.activation, t.people[2], Outcome.REACHED)
    on_b = sync_folder(t.b, stick)
    assert [r.brought for r in on_b.imported] == [{"Command centre": {"call_attempt": 1}}]
    assert "1 call attempt from Command centre" in on_b.sentence()
    tick(t.a, 10)
    on_a = sync_folder(t.a, stick)
    assert [r.brought for r in on_a.imported] == [{"Site 2 laptop": {"call_attempt": 1}}]
    assert _calls(t, "A") == _calls(t, "B") == 2
    # One bundle per laptop stays in the folder: each new one replaced that laptop's older one.
    assert len(list(stick.glob("*.cdbundle"))) == 2


def test_a_second_sync_with_nothing_new_imports_and_writes_nothing(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    sync_folder(t.a, stick)
    sync_folder(t.b, stick)
    tick(t.a, 5)
    sync_folder(t.a, stick)  # takes B's bundle (nothing new) once
    files = sorted(p.name for p in stick.iterdir())
    before = picture(t.a), audit_count(t.a)
    tick(t.a, 10)
    again = sync_folder(t.a, stick)
    assert again.imported == []
    assert again.exported is None
    assert again.skipped == 1
    assert (picture(t.a), audit_count(t.a)) == before
    assert sorted(p.name for p in stick.iterdir()) == files
    assert "up to date" in again.sentence()


def test_work_reaches_a_third_laptop_through_the_folder_relayed_by_the_second(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    sync_folder(t.a, stick)
    sync_folder(t.b, stick)
    for path in stick.glob("*.cdbundle"):  # A's bundle is taken off the stick
        if "command" in path.name:
            path.unlink()
    sync_folder(t.c, stick)
    assert _calls(t, "C") == 1


def test_a_bad_bundle_in_the_folder_is_reported_in_one_line_and_skipped(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    good = team.export_bundle(t.a, stick).path
    (stick / "AAA-garbage.cdbundle").write_bytes(b"not a bundle at all")
    (stick / "ZZZ-truncated.cdbundle").write_bytes(good.read_bytes()[:-40])
    result = sync_folder(t.b, stick)
    assert [r.total for r in result.imported] == [1]
    assert len(result.refused) == 2
    assert all("\n" not in line for line in result.refused)
    assert any("AAA-garbage.cdbundle is not a CrisisDesk team bundle" in line
               for line in result.refused)
    assert any("ZZZ-truncated.cdbundle is damaged" in line for line in result.refused)
    assert "2 bundles refused" in result.sentence()
    assert _calls(t, "B") == 1


def test_the_folder_comes_from_the_setting_and_must_exist(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    with pytest.raises(UserError, match="No team exchange folder is set"):
        sync_folder(t.a)
    settings_service.set(t.a, "team_exchange_folder", str(stick / "unplugged"))
    with pytest.raises(UserError, match="is not there"):
        sync_folder(t.a)
    settings_service.set(t.a, "team_exchange_folder", str(stick))
    assert sync_folder(t.a).exported is not None


def test_cancelling_stops_between_bundles_and_keeps_what_was_imported(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    sync_folder(t.a, stick)
    activations.record_call(t.c, t.activation, t.people[2], Outcome.REACHED)
    sync_folder(t.c, stick)
    asked: list[int] = []

    def cancel_after_one() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(Cancelled):
        sync_folder(t.b, stick, is_cancelled=cancel_after_one)
    assert _calls(t, "B") == 1  # the first bundle whole, the second not at all
    assert len(list(stick.glob("*.cdbundle"))) == 2  # and B left nothing half-written


def test_the_watcher_imports_new_bundles_once_and_leaves_nothing_of_its_own(
        team_desks: Team, stick: Path) -> None:
    t = team_desks
    settings_service.set(t.b, "team_exchange_folder", str(stick))
    assert watch_once(t.b, ()) == ((), None)  # an empty folder: nothing to do
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    sync_folder(t.a, stick)
    seen, synced = watch_once(t.b, ())
    assert synced is not None
    assert [r.brought for r in synced.imported] == [{"Command centre": {"call_attempt": 1}}]
    assert synced.exported is None
    assert "left this laptop" not in synced.sentence()
    assert len(list(stick.glob("*.cdbundle"))) == 1  # importing only: B wrote nothing
    before = audit_count(t.b)
    assert watch_once(t.b, seen) == (seen, None)  # nothing changed there: not even looked into
    assert audit_count(t.b) == before
    assert _calls(t, "B") == 1
