"""Templates on several laptops: a version approved on one laptop reaches the others with its
approval (signature included) and can be used there; but an edit made on two laptops, or an
approval on one of what another changed, never merges silently: every desk shows the same
conflict and refuses the template for anything leaving the building (a statement, letters)
until a coordinator keeps one text and it is approved again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.templates import Status
from crisisdesk.services import messages as message_service
from crisisdesk.services import team, team_conflicts
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.services.templates import NotApproved
from tests.replication.conftest import Team, cloned
from tests.replication.exchange import ORDERS, bundle, concurrent
from tests.support.crisis import freeze

SMS = "staff-sms-alert-en"
VALUES = {"action_requested": "Come in", "staff_hotline": "217-555-0120"}


@pytest.fixture
def template_team(session: Session, tmp_path: Path) -> Iterator[Team]:
    """Desk A: the staff SMS approved as version 1 and a draft version 2; one person may
    approve what they drafted (a small team); cloned to B and C."""
    freeze(session)
    template_service.set_approval_policy(session, single_person=True,
                                         reason="three-person crisis team")
    assert template_service.get_version(session, SMS, 1).status is Status.APPROVED
    v1 = template_service.get_version(session, SMS, 1)
    template_service.save_draft(session, SMS, v1.body + "\nBring your badge.")
    with cloned(session, tmp_path) as t:
        yield t


def approve(desk: Session, version: int) -> None:
    template_service.submit(desk, SMS, version)
    template_service.approve(desk, SMS, version, acknowledge_warnings=True)


def edit(desk: Session, extra: str) -> None:
    v1 = template_service.get_version(desk, SMS, 1)
    template_service.save_draft(desk, SMS, f"{v1.body}\n{extra}")


def issue(desk: Session) -> message_service.IssuedMessage:
    return message_service.issue_message(desk, SMS, recipient_count=2, values=VALUES)


def refused_everywhere(t: Team, match: str) -> None:
    for name, desk in t.desks.items():
        with pytest.raises(NotApproved, match=match):
            issue(desk)
        with pytest.raises(NotApproved, match=match):
            template_service.require_approved(desk, SMS)
        assert message_service.communication_log(desk) == [], name


def test_an_approval_travels_and_is_used_on_the_other_laptops(template_team: Team) -> None:
    t = template_team
    approve(t.a, 2)
    team.import_bundle(t.c, bundle(t.a, t.tmp / "a.cdbundle"))
    team.import_bundle(t.b, bundle(t.c, t.tmp / "c.cdbundle"))
    a2 = template_service.get_version(t.a, SMS, 2)
    for name, desk in t.desks.items():
        used = template_service.require_approved(desk, SMS)  # the signature verifies here
        assert (used.version, used.sha256) == (2, a2.sha256), name
        assert "Bring your badge." in issue(desk).rendered.text, name
        assert template_service.get_version(desk, SMS, 1).status is Status.RETIRED, name
        assert team_conflicts.list_conflicts(desk) == [], name


@pytest.mark.parametrize("order", ORDERS)
def test_a_template_edited_on_two_laptops_is_refused_until_settled_and_approved(
        template_team: Team, order: str) -> None:
    t = template_team
    conflict = concurrent(t, lambda desk, who: edit(desk, f"Text from {who}."), order)
    assert (conflict.entity, conflict.label, conflict.field) == ("template", "Staff text alert",
                                                                 "release")
    assert [x.value.split(":")[0] for x in conflict.candidates] == ["version 2, draft"] * 2
    # Version 1 was approved on every laptop, but the template is not used meanwhile.
    refused_everywhere(t, "changed on two laptops at once")
    with pytest.raises(ValidationError, match="settle the conflict first"):
        edit(t.c, "A third text.")
    team_conflicts.resolve_conflict(t.c, conflict.id, take_laptop="Site 2 laptop")
    done = bundle(t.c, t.tmp / "resolved.cdbundle")
    for desk in (t.a, t.b):
        team.import_bundle(desk, done)
    for name, desk in t.desks.items():
        assert team_conflicts.list_conflicts(desk) == [], name
        kept = template_service.get_version(desk, SMS)
        assert (kept.version, kept.status) == (3, Status.DRAFT), name
        assert kept.body.endswith("Text from B."), name
    refused_everywhere(t, "no approved version")  # nobody's earlier approval survives
    approve(t.a, 3)
    team.import_bundle(t.b, bundle(t.a, t.tmp / "approved.cdbundle"))
    assert issue(t.b).rendered.text.endswith("Text from B.")


@pytest.mark.parametrize("order", ORDERS[:2])
def test_an_approval_of_a_version_changed_on_another_laptop_never_merges(
        template_team: Team, order: str) -> None:
    t = template_team

    def change(desk: Session, who: str) -> None:
        if who == "A":
            approve(desk, 2)  # A approves draft 2 as it was cloned...
        else:
            edit(desk, "Changed on B.")  # ...while B rewrites draft 2

    conflict = concurrent(t, change, order)
    assert [x.value.split(":")[0] for x in conflict.candidates] == [
        "version 2, approved by alex", "version 2, draft"]
    refused_everywhere(t, "changed on two laptops at once")
    team_conflicts.resolve_conflict(t.a, conflict.id, take_laptop="Command centre")
    done = bundle(t.a, t.tmp / "resolved.cdbundle")
    for desk in (t.b, t.c):
        team.import_bundle(desk, done)
    refused_everywhere(t, "no approved version")
    for desk in t.desks.values():
        kept = template_service.get_version(desk, SMS)
        assert (kept.version, kept.status) == (3, Status.DRAFT)
        assert kept.body.endswith("Bring your badge.")
