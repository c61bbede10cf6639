"""What a verified caller may ask for: re-send, language, complaint, callback, e-mail notice.
Each is refused before verification, writes one audit entry without patient data, and lands
where the desk acts on it (the letter's mailing log, the recipient, the follow-up list)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.services.hotline import actions, lookup, summary, verify
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import hotline as hotline_store
from crisisdesk.store import letters as letter_store
from crisisdesk.store import recipients as recipient_store
from tests.support.hotline import agent_session

ANN = CallerFacts(birth_date=dt.date(1980, 5, 1), zip_code="62701")
PATIENT_DATA = ("Ann", "Smith", "1980", "62701", "Elm", "555", "ann@example.org",
                "rude", "CD0")


def _found(agent: Session, ref: str) -> str:
    return lookup.lookup(agent, reference=ref).handle


def _verified(agent: Session, ref: str) -> str:
    handle = _found(agent, ref)
    assert verify.verify(agent, handle, ANN).verified
    return handle


def _ann_id(session: Session, ref: str) -> str:
    return str(session.db.execute("SELECT recipient_id FROM letters WHERE reference = ?",
                                  [ref]).fetchone()[0])


ACTIONS: dict[str, Callable[[Session, str], object]] = {
    "hotline.resend": lambda s, h: actions.request_resend(s, h),
    "hotline.language": lambda s, h: actions.set_language(s, h, "es"),
    "hotline.complaint": lambda s, h: actions.record_complaint(s, h, "The agent was rude."),
    "hotline.callback": lambda s, h: actions.request_callback(s, h, "(217) 555-0142",
                                                                "after 5 pm"),
    "hotline.email_optin": lambda s, h: actions.opt_in_email(s, h, "ann@example.org"),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_action_is_refused_before_verification_and_writes_nothing(
        session: Session, agent: Session, refs: dict[str, str], name: str) -> None:
    handle = _found(agent, refs["Ann"])
    verify.verify(agent, handle, CallerFacts(birth_date=dt.date(1980, 5, 2),
                                             zip_code="62701"))  # a failed attempt
    seq = audit_store.next_seq(session.db)
    with pytest.raises(ValidationError, match="Verify the caller first"):
        ACTIONS[name](agent, handle)
    assert audit_store.next_seq(session.db) == seq
    assert session.db.execute("SELECT COUNT(*) FROM hotline_requests").fetchone()[0] == 0
    assert recipient_store.get(session.db, _ann_id(session, refs["Ann"]))[1].language == "en"
    other = agent_session(session, "robin")  # nor on another agent's verified caller
    try:
        verified = _verified(agent, refs["Ann"])
        with pytest.raises(ValidationError, match="No such lookup for you"):
            ACTIONS[name](other, verified)
    finally:
        other.close()


def test_each_action_is_one_audit_entry_without_patient_data(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    handle = _verified(agent, refs["Ann"])
    for name, act in ACTIONS.items():
        seq = audit_store.next_seq(session.db)
        act(agent, handle)
        entries = audit_store.entries(session.db, since=None)
        new = [e for e in entries if e.seq >= seq]
        assert [(e.action, e.operator) for e in new] == [(name, "casey")]
        assert not [word for word in PATIENT_DATA if word in new[0].summary], new[0].summary


def test_a_resend_goes_into_the_letters_mailing_log_and_the_resend_list(
        session: Session, agent: Session, refs: dict[str, str], tmp_path: Path) -> None:
    ref = refs["Ann"]
    letter = letter_store.letter_by_reference(session.db, ref)
    assert letter is not None
    incident_id = letter_store.letter_incident(session.db, letter.id)
    substitute = letter_counts.substitute_position(session, incident_id)
    assert actions.request_resend(agent, _verified(agent, ref)) == ref
    kinds = [e["kind"] for e in letter_store.events(session.db, letter.id)]
    assert kinds[-1] == "resend_requested"
    waiting = actions.follow_ups(session)
    assert [(f.kind, f.reference, f.batch, f.seq, f.agent) for f in waiting] == [
        ("resend", ref, 1, letter.seq, "casey")]
    # The letter stays mailed: not a returned letter, so substitute notice is unchanged.
    after = letter_store.letter_by_reference(session.db, ref)
    assert after is not None
    assert after.status.value == "mailed"
    assert letter_counts.substitute_position(session, incident_id) == substitute
    with pytest.raises(ValidationError, match="already waiting for the letters team"):
        actions.request_resend(agent, _verified(agent, ref))
    # The letters team reprints that one letter (the Letters page's "Reprint range"): sent.
    from crisisdesk.printing.letters import open_letter_pdf

    letter_render.reprint(session, "1", letter.seq, letter.seq, tmp_path / "again.pdf",
                          open_letter_pdf)
    assert actions.follow_ups(session) == []
    assert actions.request_resend(agent, _verified(agent, ref)) == ref  # lost again


def test_the_language_is_stored_where_the_letters_read_it(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    handle = _verified(agent, refs["Ann"])
    with pytest.raises(ValidationError, match="language: 'fr' is not a letter language"):
        actions.set_language(agent, handle, "fr")
    assert actions.set_language(agent, handle, " ES ") == "es"
    found = recipient_store.get(session.db, _ann_id(session, refs["Ann"]))
    assert found is not None
    assert found[1].language == "es"
    assert found[1].name == "Ann Smith"  # nothing else of the record changed


def test_complaints_and_callbacks_are_follow_ups_for_the_privacy_officer(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    handle = _verified(agent, refs["Ann"])
    with pytest.raises(ValidationError, match="Complaint: write what the caller said"):
        actions.record_complaint(agent, handle, "   ")
    with pytest.raises(ValidationError, match='phone: "12" is not a phone number'):
        actions.request_callback(agent, handle, "12")
    actions.record_complaint(agent, handle, "Nobody told me  for a month.")
    callback = actions.request_callback(agent, handle, "217 555 0142", "after 5 pm")
    open_ = actions.follow_ups(session)
    assert [(f.kind, f.detail) for f in open_] == [
        ("complaint", "Nobody told me for a month."),
        ("callback", "(217) 555-0142 (after 5 pm)")]
    assert dict(summary.dashboard_summary(session).all_rows)["Follow-ups open"] == (
        "1 callback for the privacy officer, 1 complaint")
    actions.close_follow_up(session, callback, "called back, answered")
    assert [f.kind for f in actions.follow_ups(session)] == ["complaint"]
    with pytest.raises(ValidationError, match="closed already"):
        actions.close_follow_up(session, callback)
    assert hotline_store.open_request_counts(session.db) == {"complaint": 1}


def test_email_notice_takes_a_real_address_only(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    handle = _verified(agent, refs["Ann"])
    for bad in ("ann", "ann@example", "ann@@example.org", "mailto:ann@example.org", ""):
        with pytest.raises(ValidationError, match="email: .* is not an e-mail address"):
            actions.opt_in_email(agent, handle, bad)
    assert actions.opt_in_email(agent, handle, " ann@example.org ") == "ann@example.org"
    assert actions.email_for_notice(session, _ann_id(session, refs["Ann"])) == (
        "ann@example.org")
