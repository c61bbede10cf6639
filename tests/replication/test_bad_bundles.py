"""Bundles that must not be imported: one clear reason each, and nothing applied."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations
from crisisdesk.services.session import Session
from crisisdesk.store import replication as repl
from crisisdesk.store import team_bundle
from crisisdesk.store.team_bundle import BundleRefused
from tests.replication.conftest import Team
from tests.replication.picture import picture
from tests.support.crisis import audit_count


def _state(desk: Session) -> tuple[object, ...]:
    """Everything an import could change: the tables, the engine log, the audit log."""
    log = desk.db.execute("SELECT count(*), max(seq) FROM repl_updates").fetchone()
    peers = desk.db.execute("SELECT count(*) FROM repl_peers").fetchone()
    return picture(desk), tuple(log), tuple(peers), audit_count(desk)


@pytest.fixture
def good(team_desks: Team) -> Path:
    """A's real bundle holding a call B has not got."""
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    return team.export_bundle(t.a, t.tmp / "a.cdbundle").path


def _craft(t: Team, *, team_id: str | None = None, key: bytes | None = None, fmt: int = 1,
           schema: int = repl.RECORD_SCHEMA) -> Path:
    ident = repl.identity(t.a.db)
    assert ident is not None
    replica = repl.load(t.a.db)
    bundle = team_bundle.Bundle(team_id or ident.team_id, ident.laptop_id, "2026-03-20T12:00:00Z",
                                {"record_schema": schema, "doc": repl.DOC,
                                 "update": team_bundle.b64(replica.delta()),
                                 "state": team_bundle.b64(replica.state())})
    path = t.tmp / f"crafted-{secrets.token_hex(4)}.cdbundle"
    path.write_bytes(team_bundle.encode(bundle, key or ident.team_key, fmt=fmt))
    return path


def _refused(desk: Session, path: Path, match: str) -> None:
    before = _state(desk)
    with pytest.raises(BundleRefused, match=match) as err:
        team.import_bundle(desk, path)
    assert "\n" not in str(err.value)
    assert _state(desk) == before


def test_an_altered_bundle_is_refused_and_nothing_applied(team_desks: Team, good: Path) -> None:
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered = team_desks.tmp / "altered.cdbundle"
    altered.write_bytes(bytes(data))
    _refused(team_desks.b, altered, "damaged or was altered")


def test_a_truncated_bundle_is_refused(team_desks: Team, good: Path) -> None:
    cut = team_desks.tmp / "cut.cdbundle"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size - 40])
    _refused(team_desks.b, cut, "damaged or was altered")
    cut.write_bytes(good.read_bytes()[:30])
    _refused(team_desks.b, cut, "damaged or was altered")


def test_another_teams_bundle_is_refused(team_desks: Team, good: Path) -> None:
    other = _craft(team_desks, team_id="another-team", key=secrets.token_bytes(32))
    _refused(team_desks.b, other, "belongs to another team")


def test_a_bundle_under_an_unknown_key_is_refused(team_desks: Team, good: Path) -> None:
    _refused(team_desks.b, _craft(team_desks, key=secrets.token_bytes(32)),
             "team key this desk does not have")


def test_a_bundle_from_a_newer_crisisdesk_is_refused(team_desks: Team, good: Path) -> None:
    _refused(team_desks.b, _craft(team_desks, fmt=2), "newer CrisisDesk")
    _refused(team_desks.b, _craft(team_desks, schema=repl.RECORD_SCHEMA + 1), "newer CrisisDesk")


def test_a_file_that_is_no_bundle_is_refused(team_desks: Team, good: Path) -> None:
    junk = team_desks.tmp / "notes.txt"
    junk.write_text("shopping list")
    _refused(team_desks.b, junk, "not a CrisisDesk team bundle")


def test_the_good_bundle_still_imports_after_the_bad_ones(team_desks: Team, good: Path) -> None:
    data = good.read_bytes()
    (team_desks.tmp / "bad.cdbundle").write_bytes(data[:-1])
    with pytest.raises(BundleRefused):
        team.import_bundle(team_desks.b, team_desks.tmp / "bad.cdbundle")
    assert team.import_bundle(team_desks.b, good).brought == {
        "Command centre": {"call_attempt": 1}}
