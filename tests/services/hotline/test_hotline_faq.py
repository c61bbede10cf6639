"""The hotline's FAQ and scripts: approved answers only, in the caller's language, filled with
the incident's facts; a question with none is logged and proposed as a draft, never used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.faq import FaqAnswer, search
from crisisdesk.domain.templates import Status
from crisisdesk.services import templates as template_service
from crisisdesk.services.hotline import faq, summary
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.hotline import agent_session, mailed_letters
from tests.support.letters import letter_desk, spanish_facts
from tests.support.templates import approve_as_second_approver

QUESTION = "Can I get a copy of my medical records?"


@pytest.fixture
def agent(session: Session, tmp_path: Path) -> Iterator[Session]:
    mailed_letters(session, tmp_path)
    agent = agent_session(session)
    yield agent
    agent.close()


def _by_question(answers: list[FaqAnswer]) -> dict[str, str]:
    return {a.question: a.text for a in answers}


def test_answers_are_filled_with_the_incidents_facts_in_the_callers_language(
        session: Session, agent: Session) -> None:
    english = _by_question(faq.answers(agent, "en"))
    assert english["What happened?"] == (
        "On March 2, 2026, we found out that someone outside our organization got into part "
        "of our network. We believe it started on or about February 20, 2026.")
    assert "12 months of credit monitoring" in english["Is there free credit monitoring?"]
    assert "July 31, 2026" in english["Is there free credit monitoring?"]
    assert english["When will I get a letter?"].startswith("We started mailing letters on")
    assert _by_question(faq.answers(agent, "other")) == english  # through an interpreter
    spanish = _by_question(faq.answers(agent, "es"))
    assert "¿Hay vigilancia de crédito gratis?" in spanish
    assert not set(spanish) & set(english)
    # The summary exists only in English: its sentence is left out of the Spanish answer,
    # never read in English, and never guessed
    assert "organization" not in spanish["¿Qué pasó?"]
    assert spanish["¿Qué pasó?"].startswith("Todavía estamos investigando")
    spanish_facts(session)
    spanish = _by_question(faq.answers(agent, "es"))
    assert spanish["¿Qué pasó?"].startswith("El 2 de marzo de 2026 supimos que alguien de "
                                            "fuera de nuestra organización")


def test_a_sentence_without_its_fact_is_left_out(session: Session) -> None:
    letter_desk(session)  # an incident, no letters mailed, no enrollment codes
    agent = agent_session(session)
    try:
        answers = _by_question(faq.answers(agent, "en"))
    finally:
        agent.close()
    assert "Is there free credit monitoring?" not in answers  # says nothing without its facts
    assert answers["When will I get a letter?"].startswith("We will mail a letter")
    assert "We stopped it" not in answers["What happened?"]  # not contained on record


def test_only_approved_versions_are_read_to_a_caller(session: Session, agent: Session) -> None:
    template_service.save_draft(session, "hotline-faq-what-to-do-en",
                                "{# edited #}\nCall your bank today.")
    answers = _by_question(faq.answers(agent, "en"))
    assert "Call your bank" not in answers["What should I do now?"]  # the draft is not used
    template_service.retire(session, "hotline-faq-what-to-do-en", 1, reason="rewritten")
    assert "What should I do now?" not in _by_question(faq.answers(agent, "en"))
    template_service.retire(session, "hotline-script-greeting-en", reason="rewritten")
    with pytest.raises(template_service.NotApproved):
        faq.script(agent, "greeting", "en")
    assert faq.script(agent, "greeting", "es").text.startswith(
        "Gracias por llamar a Riverside Clinics.")


def test_no_approved_answer_logs_the_question_and_proposes_one_draft(
        session: Session, agent: Session) -> None:
    first = faq.ask(agent, QUESTION, "en")
    assert first.new_draft
    draft = template_service.get_version(session, first.template_key)
    assert (draft.status, draft.created_by, draft.meta.name) == (Status.DRAFT, "casey",
                                                                 QUESTION)
    again = faq.ask(agent, "  can I get a COPY of my medical records ", "en")
    assert again == faq.Proposal(first.template_key, False)  # the same draft, asked twice
    faq.ask(agent, "¿Puedo congelar mi crédito?", "es")
    asked = faq.unanswered(agent)
    assert [(q.question, q.asked) for q in asked] == [(QUESTION, 2),
                                                       ("¿Puedo congelar mi crédito?", 1)]
    rows = dict(summary.dashboard_summary(session).rows)
    assert f'"{QUESTION}" (en, asked 2x)' in rows["Unanswered questions"]
    entries = audit_store.entries(session.db)
    assert not [e for e in entries if "medical records" in e.summary]  # the log, not the audit
    # the draft is never read to a caller ...
    assert QUESTION not in _by_question(faq.answers(agent, "en"))
    # ... until a person writes the answer and another approves it
    template_service.save_draft(session, first.template_key,
                                "Yes. Ask our medical records office for a copy.")
    template_service.submit(session, first.template_key)
    approve_as_second_approver(session, first.template_key)
    assert _by_question(faq.answers(agent, "en"))[QUESTION] == (
        "Yes. Ask our medical records office for a copy.")
    assert [q.question for q in faq.unanswered(agent)] == ["¿Puedo congelar mi crédito?"]


@pytest.mark.parametrize("question", ["My DOB is 05/01/1980, was I in it?",
                                      "Is 62701 on the list?", "Write to ann@example.org?",
                                      "why", "x" * 201])
def test_a_question_with_a_callers_details_is_refused(agent: Session, question: str) -> None:
    with pytest.raises(ValidationError):
        faq.ask(agent, question, "en")
    assert faq.unanswered(agent) == []


def test_search_as_you_type_ranks_the_question_first() -> None:
    answers = [FaqAnswer("a", "What happened?", "We found out that someone got in.", 1),
               FaqAnswer("b", "Is there free credit monitoring?", "Yes. 12 months.", 1),
               FaqAnswer("c", "What should I do now?", "Ask for a credit freeze.", 1)]
    assert [a.key for a in search(answers, "cred")] == ["b", "c"]  # half a word is enough
    assert [a.key for a in search(answers, "how do I freeze my credit")] == ["b", "c"]
    assert search(answers, "what") == []  # only words that say nothing: no match
    assert search(answers, "") == answers
    assert search(answers, "pasó") == []
