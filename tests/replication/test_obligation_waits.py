"""A deadline marked done on an incident another laptop created reaches a laptop that has not
got the incident yet: the mark waits, like any record whose incident is missing, and the
deadline shows done as soon as the incident arrives (a bundle made for one laptop, carried to
another first)."""

from __future__ import annotations

import datetime as dt

from crisisdesk.services import clocks, team
from tests.replication.conftest import Team, tick
from tests.replication.exchange import bundle
from tests.support.crisis import open_incident

KEY = "state.TX.ag"
DAY = dt.date(2026, 3, 18)


def test_a_deadline_marked_before_its_incident_arrives_applies_when_it_does(
        team_desks: Team) -> None:
    t = team_desks
    tick(t.b, 3)
    incident = open_incident(t.b, title="Second breach")
    team.import_bundle(t.a, bundle(t.b, t.tmp / "incident.cdbundle"))
    tick(t.a, 5)
    clocks.mark_done(t.a, KEY, DAY, reference="AG-7", incident_ref=incident)
    for_b = team.export_bundle(t.a, t.tmp / "for-b.cdbundle", for_laptop="Site 2 laptop").path
    first = team.import_bundle(t.c, for_b)  # C has no "Second breach" yet
    assert first.waiting >= 1
    assert clocks.deadlines(t.c, t.c.db.execute(  # (C knows only the clone's incident)
        "SELECT id FROM incidents").fetchone()[0]).incident.title == "Ransomware"
    team.import_bundle(t.c, bundle(t.b, t.tmp / "b.cdbundle"))
    team.import_bundle(t.b, for_b)
    for name, desk in t.desks.items():
        done = clocks.deadlines(desk, incident).find(KEY).done
        assert done is not None, name
        assert (done.done_on, done.reference, done.recorded_by) == (DAY, "AG-7", "alex"), name
