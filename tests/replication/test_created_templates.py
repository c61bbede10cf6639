"""Templates created on one laptop after the clone reach the others with their versions and
approval, whatever the order of the bundles, relayed or duplicated; a message logged with one
no longer waits; the same key created on two laptops stays two templates, the later one given
a new key on every desk; a draft the hotline proposed travels like any other."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.templates import Status, check_key
from crisisdesk.services import messages as message_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services import templates as template_service
from crisisdesk.services.hotline import faq
from crisisdesk.services.session import Session
from crisisdesk.services.templates import NotApproved
from tests.replication.conftest import Team, cloned, tick
from tests.replication.exchange import bundle
from tests.replication.picture import picture
from tests.support.crisis import freeze

SMS = "staff-sms-alert-en"
NEW = "storm-closure-en"
VALUES = {"action_requested": "Come in", "staff_hotline": "217-555-0120"}
ORDERS = list(itertools.permutations("abc"))


@pytest.fixture
def template_team(session: Session, tmp_path: Path) -> Iterator[Team]:
    """Desk A (one person may approve what they drafted), cloned to B and C."""
    freeze(session)
    template_service.set_approval_policy(session, single_person=True,
                                         reason="three-person crisis team")
    with cloned(session, tmp_path) as t:
        yield t


def create(desk: Session, text: str, key: str = NEW) -> None:
    """A new staff SMS template, shaped like the shipped one, as draft version 1."""
    shipped = template_service.get_version(desk, SMS, 1)
    meta = dataclasses.replace(shipped.meta, key=key, name="Storm closure",
                               translation_group=key.removesuffix("-en"))
    template_service.create_template(desk, meta, f"{shipped.body}\n{text}")


def approve(desk: Session, key: str, version: int) -> None:
    template_service.submit(desk, key, version)
    template_service.approve(desk, key, version, acknowledge_warnings=True)


def issue(desk: Session, key: str = NEW) -> message_service.IssuedMessage:
    return message_service.issue_message(desk, key, recipient_count=2, values=VALUES)


def keys(desk: Session) -> list[str]:
    """The keys of the storm closure templates on this desk."""
    return sorted(s.key for s in template_service.list_templates(desk)
                  if s.key.startswith("storm-closure"))


def send(t: Team, order: tuple[str, ...], files: dict[str, Path]) -> None:
    """Every desk imports the bundles of the others in `order`, one of them twice, then C
    relays what it has to A and B."""
    for name in order:
        for desk_name, desk in t.desks.items():
            if desk_name.lower() != name:
                team.import_bundle(desk, files[name])
    team.import_bundle(t.c, files[order[0]])  # a duplicate: nothing changes
    relay = bundle(t.c, t.tmp / "relay.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, relay)


@pytest.mark.parametrize("order", ORDERS)
def test_a_template_created_after_the_clone_travels_approved_and_is_used(
        template_team: Team, order: tuple[str, ...]) -> None:
    t = template_team
    tick(t.a, 5)
    create(t.a, "Draft one.")
    template_service.save_draft(t.a, NEW, template_service.get_version(t.a, NEW).body
                                + " Stay home.")  # still unsent: part of the creation
    first = bundle(t.a, t.tmp / "a1.cdbundle")  # the draft leaves A
    tick(t.a, 6)
    approve(t.a, NEW, 1)  # then its approval, an edit record
    logged = issue(t.a)  # and a message logged with it
    files = {"a": bundle(t.a, t.tmp / "a.cdbundle"), "b": bundle(t.b, t.tmp / "b.cdbundle"),
             "c": bundle(t.c, t.tmp / "c.cdbundle")}
    team.import_bundle(t.b, first)
    assert template_service.get_version(t.b, NEW).status is Status.DRAFT
    with pytest.raises(NotApproved, match="no approved version"):
        template_service.require_approved(t.b, NEW)  # a draft is never used
    send(t, order, files)
    assert picture(t.a) == picture(t.b) == picture(t.c)
    a1 = template_service.get_version(t.a, NEW, 1)
    for name, desk in t.desks.items():
        used = template_service.require_approved(desk, NEW)  # the signature verifies here
        assert (used.version, used.sha256) == (1, a1.sha256), name
        assert used.body.endswith("Draft one. Stay home."), name
        assert [e.id for e in message_service.communication_log(desk)] == [logged.entry.id], name
        assert issue(desk).rendered.text.endswith("Draft one. Stay home."), name
        assert team.team_status(desk).waiting == 0, name
        assert team_conflicts.list_conflicts(desk) == [], name


def test_later_versions_of_a_created_template_travel_as_edits(template_team: Team) -> None:
    t = template_team
    create(t.b, "From B.")
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b1.cdbundle"))
    tick(t.b, 3)
    approve(t.b, NEW, 1)
    template_service.save_draft(t.b, NEW, template_service.get_version(t.b, NEW).body + " 2")
    approve(t.b, NEW, 2)
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b2.cdbundle"))
    team.import_bundle(t.a, bundle(t.c, t.tmp / "c.cdbundle"))
    for name, desk in t.desks.items():
        assert [(v.version, v.status) for v in template_service.history(desk, NEW)] == [
            (1, Status.RETIRED), (2, Status.APPROVED)], name
        assert template_service.require_approved(desk, NEW).body.endswith("From B. 2"), name
    assert picture(t.a) == picture(t.b) == picture(t.c)


@pytest.mark.parametrize("order", ORDERS)
def test_one_key_created_on_two_laptops_stays_two_templates(
        template_team: Team, order: tuple[str, ...]) -> None:
    t = template_team
    tick(t.a, 5)
    create(t.a, "A's text.")
    tick(t.b, 7)  # B's is the later one
    create(t.b, "B's text.")
    approve(t.b, NEW, 1)
    b_message = issue(t.b)
    files = {"a": bundle(t.a, t.tmp / "a.cdbundle"), "b": bundle(t.b, t.tmp / "b.cdbundle"),
             "c": bundle(t.c, t.tmp / "c.cdbundle")}
    result = team.import_bundle(t.a, files["b"])
    assert result.rekeyed == 1
    assert "1 template given a new key" in result.sentence()
    send(t, order, files)
    assert picture(t.a) == picture(t.b) == picture(t.c)
    moved = "storm-closure-site-2-laptop-en"
    for name, desk in t.desks.items():
        assert keys(desk) == [NEW, moved], name
        assert template_service.get_version(desk, NEW).body.endswith("A's text."), name
        assert template_service.get_version(desk, NEW).status is Status.DRAFT, name
        # B's approval stays with B's text, under its new key, and verifies everywhere
        assert template_service.require_approved(desk, moved).body.endswith("B's text."), name
        with pytest.raises(NotApproved):
            template_service.require_approved(desk, NEW)
        [entry] = message_service.communication_log(desk)
        assert entry.id == b_message.entry.id, name


def test_a_draft_the_hotline_proposed_travels(template_team: Team) -> None:
    t = template_team
    tick(t.a, 2)
    proposal = faq.ask(t.a, "Can I still get my insulin refilled?", "en")
    assert proposal.new_draft
    tick(t.b, 4)  # the same question reaches B's hotline before the laptops meet
    again = faq.ask(t.b, "Can I still get my insulin refilled?", "en")
    assert again.template_key == proposal.template_key
    a, b = bundle(t.a, t.tmp / "a.cdbundle"), bundle(t.b, t.tmp / "b.cdbundle")
    team.import_bundle(t.c, b)
    team.import_bundle(t.c, a)
    relay = bundle(t.c, t.tmp / "c.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, relay)
    for name, desk in t.desks.items():
        drafts = [s for s in template_service.list_templates(desk)
                  if s.key.startswith("hotline-faq-q-")]
        [other] = [s.key for s in drafts if s.key != proposal.template_key]
        assert len(drafts) == 2, name
        assert other.endswith("-site-2-laptop-en"), name
        check_key(other)  # still a valid key
        for found in drafts:
            proposed = template_service.get_version(desk, found.key)
            assert (proposed.version, proposed.status) == (1, Status.DRAFT), name
            assert proposed.body == faq.PROPOSAL_BODY, name
        assert faq.unanswered(desk)[0].asked == 2, name
    assert picture(t.a) == picture(t.b) == picture(t.c)


def test_a_key_changes_only_to_the_key_an_import_gave_it(template_team: Team) -> None:
    t = template_team
    create(t.a, "A's text.")
    template_id = template_service.get_version(t.a, NEW).template_id
    with pytest.raises(Exception, match="cannot be changed"):  # the schema itself refuses
        t.a.db.execute("UPDATE templates SET key = 'storm-closure-x-en' WHERE id = ?",
                       [template_id])
    assert keys(t.a) == [NEW]
