"""Whose laptop wrote a record: lists name the other laptop ("alex on Site 2 laptop"), the
import's audit entry names the laptops its records came from, and `audit verify --deep`
notices an imported record's origin changed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.cli import timeline_cmds
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.domain.timeline import entry_ids
from crisisdesk.services import audit as audit_service
from crisisdesk.services import filings as filing_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import record_origins, team
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.ui.regulators.filings_tab import detail_html
from tests.replication.conftest import Team, tick
from tests.support.cli import run_cli
from tests.support.tamper import outside_the_app


def _exchange(t: Team) -> tuple[str, str]:
    """A and B (both operated by alex) each add a timeline entry; B's bundle reaches A.
    Returns (A's entry id, B's entry id)."""
    tick(t.a, 5)
    tick(t.b, 6)
    mine = timeline_service.add_entry(t.a, "Command centre: generators checked").id
    theirs = timeline_service.add_entry(t.b, "Site 2: pharmacy on paper").id
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    return mine, theirs


def test_a_record_from_another_laptop_names_it_and_this_laptops_do_not(
        team_desks: Team) -> None:
    t = team_desks
    mine, theirs = _exchange(t)
    who = record_origins.origins(t.a, [mine, theirs]).who
    assert who("alex", theirs) == "alex on Site 2 laptop"
    assert who("alex", mine) == "alex"
    # On B, A's entry (not sent yet) is unknown and B's own entry is B's: names alone.
    assert record_origins.origins(t.b, [theirs]).who("alex", theirs) == "alex"


def test_the_import_s_audit_entry_names_where_relayed_records_came_from(
        team_desks: Team) -> None:
    t = team_desks
    timeline_service.add_entry(t.a, "Command centre: generators checked")
    team.import_bundle(t.b, team.export_bundle(t.a, t.tmp / "a.cdbundle").path)
    timeline_service.add_entry(t.b, "Site 2: pharmacy on paper")
    team.import_bundle(t.c, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    entry = audit_store.entries(t.c.db)[-1]
    assert entry.action == "team.import"
    assert "from Site 2 laptop" in entry.summary
    assert "from Command centre" in entry.summary  # relayed by B, written on A


def test_an_imported_record_s_origin_changed_by_hand_fails_the_deep_check(
        team_desks: Team) -> None:
    t = team_desks
    _mine, theirs = _exchange(t)
    assert audit_service.verify_deep(t.a).ok
    own = t.a.db.execute("SELECT value FROM meta WHERE key = 'laptop_id'").fetchone()[0]
    with outside_the_app(t.a.data_dir) as (conn, _key):  # pass B's entry off as A's own
        conn.execute("UPDATE repl_records SET origin = ? WHERE id = ?", [own, theirs])
    report = audit_service.verify_deep(t.a)
    assert not report.ok
    assert any("repl_records" in line and theirs in line for line in report.lines())


def _timeline_json(desk: Session) -> dict[str, dict[str, object]]:
    lines = timeline_service.list_entries(desk)
    origins = record_origins.origins(desk, entry_ids(lines))
    return {line.entry.text: timeline_cmds.line_json(line, origins) for line in lines}


def test_timeline_json_has_the_origin_of_imported_entries_only(team_desks: Team) -> None:
    t = team_desks
    _exchange(t)
    shown = _timeline_json(t.a)
    assert shown["Site 2: pharmacy on paper"]["origin"] == "Site 2 laptop"
    assert shown["Command centre: generators checked"]["origin"] is None


def test_a_desk_that_is_not_a_team_shows_names_alone(session: Session) -> None:
    from tests.support.crisis import open_incident

    open_incident(session)
    entry = timeline_service.add_entry(session, "Generators checked")
    assert record_origins.origins(session, [entry.id]) is record_origins.NONE
    assert record_origins.origins(session, [entry.id]).who("alex", entry.id) == "alex"
    assert {v["origin"] for v in _timeline_json(session).values()} == {None}


@pytest.mark.slow
def test_timeline_list_on_the_command_line_names_the_other_laptop(team_desks: Team,
                                                                   tmp_path: Path) -> None:
    t = team_desks
    _exchange(t)
    out = run_cli(t.a.data_dir, "timeline", "list")
    assert out.returncode == 0, out.stderr
    rows = {line for line in out.stdout.splitlines() if "Site 2: pharmacy" in line
            or "Command centre: generators" in line}
    theirs = next(r for r in rows if "Site 2: pharmacy" in r)
    mine = next(r for r in rows if "Command centre: generators" in r)
    assert "alex on Site 2 laptop" in theirs
    assert "on Site 2 laptop" not in mine
    assert " alex " in f" {mine} "
    data = json.loads(run_cli(t.a.data_dir, "timeline", "list", "--json").stdout)
    assert {e["text"]: e["origin"] for e in data}["Site 2: pharmacy on paper"] == \
        "Site 2 laptop"


def test_a_filing_step_taken_on_another_laptop_names_it(team_desks: Team) -> None:
    t = team_desks
    key = next(f.key for f in filing_service.tracker(t.a).filings
               if f.owed.kind not in filing_service.LETTER_KINDS)  # no letter to fill in
    filing_service.prepare(t.a, key)
    team.import_bundle(t.b, team.export_bundle(t.a, t.tmp / "a.cdbundle").path)
    tick(t.b, 5)
    filing_service.approve(t.b, key)
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    report = filing_service.tracker(t.a)
    filing = next(f for f in report.filings if f.key == key)
    text = detail_html(filing, filing_service.step_authors(t.a, report.incident.id))
    assert "Prepared by alex; approved by alex on Site 2 laptop." in text
    assert "Prepared by alex; approved by alex." in detail_html(filing)  # nothing extra


def test_systems_json_names_the_laptop_of_the_last_update(team_desks: Team) -> None:
    t = team_desks
    system_service.set_status(t.a, "EHR", SystemStatus.DOWN)
    tick(t.b, 5)
    system_service.set_status(t.b, "Email", SystemStatus.DEGRADED)
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    systems = system_service.list_systems(t.a)
    laptops = system_service.update_laptops(t.a, systems)
    by_name = {s.name: laptops.get(s.id) for s in systems}
    assert by_name["Email"] == "Site 2 laptop"
    assert by_name["EHR"] is None


def test_the_printed_communication_log_names_the_other_laptop(team_desks: Team) -> None:
    t = team_desks
    values = {"org_name": "Riverside", "action_requested": "Stay home",
              "staff_hotline": "217-555-0120"}
    message_service.issue_message(t.b, "staff-sms-alert-en", recipient_count=12, values=values)
    team.import_bundle(t.a, team.export_bundle(t.b, t.tmp / "b.cdbundle").path)
    html = message_service.log_report_html(t.a, message_service.communication_log(t.a))
    assert html.count("alex on Site 2 laptop") == 1  # B's message; A's own: "alex"
