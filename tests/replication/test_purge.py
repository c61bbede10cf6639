"""Purging an incident's patient data on a team desk: the purge travels to every laptop, the
data does not. Three laptops hold hotline calls and mailing-log events of incident X; A purges;
whatever order the bundles then travel in (an old bundle from before the purge relayed by C, a
call B logged on X before it heard of the purge), no desk keeps a row of X's patient data, no
update log or new bundle holds the text of one, and another incident's records stay and still
converge."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.services import audit as audit_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import team
from crisisdesk.services.hotline import calls, lookup
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import replication as repl
from crisisdesk.store import team_bundle
from tests.replication.conftest import cloned, tick
from tests.replication.picture import picture
from tests.support.hotline import mailed_letters, run_cli_in_process
from tests.support.letters import write_list

MARK = "ZEBRA-PURGED"  # in every free text of incident X's records
KEEP = "OTTER-KEPT"  # in the other incident's hotline call

Desks = dict[str, Session]


@pytest.fixture
def purge_team(session: Session, tmp_path: Path) -> Iterator[tuple[Desks, dict[str, str], str]]:
    """Desk A with incident X (three mailed letters) and incident Y (one patient), cloned to
    B and C; ({name: desk}, {first name: letter reference}, X's id)."""
    refs = mailed_letters(session, tmp_path)
    x = incident_service.current_incident(session)
    assert x is not None
    y = incident_service.create_incident(session, title="Lost laptop",
                                         kind=IncidentKind.DATA_BREACH,
                                         discovered_on=dt.date(2026, 3, 5)).id
    letter_service.import_recipients(session, write_list(
        tmp_path / "other.csv", ["Olga,Other,1975-02-03,,1 Main St,Peoria,IL,61602,,,,,,,"]),
        incident_id=y)
    with cloned(session, tmp_path) as t:
        yield t.desks, refs, x.id


def call_about(desk: Session, reference: str, text: str) -> None:
    handle = lookup.lookup(desk, reference=reference).handle
    calls.log_call(desk, language="en", topics=["letter"], outcome="answered",
                   topic_text=text, handle=handle)


def export(desk: Session, path: Path) -> Path:
    return team.export_bundle(desk, path).path


def bundle_bytes(desk: Session, path: Path) -> bytes:
    """A bundle's decrypted payload, its update decoded: everything it would hand over."""
    ident = repl.identity(desk.db)
    assert ident is not None
    payload = team_bundle.read(path, ident.team_id, ident.team_key).payload
    return (json.dumps(payload).encode() + team_bundle.unb64(payload["update"]))


def log_blobs(desk: Session) -> list[bytes]:
    return [bytes(r[0]) for r in desk.db.execute("SELECT data FROM repl_updates")]


def patient_rows_of(desk: Session, incident: str) -> dict[str, int]:
    one = desk.db.execute
    return {
        "recipients": one("SELECT count(*) FROM recipients WHERE incident_id = ?",
                          [incident]).fetchone()[0],
        "letters": one("SELECT count(*) FROM letters WHERE incident_id = ?",
                       [incident]).fetchone()[0],
        "letter_events": one("SELECT count(*) FROM letter_events WHERE incident_id = ?",
                             [incident]).fetchone()[0],
        "marked calls": one("SELECT count(*) FROM hotline_calls WHERE topic_text LIKE ?",
                            [f"%{MARK}%"]).fetchone()[0],
        "marked events": one("SELECT count(*) FROM letter_events WHERE note LIKE ?",
                             [f"%{MARK}%"]).fetchone()[0],
        "waiting": one("SELECT count(*) FROM repl_records WHERE state = 'waiting'"
                       ).fetchone()[0],
    }


def test_a_purge_travels_and_no_laptop_keeps_the_incidents_patient_data(
        purge_team: tuple[Desks, dict[str, str], str], tmp_path: Path) -> None:
    desks, refs, x = purge_team
    a, b, c = desks["A"], desks["B"], desks["C"]
    # Apart: A and B log hotline calls and returned mail on X; B a call on Y; C the board.
    tick(a, 5)
    call_about(a, refs["Ann"], f"{MARK} A asked about her letter")
    mailing_log.mark_returned(a, refs["Ann"], note=f"{MARK} A envelope torn")
    tick(b, 6)
    call_about(b, refs["Emma"], f"{MARK} B guardian called")
    mailing_log.mark_returned(b, refs["Emma"], note=f"{MARK} B moved away")
    olga = lookup.lookup(b, name="Olga Other", birth_date=dt.date(1975, 2, 3)).handle
    calls.log_call(b, language="en", topics=["was_i_affected"], outcome="answered",
                   topic_text=f"{KEEP} B other incident", handle=olga)
    tick(c, 7)
    system_service.set_status(c, "EHR", SystemStatus.DOWN)
    old = {n: export(d, tmp_path / f"r1-{n}.cdbundle") for n, d in desks.items()}
    for name, desk in desks.items():
        for sender in "ABC".replace(name, ""):
            team.import_bundle(desk, old[sender])
    c_old = export(c, tmp_path / "c-old.cdbundle")  # everything, from before the purge
    for desk in desks.values():  # the records really travelled, text and all
        assert patient_rows_of(desk, x)["marked calls"] == 2
        assert any(MARK.encode() in blob for blob in log_blobs(desk))
    assert MARK.encode() in bundle_bytes(c, c_old)
    # B logs one more call on X before it hears of the purge, and sends it out.
    tick(b, 8)
    call_about(b, refs["George"], f"{MARK} B late call")
    b_late = export(b, tmp_path / "b-late.cdbundle")

    tick(a, 10)
    held = patient_rows_of(a, x)
    removed = letter_service.purge_recipients(a, x)
    assert removed["team_records"] == held["letter_events"] + held["marked calls"]
    assert removed["scrubbed"] == 1
    assert not any(MARK.encode() in blob for blob in log_blobs(a))
    a_purge = export(a, tmp_path / "a-purge.cdbundle")
    assert MARK.encode() not in bundle_bytes(a, a_purge)

    # Any order: old bundles before and after the purge, relayed, duplicated.
    team.import_bundle(c, b_late)  # C has not heard of the purge: it shows the late call
    assert patient_rows_of(c, x)["marked calls"] == 3
    team.import_bundle(a, b_late)  # dropped: A purged X
    team.import_bundle(a, c_old)  # the old picture, relayed by C: nothing of X comes back
    assert patient_rows_of(a, x) == dict.fromkeys(patient_rows_of(a, x), 0)
    heard_c = team.import_bundle(c, a_purge)
    team.import_bundle(c, old["A"])  # A's bundle from before the purge, again
    team.import_bundle(b, c_old)
    heard_b = team.import_bundle(b, a_purge)
    for heard in (heard_b, heard_c):
        assert len(heard.purges) == 1
        assert "Purged by alex on laptop Command centre" in heard.purges[0]
    tick(b, 20)
    system_service.set_status(b, "Email", SystemStatus.DEGRADED)  # life goes on
    last = {n: export(d, tmp_path / f"r3-{n}.cdbundle") for n, d in desks.items()}
    for name, desk in desks.items():
        for sender in "CBA".replace(name, ""):
            team.import_bundle(desk, last[sender])
        team.import_bundle(desk, b_late)  # and the late call once more, everywhere

    pictures = {name: picture(desk) for name, desk in desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    for name, desk in desks.items():
        assert patient_rows_of(desk, x) == dict.fromkeys(patient_rows_of(desk, x), 0), name
        kept = [str(r[0]) for r in desk.db.execute("SELECT topic_text FROM hotline_calls")]
        assert kept == [f"{KEEP} B other incident"], name
        assert {s.name: s.status.value for s in system_service.list_systems(desk)}[
            "Email"] == "degraded"
        assert not any(MARK.encode() in blob for blob in log_blobs(desk)), name
        fresh = export(desk, tmp_path / f"final-{name}.cdbundle")
        assert MARK.encode() not in bundle_bytes(desk, fresh), name
        assert KEEP.encode() in bundle_bytes(desk, fresh), name
        assert audit_service.verify_deep(desk).ok, name
    for desk in (b, c):
        entry = [e for e in audit_store.entries(desk.db) if e.action == "team.import"
                 and "Purged by alex on laptop Command centre" in e.summary]
        assert len(entry) == 1
        assert MARK not in entry[0].summary


def test_a_call_recorded_by_an_older_crisisdesk_goes_when_its_own_laptop_purges(
        purge_team: tuple[Desks, dict[str, str], str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A record that does not name its incidents (written before records did) cannot be
    recognised by another laptop; its own laptop deletes it when the purge reaches it, and
    that deletion takes its row off the others."""
    desks, refs, x = purge_team
    a, b = desks["A"], desks["B"]
    with monkeypatch.context() as old_version:
        old_version.setattr(repl, "patient_incidents", lambda db, family, row: [])
        call_about(b, refs["Emma"], f"{MARK} B untagged call")
        team.import_bundle(a, export(b, tmp_path / "b1.cdbundle"))
    assert patient_rows_of(a, x)["marked calls"] == 1
    letter_service.purge_recipients(a, x)
    assert patient_rows_of(a, x)["marked calls"] == 1  # A cannot tell whose call it is
    heard = team.import_bundle(b, export(a, tmp_path / "a-purge.cdbundle"))
    assert heard.purges
    assert patient_rows_of(b, x)["marked calls"] == 0
    team.import_bundle(a, export(b, tmp_path / "b2.cdbundle"))
    for name, desk in (("A", a), ("B", b)):
        assert patient_rows_of(desk, x)["marked calls"] == 0, name
        assert not any(MARK.encode() in blob for blob in log_blobs(desk)), name
        assert audit_service.verify_deep(desk).ok, name


def test_the_purge_command_says_the_purge_travels_to_every_laptop(
        purge_team: tuple[Desks, dict[str, str], str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    desks, _refs, x = purge_team
    a = desks["A"]
    code, _out, err = run_cli_in_process(capsys, monkeypatch, a.data_dir, "alex", "letters",
                                         "purge", "--incident", x)
    assert code == 1
    assert "travels to every laptop of the team at the next exchange" in err
    assert patient_rows_of(a, x)["recipients"] == 3  # nothing done without --yes
    code, out, err = run_cli_in_process(capsys, monkeypatch, a.data_dir, "alex", "letters",
                                        "purge", "--incident", x, "--yes")
    assert code == 0, err
    assert "Purged 3 recipients" in out
    assert "travels to every laptop of the team at the next exchange" in out
    bundle = export(a, tmp_path / "a.cdbundle")
    code, out, err = run_cli_in_process(capsys, monkeypatch, tmp_path / "B", "alex", "team",
                                        "import", str(bundle))
    assert code == 0, err
    assert "Purged by alex on laptop Command centre" in out


def test_purging_again_to_wipe_sends_no_second_purge(
        purge_team: tuple[Desks, dict[str, str], str], tmp_path: Path) -> None:
    desks, _refs, x = purge_team
    a, b = desks["A"], desks["B"]
    letter_service.purge_recipients(a, x)
    again = letter_service.purge_recipients(a, x)  # e.g. when a window kept the file busy
    assert again["recipients"] == 0
    assert a.db.execute("SELECT count(*) FROM repl_purges").fetchone()[0] == 1
    heard = team.import_bundle(b, export(a, tmp_path / "a.cdbundle"))
    assert len(heard.purges) == 1
    assert "1 patient data purge from Command centre" in heard.sentence()
