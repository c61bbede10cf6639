"""Three laptops work offline, then exchange bundles in every order, twice, and through each
other: all three end up with the same rows in every replicated table."""

from __future__ import annotations

import itertools
from pathlib import Path

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.services import audit as audit_service
from crisisdesk.services import team
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations
from crisisdesk.services.hotline import calls as hotline_calls
from crisisdesk.services.media import inquiries
from crisisdesk.services.session import Session
from tests.replication.conftest import START, Team, tick
from tests.replication.picture import picture


def _work(t: Team) -> None:
    """Each laptop records calls, timeline entries and a media inquiry, offline."""
    for n, (name, desk) in enumerate(t.desks.items()):
        tick(desk, 10 + n)
        activations.record_call(desk, t.activation, t.people[1 + n], Outcome.NO_ANSWER)
        tick(desk, 20 + n)
        activations.record_call(desk, t.activation, t.people[1 + n], Outcome.REACHED)
        activations.record_call(desk, t.activation, t.people[4], Outcome.VOICEMAIL)
        timeline_service.add_entry(desk, f"Site {name}: generator on")
        inquiry = inquiries.log_inquiry(desk, outlet=f"Radio {name}", question="Is it open?")
        inquiries.assign(desk, inquiry.id, f"press officer {name}")
        hotline_calls.log_call(desk, language="en", topics=["letter"], outcome="answered")


def _timeline_ids(desk: Session) -> set[str]:
    return {str(r[0]) for r in desk.db.execute("SELECT id FROM timeline")}


def _export(desk: Session, path: Path) -> Path:
    return team.export_bundle(desk, path).path


def test_relayed_work_reaches_a_laptop_that_never_met_its_author(team_desks: Team) -> None:
    t = team_desks
    _work(t)
    a_new = _timeline_ids(t.a) - _timeline_ids(t.c)
    team.import_bundle(t.b, _export(t.a, t.tmp / "a1.cdbundle"))
    relayed = team.import_bundle(t.c, _export(t.b, t.tmp / "b1.cdbundle"))
    assert relayed.brought["Command centre"]["call_attempt"] == 3  # A's calls, carried by B
    assert relayed.brought["Site 2 laptop"]["call_attempt"] == 3
    assert relayed.brought["Command centre"]["timeline_entry"] == len(a_new) > 0
    texts = {line.entry.text for line in timeline_service.list_entries(t.c)}
    assert {"Site A: generator on", "Site B: generator on", "Site C: generator on"} <= texts
    assert {i.outlet for i in inquiries.list_inquiries(t.c)} == {"Radio A", "Radio B",
                                                                 "Radio C"}


def test_three_laptops_converge_whatever_the_order_duplicates_included(
        team_desks: Team) -> None:
    t = team_desks
    _work(t)
    tree = activations.get_activation(t.a, t.activation).tree_id
    activations.start_activation(t.a, tree, also=True, **START)  # type: ignore[arg-type]
    bundles = {name: _export(desk, t.tmp / f"{name}.cdbundle")
               for name, desk in t.desks.items()}
    assert b"generator on" not in bundles["A"].read_bytes()  # encrypted, not just packed
    orders = {"A": ["C", "B", "C"], "B": ["A", "C", "A"], "C": ["B", "B", "A"]}
    for name, desk in t.desks.items():
        for sender in orders[name]:
            team.import_bundle(desk, bundles[sender])
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    assert len(pictures["A"]["call_attempts"]) == 9
    assert len(pictures["A"]["tree_activations"]) == 2
    assert len(pictures["A"]["hotline_calls"]) == 3
    # A second round (each relaying everything it now knows) changes nothing anywhere.
    again = {name: _export(desk, t.tmp / f"{name}-2.cdbundle")
             for name, desk in t.desks.items()}
    for desk, sender in itertools.product(t.desks.values(), again):
        assert team.import_bundle(desk, again[sender]).total == 0
    assert {name: picture(desk) for name, desk in t.desks.items()} == pictures
    for desk in t.desks.values():
        assert audit_service.verify_deep(desk).ok  # imported rows are audited writes


def test_a_bundle_imported_twice_changes_nothing_the_second_time(team_desks: Team) -> None:
    t = team_desks
    _work(t)
    bundle = _export(t.a, t.tmp / "a.cdbundle")
    first = team.import_bundle(t.b, bundle)
    before = picture(t.b)
    second = team.import_bundle(t.b, bundle)
    assert first.brought["Command centre"]["call_attempt"] == 3
    assert second.total == 0
    assert second.already == first_import_time(t.b)
    assert picture(t.b) == before


def first_import_time(desk: Session) -> str:
    return str(desk.db.execute("SELECT imported_at FROM repl_bundles").fetchone()[0])
