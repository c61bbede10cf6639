"""A legal deadline marked done on one laptop is done on every laptop of the team, whether it
was marked on the deadlines list or by sending its last filing; marking it done and not done
(or done differently) on two laptops at once is a conflict in the inbox, never a silent winner:
the deadline shows what it was before both until a coordinator keeps one."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.services import audit as audit_service
from crisisdesk.services import clocks, team, team_conflicts
from crisisdesk.services import filings as filing_service
from crisisdesk.services.session import Session
from tests.replication.conftest import Team, tick
from tests.replication.exchange import ORDERS, bundle, concurrent, resolve_everywhere

KEY = "state.TX.ag"
MEDIA = "hipaa.media.TX"  # a filing that is the whole obligation
DAY = dt.date(2026, 3, 18)


def done(desk: Session, key: str = KEY) -> tuple[str, str, str] | None:
    """The deadline as its list shows it: (done on, reference, by) or None (not done)."""
    found = clocks.deadlines(desk).find(key).done
    return None if found is None else (found.done_on.isoformat(), found.reference,
                                       found.recorded_by)


def rows(desk: Session) -> list[tuple[object, ...]]:
    return desk.db.execute("SELECT incident_id, obligation_key, done_on, reference, note, "
                           "updated_at, updated_by FROM obligation_status ORDER BY 1, 2"
                           ).fetchall()


def spread(t: Team, name: str) -> None:
    """A's work reaches B, and C gets it relayed through B."""
    team.import_bundle(t.b, bundle(t.a, t.tmp / f"{name}-a.cdbundle"))
    team.import_bundle(t.c, bundle(t.b, t.tmp / f"{name}-b.cdbundle"))


def test_a_filing_sent_on_one_laptop_marks_the_deadline_done_on_three(
        team_desks: Team) -> None:
    t = team_desks
    filing_service.prepare(t.a, MEDIA)
    filing_service.approve(t.a, MEDIA)
    tick(t.a, 5)
    filing_service.mark_sent(t.a, MEDIA, DAY, "portal", confirmation="TX-0042")
    assert done(t.a, MEDIA) == ("2026-03-18", "TX-0042", "alex")
    assert done(t.b, MEDIA) is None
    spread(t, "sent")
    for name, desk in t.desks.items():
        assert filing_service.get_filing(desk, MEDIA).stage.value == "sent", name
        assert done(desk, MEDIA) == ("2026-03-18", "TX-0042", "alex"), name
        assert team_conflicts.list_conflicts(desk) == [], name
    # Marked not done later on C, after it saw the done: that travels back too.
    tick(t.c, 20)
    clocks.mark_not_done(t.c, MEDIA)
    team.import_bundle(t.a, bundle(t.c, t.tmp / "undone.cdbundle"))
    assert done(t.a, MEDIA) is None
    assert team_conflicts.list_conflicts(t.a) == []


@pytest.mark.parametrize("order", ORDERS)
def test_done_on_one_laptop_and_not_done_on_another_at_once_is_a_conflict(
        team_desks: Team, order: str) -> None:
    t = team_desks
    clocks.mark_done(t.a, KEY, DAY, reference="first")
    spread(t, "start")
    team.import_bundle(t.a, bundle(t.c, t.tmp / "back.cdbundle"))

    def change(desk: Session, who: str) -> None:
        if who == "A":
            clocks.mark_not_done(desk, KEY)  # A: it was not really sent
        else:
            clocks.mark_done(desk, KEY, DAY + dt.timedelta(days=1), reference="resent")

    conflict = concurrent(t, change, order)
    assert (conflict.entity, conflict.field) == ("obligation", "done")
    assert team_conflicts.field_words(conflict.field) == "status"
    assert conflict.label == f"{KEY} (Ransomware)"
    assert [(x.laptop, x.value) for x in conflict.candidates] == [
        ("Command centre", "not done"),
        ("Site 2 laptop", "done on 2026-03-19, reference resent")]
    assert conflict.kept == "done on 2026-03-18, reference first"
    for name, desk in t.desks.items():  # what it was before both, on every desk
        assert done(desk) == ("2026-03-18", "first", "alex"), name
    assert rows(t.a) == rows(t.b) == rows(t.c)
    resolve_everywhere(t, conflict, "Command centre")
    for name, desk in t.desks.items():
        assert done(desk) is None, name
        assert audit_service.verify_deep(desk).ok, name  # what the merges set is audited too
    assert rows(t.a) == rows(t.b) == rows(t.c)
