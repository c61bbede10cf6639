"""Re-sends asked for on the hotline, reprinted by the letters team: the chosen letters in one
PDF, `reprinted` in their mailing log, the request done; a caller who changed language gets
the letter in the new language, or nothing is printed and one line names the template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.hotline import CallerFacts, Relationship
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.services import templates as template_service
from crisisdesk.services.hotline import actions, lookup, verify
from crisisdesk.services.letters import resend
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store
from tests.support.letters import spanish_facts
from tests.support.pdf import page_texts

ANN = CallerFacts(birth_date=dt.date(1980, 5, 1), zip_code="62701")


def _ask(agent: Session, ref: str, language: str = "") -> None:
    """Ann calls, is verified, (changes her language,) and asks for a re-send."""
    handle = lookup.lookup(agent, reference=ref).handle
    assert verify.verify(agent, handle, ANN).verified
    if language:
        actions.set_language(agent, handle, language)
    actions.request_resend(agent, handle)


def _kinds(session: Session, ref: str) -> list[str]:
    letter = letter_store.letter_by_reference(session.db, ref)
    assert letter is not None
    return [e["kind"] for e in letter_store.events(session.db, letter.id)]


def test_a_waiting_resend_is_reprinted_and_marked_done(
        session: Session, agent: Session, refs: dict[str, str], tmp_path: Path) -> None:
    ref = refs["Ann"]
    _ask(agent, ref)
    waiting = resend.waiting(session)
    assert [(w.reference, w.batch) for w in waiting] == [(ref, 1)]
    out = tmp_path / "resends.pdf"
    assert resend.reprint_requested(session, [waiting[0].id], out, open_letter_pdf) == 1
    text = " ".join(page_texts(out))
    assert "Ann Smith" in text
    assert "Dear" in text
    assert _kinds(session, ref)[-2:] == ["resend_requested", "reprinted"]
    assert resend.waiting(session) == []
    assert actions.follow_ups(session) == []  # the hotline's list sees it done too
    with pytest.raises(ValidationError, match="no longer waiting"):
        resend.reprint_requested(session, [waiting[0].id], tmp_path / "again.pdf",
                                 open_letter_pdf)


def test_a_caller_who_changed_to_spanish_gets_the_spanish_letter(
        session: Session, agent: Session, refs: dict[str, str], tmp_path: Path) -> None:
    spanish_facts(session)
    ref = refs["Ann"]
    _ask(agent, ref, "es")
    out = tmp_path / "resends.pdf"
    resend.reprint_requested(session, [resend.waiting(session)[0].id], out, open_letter_pdf)
    text = " ".join(page_texts(out))
    assert "Ann Smith" in text
    assert "Estimad" in text  # the Spanish salutation
    assert "Dear" not in text
    letter = letter_store.letter_by_reference(session.db, ref)
    assert letter is not None
    last = letter_store.events(session.db, letter.id)[-1]
    assert last["kind"] == "reprinted"
    assert "patient-notification-es" in last["note"]


def test_no_approved_spanish_letter_prints_nothing_and_says_which(
        session: Session, agent: Session, refs: dict[str, str], tmp_path: Path) -> None:
    spanish_facts(session)
    template_service.retire(session, "patient-notification-es", reason="being revised")
    ref = refs["Ann"]
    _ask(agent, ref, "es")
    out = tmp_path / "resends.pdf"
    request = resend.waiting(session)[0]
    with pytest.raises(UserError) as info:
        resend.reprint_requested(session, [request.id], out, open_letter_pdf)
    line = str(info.value)
    assert "\n" not in line
    assert f"Letter {ref} cannot be re-sent in Spanish" in line
    assert "patient-notification-es is not approved" in line
    assert "Nothing was printed" in line
    assert not list(tmp_path.glob("resends*"))
    assert _kinds(session, ref)[-1] == "resend_requested"
    assert [w.id for w in resend.waiting(session)] == [request.id]  # still waiting


def test_two_resends_print_together_each_in_its_callers_language(
        session: Session, agent: Session, refs: dict[str, str], tmp_path: Path) -> None:
    spanish_facts(session)
    parent = lookup.lookup(agent, reference=refs["Emma"]).handle  # asked first, unchanged
    assert verify.verify(agent, parent, CallerFacts(
        birth_date=dt.date(2012, 4, 7), zip_code="75201", relationship=Relationship.PARENT,
        caller_name="Robert Jones")).verified
    actions.request_resend(agent, parent)
    _ask(agent, refs["Ann"], "es")
    waiting = resend.waiting(session)
    assert [w.reference for w in waiting] == [refs["Emma"], refs["Ann"]]
    out = tmp_path / "resends.pdf"
    assert resend.reprint_requested(session, [w.id for w in waiting], out,
                                    open_letter_pdf) == 2
    pages = page_texts(out)
    emma = [p for p in pages if "Robert Jones" in p]
    ann = [p for p in pages if "Ann Smith" in p]
    assert emma
    assert ann
    assert "Dear" in emma[0]
    assert "Estimad" in ann[0]
    assert _kinds(session, refs["Emma"])[-1] == _kinds(session, refs["Ann"])[-1] == "reprinted"
    assert resend.waiting(session) == []
