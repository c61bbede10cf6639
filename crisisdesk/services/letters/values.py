"""What one letter says beyond the template: its language's facts, the person's own data
elements, and the state insert for where the person lives.

A letter names *that person's* exposed elements in the singular ("your name, address and date
of birth"), from the recipients file, falling back to the incident's list only when the file
had none for them. A text in Spanish takes the incident's Spanish wording of each free-text
fact and is refused (naming the fact) when one exists only in English. A resident of a state
with its own rules gets that state's approved insert, the sections the state forbids left
out, and at least the months of monitoring its law requires when a Social Security number was
involved. Rules and approved texts are looked up once per batch and cached here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crisisdesk.domain.data_elements import involves_ssn, letter_list, unknown_elements
from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.domain.fact_languages import LANGUAGES, TranslatableField, refuse_missing
from crisisdesk.domain.incidents import US_STATES
from crisisdesk.domain.letters import Letter
from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.state_inserts import StateInsert, in_force, missing_headings
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.facts import facts_in_language, incident_elements
from crisisdesk.services.letters import state_inserts as insert_rules
from crisisdesk.services.session import Session

ApprovedTemplate = template_service.ApprovedTemplate
NotApproved = template_service.NotApproved


@dataclass
class LetterValues:
    """Per-batch caches: facts by language, state rules, approved inserts."""

    session: Session
    incident_id: str
    discovered_on: dt.date
    incident_elements: tuple[str, ...]
    law_enforcement_delay_from: dt.date | None = None
    _facts: dict[str, tuple[dict[str, Any], dict[str, TranslatableField]]] = field(
        default_factory=dict)
    _inserts: dict[str, ApprovedTemplate] = field(default_factory=dict)

    @classmethod
    def for_incident(cls, session: Session, incident_id: str) -> LetterValues:
        incident = incident_service.get_incident(session, incident_id)
        problems = insert_rules.problems()
        if problems:
            raise UserError(f"The state inserts rules cannot be read ({problems[0]}); no "
                            "letters were rendered.")
        delay = incident.delay.starts_on if incident.delay is not None else None
        return cls(session, incident.id, incident.discovered_on, incident_elements(incident),
                   delay)

    def facts(self, language: str) -> tuple[dict[str, Any], dict[str, TranslatableField]]:
        if language not in self._facts:
            self._facts[language] = facts_in_language(self.session, self.incident_id, language)
        return self._facts[language]

    def rule(self, state: str) -> StateInsert | None:
        return in_force(insert_rules.rules(), state, self.discovered_on) if state else None

    def _insert_template(self, rule: StateInsert, language: str) -> ApprovedTemplate:
        key = rule.template_key(language)
        if key not in self._inserts:
            where = US_STATES.get(rule.state, rule.state)
            try:
                try:
                    found = template_service.require_approved(self.session, key)
                except NotFound:
                    if language == "en":
                        raise
                    found = self._insert_template(rule, "en")
            except NotFound:
                raise UserError(f"Letters to {where} residents need the state insert {key}, "
                                "which this desk does not have; import it and approve it."
                                ) from None
            except NotApproved as exc:
                raise NotApproved(f"Letters to {where} residents need the approved state "
                                  f"insert: {exc}") from None
            self._insert_template_check(found, where)
            self._inserts[key] = found
        return self._inserts[key]

    @staticmethod
    def _insert_template_check(found: ApprovedTemplate, where: str) -> None:
        if found.meta.channel.value != "printed_letter":
            raise UserError(f"The {where} insert {found.key} is not a printed-letter template.")

    def render(self, letter: Letter, approved: ApprovedTemplate,
               extra: dict[str, Any]) -> str:
        """The letter's HTML: facts in its language, the person's elements, the state insert."""
        language = approved.meta.language.value
        facts, missing = self.facts(language)
        declared = {v.name for v in approved.meta.variables}
        refuse_missing(declared, missing, language, approved.key)
        values: dict[str, Any] = dict(facts)
        elements = letter.person.information or self.incident_elements
        if elements:
            if language != "en" and unknown_elements(elements):
                raise ValidationError(
                    f"the information listed for this person includes "
                    f"{', '.join(repr(u) for u in unknown_elements(elements))}, which has no "
                    f"{LANGUAGES.get(language, language)} wording; correct the list or send "
                    "this person the English letter", {"phi_types": "untranslated"})
            values["phi_types"] = letter_list(elements, language)
        values.update(extra)
        rule = self.rule(letter.state)
        if rule is None:
            return template_service.render_approved(self.session, approved, values).text
        state_months = rule.ssn_monitoring_months if involves_ssn(elements) else 0
        offered = int(values.get("credit_monitoring_months") or 0)
        if state_months > offered:
            values["credit_monitoring_months"] = state_months
        insert = self._insert_template(rule, language)
        insert_values = {k: v for k, v in values.items()
                         if k in {x.name for x in insert.meta.variables}}
        if state_months:
            insert_values["state_monitoring_months"] = state_months
        if self.law_enforcement_delay_from is not None:
            insert_values["law_enforcement_delay_from"] = self.law_enforcement_delay_from
        insert_html = template_service.render_approved(self.session, insert,
                                                       insert_values).text
        text = template_service.render_approved(
            self.session, approved, values, omit_sections=rule.omit_sections,
            insert=insert_html).text
        if rule.required_headings and language == "en":
            lacking = missing_headings(html_to_text(text), rule.required_headings)
            if lacking:
                raise UserError(
                    f"Letters to {US_STATES.get(rule.state, rule.state)} residents must have "
                    f"the headings {', '.join(repr(h) for h in lacking)} ({rule.citation}); "
                    f"{approved.key} version {approved.version} lacks them.")
        return text
