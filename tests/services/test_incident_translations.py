"""The incident's free-text facts in Spanish: recorded, listed, audited, and used by Spanish
texts only (an English-only fact is refused, never filled in English)."""

from __future__ import annotations

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.services import incident_translations as translations
from crisisdesk.services.facts import facts_in_language
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.letters import letter_desk


@pytest.fixture
def incident(session: Session) -> str:
    return letter_desk(session)


def test_recording_the_spanish_summary_is_one_audited_action_without_the_text(
        session: Session, incident: str) -> None:
    before = len(audit_store.entries(session.db))
    saved = translations.set_translation(session, "summary", "es",
                                         "  alguien   entró en nuestra red ")
    assert (saved.text, saved.missing) == ("alguien entró en nuestra red", False)
    entries = audit_store.entries(session.db)
    assert len(entries) == before + 1
    assert entries[-1].summary == "Recorded the es wording of the incident summary"
    listed = {w.field: w for w in translations.listing(session, "es")}
    assert listed["summary"].english.startswith("someone outside our organization")
    assert listed["hours"].missing
    assert listed["signer_title"].missing
    assert not listed["what_we_are_doing"].missing  # nothing to translate yet


def test_spanish_facts_take_the_spanish_wording_and_name_what_is_only_in_english(
        session: Session, incident: str) -> None:
    translations.set_translation(session, "summary", "es", "alguien entró en nuestra red.")
    facts, missing = facts_in_language(session, incident, "es")
    assert facts["incident_summary"] == "alguien entró en nuestra red"  # the letter ends it
    assert facts["phi_types"] == ["nombre", "dirección", "fecha de nacimiento"]
    assert "call_center_hours" not in facts
    assert "signer_title" not in facts
    assert set(missing) == {"call_center_hours", "signer_title"}
    english, none = facts_in_language(session, incident, "en")
    assert english["incident_summary"].startswith("someone")
    assert none == {}
    assert translations.clear_translation(session, "summary", "es")
    assert "incident_summary" in facts_in_language(session, incident, "es")[1]


@pytest.mark.parametrize(("field", "language", "text", "message"), [
    ("colour", "es", "x", "'colour' is not a translatable fact"),
    ("summary", "fr", "x", "'fr' is not a language"),
    ("summary", "es", "   ", "it is empty"),
])
def test_bad_input_is_refused_in_one_sentence(session: Session, incident: str, field: str,
                                              language: str, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        translations.set_translation(session, field, language, text)
