"""`crisisdesk team sync`: the app's "Sync with folder" from the command line (a USB stick
carried round the team), with what it did in one line or as JSON, and bad input as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import activations
from crisisdesk.services.team_folder import SETTING
from tests.replication.conftest import Team, tick
from tests.support.hotline import run_cli_in_process

Run = tuple[int, str, str]


@pytest.fixture
def stick(team_desks: Team) -> Path:
    folder = team_desks.tmp / "stick"
    folder.mkdir()
    return folder


def sync(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path,
         *args: str) -> Run:
    return run_cli_in_process(capsys, monkeypatch, data_dir, "alex", "team", "sync", *args)


def test_sync_imports_the_others_bundles_and_leaves_one_of_its_own(
        team_desks: Team, stick: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = team_desks
    tick(t.a, 5)
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    activations.record_call(t.a, t.activation, t.people[2], Outcome.BUSY)
    code, out, err = sync(capsys, monkeypatch, t.a.data_dir, "--folder", str(stick))
    assert (code, err) == (0, "")
    assert out.startswith("No new bundles; left this laptop's bundle (")
    code, out, err = sync(capsys, monkeypatch, t.tmp / "B", "--folder", str(stick), "--json")
    assert (code, err) == (0, "")
    done = json.loads(out)
    assert done["imported"][0]["brought"] == {"Command centre": {"call_attempt": 2}}
    assert done["exported"]["records"] > 0
    assert "2 call attempts from Command centre" in done["summary"]
    counts = activations.view(t.b, t.activation).progress.counts
    assert (counts.reached, counts.attempted) == (1, 1)  # (tried, not reached: the busy one)
    tick(t.a, 10)
    activations.record_call(t.a, t.activation, t.people[3], Outcome.REACHED)
    code, out, _ = sync(capsys, monkeypatch, t.a.data_dir, "--folder", str(stick))
    assert code == 0
    assert out.startswith("Imported 1 bundle: nothing new; left this laptop's bundle (")
    assert len(list(stick.glob("CDX-command-centre-*.cdbundle"))) == 1  # the older one went
    assert len(list(stick.glob("CDX-site-2-laptop-*.cdbundle"))) == 1
    code, out, _ = sync(capsys, monkeypatch, t.tmp / "C", "--folder", str(stick))
    assert code == 0
    assert "3 call attempts from Command centre" in out


def test_sync_uses_the_exchange_folder_setting_and_says_when_none_is_set(
        team_desks: Team, stick: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = team_desks
    code, out, err = sync(capsys, monkeypatch, t.tmp / "B")
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == [
        f"crisisdesk: No team exchange folder is set (setting {SETTING}); choose one."]
    settings_service.set(t.b, SETTING, str(stick))
    code, out, err = sync(capsys, monkeypatch, t.tmp / "B")
    assert (code, err) == (0, "")
    assert len(list(stick.glob("CDX-site-2-laptop-*.cdbundle"))) == 1
    code, out, err = sync(capsys, monkeypatch, t.tmp / "B", "--folder", str(t.tmp / "gone"))
    assert code == 1
    assert err.strip().splitlines() == [
        f"crisisdesk: The exchange folder {t.tmp / 'gone'} is not there; plug in the stick or "
        "pick another folder."]


def test_a_bad_bundle_in_the_folder_is_one_line_and_the_others_still_come_in(
        team_desks: Team, stick: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    assert sync(capsys, monkeypatch, t.a.data_dir, "--folder", str(stick))[0] == 0
    (stick / "junk.cdbundle").write_bytes(b"CRISISDESK-TEAM-BUNDLE\n\x00\x00")
    code, out, err = sync(capsys, monkeypatch, t.tmp / "B", "--folder", str(stick))
    assert code == 1
    assert err.strip().splitlines() == [
        "crisisdesk: junk.cdbundle is damaged or was altered (it fails its check); "
        "nothing was imported."]
    assert "1 call attempt from Command centre" in out
    assert "refused" not in out  # the refusal is said once, on stderr
    assert activations.view(t.b, t.activation).progress.counts.reached == 1
