"""`crisisdesk team …` as a user runs it: what an import brought, refusals as one line."""

from __future__ import annotations

import json

import pytest

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.services.calling_trees import activations
from tests.replication.conftest import Team
from tests.support.cli import run_cli

pytestmark = pytest.mark.slow  # each command is a fresh process


def test_export_import_and_status_from_the_command_line(team_desks: Team) -> None:
    t = team_desks
    activations.record_call(t.a, t.activation, t.people[1], Outcome.REACHED)
    activations.record_call(t.a, t.activation, t.people[2], Outcome.BUSY)
    a_dir, b_dir = t.a.data_dir, t.tmp / "B"
    out = run_cli(a_dir, "team", "export", "--to", str(t.tmp), "--for", "site 2 laptop")
    assert out.returncode == 0, out.stderr
    bundle = next(t.tmp.glob("CDX-command-centre-*.cdbundle"))
    assert "for Site 2 laptop" in out.stdout
    assert "everything this laptop knows" in out.stdout  # B has never sent anything
    out = run_cli(b_dir, "team", "import", str(bundle))
    assert out.returncode == 0, out.stderr
    assert "2 call attempts from Command centre" in out.stdout
    again = run_cli(b_dir, "team", "import", str(bundle), "--json")
    assert json.loads(again.stdout)["imported"][0]["total"] == 0
    status = json.loads(run_cli(b_dir, "team", "status", "--json").stdout)
    held = {lap["name"]: lap["records_here"] for lap in status["laptops"]}
    assert status["laptop_name"] == "Site 2 laptop"
    assert held["Command centre"] >= 2


def test_a_bad_bundle_is_one_line_and_exit_1(team_desks: Team) -> None:
    t = team_desks
    junk = t.tmp / "junk.cdbundle"
    junk.write_bytes(b"CRISISDESK-TEAM-BUNDLE\n\x00\x00")
    out = run_cli(t.tmp / "B", "team", "import", str(junk))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "crisisdesk: junk.cdbundle is damaged or was altered (it fails its check); "
        "nothing was imported."]
