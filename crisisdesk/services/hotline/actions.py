"""What a verified caller may ask for: a re-send of the letter, another letter language, a
complaint on record, a callback from the privacy officer, e-mail notice.

Each is one action for the agent (one transaction, one audit entry naming no patient data),
refused until the caller of the same lookup was verified. The open ones are the desk's
follow-up list (`follow_ups`, on the Dashboard): the privacy officer's callbacks and
complaints, and the re-sends for the letters team.

A re-send goes into the letters' own mailing log: a `resend_requested` event on the letter
(the append-only history that proves who was sent what), and the letters team sends it from
the Letters page's "Re-sends asked for by callers" list (services/letters/resend.py, in the
caller's current language), whose `reprinted` event marks the request sent. The letter's
state is left alone: a letter the caller did not receive is not "returned", which would count
the person toward substitute notice. A new language is written where the letters read it
(the recipient's language).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from crisisdesk.domain.contact_types import looks_like_email
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.fact_languages import BASE_LANGUAGE
from crisisdesk.domain.fact_languages import LANGUAGES as TRANSLATED
from crisisdesk.domain.operators import Role
from crisisdesk.domain.phones import PhoneError, parse_phone
from crisisdesk.services.hotline.verify import lookup_row
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Action, Session, agent_allowed
from crisisdesk.store import hotline as store
from crisisdesk.store import letters as letter_store
from crisisdesk.store import recipients as recipient_store

LETTER_LANGUAGES = (BASE_LANGUAGE, *TRANSLATED)
FOLLOW_UP_KINDS = ("callback", "complaint", "resend")
MAX_COMPLAINT = 2000
MAX_NOTE = 300
RESEND_EVENT = "resend_requested"


@dataclass(frozen=True)
class FollowUp:
    id: str
    at: str
    agent: str
    kind: str  # callback | complaint | resend
    detail: str  # the complaint, or the number to call back (patient data: not for logs)
    reference: str  # the letter's
    batch: int  # a re-send: the batch and place to reprint
    seq: int


def _verified(session: Session, act: Action, handle: str) -> tuple[str, str]:
    """(recipient id, incident id) of the caller verified on `handle`; refused before."""
    row = lookup_row(session, handle)
    if not row.verified_id:
        raise ValidationError("Verify the caller first.", {"handle": "not verified"})
    found = recipient_store.get(session.db, row.verified_id)
    if found is None:
        raise NotFound("The caller's record is no longer on this desk.")
    act.entity_type, act.entity_id = "recipient", row.verified_id
    return row.verified_id, str(found[0]["incident_id"])


def _request(session: Session, act: Action, handle: str, kind: str, recipient_id: str,
             incident_id: str, *, detail: str = "", letter_id: str = "",
             status: str = "open") -> str:
    request_id = uuid.uuid4().hex
    if not letter_id:  # the privacy officer finds the caller by the letter's reference
        letter_id = (store.letter_of(session.db, recipient_id) or ("", ""))[0]
    store.add_request(session.db, (request_id, act.at, session.operator.name, kind,
                                   handle.strip(), recipient_id, incident_id, letter_id,
                                   detail, status))
    return request_id


def _text(value: str, limit: int, field: str, label: str, *, required: bool) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise ValidationError(f"{label}: write what the caller said.", {field: "missing"})
    if len(text) > limit:
        raise ValidationError(f"{label}: at most {limit} characters (this is {len(text)}).",
                              {field: "too long"})
    return text


@agent_allowed
def request_resend(session: Session, handle: str) -> str:
    """A re-send of the verified caller's letter, to the address on file; returns the
    letter's reference."""
    session.require(Role.AGENT, "use the hotline")
    with session.action("hotline.resend", "hotline_lookup", handle,
                        "Hotline: re-send of a letter requested") as act:
        recipient_id, incident_id = _verified(session, act, handle)
        letter = store.letter_of(session.db, recipient_id)
        if letter is None:
            raise ValidationError("No letter was made for this record yet: nothing to re-send.",
                                  {"letter": "none"})
        letter_id, reference = letter
        if any(not r["sent"] for r in store.open_requests(session.db, ("resend",), letter_id)):
            raise ValidationError(f"A re-send of letter {reference} is already waiting for "
                                  "the letters team.", {"letter": "already requested"})
        letter_store.insert_events(session.db, [(
            uuid.uuid4().hex, letter_id, letter_store.letter_incident(session.db, letter_id),
            act.at, RESEND_EVENT, today(session).isoformat(), "asked on the patient hotline",
            "", session.operator.name)])
        _request(session, act, handle, "resend", recipient_id, incident_id,
                 letter_id=letter_id)
        act.entity_type, act.entity_id = "letter", letter_id
    return reference


@agent_allowed
def set_language(session: Session, handle: str, language: str) -> str:
    """The verified caller's preferred letter language (the one later letters are made in)."""
    session.require(Role.AGENT, "use the hotline")
    wanted = language.strip().lower()
    if wanted not in LETTER_LANGUAGES:
        raise ValidationError(f"language: {language.strip()!r} is not a letter language "
                              f"({', '.join(LETTER_LANGUAGES)}).", {"language": "unknown"})
    with session.action("hotline.language", "hotline_lookup", handle,
                        "Hotline: preferred letter language updated") as act:
        recipient_id, incident_id = _verified(session, act, handle)
        found = recipient_store.get(session.db, recipient_id)
        assert found is not None
        recipient_store.update_fields(
            session.db, recipient_id, dataclasses.replace(found[1], language=wanted),
            at=act.at, by=session.operator.name)
        _request(session, act, handle, "language", recipient_id, incident_id, detail=wanted,
                 status="done")
    return wanted


@agent_allowed
def record_complaint(session: Session, handle: str, text: str) -> str:
    """The verified caller's complaint, in their words, for the privacy officer."""
    session.require(Role.AGENT, "use the hotline")
    words = _text(text, MAX_COMPLAINT, "complaint", "Complaint", required=True)
    with session.action("hotline.complaint", "hotline_lookup", handle,
                        "Hotline: complaint recorded") as act:
        recipient_id, incident_id = _verified(session, act, handle)
        return _request(session, act, handle, "complaint", recipient_id, incident_id,
                        detail=words)


@agent_allowed
def request_callback(session: Session, handle: str, phone: str, note: str = "") -> str:
    """A callback from the privacy officer to `phone` (checked), with when to call."""
    session.require(Role.AGENT, "use the hotline")
    try:
        number = parse_phone("callback", phone)
    except PhoneError as err:
        raise ValidationError(f"phone: {err}.", {"phone": "not a phone number"}) from None
    when = _text(note, MAX_NOTE, "note", "Note", required=False)
    detail = number.shown + (f" ({when})" if when else "")
    with session.action("hotline.callback", "hotline_lookup", handle,
                        "Hotline: callback from the privacy officer requested") as act:
        recipient_id, incident_id = _verified(session, act, handle)
        return _request(session, act, handle, "callback", recipient_id, incident_id,
                        detail=detail)


@agent_allowed
def opt_in_email(session: Session, handle: str, email: str) -> str:
    """E-mail notice for the verified caller's record, to `email` (checked)."""
    session.require(Role.AGENT, "use the hotline")
    address = email.strip()
    if not looks_like_email(address) or address.lower().startswith("mailto:"):
        raise ValidationError(f"email: {address!r} is not an e-mail address like "
                              "name@example.org.", {"email": "not an address"})
    with session.action("hotline.email_optin", "hotline_lookup", handle,
                        "Hotline: opted in to e-mail notice") as act:
        recipient_id, incident_id = _verified(session, act, handle)
        _request(session, act, handle, "email_optin", recipient_id, incident_id,
                 detail=address, status="done")
    return address


def email_for_notice(session: Session, recipient_id: str) -> str:
    """The address a patient opted in to e-mail notice with on the hotline ('' if none)."""
    session.require(Role.OPERATOR, "read e-mail opt-ins")
    return store.email_optin(session.db, recipient_id)


def follow_ups(session: Session, kinds: tuple[str, ...] = FOLLOW_UP_KINDS) -> list[FollowUp]:
    """The open follow-ups, oldest first: callbacks and complaints for the privacy officer,
    re-sends the letters team has not reprinted or re-mailed yet."""
    session.require(Role.OPERATOR, "read the hotline follow-ups")
    return [FollowUp(str(r["id"]), str(r["at"]), str(r["agent"]), str(r["kind"]),
                     str(r["detail"]), str(r["reference"]), int(r["batch"]), int(r["seq"]))
            for r in store.open_requests(session.db, kinds)
            if not (r["kind"] == "resend" and r["sent"])]


def close_follow_up(session: Session, request_id: str, note: str = "") -> None:
    """Mark a follow-up done (the privacy officer called back, the complaint was answered)."""
    session.require(Role.OPERATOR, "close hotline follow-ups")
    words = _text(note, MAX_NOTE, "note", "Note", required=False)
    with session.action("hotline.close_follow_up", "hotline_request", request_id.strip(),
                        "Hotline follow-up closed") as act:
        status = store.get_request_status(session.db, act.entity_id)
        if status is None:
            raise NotFound(f"No hotline follow-up {request_id.strip()!r}.")
        if status != "open":
            raise ValidationError("This follow-up is closed already.", {"id": "closed"})
        store.close_request(session.db, act.entity_id, act.at, session.operator.name, words)
