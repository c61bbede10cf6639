"""Which language a recipient's letter can really be in, and why not when it cannot.

A Spanish-preference recipient gets the Spanish template of their letter variant when that
template is approved and the incident's free-text facts it uses have Spanish wording. When
either is missing the letter falls back to English, but never silently: the reason is kept in
the batch, and the batch's summary and status say how many letters fell back and why.
"""

from __future__ import annotations

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.fact_languages import LANGUAGES, TRANSLATABLE
from crisisdesk.services import templates as template_service
from crisisdesk.services.facts import facts_in_language
from crisisdesk.services.session import Session


def usable_template(session: Session, incident_id: str, key: str | None,
                    language: str) -> str:
    """'' when `key` can be used for a letter in `language`; otherwise why not (in words)."""
    name = LANGUAGES.get(language, language)
    if not key:
        return f"there is no {name} template for this kind of letter"
    try:
        approved = template_service.require_approved(session, key)
    except (template_service.NotApproved, NotFound):
        return f"the {name} template {key} is not approved"
    _, missing = facts_in_language(session, incident_id, language)
    declared = {v.name for v in approved.meta.variables}
    lacking = [t.label for t in TRANSLATABLE if t.variable in missing and t.variable in declared]
    if lacking:
        return f"the incident has no {name} wording of the {', '.join(lacking)}"
    return ""


def fallback_note(slots: dict[str, dict[str, object]]) -> str:
    """'3 Spanish-preference letters are in English: <reason>' for a batch (or '')."""
    parts = []
    for slot, chosen in sorted(slots.items()):
        count = int(str(chosen.get("fallback_letters") or 0))
        reason = str(chosen.get("fallback") or "")
        if count and reason:
            variant, _, language = slot.partition(":")
            parts.append(f"{count} {LANGUAGES.get(language, language)}-preference {variant} "
                         f"letter{'s' if count != 1 else ''} in English because {reason}")
    return "; ".join(parts)
