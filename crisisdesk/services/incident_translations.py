"""The wording of an incident's free-text facts in another language (Spanish letters).

`set_translation` and `clear_translation` are user actions (one transaction, one audit entry
naming the field, never the text); `listing` shows each translatable fact beside its
translation so the team sees what a Spanish letter would still be refused for.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.fact_languages import BY_FIELD, TRANSLATABLE, check_field
from crisisdesk.domain.operators import Role
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.facts import incident_facts
from crisisdesk.services.session import Session
from crisisdesk.store import incident_translations as store

MAX_CHARS = 2000


@dataclass(frozen=True)
class FactWording:
    field: str
    label: str
    language: str
    english: str  # the fact as the desk holds it ('' when it has none)
    text: str  # the wording in `language` ('' when not translated yet)
    updated_at: str = ""
    updated_by: str = ""

    @property
    def missing(self) -> bool:
        """The fact exists in English and has no wording in `language`."""
        return bool(self.english) and not self.text

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "label": self.label, "language": self.language,
                "english": self.english, "text": self.text, "missing": self.missing,
                "updated_at": self.updated_at, "updated_by": self.updated_by}


def set_translation(session: Session, field: str, language: str, text: str, *,
                    incident_id: str | None = None) -> FactWording:
    """Record the `language` wording of one of the incident's free-text facts."""
    saved = set_translations(session, language, {field: text}, incident_id=incident_id)
    return saved[0]


def set_translations(session: Session, language: str, texts: dict[str, str], *,
                     incident_id: str | None = None) -> list[FactWording]:
    """Record several facts' wording at once (one action); an empty text removes one."""
    session.require(Role.OPERATOR, "translate incident facts")
    cleaned: dict[str, str] = {}
    for field, text in texts.items():
        fact = check_field(field, language)
        text = " ".join(text.split())
        if not text and len(texts) == 1:
            raise ValidationError(f"Give the {fact.label} in the new language (it is empty).",
                                  {fact.field: "empty"})
        if len(text) > MAX_CHARS:
            raise ValidationError(f"The {fact.label} is longer than {MAX_CHARS} characters.",
                                  {fact.field: "too long"})
        cleaned[fact.field] = text
    incident = incident_service.get_incident(session, incident_id)
    labels = ", ".join(BY_FIELD[f].label for f in cleaned)
    with session.action("incident.translate", "incident", incident.id,
                        f"Recorded the {language} wording of the {labels}") as act:
        for field, text in cleaned.items():
            if text:
                store.put(session.db, incident.id, field, language, text, at=act.at,
                          by=session.operator.name)
            else:
                store.remove(session.db, incident.id, field, language)
    return [w for w in listing(session, language, incident_id=incident.id) if w.field in cleaned]


def clear_translation(session: Session, field: str, language: str, *,
                      incident_id: str | None = None) -> bool:
    session.require(Role.OPERATOR, "translate incident facts")
    fact = check_field(field, language)
    incident = incident_service.get_incident(session, incident_id)
    with session.action("incident.translate", "incident", incident.id,
                        f"Removed the {language} wording of the {fact.label}"):
        return store.remove(session.db, incident.id, fact.field, language)


def wording(session: Session, incident_id: str, language: str) -> dict[str, str]:
    """{field: text} for building a text in `language`."""
    return store.wording(session.db, incident_id, language)


def listing(session: Session, language: str = "es", *,
            incident_id: str | None = None) -> list[FactWording]:
    """Every translatable fact of the incident with its English and `language` wording."""
    check_field(TRANSLATABLE[0].field, language)
    incident = incident_service.get_incident(session, incident_id)
    english = incident_facts(session, incident.id)
    rows = {r[0]: r for r in store.rows(session.db, incident.id) if r[1] == language}
    out = []
    for fact in TRANSLATABLE:
        row = rows.get(fact.field)
        out.append(FactWording(fact.field, fact.label, language,
                               str(english.get(fact.variable, "") or ""),
                               row[2] if row else "", row[3] if row else "",
                               row[4] if row else ""))
    return out


__all__ = ["BY_FIELD", "FactWording", "clear_translation", "listing", "set_translation",
           "set_translations", "wording"]
