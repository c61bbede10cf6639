"""Helpers for the media-desk tests: an approved Q&A answer and a frozen clock."""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.templates import Audience, Channel, Language, TemplateMeta
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from tests.support.templates import approve_as_second_approver

NOW = dt.datetime(2026, 3, 20, 15, 0, tzinfo=dt.UTC)


def freeze(session: Session, now: dt.datetime = NOW) -> None:
    session.clock = lambda: now


def approved_answer(session: Session, key: str, question: str, answer: str) -> str:
    """Create, submit and approve a Q&A template through the real workflow."""
    meta = TemplateMeta(key=key, name=question, audience=Audience.MEDIA, channel=Channel.QA,
                        language=Language.EN, description="test answer")
    template_service.create_template(session, meta, answer)
    template_service.submit(session, key)
    approve_as_second_approver(session, key)  # four-eyes: not the author
    return key


def draft_answer(session: Session, key: str, question: str, answer: str) -> str:
    meta = TemplateMeta(key=key, name=question, audience=Audience.MEDIA, channel=Channel.QA,
                        language=Language.EN, description="test answer")
    template_service.create_template(session, meta, answer)
    return key
