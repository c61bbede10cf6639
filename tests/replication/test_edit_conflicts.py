"""Contacts edited on several laptops: concurrent changes of one field become the same visible
conflict on every desk (nobody's value silently wins), a resolution made anywhere clears it
everywhere, and edits made one after the other never conflict."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.errors import NotFound, UserError
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.replication.conftest import Team, tick
from tests.replication.picture import picture
from tests.support.cli import run_cli

CLONED = "(312) 555-0101"


def set_phone(desk: Session, contact_id: str, number: str) -> None:
    draft = ContactDraft.from_contact(contact_service.get_contact(desk, contact_id))
    draft.phones = [("mobile", number)]
    contact_service.update_contact(desk, contact_id, draft)


def phone(desk: Session, contact_id: str) -> str:
    return contact_service.get_contact(desk, contact_id).phones[0].original


def bundle(desk: Session, path: Path) -> Path:
    return team.export_bundle(desk, path).path


def inbox(desk: Session) -> list[tuple[object, ...]]:
    """What a person sees in the inbox, comparable between desks."""
    return [(c.id, c.label, c.field, c.kept,
             tuple((x.laptop, x.operator, x.at, x.value) for x in c.candidates))
            for c in team_conflicts.list_conflicts(desk)]


def concurrent_phone_edits(t: Team) -> tuple[Path, Path]:
    """A and B change the same person's phone without seeing each other's change."""
    tick(t.a, 5)
    set_phone(t.a, t.people[1], "(312) 555-0177")
    tick(t.b, 7)
    set_phone(t.b, t.people[1], "(312) 555-0188")
    return bundle(t.a, t.tmp / "a.cdbundle"), bundle(t.b, t.tmp / "b.cdbundle")


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_concurrent_phone_edit_is_the_same_conflict_on_every_desk(
        team_desks: Team, order: str) -> None:
    t = team_desks
    a, b = concurrent_phone_edits(t)
    first, second = (a, b) if order == "ab" else (b, a)
    team.import_bundle(t.c, first)
    brought = team.import_bundle(t.c, second)
    assert brought.conflicts == 1
    assert "1 change from" in brought.sentence()
    assert brought.sentence().endswith(", 1 conflict")
    relay = bundle(t.c, t.tmp / "c.cdbundle")
    for desk in (t.a, t.b):  # each gets the other's edit only through C
        assert team.import_bundle(desk, relay).conflicts == 1
    assert team.team_status(t.b).conflicts == 1
    seen = {name: inbox(desk) for name, desk in t.desks.items()}
    assert seen["A"] == seen["B"] == seen["C"]
    [conflict] = team_conflicts.list_conflicts(t.c)
    assert (conflict.label, conflict.field) == ("Ann Able", "phones")
    assert [(x.laptop, x.value) for x in conflict.candidates] == [
        ("Command centre", "mobile: (312) 555-0177"),
        ("Site 2 laptop", "mobile: (312) 555-0188")]
    # Neither value wins: every desk, the two authors included, shows the phone as cloned.
    assert {phone(desk, t.people[1]) for desk in t.desks.values()} == {CLONED}
    assert conflict.kept == f"mobile: {CLONED}"


def test_a_resolution_on_one_desk_clears_the_conflict_everywhere(team_desks: Team) -> None:
    t = team_desks
    a, b = concurrent_phone_edits(t)
    team.import_bundle(t.c, a)
    team.import_bundle(t.c, b)
    [conflict] = team_conflicts.list_conflicts(t.c)
    done = team_conflicts.resolve_conflict(t.c, conflict.id[:6], take_laptop="site 2 laptop")
    assert done.value == "mobile: (312) 555-0188"
    assert team_conflicts.list_conflicts(t.c) == []
    assert phone(t.c, t.people[1]) == "(312) 555-0188"
    last = audit_store.entries(t.c.db)[-1]  # one entry, naming the field, not the number
    assert (last.action, last.summary) == ("team.resolve",
                                           "Resolved a conflict on a contact (phones)")
    resolution = bundle(t.c, t.tmp / "c.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, resolution)
    for name, desk in t.desks.items():
        assert team_conflicts.list_conflicts(desk) == [], name
        assert phone(desk, t.people[1]) == "(312) 555-0188", name
        assert audit_service.verify_deep(desk).ok, name  # edits are audited rows too
    pictures = {name: picture(desk) for name, desk in t.desks.items()}
    assert pictures["A"]["repl_edits"] == pictures["B"]["repl_edits"] \
        == pictures["C"]["repl_edits"]
    # A late copy of the original bundles brings nothing back.
    for desk, old in itertools.product((t.a, t.b, t.c), (a, b)):
        team.import_bundle(desk, old)
        assert team_conflicts.list_conflicts(desk) == []
        assert phone(desk, t.people[1]) == "(312) 555-0188"


def test_a_typed_value_resolves_and_is_checked_like_the_contact_form(
        team_desks: Team) -> None:
    t = team_desks
    a, b = concurrent_phone_edits(t)
    team.import_bundle(t.a, b)
    [conflict] = team_conflicts.list_conflicts(t.a)
    with pytest.raises(UserError, match="phone"):
        team_conflicts.resolve_conflict(t.a, conflict.id, value="desk=not a number")
    with pytest.raises(NotFound, match="Command centre, Site 2 laptop"):
        team_conflicts.resolve_conflict(t.a, conflict.id, take_laptop="Spokesperson laptop")
    with pytest.raises(UserError, match="--take"):
        team_conflicts.resolve_conflict(t.a, conflict.id)
    assert len(team_conflicts.list_conflicts(t.a)) == 1  # nothing half-done
    team_conflicts.resolve_conflict(t.a, conflict.id, value="desk=(312) 555-0199")
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a2.cdbundle"))
    for desk in (t.a, t.b):
        [number] = contact_service.get_contact(desk, t.people[1]).phones
        assert (number.label, number.original) == ("desk", "(312) 555-0199")
        assert team_conflicts.list_conflicts(desk) == []


def test_edits_made_one_after_the_other_never_conflict(team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 5)
    set_phone(t.a, t.people[1], "(312) 555-0177")
    a = bundle(t.a, t.tmp / "a.cdbundle")
    team.import_bundle(t.b, a)
    assert phone(t.b, t.people[1]) == "(312) 555-0177"
    tick(t.b, 1)  # B's clock is behind A's: the order of edits, not clocks, decides
    set_phone(t.b, t.people[1], "(312) 555-0188")
    b = bundle(t.b, t.tmp / "b.cdbundle")
    for desk, order in ((t.c, (b, a)), (t.a, (b,))):
        for path in order:
            assert team.import_bundle(desk, path).conflicts == 0
    for desk in t.desks.values():
        assert team_conflicts.list_conflicts(desk) == []
        assert phone(desk, t.people[1]) == "(312) 555-0188"


def test_only_the_changed_field_is_an_edit_record(team_desks: Team) -> None:
    t = team_desks
    draft = ContactDraft.from_contact(contact_service.get_contact(t.b, t.people[2]))
    draft.job_title = "Charge nurse"
    contact_service.update_contact(t.b, t.people[2], draft)
    fields = [r[0] for r in t.b.db.execute("SELECT field FROM repl_edits")]
    assert fields == ["job_title"]


@pytest.mark.slow  # each command is a fresh process
def test_conflicts_and_resolve_from_the_command_line(team_desks: Team) -> None:
    t = team_desks
    a, b = concurrent_phone_edits(t)
    team.import_bundle(t.b, a)
    b_dir = t.tmp / "B"
    t.b.close()  # the command line opens the desk itself
    listed = run_cli(b_dir, "team", "conflicts")
    assert listed.returncode == 0, listed.stderr
    assert "Ann Able: phones\n    shown meanwhile: mobile: (312) 555-0101\n" in listed.stdout
    assert "Command centre, alex, 2026-03-20 12:05: mobile: (312) 555-0177" in listed.stdout
    assert "Site 2 laptop (this laptop), alex, " in listed.stdout
    [conflict] = json.loads(run_cli(b_dir, "team", "conflicts", "--json").stdout)
    assert [c["value"] for c in conflict["candidates"]] == ["mobile: (312) 555-0177",
                                                           "mobile: (312) 555-0188"]
    wrong = run_cli(b_dir, "team", "resolve", conflict["id"], "--take", "Nowhere")
    assert wrong.returncode == 1
    assert len(wrong.stderr.strip().splitlines()) == 1
    out = run_cli(b_dir, "team", "resolve", conflict["id"][:5], "--take", "command centre")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (f"Resolved {conflict['id']}: phones is now "
                                  "mobile: (312) 555-0177.")
    assert run_cli(b_dir, "team", "conflicts").stdout.strip() == "No conflicts."


def test_the_value_before_a_conflict_is_the_last_one_both_laptops_saw(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.a, 1)
    set_phone(t.a, t.people[1], "(312) 555-0111")
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a1.cdbundle"))
    tick(t.a, 2)
    set_phone(t.a, t.people[1], "(312) 555-0122")  # A changes it twice more,
    tick(t.a, 3)
    set_phone(t.a, t.people[1], "(312) 555-0133")
    tick(t.b, 4)
    set_phone(t.b, t.people[1], "(312) 555-0144")  # B once, from 0111
    team.import_bundle(t.b, bundle(t.a, t.tmp / "a2.cdbundle"))
    [conflict] = team_conflicts.list_conflicts(t.b)
    assert conflict.kept == "mobile: (312) 555-0111"
    assert [x.value for x in conflict.candidates] == ["mobile: (312) 555-0133",
                                                      "mobile: (312) 555-0144"]
    assert phone(t.b, t.people[1]) == "(312) 555-0111"
    # Changing the field in the contact form settles it too: the typed value supersedes both.
    set_phone(t.b, t.people[1], "(312) 555-0155")
    assert team_conflicts.list_conflicts(t.b) == []
    team.import_bundle(t.a, bundle(t.b, t.tmp / "b.cdbundle"))
    assert team_conflicts.list_conflicts(t.a) == []
    assert phone(t.a, t.people[1]) == "(312) 555-0155"
