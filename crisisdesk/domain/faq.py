"""The hotline's approved answers and scripts, and the questions they do not answer yet.

Each FAQ answer and each call script (greeting, verification, closing) is an approved template
of its own, named by convention: `hotline-faq-<topic>-<language>` and
`hotline-script-<name>-<language>`. The search here is what the agent's search box runs on
every keystroke, so it is pure and works on answers already filled in.

A question with no approved answer is kept in the call log's questions and proposed as a new
draft template. What an agent types there is stored, so it must not carry patient data: a
run of digits (a date, a phone number, a ZIP code, a reference) or an e-mail address is
refused with one line saying so.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import fold_name

FAQ_PREFIX = "hotline-faq-"
PROPOSAL_PREFIX = "hotline-faq-q-"
SCRIPT_PREFIX = "hotline-script-"
SCRIPTS = ("greeting", "verification", "closing")
FAQ_LANGUAGES = ("en", "es")
MIN_QUESTION = 5
MAX_QUESTION = 200
_SLUG_CHARS = 30

# Words that say nothing about what was asked ("how do I ...", "¿cómo puedo ...?").
_STOP_WORDS = (
    "about any are can could does for from get got has have how into not our that the their "
    "them there they this was were what when where which who why will with you your "
    "algo como con cual cuando del donde esta este hay las los mis para pero por puedo que "
    "quien sus una")
_STOP = frozenset(_STOP_WORDS.split())
_MIN_WORD = 3  # "at", "my", "el": too short to say what was asked
_PERSONAL = re.compile(r"\d[\d\s/.\-]{1,}\d|@")


@dataclass(frozen=True)
class FaqAnswer:
    """One approved answer (or script), filled in with the incident's facts."""

    key: str
    question: str
    text: str
    version: int


def faq_language(language: str) -> str:
    """The language answers are read in: a caller in another language gets the English
    answers (through an interpreter)."""
    clean = language.strip().lower()
    return clean if clean in FAQ_LANGUAGES else "en"


def script_key(name: str, language: str) -> str:
    if name not in SCRIPTS:
        raise ValidationError(f"script must be one of: {', '.join(SCRIPTS)}.",
                              {"script": "unknown"})
    return f"{SCRIPT_PREFIX}{name}-{faq_language(language)}"


def _words(text: str) -> list[str]:
    return fold_name(text).split()


def search(answers: Sequence[FaqAnswer], query: str) -> list[FaqAnswer]:
    """The answers that match `query`, best first; all of them for an empty query.

    Every word of the query that says something (not "how", "do", "I", "at" ...) counts when a word
    of the question or the answer starts with it (the last word may be half typed); a hit in
    the question counts three times. An answer with no hit is left out."""
    wanted = [w for w in _words(query) if len(w) >= _MIN_WORD and w not in _STOP]
    if not wanted:
        return list(answers) if not query.strip() else []
    scored: list[tuple[int, int, FaqAnswer]] = []
    for i, answer in enumerate(answers):
        question, text = _words(answer.question), _words(answer.text)
        score = sum(3 * any(q.startswith(w) for q in question)
                    + any(t.startswith(w) for t in text) for w in wanted)
        if score:
            scored.append((-score, i, answer))
    return [answer for _, _, answer in sorted(scored, key=lambda s: (s[0], s[1]))]


def check_question(text: str) -> str:
    """The question as it will be stored, or a ValidationError: 5-200 characters, and nothing
    that looks like a caller's details (numbers, e-mail addresses)."""
    clean = " ".join(text.split())
    if len(clean) < MIN_QUESTION:
        raise ValidationError("Type the caller's question (a few words).",
                              {"question": "missing"})
    if len(clean) > MAX_QUESTION:
        raise ValidationError(f"Keep the question under {MAX_QUESTION} characters.",
                              {"question": "too long"})
    if _PERSONAL.search(clean):
        raise ValidationError("Type the question without numbers, dates or e-mail addresses: "
                              "it is kept in the log, and the caller's details must not be.",
                              {"question": "personal data"})
    return clean


def proposal_key(question: str, language: str) -> str:
    """A template key for a proposed answer: readable words, a hash of the whole question (two
    questions that start alike get two keys) and the language."""
    folded = fold_name(question)
    slug = "-".join(re.sub(r"[^a-z0-9]", "", w) for w in folded.split() if w not in _STOP)
    slug = re.sub(r"-+", "-", slug).strip("-")[:_SLUG_CHARS].strip("-") or "question"
    digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:6]
    return f"{PROPOSAL_PREFIX}{slug}-{digest}-{faq_language(language)}"


PROPOSAL_BODY = (
    "{# Proposed from the patient hotline: a caller asked this and no approved answer had it. "
    "Write the answer agents may read to callers, in plain words, stating only facts the "
    "incident record holds (inside {% if fact %} ... {% endif %}), then submit it for "
    "approval. #}\n"
    "[Write the approved answer here.]\n")
