"""Two of three laptops change one thing without seeing each other's change; the bundles then
travel in a given order. Shared by the edit-conflict tests of each kind of record."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crisisdesk.services import team, team_conflicts
from crisisdesk.services.session import Session
from crisisdesk.services.team_conflicts import Conflict
from tests.replication.conftest import Team, tick

ORDERS = ["ab", "ba", "direct"]  # C gets A's then B's (or B's first); or A and B meet


def bundle(desk: Session, path: Path) -> Path:
    return team.export_bundle(desk, path).path


def inbox(desk: Session) -> list[tuple[object, ...]]:
    """What a person sees in the inbox, comparable between desks."""
    return [(c.id, c.kind, c.label, c.field, c.kept,
             tuple((x.laptop, x.operator, x.at, x.value) for x in c.candidates))
            for c in team_conflicts.list_conflicts(desk)]


def concurrent(t: Team, change: Callable[[Session, str], object], order: str) -> Conflict:
    """A and B each `change(desk, 'A'|'B')`, then the bundles go round in `order` until every
    desk has both changes; returns the conflict, after checking every desk shows it alike."""
    tick(t.a, 5)
    change(t.a, "A")
    tick(t.b, 7)
    change(t.b, "B")
    a, b = bundle(t.a, t.tmp / "a.cdbundle"), bundle(t.b, t.tmp / "b.cdbundle")
    if order == "direct":  # A and B meet; C gets everything later from B
        team.import_bundle(t.a, b)
        team.import_bundle(t.b, a)
        team.import_bundle(t.c, bundle(t.b, t.tmp / "b2.cdbundle"))
    else:
        for path in ((a, b) if order == "ab" else (b, a)):
            team.import_bundle(t.c, path)
        relay = bundle(t.c, t.tmp / "c.cdbundle")
        for desk in (t.a, t.b):
            team.import_bundle(desk, relay)
    seen = {name: inbox(desk) for name, desk in t.desks.items()}
    assert seen["A"] == seen["B"] == seen["C"], seen
    assert len(seen["A"]) == 1, seen["A"]
    [conflict] = team_conflicts.list_conflicts(t.c)
    assert [x.laptop for x in conflict.candidates] == ["Command centre", "Site 2 laptop"]
    return conflict


def resolve_everywhere(t: Team, conflict: Conflict, laptop: str) -> None:
    """C keeps `laptop`'s value; after one more exchange no desk has a conflict."""
    team_conflicts.resolve_conflict(t.c, conflict.id, take_laptop=laptop)
    assert team_conflicts.list_conflicts(t.c) == []
    done = bundle(t.c, t.tmp / "resolved.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, done)
    for name, desk in t.desks.items():
        assert team_conflicts.list_conflicts(desk) == [], name


def round_trip(t: Team, order: str | tuple[str, ...], files: dict[str, Path]) -> None:
    """Every desk imports the other desks' bundles (`files`: 'a', 'b', 'c') in `order`, C the
    first one twice (a duplicate changes nothing), then C relays all it has to A and B."""
    for name in order:
        for desk_name, desk in t.desks.items():
            if desk_name.lower() != name:
                team.import_bundle(desk, files[name])
    team.import_bundle(t.c, files[order[0]])
    relay = bundle(t.c, t.tmp / "relay.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, relay)


def all_bundles(t: Team) -> dict[str, Path]:
    """Each desk's bundle of everything it has, by its letter."""
    return {name.lower(): bundle(desk, t.tmp / f"{name.lower()}-all.cdbundle")
            for name, desk in t.desks.items()}
