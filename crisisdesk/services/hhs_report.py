"""The HHS breach report, prefilled from what the desk knows, ready to enter field by field.

Public API
----------
draft(session, incident_ref=None) -> HhsReport
    Every portal field for the incident (default: the current one): the privacy officer's
    answers over the values found in the incident record, the signed risk assessment, the
    mailing log, the desk settings and the Privacy Officer role; `missing` lists what nobody
    knows yet.
set_answers(session, answers, incident_ref=None) -> HhsReport
    {field key: text} ('' clears); all checked before any is saved; one action.
    Covered-entity fields (name, address, type) are kept desk-wide.
save_version(session, incident_ref=None) -> HhsReport
    Freezes the draft as the next version: version 1 is the initial report, every later one
    an addendum; earlier versions are kept as they were. Noted on the incident's timeline.
saved_versions(session, incident_ref=None) -> list[HhsReport]
annual_log(session, year) -> AnnualLog
    The breaches discovered in `year` that affected fewer than 500 people, one entry each
    (164.408(c)), with the date the log is due at HHS.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from crisisdesk.domain import hhs_report as domain
from crisisdesk.domain.breach_assessment import Conclusion, Factor
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.filings import FilingKind
from crisisdesk.domain.hhs_report import (
    ADDENDUM,
    FIELDS,
    INITIAL,
    NO,
    YES,
    AnnualEntry,
    AnnualLog,
    HhsReport,
)
from crisisdesk.domain.incidents import Incident
from crisisdesk.domain.timeline import Category
from crisisdesk.services import filings as filing_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.letters.counts import substitute_position
from crisisdesk.services.localtime import today as local_today
from crisisdesk.services.session import Session
from crisisdesk.store import breach_assessment as assessment_store
from crisisdesk.store import hhs_report as store
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import letters as letter_store
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store import substitute_notice as substitute_store

MEDIA_THRESHOLD = 500  # 164.406: more than 500 residents of a State


def _incident(session: Session, incident_ref: str | None) -> Incident:
    incident = (incident_service.get_incident(session, incident_ref) if incident_ref
                else incident_service.current_incident(session))
    if incident is None:
        raise NotFound("There is no current incident; open one or name it.")
    return incident


def people_on_list(session: Session, incident_id: str) -> tuple[dict[str, int], int]:
    """(people by state, people in total) on the incident's list, duplicates once."""
    by_state, unknown = recipient_store.people_by_state(session.db, incident_id)
    return by_state, sum(by_state.values()) + unknown


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _entity(session: Session, put: dict[str, tuple[str, str]]) -> None:
    put["ce_name"] = (settings_service.display_org(session), "desk settings")
    address = domain.split_address(str(settings_service.get(session, "public_postal_address")))
    for part, value in address.items():
        put[f"ce_{part}"] = (value, "desk settings (postal address)")
    holder = role_service.current_holder(session, "privacy")
    if holder is not None:
        person = holder.slot.person
        source = f"Privacy Officer role ({person.name})"
        first, last = domain.split_name(person.name)
        put["ce_contact_first"] = (first, source)
        put["ce_contact_last"] = (last, source)
        put["ce_contact_email"] = (person.email, source)
        put["ce_contact_phone"] = (person.phone, source)
        put["attest_name"] = (person.name, source)


def _breach(incident: Incident, count: int, put: dict[str, tuple[str, str]]) -> None:
    day = lambda d: d.isoformat() if d else ""  # noqa: E731
    put["breach_start"] = (day(incident.breach_started_on), "incident")
    end = incident.breach_ended_on or incident.contained_on
    put["breach_end"] = (day(end), "incident" if incident.breach_ended_on
                         else "incident (access stopped)")
    put["discovery_start"] = (day(incident.discovered_on), "incident")
    if count:
        put["individuals"] = (str(count), "incident and mailing log")
        put["breach_affecting"] = (domain.FIVE_HUNDRED_OR_MORE if count >= domain.HHS_THRESHOLD
                                   else domain.FEWER_THAN_500, "incident and mailing log")
    put["breach_type"] = (domain.BREACH_TYPE_BY_KIND.get(incident.kind, ""), "incident type")
    put["location"] = (domain.LIST_SEP.join(domain.locations_for(incident.systems_affected)),
                       "incident (systems affected)")
    put["phi_types"] = (domain.LIST_SEP.join(domain.phi_types_for(incident.info_kinds)),
                        "incident (information involved)")
    put["description"] = (_sentence(incident.summary), "incident summary")


def _notice(session: Session, incident: Incident, listed: int, by_state: Mapping[str, int],
            put: dict[str, tuple[str, str]]) -> None:
    mailed = incident_store.first_mailed_on(session.db, incident.id)
    put["notice_start"] = (mailed.isoformat() if mailed else "", "mailing log")
    if listed:
        sub = substitute_position(session, incident.id)
        put["substitute"] = (NO if sub.kind == "none" else YES, "mailing log")
    first_substitute = substitute_store.plan(session.db, incident.id).first_notice
    if first_substitute is not None:
        put["substitute_date"] = (first_substitute.isoformat(), "substitute notice record")
    counts = {s: max(incident.residents(s), by_state.get(s, 0))
              for s in set(incident.affected_by_state) | set(by_state)}
    if any(counts.values()):
        media = sorted(s for s, n in counts.items() if n > MEDIA_THRESHOLD)
        put["media"] = (YES if media else NO, "incident counts by state")
        put["media_states"] = (", ".join(media), "incident counts by state")
        media_sent = _first_media_notice(session, incident)
        if media and media_sent is not None:
            put["media_date"] = (media_sent.isoformat(), "filings tracker (media sent)")


def _first_media_notice(session: Session, incident: Incident) -> dt.date | None:
    """The day the first media notice was recorded sent on the filings tracker."""
    report = filing_service.tracker(session, incident.id)
    days = [f.record.sent_on for f in report.filings
            if f.owed.kind is FilingKind.MEDIA and f.record and f.record.sent_on]
    return min(days, default=None)


def _actions(session: Session, incident: Incident, put: dict[str, tuple[str, str]]) -> None:
    chosen = []
    codes = letter_store.code_stats(session.db, incident.id)
    if codes["codes"] and codes["monitoring_months"]:
        chosen.append("Provided individuals with free credit monitoring")
    latest = assessment_store.latest(session.db, incident.id)
    if latest is not None and latest.facts_for(Factor.MITIGATION):
        chosen.append("Took steps to mitigate harm")
    put["actions"] = (domain.LIST_SEP.join(chosen), "mailing log and risk assessment")


def _notes(session: Session, incident: Incident) -> list[str]:
    signed = [a for a in assessment_store.versions(session.db, incident.id) if a.is_signed]
    if not signed:
        return ["No signed risk assessment yet: the breach is presumed (45 CFR 164.402)."]
    last = signed[-1]
    if last.conclusion is Conclusion.LOW_PROBABILITY:
        return [f"The signed risk assessment (version {last.version}) concludes a low "
                "probability of compromise: no HHS report is owed unless a new version "
                "concludes otherwise."]
    return [f"The signed risk assessment (version {last.version}) concludes: "
            f"{last.conclusion.label}."]


def _prefill(session: Session, incident: Incident) -> dict[str, tuple[str, str]]:
    put: dict[str, tuple[str, str]] = {}
    saved = store.saved(session.db, incident.id)
    put["report_type"] = (ADDENDUM if saved else INITIAL, "saved reports")
    by_state, listed = people_on_list(session, incident.id)
    count = domain.portal_count(incident.total_affected, listed)
    _entity(session, put)
    _breach(incident, count, put)
    _notice(session, incident, listed, by_state, put)
    _actions(session, incident, put)
    return put


def _answers(session: Session, incident_id: str) -> dict[str, tuple[str, str]]:
    return {key: (value, f"entered by {by}")
            for key, (value, by) in store.answers(session.db, incident_id).items()}


def draft(session: Session, incident_ref: str | None = None) -> HhsReport:
    incident = _incident(session, incident_ref)
    return domain.assemble(incident.id, incident.title, _prefill(session, incident),
                           _answers(session, incident.id), _notes(session, incident))


def set_answers(session: Session, answers: Mapping[str, str],
                incident_ref: str | None = None) -> HhsReport:
    incident = _incident(session, incident_ref)
    if not answers:
        raise ValidationError("Give at least one field=value.", {"answers": "empty"})
    _by_state, listed = people_on_list(session, incident.id)
    cleaned = {key: domain.clean_answer(key, text, people_on_list=listed)
               for key, text in answers.items()}
    if cleaned.get("report_type") == INITIAL and store.saved(session.db, incident.id):
        raise ValidationError("report_type: a report is already saved; what follows it is an "
                              "addendum.", {"report_type": "addendum"})
    with session.action("hhs.answers", "incident", incident.id,
                        f"HHS report answers recorded: {', '.join(sorted(cleaned))}"):
        for key, value in cleaned.items():
            scope = store.DESK if domain.BY_KEY[key].desk_wide else incident.id
            store.set_answer(session.db, scope, key, value, session.now_iso(),
                             session.operator.name)
    return draft(session, incident.id)


def _frozen(report: HhsReport) -> dict[str, dict[str, object]]:
    return {v.field.key: {"value": v.value, "source": v.source, "applies": v.applies}
            for v in report.values}


def save_version(session: Session, incident_ref: str | None = None) -> HhsReport:
    incident = _incident(session, incident_ref)
    report = draft(session, incident.id)
    number = len(store.saved(session.db, incident.id)) + 1
    with session.action("hhs.save", "incident", incident.id,
                        f"HHS breach report version {number} saved "
                        f"({report.report_type})") as act:
        store.insert(session.db, str(uuid.uuid4()), incident.id, number, report.report_type,
                     _frozen(report), [f.key for f in report.missing], act.at,
                     session.operator.name)
        missing = len(report.missing)
        timeline_service.record_in_action(
            session, act, f"HHS breach report version {number} ({report.report_type}) kept as "
            f"filed by {session.operator.name}"
            + (f"; {missing} field(s) still missing." if missing else "."),
            category=Category.COMMUNICATION, source="hhs", incident_id=incident.id)
    return saved_versions(session, incident.id)[-1]


def saved_versions(session: Session, incident_ref: str | None = None) -> list[HhsReport]:
    incident = _incident(session, incident_ref)
    out = []
    for row in store.saved(session.db, incident.id):
        fields = row["fields"]
        values = tuple(domain.FieldValue(
            f, str(fields.get(f.key, {}).get("value", "")),
            str(fields.get(f.key, {}).get("source", "")),
            bool(fields.get(f.key, {}).get("applies", True))) for f in FIELDS)
        out.append(HhsReport(incident.id, incident.title, values, (), row["version"],
                             row["saved_at"], row["saved_by"]))
    return out


def annual_log(session: Session, year: int) -> AnnualLog:
    if not 1990 <= year <= 9999:
        raise ValidationError(f"year: {year} is not a calendar year.", {"year": "invalid"})
    conclusions = assessment_store.latest_by_incident(session.db)
    versions = store.latest_versions(session.db)
    entries = []
    for incident in incident_service.list_incidents(session):
        if incident.discovered_on.year != year:
            continue
        report = draft(session, incident.id)
        count = int(report.value("individuals").value or 0)
        if count == 0 or count >= domain.HHS_THRESHOLD:
            continue  # not counted yet, or reported on its own within 60 days
        signed = [a for a in assessment_store.versions(session.db, incident.id) if a.is_signed]
        if signed and signed[-1].conclusion is Conclusion.LOW_PROBABILITY:
            continue  # not a breach: nothing to log
        latest = conclusions.get(incident.id)
        conclusion = (signed[-1].conclusion.label if signed else
                      "not signed yet (breach presumed)" if latest else
                      "not assessed (breach presumed)")
        entries.append(AnnualEntry(
            incident.id, incident.title, incident.discovered_on,
            report.value("breach_start").value, report.value("breach_end").value, count,
            report.value("breach_type").value, report.value("location").value, conclusion,
            versions.get(incident.id, 0), len(report.missing)))
    entries.sort(key=lambda e: (e.discovered_on, e.title))
    return AnnualLog(year, domain.annual_due(year), tuple(entries))


def annual_year(session: Session) -> int:
    """The calendar year whose log is due next (last year's until its deadline passes)."""
    today = local_today(session)
    last = today.year - 1
    return last if today <= domain.annual_due(last) else today.year

