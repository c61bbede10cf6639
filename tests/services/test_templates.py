"""Templates through the services: library, lifecycle, roles, immutability, the one guard."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
from pathlib import Path

import pytest

from crisisdesk.domain.errors import DeskDamaged, NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.template_files import parse_file
from crisisdesk.domain.templates import (
    LIBRARY_APPROVER,
    Audience,
    Channel,
    Language,
    Status,
    TemplateMeta,
    Variable,
    VarType,
    content_sha256,
)
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import templates as ts
from crisisdesk.services.session import Session
from crisisdesk.store.library import library_files
from tests.support.templates import approve_as_second_approver, as_second_approver

LIBRARY = {tf.meta.key: tf for tf in library_files()}

NOTICE_META = TemplateMeta(
    "flood-notice", "Flood notice", Audience.STAFF, Channel.EMAIL, Language.EN,
    variables=(Variable("floor", VarType.TEXT, "Which floor is closed", "2"),
               Variable("until", VarType.DATE, "When it reopens", "2026-03-09")))
NOTICE_BODY = "Floor {{ floor }} is closed until {{ until|date }}. Use the stairs.\n"


def as_operator(data_dir: Path, session: Session, name: str, role: Role) -> Session:
    operator_service.add_operator(session, name, role, f"{name} passphrase here")
    return desk_service.unlock(data_dir, name, f"{name} passphrase here")


def approve_new(session: Session, meta: TemplateMeta = NOTICE_META, body: str = NOTICE_BODY,
                ) -> None:
    ts.create_template(session, meta, body)
    ts.submit(session, meta.key)
    approve_as_second_approver(session, meta.key)  # four-eyes


# --- the shipped library -------------------------------------------------------------------

REQUIRED_LIBRARY = {
    "patient-notification-en", "patient-notification-es", "parent-guardian-notification-en",
    "next-of-kin-notification-en", "substitute-web-notice-en", "media-holding-statement-en",
    "press-release-en", "staff-notice-en", "calling-tree-script-en", "voicemail-script-en",
    "call-center-faq-en", "patient-protection-flyer-en", "business-associate-notice-en",
    "state-ag-cover-letter-en",
    "parent-guardian-notification-es", "next-of-kin-notification-es", "substitute-web-notice-es",
    "patient-protection-flyer-es", "call-center-faq-es", "voicemail-script-es",
    *(f"state-insert-{s}-{lang}" for s in ("ma", "ca", "ny", "md", "nc", "or", "ct", "dc")
      for lang in ("en", "es")), "language-assistance-taglines-en",
}


def test_the_library_has_every_template_the_plan_needs() -> None:
    assert set(LIBRARY) >= REQUIRED_LIBRARY
    for tf in LIBRARY.values():
        assert "counsel" in tf.meta.description  # marked as needing the org's legal review
        first_line = tf.body.split("\n")[0]  # and in the body, as a comment
        assert first_line.startswith("{#")
        assert "CrisisDesk" in first_line


@pytest.mark.parametrize("key", sorted(LIBRARY))
def test_every_shipped_template_passes_its_own_checks(key: str) -> None:
    tf = LIBRARY[key]
    report = ts.check_draft(tf.body, tf.meta)
    assert report.ok, [str(f) for f in report.errors]
    assert not report.warnings, [str(f) for f in report.warnings]
    assert report.preview.strip()


def test_a_new_desk_has_the_library_in_review_for_the_organisations_approver(
        new_desk_session: Session) -> None:
    session = new_desk_session
    listed = {s.key: s for s in ts.list_templates(session)}
    assert set(listed) == set(LIBRARY)
    for summary in listed.values():
        assert summary.latest_status is Status.IN_REVIEW
        assert summary.approved_version is None
        version = ts.get_version(session, summary.key)
        assert (version.created_by, version.submitted_by) == (LIBRARY_APPROVER, LIBRARY_APPROVER)
    with pytest.raises(ts.NotApproved):
        ts.require_approved(session, "patient-notification-en")
    assert [e.action for e in audit_service.show(session)] == ["desk.init"]
    assert ts.install_library(session) == 0  # nothing missing, nothing duplicated
    # a person at the organisation approves it: it is theirs now, no longer the library's
    approved = ts.approve(session, "patient-notification-en", acknowledge_warnings=True)
    assert approved.approved_by == "alex"
    assert not approved.needs_legal_review
    assert ts.require_approved(session, "patient-notification-en").version == 1


def test_a_desk_from_before_the_library_can_add_it(new_desk_session: Session) -> None:
    session = new_desk_session
    key = "voicemail-script-en"
    row = session.db.execute("SELECT id FROM templates WHERE key = ?", [key]).fetchone()
    session.db.execute("DELETE FROM template_versions WHERE template_id = ?", [row[0]])
    session.db.execute("DELETE FROM templates WHERE id = ?", [row[0]])
    assert ts.install_library(session) == 1
    assert ts.get_version(session, key).status is Status.IN_REVIEW
    with pytest.raises(ts.NotApproved):
        ts.require_approved(session, key)


def test_english_and_spanish_letters_are_linked_as_translations(session: Session) -> None:
    others = ts.translations(session, "patient-notification-en")
    assert [(s.key, s.language) for s in others] == [("patient-notification-es", "es")]


def test_filters_by_audience_channel_language_and_status(session: Session) -> None:
    keys = {s.key for s in ts.list_templates(session, audience="patients", language="es")}
    assert {k for k in keys if not k.startswith("state-insert-")} == {
        "patient-notification-es", "parent-guardian-notification-es",
        "next-of-kin-notification-es", "substitute-web-notice-es", "patient-protection-flyer-es"}
    assert {s.key for s in ts.list_templates(session, channel="sms")} == {"staff-sms-alert-en"}
    assert ts.list_templates(session, status="draft") == []


# --- lifecycle and roles -------------------------------------------------------------------

def test_draft_review_approve_records_who_when_and_the_hash(session: Session) -> None:
    v1 = ts.create_template(session, NOTICE_META, NOTICE_BODY)
    assert (v1.version, v1.status) == (1, Status.DRAFT)
    edited = ts.save_draft(session, "flood-notice", NOTICE_BODY.replace("stairs", "lift"))
    assert edited.version == 1  # a draft is edited in place
    ts.submit(session, "flood-notice")
    with as_second_approver(session):  # four-eyes: not the author
        approved = ts.approve(session, "flood-notice")
    assert approved.status is Status.APPROVED
    assert approved.approved_by == "bea"
    assert approved.approved_at
    assert approved.sha256 == content_sha256(edited.body, NOTICE_META.variables, ())
    assert len(approved.sha256) == 64
    actions = [e.action for e in audit_service.show(session)][-5:]
    assert actions == ["template.create", "template.edit", "template.submit", "operator.add",
                       "template.approve"]


def test_only_an_approver_or_admin_can_approve_or_retire(data_dir: Path,
                                                         session: Session) -> None:
    sam = as_operator(data_dir, session, "sam", Role.OPERATOR)
    ts.create_template(sam, NOTICE_META, NOTICE_BODY)
    ts.submit(sam, "flood-notice")  # operators draft and submit
    with pytest.raises(PermissionDenied, match="approver role can approve templates"):
        ts.approve(sam, "flood-notice")
    with pytest.raises(PermissionDenied):
        ts.retire(sam, "patient-notification-en")
    assert ts.get_version(session, "flood-notice").status is Status.IN_REVIEW
    kim = as_operator(data_dir, session, "kim", Role.APPROVER)
    assert ts.approve(kim, "flood-notice").approved_by == "kim"
    sam.close()
    kim.close()


def test_an_approved_version_never_changes_editing_makes_a_new_draft(session: Session) -> None:
    approve_new(session)
    v2 = ts.save_draft(session, "flood-notice", "Floor {{ floor }} is open again.\n",
                       meta=dataclasses.replace(NOTICE_META, variables=NOTICE_META.variables[:1]))
    assert (v2.version, v2.status) == (2, Status.DRAFT)
    v1 = ts.get_version(session, "flood-notice", 1)
    assert v1.status is Status.APPROVED
    assert v1.body == NOTICE_BODY
    assert ts.require_approved(session, "flood-notice").version == 1  # still the one in use
    ts.submit(session, "flood-notice")
    approve_as_second_approver(session, "flood-notice")
    history = ts.history(session, "flood-notice")
    assert [(v.version, v.status) for v in history] == [(1, Status.RETIRED),
                                                         (2, Status.APPROVED)]
    assert history[0].retired_reason == "superseded by version 2"
    assert history[0].body == NOTICE_BODY


def test_a_drafts_name_and_description_change_in_one_action(session: Session) -> None:
    ts.create_template(session, NOTICE_META, NOTICE_BODY)
    before = len(audit_service.show(session))
    renamed = dataclasses.replace(NOTICE_META, name="Flooded floor", description="Water")
    saved = ts.save_draft(session, "flood-notice", NOTICE_BODY, meta=renamed)
    assert (saved.version, saved.meta.name, saved.meta.description) == (
        1, "Flooded floor", "Water")
    assert [e.action for e in audit_service.show(session)[before:]] == ["template.edit"]
    assert [t.name for t in ts.list_templates(session) if t.key == "flood-notice"] == [
        "Flooded floor"]
    with pytest.raises(ValidationError, match="needs a name"):
        ts.save_draft(session, "flood-notice", NOTICE_BODY,
                      meta=dataclasses.replace(NOTICE_META, name=" "))


def test_the_database_itself_refuses_to_alter_an_approved_version(session: Session) -> None:
    approve_new(session)
    with pytest.raises(Exception, match="approved template version cannot be changed"):
        session.db.execute("UPDATE template_versions SET body = 'tampered' "
                           "WHERE approved_at IS NOT NULL")
    with pytest.raises(Exception, match="cannot be deleted"):
        session.db.execute("DELETE FROM template_versions WHERE approved_at IS NOT NULL")
    with pytest.raises(Exception, match="cannot be changed"):
        session.db.execute("UPDATE templates SET channel = 'sms' WHERE key = 'flood-notice'")


def test_a_version_altered_behind_our_back_is_refused(session: Session) -> None:
    approve_new(session)
    session.db.execute("DROP TRIGGER template_versions_approved_immutable")
    session.db.execute("UPDATE template_versions SET body = 'Floor {{ floor }} is fine.' "
                       "WHERE version = 1 AND template_id = "
                       "(SELECT id FROM templates WHERE key = 'flood-notice')")
    with pytest.raises(DeskDamaged, match="no longer matches"):
        ts.require_approved(session, "flood-notice")


def test_identity_cannot_change_through_an_edit(session: Session) -> None:
    ts.create_template(session, NOTICE_META, NOTICE_BODY)
    with pytest.raises(ValidationError, match="channel cannot change"):
        ts.save_draft(session, "flood-notice", NOTICE_BODY,
                      meta=dataclasses.replace(NOTICE_META, channel=Channel.SMS))


def test_a_template_with_a_syntax_error_cannot_be_submitted(session: Session) -> None:
    ts.create_template(session, NOTICE_META, "Floor {{ floor }}\nuntil {{ until|date }")
    with pytest.raises(ValidationError, match=r"line 2, column \d+"):
        ts.submit(session, "flood-notice")
    assert ts.get_version(session, "flood-notice").status is Status.DRAFT


def _broken_letter(session: Session) -> str:
    """The shipped patient letter with 'what information was involved' emptied, in review."""
    tf = LIBRARY["patient-notification-en"]
    body = tf.body.replace("<p>The information may have included your {{ phi_types|join_and }}"
                           ".</p>", "")
    ts.save_draft(session, "patient-notification-en", body)
    # Submission runs the same checks and would refuse it, so put it in review directly to
    # test that approval refuses it too (e.g. if the rules tightened while it was in review).
    session.db.execute("UPDATE template_versions SET status = 'in_review' WHERE version = 2 AND "
                       "template_id = (SELECT id FROM templates WHERE key = ?)",
                       ["patient-notification-en"])
    return body


def test_approval_of_a_letter_missing_a_required_element_is_refused(session: Session) -> None:
    _broken_letter(session)
    with pytest.raises(ts.ApprovalRefused) as info:
        approve_as_second_approver(session, "patient-notification-en", 2)
    assert "164.404(c)(1)(B)" in str(info.value)
    assert [f.code for f in info.value.findings] == ["empty-section"]
    assert ts.get_version(session, "patient-notification-en", 2).status is Status.IN_REVIEW


def test_a_reading_level_warning_must_be_acknowledged(session: Session) -> None:
    hard = NOTICE_BODY + ("Notwithstanding comprehensive organizational precautions, "
                          "unauthorized infrastructure modifications necessitated "
                          "evacuation.\n")
    ts.create_template(session, NOTICE_META, hard)
    ts.submit(session, "flood-notice")
    with (pytest.raises(ts.NeedsAcknowledgement, match="Reads at Flesch-Kincaid grade"),
          as_second_approver(session)):
        ts.approve(session, "flood-notice")
    with as_second_approver(session):
        approved = ts.approve(session, "flood-notice", acknowledge_warnings=True)
    assert approved.status is Status.APPROVED
    assert len(approved.acknowledged_warnings) == 1
    assert "target for staff is grade 8" in approved.acknowledged_warnings[0]


def test_send_back_and_retire(session: Session) -> None:
    ts.create_template(session, NOTICE_META, NOTICE_BODY)
    ts.submit(session, "flood-notice")
    back = ts.send_back(session, "flood-notice", reason="say which stairs")
    assert back.status is Status.DRAFT
    assert back.note == "say which stairs"
    retired = ts.retire(session, "staff-notice-en", reason="replaced by our own")
    assert retired.status is Status.RETIRED
    with pytest.raises(ts.NotApproved, match="no approved version"):
        ts.require_approved(session, "staff-notice-en")


def test_history_diff_is_readable(session: Session) -> None:
    approve_new(session)
    ts.save_draft(session, "flood-notice", NOTICE_BODY.replace("stairs", "east stairs"),
                  meta=dataclasses.replace(NOTICE_META, variables=(
                      NOTICE_META.variables[0],
                      Variable("until", VarType.DATE, "The day it opens again", "2026-03-09"))))
    text = ts.diff(session, "flood-notice", 1, 2)
    assert "--- version 1 (approved)" in text
    assert "+++ version 2 (draft)" in text
    assert "-Floor {{ floor }} is closed until {{ until|date }}. Use the stairs." in text
    assert "+Floor {{ floor }} is closed until {{ until|date }}. Use the east stairs." in text
    assert "+until (date): The day it opens again" in text
    with pytest.raises(NotFound, match="no version 7"):
        ts.diff(session, "flood-notice", 1, 7)


# --- the one guard: only approved versions are used ----------------------------------------

def test_require_approved_refuses_drafts_reviews_and_retired_versions(session: Session) -> None:
    ts.create_template(session, NOTICE_META, NOTICE_BODY)
    with pytest.raises(ts.NotApproved, match="no approved version"):
        ts.require_approved(session, "flood-notice")
    with pytest.raises(ts.NotApproved, match="version 1 is draft"):
        ts.require_approved(session, "flood-notice", 1)
    ts.submit(session, "flood-notice")
    with pytest.raises(ts.NotApproved, match="version 1 is in review"):
        ts.require_approved(session, "flood-notice", 1)
    with pytest.raises(NotFound, match="did you mean flood-notice"):
        ts.require_approved(session, "flod-notice")
    with pytest.raises(TypeError):
        ts.render_approved(session, ts.get_version(session, "flood-notice"), {})  # type: ignore[arg-type]


def test_issuing_a_message_needs_an_approved_version_and_is_logged(session: Session) -> None:
    ts.create_template(session, NOTICE_META, NOTICE_BODY)
    with pytest.raises(ts.NotApproved):
        message_service.issue_message(session, "flood-notice", recipient_count=5,
                                      values={"floor": "2", "until": "2026-03-09"})
    assert message_service.communication_log(session) == []
    ts.submit(session, "flood-notice")
    approve_as_second_approver(session, "flood-notice")
    issued = message_service.issue_message(session, "flood-notice", recipient_count=5,
                                           values={"floor": "2", "until": "2026-03-09"},
                                           incident_id="INC-1", note="east wing")
    assert issued.rendered.text == "Floor 2 is closed until March 9, 2026. Use the stairs.\n"
    [entry] = message_service.communication_log(session)
    assert (entry.template_key, entry.version, entry.audience, entry.channel,
            entry.recipient_count, entry.operator, entry.incident_id) == (
        "flood-notice", 1, "staff", "email", 5, "alex", "INC-1")
    assert entry.content_sha256 == hashlib.sha256(issued.rendered.text.encode()).hexdigest()
    assert message_service.issued_content(session, entry.id) == issued.rendered.text
    assert audit_service.show(session)[-1].action == "message.issue"
    with pytest.raises(Exception, match="append-only"):
        session.db.execute("UPDATE message_log SET recipient_count = 1")


def test_a_missing_or_wrong_typed_value_names_the_variable(session: Session) -> None:
    with pytest.raises(ValidationError, match="breach_date must be a date"):
        message_service.issue_message(session, "patient-notification-en", recipient_count=1,
                                      values={**LIBRARY["patient-notification-en"].meta
                                              .sample_values(), "breach_date": "last week"})
    values = LIBRARY["patient-notification-en"].meta.sample_values()
    values.pop("recipient_name")
    with pytest.raises(ValidationError, match="No value for recipient_name"):
        message_service.issue_message(session, "patient-notification-en", recipient_count=1,
                                      values=values)
    assert message_service.communication_log(session) == []


def test_the_desk_fills_in_its_own_name(session: Session) -> None:
    values = LIBRARY["patient-protection-flyer-en"].meta.sample_values()
    values.pop("org_name")
    issued = message_service.issue_message(session, "patient-protection-flyer-en",
                                           recipient_count=300, values=values)
    assert "Call Riverside Clinics free at (855) 555-0142" in issued.rendered.text


def test_the_log_exports_as_spreadsheet_safe_csv(session: Session, tmp_path: Path) -> None:
    values = LIBRARY["staff-sms-alert-en"].meta.sample_values()
    message_service.issue_message(session, "staff-sms-alert-en", recipient_count=40,
                                  values=values, note="=HYPERLINK(\"http://x\")")
    out = tmp_path / "log.csv"
    assert message_service.export_log_csv(session, out) == 1
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[0]["note"] == "'=HYPERLINK(\"http://x\")"
    assert (rows[0]["template_key"], rows[0]["recipient_count"], rows[0]["sms_segments"]) == (
        "staff-sms-alert-en", "40", "1")
    html = message_service.log_report_html(session, message_service.communication_log(session))
    assert "Staff text alert" in html
    assert "=HYPERLINK(&#34;http://x&#34;)" in html


# --- import and export ---------------------------------------------------------------------

def test_export_then_import_round_trips_and_edits_become_drafts(session: Session) -> None:
    text = ts.export_template(session, "staff-notice-en")
    assert parse_file(text).meta == LIBRARY["staff-notice-en"].meta
    assert ts.import_template(session, text).outcome == "unchanged"
    changed = ts.import_template(session, text.replace("Thank you", "Thanks"))
    assert (changed.version, changed.outcome) == (2, "new draft")
    again = ts.import_template(session, text.replace("Thank you", "Many thanks"))
    assert (again.version, again.outcome) == (2, "draft updated")


def test_import_refuses_an_unknown_audience_or_channel_clearly(session: Session) -> None:
    text = ts.export_template(session, "staff-notice-en").replace(
        'key = "staff-notice-en"', 'key = "staff-notice-2"')
    with pytest.raises(ValidationError, match="x.tmpl: Unknown audience 'staf'.*Did you mean "
                                              "staff"):
        ts.import_template(session, text.replace('audience = "staff"', 'audience = "staf"'),
                           source_name="x.tmpl")
    with pytest.raises(ValidationError, match="Unknown channel 'fax'"):
        ts.import_template(session, text.replace('channel = "email"', 'channel = "fax"'))
    with pytest.raises(ValidationError, match="channel cannot change"):
        ts.import_template(session, ts.export_template(session, "staff-notice-en").replace(
            'channel = "email"', 'channel = "sms"'))
    created = ts.import_template(session, text)
    assert (created.key, created.version, created.outcome) == ("staff-notice-2", 1, "created")
