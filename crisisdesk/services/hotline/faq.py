"""The hotline's FAQ and scripts: approved answers only, in the caller's language; and the
questions that have none yet, proposed to the approver as drafts.

Answers and scripts are templates (domain/faq.py names them) handed out only through
`templates.require_approved`, so a draft, a version in review or a version altered behind the
desk's back is never read to a caller. They are filled with the incident's facts in the
caller's language (services/facts.py): a fact the desk has not recorded, or has only in
English for a Spanish answer, is left out, and the template leaves its sentence out with it.
An answer that says nothing without its facts is not offered at all.

"No approved answer": the question (no patient data: domain/faq.check_question) is logged and,
the first time it is asked in that language, proposed as a new draft template written by the
agent. Drafts are never used until an approver approves them; the most asked questions still
without an approved answer show on the Dashboard.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.faq import (
    FAQ_PREFIX,
    PROPOSAL_BODY,
    FaqAnswer,
    check_question,
    faq_language,
    proposal_key,
    script_key,
)
from crisisdesk.domain.hotline import fold_name
from crisisdesk.domain.operators import Role
from crisisdesk.domain.templates import (
    Audience,
    Channel,
    Language,
    Status,
    TemplateMeta,
    content_sha256,
)
from crisisdesk.services import facts as facts_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session, agent_allowed
from crisisdesk.store import hotline as store
from crisisdesk.store import templates as template_store

PROPOSAL_NOTE = ("Proposed from the patient hotline: a caller asked this and no approved answer "
                 "had it")


@dataclass(frozen=True)
class Proposal:
    template_key: str
    new_draft: bool  # False: the same question was proposed before


@dataclass(frozen=True)
class Unanswered:
    template_key: str
    question: str
    language: str
    asked: int
    last_asked: str


def _facts(session: Session, language: str) -> dict[str, Any]:
    """The current incident's facts in `language`; those it lacks are left out."""
    incident = incident_service.current_incident(session)
    if incident is None:
        return facts_service.facts_for(session)
    facts, _english_only = facts_service.facts_in_language(session, incident.id, language)
    return {k: v for k, v in facts.items() if v is not None and v != "" and v != []}


def _filled(session: Session, key: str, facts: dict[str, Any]) -> FaqAnswer:
    approved = template_service.require_approved(session, key)
    text = template_service.render_approved(session, approved, facts).plain
    return FaqAnswer(key, approved.meta.name, "\n".join(
        " ".join(line.split()) for line in text.strip().splitlines() if line.strip()),
        approved.version)


@agent_allowed
def answers(session: Session, language: str) -> list[FaqAnswer]:
    """Every approved FAQ answer in the caller's `language`, filled in, in key order."""
    session.require(Role.AGENT, "use the hotline")
    lang = faq_language(language)
    facts = _facts(session, lang)
    out = []
    for summary in template_service.list_templates(session, language=lang,
                                                   status=Status.APPROVED.value):
        if summary.key.startswith(FAQ_PREFIX) and summary.approved_version is not None:
            found = _filled(session, summary.key, facts)
            if found.text:
                out.append(found)
    return out


@agent_allowed
def script(session: Session, name: str, language: str) -> FaqAnswer:
    """The approved greeting, verification or closing script in the caller's language."""
    session.require(Role.AGENT, "use the hotline")
    key = script_key(name, language)
    if template_store.find_template(session.db, key) is None:
        raise NotFound(f"There is no {name} script ({key}); import the template library.")
    return _filled(session, key, _facts(session, faq_language(language)))


@agent_allowed
def ask(session: Session, question: str, language: str) -> Proposal:
    """Log a question no approved answer has; propose it as a draft the first time."""
    session.require(Role.AGENT, "use the hotline")
    text = check_question(question)
    lang = faq_language(language)
    folded = fold_name(text)
    with session.action("hotline.faq_question", "template", "",
                        "Hotline question with no approved answer logged") as act:
        key = store.question_template(session.db, folded, lang)
        new = not key
        if new:
            key = proposal_key(text, lang)
            new = template_store.find_template(session.db, key) is None
        if new:
            meta = TemplateMeta(
                key, text, Audience.CALL_CENTER, Channel.PHONE_SCRIPT, Language(lang),
                translation_group=key.removesuffix(f"-{lang}"),
                description="A question hotline callers asked that no approved answer had.")
            template_id = template_store.insert_template(
                session.db, meta, at=act.at, by=session.operator.name, source="hotline")
            template_store.insert_version(
                session.db, template_id, 1, Status.DRAFT, meta, PROPOSAL_BODY,
                content_sha256(PROPOSAL_BODY, (), ()), at=act.at, by=session.operator.name,
                note=PROPOSAL_NOTE)
            act.summary = f"Hotline question with no approved answer proposed as draft {key}"
        store.add_question(session.db, (uuid.uuid4().hex, act.at, session.operator.name, lang,
                                        text, folded, key))
        act.entity_id = key
    return Proposal(key, new)


@agent_allowed
def unanswered(session: Session, limit: int = 5) -> list[Unanswered]:
    """The most asked questions still without an approved answer."""
    session.require(Role.AGENT, "use the hotline")
    return [Unanswered(*row) for row in store.unanswered(session.db, limit)]
