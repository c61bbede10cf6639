"""What `team status`, `team conflicts` and the inbox say, in a coordinator's words: times in
the desk's zone (not UTC stamps), laptops by name with this one marked (no raw ids), and two
drafts of one template quoted where they differ (not their identical openings)."""

from __future__ import annotations

import re

from crisisdesk.services import settings as settings_service
from crisisdesk.services import team, team_conflicts
from tests.replication.conftest import Team, team_desks  # noqa: F401  (the fixture)
from tests.replication.exchange import concurrent
from tests.replication.test_edit_conflicts import concurrent_phone_edits
from tests.replication.test_template_conflicts import edit, template_team  # noqa: F401
from tests.support.cli import run_cli

UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def test_status_and_conflicts_speak_the_desk_s_time_and_laptop_names(
        team_desks: Team) -> None:  # noqa: F811
    t = team_desks
    from_a, _ = concurrent_phone_edits(t)  # A at 12:05 UTC, B at 12:07 UTC
    settings_service.set(t.b, "timezone", "America/Chicago")  # 5 hours behind in March
    team.import_bundle(t.b, from_a)
    ids = {lap.laptop_id[:8] for lap in team.team_status(t.b).laptops}
    b_dir = t.tmp / "B"
    t.b.close()  # the command line opens the desk itself

    status = run_cli(b_dir, "team", "status")
    assert status.returncode == 0, status.stderr
    assert "This laptop: Site 2 laptop\n" in status.stdout
    [a_row] = [line for line in status.stdout.splitlines() if line.startswith("Command ")]
    assert a_row.split()[-4:] == ["2026-03-20", "07:05", "2026-03-20", "07:07"]
    assert "Site 2 laptop (this laptop)" in status.stdout
    assert not UTC_STAMP.search(status.stdout)
    assert not any(i in status.stdout for i in ids), status.stdout

    listed = run_cli(b_dir, "team", "conflicts")
    assert listed.returncode == 0, listed.stderr
    assert "    Command centre, alex, 2026-03-20 07:05: mobile: (312) 555-0177\n" \
        in listed.stdout
    assert "    Site 2 laptop (this laptop), alex, 2026-03-20 07:07: " in listed.stdout
    assert not UTC_STAMP.search(listed.stdout)


def test_two_drafts_of_a_template_are_quoted_where_they_differ(
        template_team: Team) -> None:  # noqa: F811
    t = template_team
    conflict = concurrent(t, lambda desk, who: edit(desk, f"Text from {who}."), "ab")
    assert conflict.label == "Staff text alert"
    assert [x.value for x in conflict.candidates] == ["version 2, draft: …Text from A.",
                                                      "version 2, draft: …Text from B."]
    assert "{#" not in conflict.kept  # the library's note to editors is not the text
    assert team_conflicts.list_conflicts(t.a)[0].kept == conflict.kept
