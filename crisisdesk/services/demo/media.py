"""Demo data for the media desk: an approved answer bank, a holding statement issued, a dozen
inquiries in every state, and an update cadence per audience with one overdue and one near.

Everything goes through the ordinary services (templates drafted, submitted and approved by the
demo's approver-capable admin; inquiries logged and answered), so the demo shows what the app
really records. Times are spread over the last hours by moving the session's clock while
seeding, then restoring it: the demo opens with live deadlines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from crisisdesk.domain.contacts import ContactKind
from crisisdesk.domain.templates import (
    Audience,
    Channel,
    Language,
    TemplateMeta,
    Variable,
    VarType,
)
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.demo.data import DEMO_OPERATORS
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import operators as operator_store

ORG_VAR = Variable("org_name", VarType.TEXT, "The organisation's name",
                   "Riverbend Community Health")
# The facts an answer may use, filled from the desk's settings and the incident record, so an
# answer can never give another number or web address than the desk's own.
FACT_VARS = (
    ORG_VAR,
    Variable("affected_count", VarType.NUMBER, "How many people are affected", 17230),
    Variable("website", VarType.URL, "Where updates are posted",
             "www.riverbend-health.example/notice"),
    Variable("call_center_phone", VarType.PHONE, "The public help line", "(833) 555-0142"),
)
BANK: tuple[tuple[str, str, str], ...] = (
    ("key-message-care", "Patient care continues",
     "{{ org_name }} hospitals and clinics are open. Patient care continues safely using our "
     "downtime procedures, which our teams practise for exactly this situation."),
    ("key-message-investigation", "We are investigating with experts",
     "We took systems offline to protect them and are working with outside cybersecurity "
     "experts and law enforcement to find out what happened."),
    ("key-message-updates", "We will keep people informed",
     "We will share facts as we confirm them, and we will tell anyone whose information was "
     "involved directly. Updates are posted at {{ website }}."),
    ("qa-was-patient-data-taken", "Was patient data taken?",
     "Our review found that files with some patients' information were copied. We are writing "
     "to each person whose information was involved. Our help line, {{ call_center_phone|phone "
     "}}, can answer questions."),
    ("qa-is-it-ransomware", "Is this a ransomware attack?",
     "We are not going to speculate about the cause while the investigation is under way. "
     "We will share confirmed facts when we have them."),
    ("qa-did-you-pay-a-ransom", "Did you pay a ransom?",
     "We will not discuss details that could affect the investigation or the security of our "
     "systems."),
    ("qa-is-the-er-open", "Is the emergency room open?",
     "Yes. Our emergency departments are open and ambulances are arriving as usual."),
    ("qa-should-patients-come-to-appointments",
     "Should patients still come to their appointments?",
     "Yes, unless we call to reschedule. Please bring a list of your medicines and your "
     "insurance card."),
    ("qa-when-will-systems-be-back", "When will the systems be back?",
     "We are restoring systems step by step, safety first. We will not give a date until we "
     "are confident in it."),
    ("qa-who-is-responsible", "Who is responsible for the attack?",
     "That is for the investigation and law enforcement to determine. We will not speculate."),
    ("qa-how-many-people-are-affected", "How many people are affected?",
     "Our review found that the information of {{ affected_count|number }} people may have "
     "been involved. We are writing to each of them; updates are at {{ website }}."),
    ("qa-was-anyone-harmed", "Was any patient harmed?",
     "We have no report of harm to any patient related to this incident. Our clinical teams "
     "are watching closely."),
    ("qa-are-prescriptions-affected", "Can patients get their prescriptions?",
     "Yes. Our pharmacies are filling prescriptions using downtime procedures; some may take "
     "longer than usual."),
    ("qa-is-my-information-safe", "What should worried patients do?",
     "Watch for unexpected calls or e-mails asking for personal details, and check statements "
     "from your health plan. We will write to anyone whose information was involved."),
    ("qa-are-staff-being-paid", "Will staff be paid on time?",
     "Yes. Payroll runs as scheduled."),
)
HOLDING_KEY = "riverbend-holding-statement"
HOLDING_BODY = """<h2>Statement from {{ org_name }}</h2>
<p>{{ statement_time|datetime }}</p>
{% block what_we_know %}<h3>What we know</h3><p>{{ what_we_know }}</p>{% endblock %}
{% block what_we_dont_know %}<h3>What we do not know yet</h3>
<p>{{ what_we_dont_know }}</p>{% endblock %}
{% block what_we_are_doing %}<h3>What we are doing</h3><p>{{ what_we_are_doing }}</p>{% endblock %}
{% block next_update %}<h3>When we will update next</h3>
<p>We will give our next update by {{ next_update_time|datetime }}.
Updates are posted at {{ website }}.</p>{% endblock %}
<p>Media contact: {{ spokesperson_name }}</p>
"""
HOLDING_VARS = (
    ORG_VAR,
    Variable("statement_time", VarType.DATETIME, "When the statement is released",
             dt.datetime(2026, 3, 2, 16, 0)),
    Variable("what_we_know", VarType.TEXT, "What is confirmed (no patient details)", "..."),
    Variable("what_we_dont_know", VarType.TEXT, "What we do not know yet", "..."),
    Variable("what_we_are_doing", VarType.TEXT, "What we are doing about it", "..."),
    Variable("next_update_time", VarType.DATETIME, "When the next update comes",
             dt.datetime(2026, 3, 2, 20, 0)),
    Variable("website", VarType.URL, "Where updates are posted", "www.example.org/updates"),
    Variable("spokesperson_name", VarType.TEXT, "The media contact", "Jordan Reyes, PIO"),
)
HOLDING_VALUES = {
    "what_we_know": "We found a cybersecurity incident affecting some of "
                    "our computer systems. We took systems offline to protect them.",
    "what_we_dont_know": "We do not yet know when every system will be back.",
    "what_we_are_doing": "Outside cybersecurity experts and law enforcement are helping us. "
                         "Patient care continues using our downtime procedures.",
}

# (minutes ago received, deadline minutes from now or None, outlet, question, outcome)
# outcome: "answer:<key>:<minutes after receipt>", "decline", "none", "assign", "draft",
# "drafting" or "" (new)
INQUIRIES: tuple[tuple[int, int | None, str, str, str], ...] = (
    (420, -300, "WRBN-TV Channel 7", "Is the emergency room open?",
     "answer:qa-is-the-er-open:35"),
    (380, -240, "The Riverbend Courier", "Was patient data taken?",
     "answer:qa-was-patient-data-taken:70"),
    (300, -180, "WRVR 101.3 FM", "Should patients keep their appointments tomorrow?",
     "answer:qa-should-patients-come-to-appointments:20"),
    (260, -120, "La Voz del Valle", "¿Está abierta la sala de emergencias?",
     "answer:qa-is-the-er-open:55"),
    (240, -60, "HealthIT Weekly", "Did you pay a ransom?", "decline"),
    (200, None, "Courier reader (social)", "Heard the hospital is closed, true?", "none"),
    (150, -25, "Statewide Public Radio", "How many patients are affected?", ""),
    (120, -10, "WRBN-TV Channel 7", "Can we film outside the main entrance at 5 pm?", "assign"),
    (90, 20, "The Riverbend Courier", "Has the FBI been called in?", "draft"),
    (60, 90, "Regional Business Journal", "What will the outage cost?", "drafting"),
    (30, 240, "WRVR 101.3 FM", "Can the PIO join the morning show tomorrow?", "assign"),
    (10, None, "Cybersecurity Dive", "Which vendor's systems were involved?", ""),
)


@contextmanager
def _clock_at(session: Session, moment: dt.datetime) -> Iterator[None]:
    saved: Callable[[], dt.datetime] = session.clock
    session.clock = lambda: moment
    try:
        yield
    finally:
        session.clock = saved


_APPROVER_KEYS: dict[str, bytes] = {}  # desk id -> the demo approver's signing key


def _approver_signing_key(session: Session) -> bytes | None:
    """The demo approver's own signing key (its slot opened with the demo passphrase, once):
    an approval is that person's signature, so the demo signs as them."""
    if session.desk_id not in _APPROVER_KEYS:
        passphrase = next(p for name, _, p in DEMO_OPERATORS if name == "approver")
        kek, _ = session.vault.open_slot("approver", passphrase)
        slot = session.vault.operator_slot("approver")
        key = session.vault.open_signing_key(slot, kek) if slot is not None else None
        if key is None:
            return None
        _APPROVER_KEYS[session.desk_id] = key
    return _APPROVER_KEYS[session.desk_id]


@contextmanager
def _as_approver(session: Session) -> Iterator[None]:
    """Approve as the demo's second person (four-eyes: the author cannot approve)."""
    saved, saved_key = session.operator, session._signing_key
    found = operator_store.find(session.db, "approver")
    if found is not None:
        session.reload_vault()
        session.operator = found
        session._signing_key = _approver_signing_key(session)
    try:
        yield
    finally:
        session.operator, session._signing_key = saved, saved_key


def _approve_qa(session: Session, key: str, question: str, answer: str) -> None:
    variables = tuple(v for v in FACT_VARS if "{{ " + v.name in answer)
    meta = TemplateMeta(key=key, name=question, audience=Audience.MEDIA, channel=Channel.QA,
                        language=Language.EN, variables=variables,
                        description="Approved answer for the spokesperson (demo).")
    template_service.create_template(session, meta, answer, note="demo answer bank")
    template_service.submit(session, key)
    with _as_approver(session):
        template_service.approve(session, key, acknowledge_warnings=True)


def _holding_statement(session: Session) -> None:
    meta = TemplateMeta(key=HOLDING_KEY, name="Holding statement (Riverbend)",
                        audience=Audience.MEDIA, channel=Channel.PRESS_STATEMENT,
                        language=Language.EN, variables=HOLDING_VARS,
                        required_sections=("what_we_know", "what_we_dont_know",
                                           "what_we_are_doing", "next_update"),
                        description="What we know, what we do not know yet, what we are "
                                    "doing, when we will update next (CDC CERC).")
    template_service.create_template(session, meta, HOLDING_BODY, note="demo")
    template_service.submit(session, HOLDING_KEY)
    with _as_approver(session):
        template_service.approve(session, HOLDING_KEY, acknowledge_warnings=True)


def _media_contacts(session: Session) -> dict[str, str]:
    return {c.organisation: c.id for c in contact_store.list_contacts(session.db,
                                                                      kind=ContactKind.MEDIA)}


def seed_media_demo(session: Session) -> str:
    now = session.now()

    def ago(minutes: int) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    for key, question, answer in BANK:
        _approve_qa(session, key, question, answer)
    _holding_statement(session)
    with _clock_at(session, ago(330)):
        for audience, every in (("public_media", "4h"), ("staff", "2h"),
                                ("regulators", "1d")):
            cadence_service.set_cadence(session, audience, every)
    with _clock_at(session, ago(700)):
        cadence_service.set_cadence(session, "board", "12h")  # near: due in 20 minutes
    with _clock_at(session, ago(360)):
        cadence_service.set_cadence(session, "patients", "12h")
    with _clock_at(session, ago(140)):
        cadence_service.record_update(session, "staff", "Huddle in every unit")  # overdue
    values = dict(HOLDING_VALUES)
    incident = incident_service.current_incident(session)
    if incident is not None and incident.total_affected:
        values["what_we_know"] += (f" Our review found that the information of "
                                   f"{incident.total_affected:,} people may have been "
                                   "involved; we are writing to each of them.")
    if "spokesperson_name" not in statement_service.statement_values(session):
        values["spokesperson_name"] = "Public Information Officer"  # no PIO assigned
    with _clock_at(session, ago(180)):
        statement_service.issue_statement(session, HOLDING_KEY, values=values,
                                          recipient_count=6, note="to all local outlets")
    contacts = _media_contacts(session)
    counts: dict[str, int] = {}
    for received, deadline, outlet, question, outcome in INQUIRIES:
        args: dict[str, Any] = {"outlet": outlet, "question": question,
                                "channel": "social" if "social" in outlet else "phone",
                                "contact_id": contacts.get(outlet, ""),
                                "received_at": ago(received),
                                "deadline": (now + dt.timedelta(minutes=deadline)
                                             if deadline is not None else None)}
        with _clock_at(session, ago(received)):
            q = media_service.log_inquiry(session, **args)
        kind = outcome.split(":")[0] or "new"
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "answer":
            _, key, after = outcome.split(":")
            with _clock_at(session, ago(received - int(after))):
                media_service.answer_inquiry(session, q.id, key)
        elif kind == "decline":
            media_service.close_inquiry(session, q.id, "declined", "security details")
        elif kind == "none":
            media_service.close_inquiry(session, q.id, "no_response_needed", "rumour; "
                                        "covered by the holding statement")
        elif kind == "assign":
            media_service.assign(session, q.id, "PIO")
        elif kind == "drafting":
            media_service.assign(session, q.id, "PIO")
            media_service.set_status(session, q.id, "drafting")
        elif kind == "draft":
            media_service.request_answer(session, q.id, "We have notified law enforcement "
                                         "and are cooperating with them.")
    return (f"media desk: {len(BANK)} approved answers, holding statement issued, "
            f"{len(INQUIRIES)} inquiries ({counts.get('answer', 0)} answered), update cadence "
            "for 5 audiences")
