"""Letters state only recorded facts; risky wording is refused at approval; approval needs a
second person at the organisation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from crisisdesk.domain.errors import PermissionDenied, ValidationError
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.domain.operators import Role
from crisisdesk.domain.templates import (
    Audience,
    Channel,
    Language,
    Status,
    TemplateMeta,
    Variable,
    VarType,
)
from crisisdesk.domain.wording import sentences
from crisisdesk.services import audit as audit_service
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import templates as ts
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.facts import incident_facts, recorded_response
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from crisisdesk.store import wording as wording_store
from crisisdesk.store.library import library_files
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list
from tests.support.templates import approve_as_second_approver, as_second_approver

RISKY = ("There is no evidence your information was misused. Your information is safe and we "
         "guarantee this will never happen again. The hacker, a disgruntled former contractor, "
         "has been identified.\n")
RISKY_PHRASES = ("no evidence of misuse", "your information is safe", "guarantee",
                 "will never happen again", "the hacker", "disgruntled", "former contractor")
LETTER_META = TemplateMeta(key="plain-letter", name="Plain letter", audience=Audience.PATIENTS,
                           channel=Channel.PRINTED_LETTER, language=Language.EN,
                           description="a short letter")
FACT_VARS = ("contained_date", "law_enforcement_notified_date", "law_enforcement_agency",
             "hhs_notified_date", "letters_mailed_date")


def _hhs_told(text: str) -> list[str]:
    claim = next(c for c in wording_store.wording_rules().claims if c.id == "hhs-notified")
    return [s for s in sentences(text) if claim.matches(s)]


# --- the incident's response facts ----------------------------------------------------------

def test_response_facts_are_recorded_checked_and_put_on_the_timeline(session: Session) -> None:
    incident_id = letter_desk(session)
    with pytest.raises(ValidationError, match="in the future") as info:
        incident_service.update_incident(session, incident_id, contained_on=dt.date(2026, 4, 1))
    assert info.value.fields == {"contained_on": "in the future"}
    with pytest.raises(ValidationError, match="before the breach started"):
        incident_service.update_incident(session, incident_id, contained_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="date law enforcement was told"):
        incident_service.update_incident(session, incident_id, law_enforcement_agency="the FBI")
    updated = incident_service.update_incident(
        session, incident_id, contained_on=dt.date(2026, 3, 3),
        law_enforcement_notified_on=dt.date(2026, 3, 4), law_enforcement_agency=" the  FBI ")
    again = incident_service.get_incident(session, incident_id)
    assert again == updated
    assert (again.contained_on, again.law_enforcement_notified_on,
            again.law_enforcement_agency) == (dt.date(2026, 3, 3), dt.date(2026, 3, 4), "the FBI")
    texts = [e.entry.text for e in timeline_service.list_entries(session, incident_id)]
    assert "Recorded: the access was stopped (contained) on 2026-03-03." in texts
    assert "Recorded: the FBI was told on 2026-03-04." in texts
    facts = recorded_response(session, again)
    assert facts["contained_on"] == dt.date(2026, 3, 3)
    assert facts["law_enforcement_agency"] == "the FBI"
    assert facts["hhs_notified_on"] is None
    assert facts["letters_mailed_on"] is None
    assert audit_service.show(session)[-1].action == "incident.update"


def test_hhs_notice_comes_from_the_deadline_marked_done(session: Session) -> None:
    incident_id = letter_desk(session)
    assert "hhs_notified_date" not in incident_facts(session, incident_id)
    key = _hhs_deadline(session, incident_id)  # 12 people: the yearly HHS log
    assert "hhs_notified_date" not in incident_facts(session, incident_id)
    clock_service.mark_done(session, key, dt.date(2026, 3, 15), reference="OCR portal")
    assert incident_facts(session, incident_id)["hhs_notified_date"] == dt.date(2026, 3, 15)


def test_a_law_enforcement_delay_shows_the_agency_was_told(session: Session) -> None:
    from crisisdesk.domain.incidents import DelayForm, LawEnforcementDelay

    incident_id = letter_desk(session)
    delay = LawEnforcementDelay("SA Jon Bell", "FBI", DelayForm.ORAL, dt.date(2026, 3, 10))
    incident_service.update_incident(session, incident_id, delay=delay)
    facts = incident_facts(session, incident_id)
    assert facts["law_enforcement_notified_date"] == dt.date(2026, 3, 10)
    assert facts["law_enforcement_agency"] == "FBI"


def _hhs_deadline(session: Session, incident_id: str) -> str:
    """The HHS deadline's key, once the counts say who is affected."""
    incident_service.update_incident(session, incident_id, affected_by_state={"IL": 12})
    return next(o.key for o in clock_service.deadlines(session, incident_id).obligations
                if o.rule.audience == "hhs")


def _patient_notices() -> list[Any]:
    return [tf for tf in library_files() if tf.meta.hipaa_notice
            and tf.meta.language is Language.EN]


def _render_all(session: Session, incident_id: str) -> dict[str, str]:
    """Every shipped English breach notice, filled from the incident (samples for the rest)."""
    facts = incident_facts(session, incident_id)
    out = {}
    for tf in _patient_notices():
        samples = {k: v for k, v in tf.meta.sample_values().items() if k not in FACT_VARS}
        approved = ts.require_approved(session, tf.meta.key)
        out[tf.meta.key] = ts.render_approved(session, approved, {**samples, **facts}).plain
    return out


def test_no_shipped_notice_says_hhs_was_told_until_the_notice_is_recorded(
        session: Session) -> None:
    incident_id = letter_desk(session)
    hhs = _hhs_deadline(session, incident_id)  # a 12-person incident: HHS is told next year
    keys = {tf.meta.key for tf in _patient_notices()}
    assert {"patient-notification-en", "parent-guardian-notification-en",
            "next-of-kin-notification-en", "substitute-web-notice-en",
            "press-release-en"} <= keys
    before = _render_all(session, incident_id)
    for key, text in before.items():
        assert _hhs_told(text) == [], key
        assert "right away" not in text.replace("tell them right away", "").replace(
            "tell the sender right away", ""), key
    clock_service.mark_done(session, hhs, dt.date(2026, 3, 15))
    after = _render_all(session, incident_id)
    for key, text in after.items():
        told = _hhs_told(text)
        assert told, key
        assert "March 15, 2026" in told[0], key


def test_the_letter_says_what_was_recorded_and_nothing_else(session: Session) -> None:
    incident_id = letter_desk(session)
    approved = ts.require_approved(session, "patient-notification-en")
    samples = {k: v for k, v in approved.meta.sample_values().items() if k not in FACT_VARS}

    def letter() -> str:
        return ts.render_approved(session, approved,
                                  {**samples, **incident_facts(session, incident_id)}).plain

    bare = letter()
    assert "We are working to shut off the access" in bare
    assert "police" not in bare
    assert "FBI" not in bare
    assert "law enforcement" not in bare
    incident_service.update_incident(session, incident_id, contained_on=dt.date(2026, 3, 3),
                                     law_enforcement_notified_on=dt.date(2026, 3, 4),
                                     law_enforcement_agency="the FBI")
    full = letter()
    assert "We shut off the access on March 3, 2026." in full
    assert "On March 4, 2026, we reported it to the FBI." in full


# --- the template checks ------------------------------------------------------------------------

def test_a_fixed_claim_is_flagged_and_a_conditional_one_is_not() -> None:
    hhs = Variable("hhs_notified_date", VarType.DATE, "when HHS was told", dt.date(2026, 4, 6),
                   required=False)
    meta = dataclasses.replace(LETTER_META, variables=(hhs,))
    fixed = ("We told the police and the U.S. Department of Health and Human Services. We acted "
             "right away to stop it.\n{% if hhs_notified_date %}{% endif %}")
    report = ts.check_draft(fixed, meta)
    claims = [f for f in report.errors if f.code == "fixed-claim"]
    assert [f.phrase for f in claims] == ["HHS was notified", "law enforcement was told",
                                          "the incident was contained"]
    assert claims[0].line == 1
    assert "{% if hhs_notified_date %}" in claims[0].message
    backed = ("{% if hhs_notified_date %}On {{ hhs_notified_date|date }}, we told the U.S. "
              "Department of Health and Human Services.{% else %}We will tell the U.S. "
              "Department of Health and Human Services.{% endif %}\n")
    assert "fixed-claim" not in ts.check_draft(backed, meta).codes()
    staff = dataclasses.replace(meta, audience=Audience.STAFF)  # internal texts are not checked
    assert "fixed-claim" not in ts.check_draft(fixed, staff).codes()


def test_every_shipped_template_passes_its_own_wording_checks() -> None:
    for tf in library_files():
        report = ts.check_draft(tf.body, tf.meta)
        bad = [str(f) for f in report.findings
               if f.code in ("fixed-claim", "risky-wording")]
        assert bad == [], tf.meta.key


def test_risky_wording_is_refused_at_approval_naming_each_phrase(session: Session) -> None:
    ts.create_template(session, LETTER_META, RISKY)
    ts.submit(session, "plain-letter")  # the reviewer decides: submission is not blocked
    with pytest.raises(ts.ApprovalRefused) as info:
        approve_as_second_approver(session, "plain-letter")
    message = str(info.value)
    for phrase in RISKY_PHRASES:
        assert f'"{phrase}"' in message, phrase
    risky = [f for f in info.value.findings if f.code == "risky-wording"]
    assert {f.phrase for f in risky} == set(RISKY_PHRASES)
    assert any("Your information is safe and we guarantee" in f.message for f in risky)
    assert ts.get_version(session, "plain-letter").status is Status.IN_REVIEW


def test_a_qualified_statement_passes_and_a_cliche_is_a_warning_with_its_sentence(
        session: Session) -> None:
    body = ("So far, we have no evidence that your information was misused. We take your "
            "privacy seriously.\n")
    report = ts.check_draft(body, LETTER_META)
    assert [f.phrase for f in report.findings if f.code == "risky-wording"] == [
        "we take your privacy seriously"]
    assert report.warnings[0].code == "risky-wording"
    assert "We take your privacy seriously." in report.warnings[0].message
    ts.create_template(session, LETTER_META, body)
    ts.submit(session, "plain-letter")
    with pytest.raises(ts.NeedsAcknowledgement, match="take your privacy seriously"):
        approve_as_second_approver_no_ack(session)


def approve_as_second_approver_no_ack(session: Session) -> None:
    with as_second_approver(session):
        ts.approve(session, "plain-letter")


# --- approval that means something ------------------------------------------------------------

def test_a_new_desk_cannot_print_letters_until_the_organisation_approves(
        new_desk_session: Session, tmp_path: Path) -> None:
    session = new_desk_session
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", adult_rows(3)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 3)
    with pytest.raises(ts.NotApproved, match="patient-notification-en"):
        letter_service.create_batch(session)
    with pytest.raises(ts.NotApproved):
        message_service.issue_message(session, "staff-sms-alert-en", recipient_count=1,
                                      values={"action_requested": "Come in",
                                              "staff_hotline": "217-555-0120"})
    assert letter_service.list_batches(session) == []
    ts.approve(session, "patient-notification-en", acknowledge_warnings=True)
    batch = letter_service.create_batch(session)
    assert batch.letter_count == 3


def test_an_approver_cannot_approve_their_own_version(session: Session) -> None:
    ts.create_template(session, LETTER_META, "We are writing about your visit.\n")
    ts.submit(session, "plain-letter")
    with pytest.raises(ValidationError, match="another approver must approve it") as info:
        ts.approve(session, "plain-letter")
    assert info.value.fields == {"approved_by": "author"}
    assert ts.get_version(session, "plain-letter").status is Status.IN_REVIEW
    approve_as_second_approver(session, "plain-letter")
    assert ts.get_version(session, "plain-letter").approved_by == "bea"


def test_submitting_someone_elses_draft_makes_you_an_author_too(session: Session) -> None:
    with as_second_approver(session):
        ts.create_template(session, LETTER_META, "We are writing about your visit.\n")
    ts.submit(session, "plain-letter")  # alex submits bea's draft: neither may approve it
    with pytest.raises(ValidationError, match="another approver"):
        ts.approve(session, "plain-letter")
    with pytest.raises(ValidationError, match="another approver"):
        approve_as_second_approver(session, "plain-letter")


def test_an_admin_can_allow_single_person_approval_with_a_recorded_reason(
        session: Session) -> None:
    assert not ts.approval_policy(session).single_person
    with pytest.raises(ValidationError, match="reason"):
        ts.set_approval_policy(session, single_person=True, reason="")
    kim = operator_service.add_operator(session, "kim", Role.APPROVER, "kims passphrase here")
    saved = session.operator
    session.operator = kim
    with pytest.raises(PermissionDenied):
        ts.set_approval_policy(session, single_person=True, reason="Two of us on the team")
    session.operator = saved
    policy = ts.set_approval_policy(session, single_person=True,
                                    reason="Two-person clinic; counsel reviews every letter")
    assert policy.single_person
    assert policy.set_by == "alex"
    assert audit_service.show(session)[-1].action == "template.policy"
    assert "counsel reviews every letter" in audit_service.show(session)[-1].summary
    ts.create_template(session, LETTER_META, "We are writing about your visit.\n")
    ts.submit(session, "plain-letter")
    approved = ts.approve(session, "plain-letter")
    assert approved.approved_by == "alex"
    assert "single-person policy: Two-person clinic" in approved.note
    assert "single-person approval" in audit_service.show(session)[-1].summary
    ts.set_approval_policy(session, single_person=False)
    assert not ts.approval_policy(session).single_person


def test_the_demo_desk_keeps_its_library_approved(tmp_path: Path) -> None:
    from crisisdesk.services import desk as desk_service
    from crisisdesk.services.demo import desk as demo_service
    from tests.support.desk import FAST_KDF

    data_dir = tmp_path / "demo"
    demo_service.create_demo(data_dir, kdf=FAST_KDF, steps=[])
    session = desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    try:
        summaries = ts.list_templates(session)
        assert summaries
        assert all(s.approved_version == 1 and s.needs_legal_review
                                 for s in summaries)
    finally:
        session.close()


def test_a_new_incident_has_no_hhs_notice_fact(session: Session) -> None:
    incident_service.create_incident(session, title="Outage", kind=IncidentKind.SYSTEM_DOWNTIME,
                                     discovered_on=dt.date(2026, 3, 2))
    assert "hhs_notified_date" not in incident_facts(session)


def test_letters_mailed_and_monitoring_come_from_the_mailing_log_and_the_codes(
        session: Session, tmp_path: Path) -> None:
    from crisisdesk.domain.letters import LetterStatus
    from crisisdesk.services.letters import mailing_log as mailing_log

    incident_id = letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", adult_rows(2)))
    letter_service.classify_recipients(session)
    facts = incident_facts(session, incident_id)
    assert "letters_mailed_date" not in facts
    assert "credit_monitoring_months" not in facts
    add_codes(session, tmp_path, 2)
    facts = incident_facts(session, incident_id)
    assert facts["credit_monitoring_months"] == 12
    assert facts["enroll_by_date"] == dt.date(2026, 7, 31)
    batch = letter_service.create_batch(session)
    letter_service.record_direct_print(session, str(batch.number))
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.PRINTED)
    assert "letters_mailed_date" not in incident_facts(session, incident_id)  # printed only
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.MAILED,
                           on_date=dt.date(2026, 3, 18))
    assert incident_facts(session, incident_id)["letters_mailed_date"] == dt.date(2026, 3, 18)
