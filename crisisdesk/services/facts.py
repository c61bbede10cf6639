"""The facts a template is filled with: the incident record, the desk's public contact details
and who holds the key roles, as template variable names.

One place maps the desk's records to the variables the shipped templates use, so a calling-tree
script, a letter and a press statement all say the same dates and the same help-line number.
Values the desk does not know are left out (not blanked), so rendering an approved template
names exactly which variable still needs a value instead of printing an empty gap.

The response facts a letter may state are only ever taken from what the desk recorded:
`contained_date` and `law_enforcement_notified_date`/`law_enforcement_agency` from the incident
record (a recorded law-enforcement delay also shows that the agency was told),
`hhs_notified_date` from the HHS deadline marked done, `letters_mailed_date` from the mailing
log, and the credit-monitoring terms from the incident's imported enrollment codes. Without
the fact, a shipped template leaves the sentence out or says what will happen instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from crisisdesk.domain.data_elements import INFO_KIND_ELEMENTS, letter_list
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.fact_languages import TranslatableField, localise
from crisisdesk.domain.incidents import Incident
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.services.templates import desk_facts
from crisisdesk.store import incident_translations as translation_store
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import letters as letter_store

# template variable -> desk setting
SETTING_FACTS = {
    "call_center_phone": "public_phone",
    "contact_phone": "public_phone",
    "call_center_hours": "public_hours",
    "contact_email": "public_email",
    "website": "public_website",
    "postal_address": "public_postal_address",
    "org_address": "public_postal_address",
    "signer_name": "signer_name",
    "signer_title": "signer_title",
    "staff_hotline": "staff_hotline",
}


def incident_record_facts(incident: Incident) -> dict[str, Any]:
    """What the incident record itself says, under the templates' variable names."""
    facts: dict[str, Any] = {
        "incident_title": incident.title,
        "breach_type": incident.kind.label,
        "discovery_date": incident.discovered_on,
        "affected_count": incident.total_affected,
    }
    summary = incident.summary.strip().rstrip(".").strip()
    if summary:  # templates use it to finish their own sentence, full stop included
        facts["incident_summary"] = summary
    if incident.breach_started_on:
        facts["breach_date"] = incident.breach_started_on
    if incident.breach_ended_on:
        facts["breach_end_date"] = incident.breach_ended_on
    if incident.info_kinds:
        facts["phi_types"] = [kind.label for kind in incident.info_kinds]
    if incident.contained_on:
        facts["contained_date"] = incident.contained_on
    told, agency = incident.law_enforcement_notified_on, incident.law_enforcement_agency
    if told is None and incident.delay is not None:  # they asked us to wait: they were told
        told, agency = incident.delay.starts_on, incident.delay.agency
    if told is not None:
        facts["law_enforcement_notified_date"] = told
        if agency:
            facts["law_enforcement_agency"] = agency
    return facts


def hhs_notified_on(session: Session, incident_id: str) -> dt.date | None:
    """The day the HHS notice (164.408) was marked done on the deadlines list, if it was."""
    keys = {rule.key for rule in clock_service.load_rules(session).rules
            if rule.audience == "hhs"}
    done = [c.done_on for key, c in incident_store.completions(session.db, incident_id).items()
            if key in keys or key.rsplit(".", 1)[0] in keys]
    return min(done, default=None)


def response_facts(session: Session, incident: Incident) -> dict[str, Any]:
    """The facts the desk records elsewhere than the incident row: HHS notice, letters mailed,
    the monitoring offer."""
    facts: dict[str, Any] = {}
    hhs = hhs_notified_on(session, incident.id)
    if hhs is not None:
        facts["hhs_notified_date"] = hhs
    mailed = incident_store.first_mailed_on(session.db, incident.id)
    if mailed is not None:
        facts["letters_mailed_date"] = mailed
    codes = letter_store.code_stats(session.db, incident.id)
    if codes["codes"] and codes["monitoring_months"]:
        facts["credit_monitoring_months"] = int(codes["monitoring_months"])
        if codes["expires_on"]:
            facts["enroll_by_date"] = dt.date.fromisoformat(str(codes["expires_on"]))
        if codes["enrollment_url"]:
            facts["enrollment_url"] = str(codes["enrollment_url"])
    return facts


def incident_facts(session: Session, incident_id: str | None = None) -> dict[str, Any]:
    """All known facts for `incident_id` (default: the current incident, if any).

    Raises NotFound only when an incident id is given and does not exist; with no current
    incident the desk-level facts are still returned.
    """
    facts: dict[str, Any] = dict(desk_facts(session))
    settings = settings_service.get_many(session, SETTING_FACTS.values())
    for variable, key in SETTING_FACTS.items():
        value = str(settings[key] or "").strip()
        if value:
            facts[variable] = value
    holder = role_service.spokesperson(session)
    if holder is not None:
        person = holder.slot.person
        facts["spokesperson_name"] = facts["pio_name"] = person.name
        if person.phone:
            facts["spokesperson_phone"] = person.phone
    incident = (incident_service.get_incident(session, incident_id) if incident_id
                else incident_service.current_incident(session))
    if incident is not None:
        facts.update(incident_record_facts(incident))
        facts.update(response_facts(session, incident))
    return facts


def facts_for(session: Session, incident_id: str | None = None) -> dict[str, Any]:
    """What fills a template's preview or issue: the desk's facts, overlaid with the incident's
    (the current one when id is None), leaving out every value the desk does not know.

    The incident wins over the desk. With no incident (or a missing one) the desk's facts still
    render, and the template's sample values fill whatever is left.
    """
    facts: dict[str, Any] = dict(desk_facts(session))
    with contextlib.suppress(UserError):
        facts.update(incident_facts(session, incident_id))
    return {k: v for k, v in facts.items() if v is not None and v != ""}


# What `recorded_response` reports, in this order: (key, template variable, label).
RESPONSE_FACTS = (
    ("contained_on", "contained_date", "Access stopped (contained)"),
    ("law_enforcement_notified_on", "law_enforcement_notified_date", "Law enforcement told"),
    ("law_enforcement_agency", "law_enforcement_agency", "Agency told"),
    ("hhs_notified_on", "hhs_notified_date", "HHS notified"),
    ("letters_mailed_on", "letters_mailed_date", "Letters first mailed"),
    ("credit_monitoring_months", "credit_monitoring_months", "Credit monitoring (months)"),
)


def recorded_response(session: Session, incident: Incident) -> dict[str, Any]:
    """Every response fact a template may state, as recorded (None where nothing is), for the
    CLI and the incident dialog to show what letters will and will not say."""
    facts = {**incident_record_facts(incident), **response_facts(session, incident)}
    return {key: facts.get(variable) for key, variable, _label in RESPONSE_FACTS}


# --- the same facts in another language -----------------------------------------------------

def incident_elements(incident: Incident) -> tuple[str, ...]:
    """The incident-wide kinds of information as data elements (the letters' fallback when
    the recipients file says nothing about a person)."""
    return tuple(INFO_KIND_ELEMENTS[k.value] for k in incident.info_kinds
                 if k.value in INFO_KIND_ELEMENTS)


def facts_in_language(session: Session, incident_id: str, language: str
                      ) -> tuple[dict[str, Any], dict[str, TranslatableField]]:
    """(facts for a text in `language`, {variable: fact} that exist only in English).

    Free-text facts take the incident's wording in `language`; one without it is left out and
    reported, so the caller refuses to fill a template that uses it instead of printing
    English in a Spanish text. `phi_types` is the incident's list in that language."""
    facts = incident_facts(session, incident_id)
    incident = incident_service.get_incident(session, incident_id)
    wording = translation_store.wording(session.db, incident.id, language)
    localised, missing = localise(facts, language, wording)
    if incident.info_kinds:
        localised["phi_types"] = letter_list(incident_elements(incident), language)
    return localised, missing
