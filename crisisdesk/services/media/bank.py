"""The approved answer bank: key messages and questions-and-answers, as Q&A templates.

A bank entry is a template with channel `qa` (audience media): its name is the question (or
the key message's title), its body the answer. Entries go through the ordinary template
workflow (draft, review, approve), and only the current approved version of each is in the
bank, rendered with the incident's facts, so what the spokesperson copies is exactly what the
approver signed off. A question with no approved answer becomes a new draft for the approver.

Public API: bank(session, query="") -> list[BankEntry]; key_messages(session);
render_answer(session, approved, values=None) -> Rendered;
draft_answer(session, question, proposed_answer="", *, source="editor", note="") -> str.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.media import KEY_MESSAGE_PREFIX, bank_key, bank_kind
from crisisdesk.domain.templates import LIBRARY_APPROVER, Audience, Channel, Language, TemplateMeta
from crisisdesk.services import templates as template_service
from crisisdesk.services.facts import incident_facts
from crisisdesk.services.session import Session

PLACEHOLDER_ANSWER = "(The approved answer goes here.)"


@dataclass(frozen=True)
class BankEntry:
    key: str
    kind: str  # "Q&A" or "key message"
    question: str
    answer: str  # plain text, filled in with the incident's facts
    version: int
    approved_by: str
    problem: str = ""  # why the answer could not be filled in (then `answer` is the raw body)

    @property
    def needs_legal_review(self) -> bool:
        return self.approved_by == LIBRARY_APPROVER

    def matches(self, query: str) -> bool:
        text = f"{self.question}\n{self.answer}\n{self.key}".casefold()
        return all(word in text for word in query.casefold().split())

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "question": self.question,
                "answer": self.answer, "version": self.version,
                "approved_by": self.approved_by, "problem": self.problem or None}


def render_answer(session: Session, approved: template_service.ApprovedTemplate,
                  values: Mapping[str, Any] | None = None) -> template_service.Rendered:
    """An approved bank template filled with the incident's facts (and `values` on top)."""
    if approved.meta.channel is not Channel.QA:
        raise ValidationError(f"{approved.key} is not a Q&A answer (its channel is "
                              f"{approved.meta.channel.value}); answer from the Q&A bank.",
                              {"template": "not Q&A"})
    facts = incident_facts(session)
    return template_service.render_approved(session, approved, {**facts, **dict(values or {})})


def approved_keys(session: Session) -> set[str]:
    """The keys of the Q&A answers with an approved version, without rendering them (the
    bank renders each one in the template sandbox: ~10 ms apiece, too slow for a refresh)."""
    return {summary.key for summary in template_service.list_templates(
        session, channel=Channel.QA.value) if summary.approved_version is not None}


def bank(session: Session, query: str = "") -> list[BankEntry]:
    """Approved Q&A entries matching every word of `query` (key messages first)."""
    facts: dict[str, Any] | None = None
    out: list[BankEntry] = []
    for summary in template_service.list_templates(session, channel=Channel.QA.value):
        if summary.approved_version is None:
            continue
        approved = template_service.require_approved(session, summary.key)
        if facts is None:
            facts = incident_facts(session)
        problem = ""
        try:
            answer = template_service.render_approved(session, approved, facts).plain.strip()
        except UserError as err:
            answer, problem = approved.body.strip(), str(err)
        entry = BankEntry(approved.key, bank_kind(approved.key), approved.meta.name, answer,
                          approved.version, approved.approved_by, problem)
        if entry.matches(query):
            out.append(entry)
    out.sort(key=lambda e: (e.kind != "key message", e.question.casefold()))
    return out


def key_messages(session: Session) -> list[BankEntry]:
    return [e for e in bank(session) if e.key.startswith(KEY_MESSAGE_PREFIX)]


def draft_answer(session: Session, question: str, proposed_answer: str = "", *,
                 source: str = "editor", note: str = "") -> str:
    """A new Q&A draft (one action: `templates.create_template`); returns its key."""
    question = " ".join(question.split())
    if not question:
        raise ValidationError("The question for the approver is empty.", {"question": "missing"})
    taken = [t.key for t in template_service.list_templates(session)]
    key = bank_key(question, taken)
    meta = TemplateMeta(key=key, name=question[:200], audience=Audience.MEDIA,
                        channel=Channel.QA, language=Language.EN,
                        description="Q&A answer for the spokesperson (media desk).")
    body = proposed_answer.strip() or PLACEHOLDER_ANSWER
    template_service.create_template(session, meta, body, note=note, source=source)
    return key
