"""The mailing log, the systems board, the filing tracker, the hotline's unanswered questions and
the substitute notice's placements travel between three laptops: whatever order the bundles
come in (duplicates included), every desk ends with the same rows, and the board and the
tracker show the newest report, the one made after seeing another winning even when its
laptop's clock is behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.letters import LetterStatus
from crisisdesk.domain.recipients import Address
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.services import audit as audit_service
from crisisdesk.services import filings as filing_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import team
from crisisdesk.services.hotline import faq
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store
from tests.replication.conftest import cloned, tick
from tests.replication.picture import picture
from tests.support.crisis import TODAY
from tests.support.hotline import mailed_letters

Desks = dict[str, Session]


@pytest.fixture
def letter_team(session: Session, tmp_path: Path) -> Iterator[tuple[Desks, dict[str, str]]]:
    """Desk A with three letters mailed, cloned to B and C before anyone worked apart."""
    refs = mailed_letters(session, tmp_path)
    with cloned(session, tmp_path) as t:
        yield t.desks, refs


def exchange(desks: Desks, tmp: Path, round_name: str, orders: dict[str, str]) -> None:
    """Each desk exports, then imports the others' bundles in the order given ("CBC": C's,
    then B's, then C's again)."""
    bundles = {name: team.export_bundle(desk, tmp / f"{round_name}-{name}.cdbundle").path
               for name, desk in desks.items()}
    for name, desk in desks.items():
        for sender in orders[name]:
            team.import_bundle(desk, bundles[sender])


def status(desk: Session, reference: str) -> LetterStatus:
    letter = letter_store.letter_by_reference(desk.db, reference)
    assert letter is not None
    return letter.status


def systems(desk: Session) -> dict[str, tuple[str, str, str]]:
    return {s.name: (s.status.value, s.since, s.notes) for s in system_service.list_systems(desk)}


def test_every_new_family_converges_on_three_laptops_in_any_order(
        letter_team: tuple[Desks, dict[str, str]], tmp_path: Path) -> None:
    desks, refs = letter_team
    a, b, c = desks["A"], desks["B"], desks["C"]
    filing_service.prepare(a, "hipaa.hhs_annual")
    exchange(desks, tmp_path, "r1", {"A": "BC", "B": "A", "C": "A"})
    # Apart: each laptop marks a different letter returned, changes the systems board
    # (A and C the same system: C's report is the later one), takes a filing step...
    tick(a, 10)
    mailing_log.mark_returned(a, refs["Ann"])
    system_service.set_status(a, "EHR", SystemStatus.DOWN, notes="ransomware")
    faq.ask(a, "Will my insurance pay for credit monitoring?", "en")
    tick(b, 11)
    mailing_log.mark_returned(b, refs["Emma"])
    system_service.set_status(b, "Email", SystemStatus.DEGRADED)
    filing_service.approve(b, "hipaa.hhs_annual")
    tick(c, 12)
    mailing_log.mark_returned(c, refs["George"])
    system_service.set_status(c, "EHR", SystemStatus.UP)
    filing_service.prepare(c, "hipaa.hhs_annual", count=2)  # again: needs approval again
    substitute_service.add_media_placement(c, "Springfield Gazette", TODAY)
    exchange(desks, tmp_path, "r2", {"A": "CBC", "B": "ACA", "C": "BBA"})
    pictures = {name: picture(desk) for name, desk in desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    for desk in desks.values():
        assert {status(desk, refs[n]) for n in ("Ann", "Emma", "George")} == {
            LetterStatus.RETURNED}
        board = systems(desk)
        assert board["EHR"][0] == "up"  # C's report came after A's, on both clocks
        assert board["Email"][0] == "degraded"
        hhs = filing_service.get_filing(desk, "hipaa.hhs_annual").record
        assert hhs is not None
        assert (hhs.count, hhs.approved_at) == (2, "")
        assert [u.question for u in faq.unanswered(desk)] == [
            "Will my insurance pay for credit monitoring?"]
        outlets = substitute_service.status(desk).plan.placements
        assert [m.outlet for m in outlets] == ["Springfield Gazette"]
    # B has seen everything; its clock is now behind C's, yet what it does next wins.
    tick(b, 1)
    mailing_log.remail(b, refs["Ann"], Address("1 New St", "", "Springfield", "IL", "62701"))
    system_service.set_status(b, "EHR", SystemStatus.RESTORED)
    filing_service.approve(b, "hipaa.hhs_annual")
    exchange(desks, tmp_path, "r3", {"A": "B", "B": "", "C": "AB"})
    pictures = {name: picture(desk) for name, desk in desks.items()}
    assert pictures["A"] == pictures["B"] == pictures["C"]
    addresses = {name: {str(r[0]) for r in desk.db.execute(
        "SELECT address FROM letter_events WHERE kind = 'remailed'")}
        for name, desk in desks.items()}
    assert addresses["A"] == addresses["C"] == {""} != addresses["B"]  # it stays on B
    for desk in desks.values():
        assert status(desk, refs["Ann"]) is LetterStatus.REMAILED
        assert systems(desk)["EHR"][0] == "restored"
        hhs = filing_service.get_filing(desk, "hipaa.hhs_annual").record
        assert hhs is not None
        assert hhs.approved_at == b.now_iso()
        assert audit_service.verify_deep(desk).ok  # what the merges set is audited too


def test_an_import_names_the_new_kinds_of_records(
        letter_team: tuple[Desks, dict[str, str]], tmp_path: Path) -> None:
    desks, refs = letter_team
    a, b = desks["A"], desks["B"]
    mailing_log.mark_returned(a, refs["Ann"], on_date=TODAY - dt.timedelta(days=1))
    system_service.set_status(a, "Phones", SystemStatus.DOWN)
    brought = team.import_bundle(b, team.export_bundle(a, tmp_path / "a.cdbundle").path)
    text = brought.sentence()
    assert "1 mailing log event from Command centre" in text
    assert "1 systems board update from Command centre" in text
    assert systems(b)["Phones"][0] == "down"
    assert status(b, refs["Ann"]) is LetterStatus.RETURNED
