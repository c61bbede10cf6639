"""Closing an activation travels: a close on one laptop closes it on every desk; two laptops
that close it apart end with the earliest close everywhere; calls recorded on a laptop that
had not seen the close yet are never lost, and the kept report says how many came after it."""

from __future__ import annotations

import pytest
import sqlite_utils

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.domain.errors import ValidationError
from crisisdesk.printing.calling_tree_paper import report_html
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations, reports
from crisisdesk.services.session import Session
from crisisdesk.store import schema
from tests.replication.conftest import Team, tick
from tests.replication.picture import picture
from tests.support.hotline import run_cli_in_process

STEP = "m030_replication_more_families"


def exchange(t: Team, round_name: str, orders: dict[str, str]) -> None:
    bundles = {name: team.export_bundle(desk, t.tmp / f"{round_name}-{name}.cdbundle").path
               for name, desk in t.desks.items()}
    for name, desk in t.desks.items():
        for sender in orders[name]:
            team.import_bundle(desk, bundles[sender])


def kept(desk: Session, activation_id: str) -> dict[str, object]:
    return reports.report(desk, activation_id)


def test_a_close_on_one_laptop_closes_the_activation_on_every_desk(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 5)
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    tick(t.a, 15)
    reports.close_activation(t.a, t.activation)
    exchange(t, "r1", {"A": "", "B": "A", "C": "BA"})
    for desk in (t.b, t.c):
        closed = activations.get_activation(desk, t.activation)
        assert not closed.is_open
        assert closed.closed_at == t.a.now_iso()
        assert kept(desk, t.activation)["reached"] == 1
        with pytest.raises(ValidationError, match="closed"):
            activations.record_call(desk, t.activation, t.people[2], Outcome.REACHED)
    pictures = [picture(desk) for desk in t.desks.values()]
    assert pictures[0] == pictures[1] == pictures[2]


def test_two_closes_made_apart_converge_on_the_earliest_and_no_call_is_lost(
        team_desks: Team, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = team_desks
    tick(t.c, 10)  # C records a call before anyone closes, then one after both closes
    activations.record_call(t.c, t.activation, t.people[3], Outcome.REACHED)
    tick(t.b, 15)
    reports.close_activation(t.b, t.activation)  # the earliest close
    tick(t.a, 20)
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    reports.close_activation(t.a, t.activation)
    tick(t.c, 30)
    activations.record_call(t.c, t.activation, t.people[2], Outcome.REACHED)
    exchange(t, "r1", {"A": "CBC", "B": "ACA", "C": "BBA"})
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    for desk in t.desks.values():
        closed = activations.get_activation(desk, t.activation)
        assert closed.closed_at == t.b.now_iso()
        report = kept(desk, t.activation)
        assert report["closed_at"] == t.b.now_iso()
        assert report["reached"] == 3  # C's calls, before and after the close, and A's
        assert report["calls_after_close"] == 2  # A's at 20 and C's at 30, after B's at 15
        view = activations.view(desk, t.activation)
        assert view.progress.counts.reached == 3
    # A second round, each relaying all it knows, changes nothing.
    exchange(t, "r2", {"A": "BC", "B": "CA", "C": "AB"})
    assert {name: picture(desk) for name, desk in t.desks.items()} == pictures
    code, out, _ = run_cli_in_process(capsys, monkeypatch, t.tmp / "C", "alex", "activation",
                                      "report", t.activation)
    assert code == 0
    assert out.splitlines()[1] == ("2 calls made after the closing time (on a laptop that had "
                                   "not seen the close yet) count above.")
    paper = report_html(kept(t.c, t.activation), org="Riverside", printed="now")
    assert ("2 calls were made after the closing time, on a laptop that had not seen the close "
            "yet") in paper


def test_the_closing_laptop_keeps_the_same_report_it_would_get_from_a_merge(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 5)
    activations.record_call(t.a, t.activation, t.people[1], Outcome.NO_ANSWER)
    summary = reports.close_activation(t.a, t.activation)
    assert summary["calls_after_close"] == 0
    assert kept(t.a, t.activation)["attempted"] == summary["attempted"] == 1
    team.import_bundle(t.b, team.export_bundle(t.a, t.tmp / "a.cdbundle").path)
    assert picture(t.b)["tree_activations"] == picture(t.a)["tree_activations"]


def _upgraded(closes: dict[str, tuple[str, str]]) -> list[tuple[str, ...]]:
    """A desk of the step before, with activations a1 (and a2) closed as `closes` says
    (activation id -> (closed at, by)), upgraded: its close records and what notes them."""
    db = sqlite_utils.Database(memory=True)
    schema.migrations.apply(db, stop_before=STEP)
    db["calling_trees"].insert({"id": "t1", "name": "All", "name_key": "all", "version": 1,
                                "created_at": "2026-03-01T09:00:00Z"})
    for aid in ("a1", "a2"):
        at, by = closes.get(aid, ("", ""))
        db["tree_activations"].insert({
            "id": aid, "tree_id": "t1", "tree_name": "All", "tree_version": 1,
            "status": "closed" if at else "open", "started_at": "2026-03-01T09:30:00Z",
            "closed_at": at, "closed_by": by, "created_at": "2026-03-01T09:30:00Z"})
    schema.migrations.apply(db)
    return [tuple(r) for r in db.execute(
        "SELECT c.id, c.activation_id, c.at, c.operator, r.family, r.state FROM "
        "activation_closes c JOIN repl_records r ON r.id = c.id ORDER BY c.activation_id")]


def test_activations_closed_before_the_upgrade_get_close_records_that_travel() -> None:
    ten = ("2026-03-01T10:00:00Z", "alex")
    on_a = _upgraded({"a1": ten})
    assert [r[1:] for r in on_a] == [("a1", *ten, "activation_close", "outbox")]
    assert _upgraded({"a1": ten}) == on_a  # the same close (cloned): the same record
    on_b = _upgraded({"a1": ("2026-03-01T10:05:00Z", "bea"), "a2": ten})
    assert on_b[0][0] != on_a[0][0]  # a1 closed apart: two records, the earliest wins
    assert [r[1] for r in on_b] == ["a1", "a2"]
