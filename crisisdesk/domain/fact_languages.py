"""The incident's free-text facts in the letter's language, or a refusal naming what is missing.

A Spanish letter filled with the English summary is half English: the reader gets a Spanish
frame around the one paragraph that matters. The desk keeps the wording of each free-text fact
per language; a text in Spanish takes the Spanish wording, and a fact that exists only in
English is *missing* for it (never silently the English one), so rendering names the field to
translate. Dates, numbers and phone numbers are formatted per language by the filters and need
no translation; names of people and of the organisation stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.errors import ValidationError

BASE_LANGUAGE = "en"
LANGUAGES = {"es": "Spanish"}


@dataclass(frozen=True)
class TranslatableField:
    field: str  # as typed on the command line and stored
    variable: str  # the template variable it fills
    label: str  # in words, for messages


TRANSLATABLE: tuple[TranslatableField, ...] = (
    TranslatableField("summary", "incident_summary", "incident summary"),
    TranslatableField("what_we_are_doing", "what_we_are_doing", "what we are doing"),
    TranslatableField("hours", "call_center_hours", "help-line hours"),
    TranslatableField("signer_title", "signer_title", "signer's title"),
    TranslatableField("law_enforcement_agency", "law_enforcement_agency",
                      "law-enforcement agency"),
)
BY_FIELD = {t.field: t for t in TRANSLATABLE}
BY_VARIABLE = {t.variable: t for t in TRANSLATABLE}


def check_field(field: str, language: str) -> TranslatableField:
    found = BY_FIELD.get(field.strip().lower().replace("-", "_"))
    if found is None:
        raise ValidationError(f"{field!r} is not a translatable fact; use one of "
                              f"{', '.join(BY_FIELD)}.", {"field": "unknown"})
    if language not in LANGUAGES:
        raise ValidationError(f"{language!r} is not a language the desk translates into; use "
                              f"{', '.join(LANGUAGES)}.", {"language": "unknown"})
    return found


def localise(facts: Mapping[str, Any], language: str,
             wording: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, TranslatableField]]:
    """(facts for a text in `language`, {variable: field} that exist only in English).

    `wording` is {field: text} in `language`. In English the facts are returned as they are.
    """
    out = dict(facts)
    missing: dict[str, TranslatableField] = {}
    if language == BASE_LANGUAGE:
        return out, missing
    for t in TRANSLATABLE:
        text = (wording.get(t.field) or "").strip()
        if text:
            out[t.variable] = text.rstrip(".").strip() if t.field == "summary" else text
        elif t.variable in out:
            del out[t.variable]
            missing[t.variable] = t
    return out, missing


def refuse_missing(used: set[str], missing: Mapping[str, TranslatableField], language: str,
                   template_key: str) -> None:
    """A ValidationError naming each fact `template_key` uses that has no `language` wording."""
    lacking = [t for t in TRANSLATABLE if t.variable in used and t.variable in missing]
    if not lacking:
        return
    names = ", ".join(t.label for t in lacking)
    first = lacking[0].field
    raise ValidationError(
        f"{template_key} is in {LANGUAGES.get(language, language)} but the {names} "
        f"{'is' if len(lacking) == 1 else 'are'} only in English; add the wording with "
        f"'crisisdesk incident translate --field {first} --lang {language} TEXT'.",
        {t.variable: "untranslated" for t in lacking})
