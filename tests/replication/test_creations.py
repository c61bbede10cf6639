"""Contacts, calling trees and incidents created on one laptop after the clone reach the others,
whatever the order of the bundles, relayed or duplicated; what refers to them waits until they
arrive; the same thing created on two laptops stays two things; a deletion is never undone by
an edit made elsewhere."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations, trees
from crisisdesk.services.session import Session
from tests.replication.conftest import START, Team, tick
from tests.replication.picture import picture
from tests.support.crisis import freeze, open_incident, staff
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.hotline import run_cli_in_process


def bundle(desk: Session, path: Path, **kw: str) -> Path:
    return team.export_bundle(desk, path, **kw).path


def set_phone(desk: Session, contact_id: str, number: str) -> None:
    draft = ContactDraft.from_contact(contact_service.get_contact(desk, contact_id))
    draft.phones = [("mobile", number)]
    contact_service.update_contact(desk, contact_id, draft)


def phone(desk: Session, contact_id: str) -> str:
    return contact_service.get_contact(desk, contact_id).phones[0].original


def names(desk: Session) -> list[str]:
    return sorted(c.name for c in contact_service.list_contacts(desk))


def tree_names(desk: Session) -> list[str]:
    return sorted(s.tree.name for s in trees.list_trees(desk))


@dataclass
class Created:
    gina: str  # contacts A created
    hal: str
    tree: str  # A's new tree, with Gina calling Hal
    incident: str  # A's new incident
    activation: str  # on the new tree


def create_on_a(t: Team) -> Created:
    """A creates two people, a tree of them and an incident, and starts the tree."""
    tick(t.a, 10)
    gina = staff(t.a, "Gina Green", phone="(312) 555-0170").id
    hal = staff(t.a, "Hal Hill", phone="(312) 555-0171").id
    tree = trees.create_tree(t.a, "Night shift")
    trees.add_person(t.a, tree.id, gina)
    trees.add_person(t.a, tree.id, hal, caller_id=gina)
    trees.add_person(t.a, tree.id, t.people[1], caller_id=gina)  # one from the clone
    incident = open_incident(t.a, title="Flooded basement")
    act = activations.start_activation(t.a, tree.id, **START)  # type: ignore[arg-type]
    return Created(gina, hal, tree.id, incident, act.id)


ORDERS = list(itertools.permutations("abc"))


@pytest.mark.parametrize("order", ORDERS, ids=["".join(o) for o in ORDERS])
def test_entities_created_after_the_clone_converge_on_three_desks_in_every_order(
        team_desks: Team, order: tuple[str, ...]) -> None:
    t = team_desks
    made = create_on_a(t)
    a1 = bundle(t.a, t.tmp / "a1.cdbundle")
    team.import_bundle(t.b, a1)
    tick(t.b, 20)  # B works on what A created, then its bundle relays A's work too
    timeline_service.add_entry(t.b, "Pumps arrived", incident_id=made.incident)
    activations.record_call(t.b, made.activation, made.hal, Outcome.REACHED)
    draft = ContactDraft.from_contact(contact_service.get_contact(t.b, made.gina))
    draft.job_title = "Night supervisor"
    contact_service.update_contact(t.b, made.gina, draft)
    tick(t.c, 30)  # C, alone, creates a person of its own
    staff(t.c, "Ida Irons", phone="(312) 555-0172")
    bundles = {"a": a1, "b": bundle(t.b, t.tmp / "b1.cdbundle"),
               "c": bundle(t.c, t.tmp / "c1.cdbundle")}
    for desk in t.desks.values():
        for name in (*order, order[0]):  # every desk takes all three, the first one twice
            team.import_bundle(desk, bundles[name])
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    for desk in t.desks.values():
        assert {"Gina Green", "Hal Hill", "Ida Irons"} <= set(names(desk))
        assert contact_service.get_contact(desk, made.gina).job_title == "Night supervisor"
        night = trees.get_tree(desk, made.tree)
        assert [(n.contact_id, n.caller_id) for n in night.nodes] == [
            (made.gina, None), (made.hal, made.gina), (t.people[1], made.gina)]
        texts = [line.entry.text for line in timeline_service.list_entries(desk, made.incident)]
        assert any(text.startswith("Incident opened: Flooded basement") for text in texts)
        assert "Pumps arrived" in texts
        assert activations.view(desk, made.activation).progress.counts.reached == 1
        assert audit_service.verify_deep(desk).ok
    a_id = team.team_status(t.a).laptop_id  # each creation names its laptop and operator
    assert set(t.c.db.execute(
        "SELECT family, origin, operator FROM repl_records WHERE id IN (?, ?, ?)",
        [made.gina, made.tree, made.incident]).fetchall()) == {
        ("contact", a_id, "alex"), ("calling_tree", a_id, "alex"), ("incident", a_id, "alex")}
    # Everyone relays everything once more: nothing changes anywhere.
    again = {name: bundle(desk, t.tmp / f"{name}2.cdbundle") for name, desk in t.desks.items()}
    for desk, path in itertools.product(t.desks.values(), again.values()):
        assert team.import_bundle(desk, path).total == 0
    assert {name: picture(desk) for name, desk in t.desks.items()} == pictures


def test_the_import_and_team_status_name_what_was_created(team_desks: Team) -> None:
    t = team_desks
    create_on_a(t)
    brought = team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    text = brought.sentence()
    for part in ("2 contacts from Command centre", "1 calling tree from Command centre",
                 "1 incident from Command centre", "1 activation from Command centre"):
        assert part in text, text
    [a_seen_by_b] = [lap for lap in team.team_status(t.b).laptops
                     if lap.name == "Command centre"]
    assert a_seen_by_b.families["contact"] == 2
    for part in ("2 contacts", "1 calling tree", "1 incident"):
        assert part in a_seen_by_b.held()
    own = team.team_status(t.a).laptops[0]  # not sent yet counts for this laptop too
    staff(t.a, "Jo Jones")
    assert team.team_status(t.a).laptops[0].families["contact"] == own.families["contact"] + 1


def test_team_status_on_the_command_line_says_what_came_from_each_laptop(
        team_desks: Team, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    t = team_desks
    create_on_a(t)
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    t.b.close()  # the command line opens the desk itself
    code, out, err = run_cli_in_process(capsys, monkeypatch, t.tmp / "B", "alex",
                                        "team", "status")
    assert code == 0, err
    [line] = [x for x in out.splitlines() if x.startswith("From Command centre: ")]
    for part in ("2 contacts", "1 calling tree", "1 incident", "2 activations"):
        assert part in line, line


def test_a_record_of_an_entity_the_desk_lacks_waits_until_its_creation_arrives(
        team_desks: Team) -> None:
    t = team_desks
    made = create_on_a(t)
    a1 = bundle(t.a, t.tmp / "a1.cdbundle")
    team.import_bundle(t.b, a1)
    tick(t.b, 20)
    timeline_service.add_entry(t.b, "Pumps arrived", incident_id=made.incident)
    activations.record_call(t.b, made.activation, made.gina, Outcome.NO_ANSWER)
    # B's bundle made for A holds only what A lacks; carried to C, it refers to what C lacks.
    stray = team.import_bundle(t.c, bundle(t.b, t.tmp / "b.cdbundle",
                                           for_laptop="Command centre"))
    assert stray.total == 0
    assert stray.waiting == 2  # the timeline entry and the call
    assert team.team_status(t.c).waiting == 2
    late = team.import_bundle(t.c, a1)
    assert late.waiting == 0
    assert late.brought["Site 2 laptop"] == {"timeline_entry": 1, "call_attempt": 1}
    assert team.team_status(t.c).waiting == 0
    texts = [line.entry.text for line in timeline_service.list_entries(t.c, made.incident)]
    assert "Pumps arrived" in texts
    assert activations.view(t.c, made.activation).progress.counts.attempted == 1


def test_the_same_thing_created_on_two_laptops_stays_two_things(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 10)
    a_pat = staff(t.a, "Pat Page", phone="(312) 555-0180").id
    a_tree = trees.create_tree(t.a, "Night shift").id
    a_flood = open_incident(t.a, title="Flood")
    tick(t.b, 12)  # B's are created later: B's tree is the one renamed, on every desk
    b_pat = staff(t.b, "Pat Page", phone="(312) 555-0181").id
    b_tree = trees.create_tree(t.b, "night shift").id
    trees.add_person(t.b, b_tree, b_pat)
    b_flood = open_incident(t.b, title="Flood")
    a1, b1 = bundle(t.a, t.tmp / "a.cdbundle"), bundle(t.b, t.tmp / "b.cdbundle")
    into_a = team.import_bundle(t.a, b1)
    into_b = team.import_bundle(t.b, a1)
    for brought in (into_a, into_b):
        assert "1 calling tree renamed (two laptops created trees of the same name)" \
            in brought.sentence()
    team.import_bundle(t.c, b1)
    team.import_bundle(t.c, a1)
    for desk in t.desks.values():
        assert names(desk).count("Pat Page") == 2
        assert {phone(desk, a_pat), phone(desk, b_pat)} == {"(312) 555-0180",
                                                            "(312) 555-0181"}
        assert trees.get_tree(desk, a_tree).name == "Night shift"
        assert trees.get_tree(desk, b_tree).name == "night shift (Site 2 laptop)"
        assert [i.title for i in incident_service.list_incidents(desk)
                if i.id in (a_flood, b_flood)] == ["Flood", "Flood"]
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]


def test_a_created_contact_is_edited_from_its_value_when_it_left_its_laptop(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    gina = staff(t.a, "Gina Green", phone="(312) 555-0170").id
    set_phone(t.a, gina, "(312) 555-0171")  # before it ever left A: part of its creation
    assert t.a.db.execute("SELECT count(*) FROM repl_edits").fetchone()[0] == 0
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a1.cdbundle"))
    assert phone(t.b, gina) == "(312) 555-0171"
    tick(t.a, 5)
    set_phone(t.a, gina, "(312) 555-0177")
    tick(t.b, 6)
    set_phone(t.b, gina, "(312) 555-0188")
    a2, b2 = bundle(t.a, t.tmp / "a2.cdbundle"), bundle(t.b, t.tmp / "b2.cdbundle")
    for desk, order in ((t.a, [b2]), (t.b, [a2]), (t.c, [b2, a2])):
        for path in order:
            team.import_bundle(desk, path)
    for desk in t.desks.values():  # the same conflict everywhere, kept at the created value
        [conflict] = team_conflicts.list_conflicts(desk)
        assert (conflict.label, conflict.field) == ("Gina Green", "phones")
        assert conflict.kept == "mobile: (312) 555-0171"
        assert phone(desk, gina) == "(312) 555-0171"


def test_a_deleted_contact_stays_deleted_whatever_edits_arrive(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    gina = staff(t.a, "Gina Green", phone="(312) 555-0170").id
    gone = staff(t.a, "Typo Person").id
    contact_service.delete_contact(t.a, gone)  # never left A: nothing of it ever travels
    tree = trees.create_tree(t.a, "Night shift")
    trees.add_person(t.a, tree.id, gina)
    a1 = bundle(t.a, t.tmp / "a1.cdbundle")
    team.import_bundle(t.b, a1)
    tick(t.b, 5)  # B, not knowing, edits Gina and a cloned person and starts the tree ...
    set_phone(t.b, gina, "(312) 555-0188")
    set_phone(t.b, t.people[2], "(312) 555-0189")
    night = activations.start_activation(t.b, tree.id, **START)  # type: ignore[arg-type]
    tick(t.a, 6)  # ... while A deletes Gina and that person (edited first) and the tree
    set_phone(t.a, t.people[2], "(312) 555-0190")  # a conflict with B's, on a deleted person
    contact_service.delete_contact(t.a, gina)
    contact_service.delete_contact(t.a, t.people[2])
    trees.delete_tree(t.a, tree.id)
    a2, b2 = bundle(t.a, t.tmp / "a2.cdbundle"), bundle(t.b, t.tmp / "b2.cdbundle")
    into_a = team.import_bundle(t.a, b2)
    assert into_a.on_removed == 2
    assert "2 changes to deleted entries not applied" in into_a.sentence()
    into_b = team.import_bundle(t.b, a2)  # B's own two edits, and A's, are not applied
    assert into_b.on_removed == 3
    assert into_b.brought["Command centre"]["removal"] == 3
    team.import_bundle(t.c, a2)  # C gets the deletions first, then the edits
    team.import_bundle(t.c, b2)
    for name, desk in t.desks.items():
        assert "Gina Green" not in names(desk), name
        assert t.people[2] not in {c.id for c in contact_service.list_contacts(desk)}, name
        assert "Typo Person" not in names(desk), name
        assert "Night shift" not in tree_names(desk), name
        assert activations.get_activation(desk, night.id).tree_id == tree.id  # kept
        assert team_conflicts.list_conflicts(desk) == [], name
        assert audit_service.verify_deep(desk).ok, name
    assert gone not in {str(r[0]) for r in t.c.db.execute("SELECT id FROM repl_records")}
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]


def test_a_deletion_that_arrives_before_the_creation_wins_too(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    gina = staff(t.a, "Gina Green").id
    tree = trees.create_tree(t.a, "Night shift")
    trees.add_person(t.a, tree.id, gina)
    a1 = bundle(t.a, t.tmp / "a1.cdbundle")
    team.import_bundle(t.b, a1)
    team.import_bundle(t.a, bundle(t.b, t.tmp / "b1.cdbundle"))  # A now knows B has them
    tick(t.a, 2)
    contact_service.delete_contact(t.a, gina)
    trees.delete_tree(t.a, tree.id)
    # A's bundle for B holds only the deletions; carried to C, they come before the creations.
    only_deletions = bundle(t.a, t.tmp / "a-for-b.cdbundle", for_laptop="Site 2 laptop")
    first = team.import_bundle(t.c, only_deletions)
    assert first.brought["Command centre"] == {"removal": 2}
    assert "2 deletions from Command centre" in first.sentence()
    team.import_bundle(t.c, a1)
    assert "Gina Green" not in names(t.c)
    assert "Night shift" not in tree_names(t.c)
    team.import_bundle(t.b, only_deletions)
    assert picture(t.c) == picture(t.b) == picture(t.a)


def test_a_tree_removed_before_it_left_and_made_again_keeps_its_name(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    first = trees.create_tree(t.a, "Night shift")
    trees.delete_tree(t.a, first.id)
    second = trees.create_tree(t.a, "Night shift")
    brought = team.import_bundle(t.b, bundle(t.a, t.tmp / "a.cdbundle"))
    assert brought.renamed == 0
    assert trees.get_tree(t.b, "Night shift").id == second.id
    assert picture(t.b) == picture(t.a)


def test_a_creation_names_who_created_it_even_if_someone_else_changed_it_since(
        team_desks: Team) -> None:
    t = team_desks
    operator_service.add_operator(t.a, "sam", Role.OPERATOR, PASSPHRASE, FAST_KDF)
    sam = desk_service.unlock(t.a.data_dir, "sam", PASSPHRASE)
    try:
        freeze(sam)
        gina = staff(t.a, "Gina Green").id  # made by alex ...
        set_phone(sam, gina, "(312) 555-0177")  # ... changed by sam before it left
        team.import_bundle(t.b, bundle(sam, t.tmp / "a.cdbundle"))
    finally:
        sam.close()
    assert t.b.db.execute("SELECT operator FROM repl_records WHERE id = ?",
                          [gina]).fetchone()[0] == "alex"
    got = contact_service.get_contact(t.b, gina)
    assert (got.phones[0].original, got.updated_by) == ("(312) 555-0177", "sam")
