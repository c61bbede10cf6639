"""The media desk services on a real encrypted desk: inquiries, the bank, statements, cadence."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.cadence import CadenceState
from crisisdesk.domain.contacts import ContactKind
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.media import InquiryStatus
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.session import Session
from crisisdesk.services.templates import NotApproved
from crisisdesk.store import audit as audit_store
from tests.support.crisis import open_incident
from tests.support.media import NOW, approved_answer, draft_answer, freeze
from tests.support.templates import approve_as_second_approver

HOLDING = {"confirmed_facts": "We found a cybersecurity incident on March 18.",
           "patient_care_status": "Our clinics remain open.",
           "website": "www.riverside.example/updates",
           "spokesperson_name": "Jordan Reyes, PIO", "spokesperson_phone": "217-555-0110"}


@pytest.fixture
def desk(session: Session) -> Session:
    freeze(session)
    settings_service.set(session, "timezone", "America/Chicago")
    open_incident(session)
    return session


def test_an_inquiry_without_outlet_or_question_saves_nothing(desk: Session) -> None:
    before = len(audit_store.entries(desk.db))
    with pytest.raises(ValidationError) as err:
        media_service.log_inquiry(desk, outlet=" ", question="Was data taken?")
    assert "outlet" in err.value.fields
    with pytest.raises(ValidationError) as err:
        media_service.log_inquiry(desk, outlet="Ledger", question="", reporter="Carla",
                                  save_contact=True)
    assert "question" in err.value.fields
    assert media_service.list_inquiries(desk) == []
    assert contact_service.count_contacts(desk) == 0
    assert len(audit_store.entries(desk.db)) == before


def test_a_past_deadline_is_accepted_and_shows_overdue(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Daily Ledger", question="Was data taken?",
                                  deadline="2026-03-20 09:00")  # Chicago, 14:00 UTC, passed
    assert q.deadline == "2026-03-20T14:00:00Z"
    summary = media_service.media_summary(desk)
    assert (summary.open_inquiries, summary.overdue_inquiries) == (1, 1)


@pytest.mark.parametrize("typed", ["3/20/2026 9am", "Mar 20, 2026 9:00 a.m.", "2026-03-20 09:00"])
def test_a_deadline_is_taken_as_people_type_it(desk: Session, typed: str) -> None:
    q = media_service.log_inquiry(desk, outlet="Daily Ledger", question="Was data taken?",
                                  deadline=typed)
    assert q.deadline == "2026-03-20T14:00:00Z"  # 09:00 in Chicago


def test_a_deadline_needs_its_hour(desk: Session) -> None:
    with pytest.raises(ValidationError, match="3:30 pm") as refused:
        media_service.log_inquiry(desk, outlet="Daily Ledger", question="Q?",
                                  deadline="3/20/2026")
    assert "deadline" in refused.value.fields


def test_inquiries_list_by_deadline(desk: Session) -> None:
    for outlet, deadline in (("B", "12:00"), ("A", "10:30"), ("C", None)):
        media_service.log_inquiry(desk, outlet=outlet, question="Q?", deadline=deadline)
    assert [q.outlet for q in media_service.list_inquiries(desk)] == ["A", "B", "C"]


def test_reporter_saved_to_contacts_in_the_same_action_and_not_in_the_audit(
        desk: Session) -> None:
    before = len(audit_store.entries(desk.db))
    q = media_service.log_inquiry(desk, outlet="WXYZ News", question="Is the ER open?",
                                  reporter="Carla Smithers", contact_details="(773) 555-0199",
                                  save_contact=True)
    contact = contact_service.get_contact(desk, q.contact_id)
    assert (contact.name, contact.kind, contact.organisation) == (
        "Carla Smithers", ContactKind.MEDIA, "WXYZ News")
    new = audit_store.entries(desk.db)[before:]
    assert len(new) == 1
    # The readable fields only: the MACs and digests are random hex and may hold "555".
    readable = " ".join((new[0].summary, new[0].entity_id, new[0].action, new[0].operator))
    assert "Carla" not in readable
    assert "555" not in readable


def test_answering_with_a_draft_is_refused(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Ledger", question="Was data taken?")
    draft_answer(desk, "qa-data", "Was data taken?", "We are still investigating.")
    with pytest.raises(NotApproved):
        media_service.answer_inquiry(desk, q.id, "qa-data")
    assert media_service.get_inquiry(desk, q.id).status is InquiryStatus.NEW
    assert message_service.communication_log(desk) == []


def test_only_qa_templates_answer_inquiries(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Ledger", question="Q?")
    with pytest.raises(ValidationError, match="not a Q&A answer"):
        media_service.answer_inquiry(desk, q.id, "media-holding-statement-en")


def test_answer_from_the_bank_logs_version_timeline_and_one_audit_entry(
        desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Daily Ledger", question="Was data taken?",
                                  deadline="2026-03-20 09:00")
    approved_answer(desk, "qa-data", "Was patient data taken?", "We are still investigating.")
    assert [e.key for e in media_bank.bank(desk, "patient DATA")] == ["qa-data"]
    assert media_bank.bank(desk, "ransom") == []
    before = len(audit_store.entries(desk.db))
    desk.clock = lambda: NOW + dt.timedelta(minutes=40)
    done = media_service.answer_inquiry(desk, q.id[:8], "qa-data")
    assert (done.status, done.answer_text, done.answer_version) == (
        InquiryStatus.ANSWERED, "We are still investigating.", 1)
    assert len(audit_store.entries(desk.db)) == before + 1
    log = message_service.communication_log(desk)
    assert [(e.template_key, e.version, e.channel) for e in log] == [("qa-data", 1, "qa")]
    texts = [e.text for e in timeline_service.latest_entries(desk)]
    assert "Answered Daily Ledger with approved answer qa-data v1" in texts
    summary = media_service.media_summary(desk)
    assert (summary.open_inquiries, summary.overdue_inquiries) == (0, 0)
    assert summary.average_minutes_to_answer == 40
    with pytest.raises(ValidationError, match="already answered"):
        media_service.close_inquiry(desk, q.id)


def test_a_question_without_an_answer_goes_to_the_approver_as_a_draft(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Ledger", question="When is the EHR back?")
    key = media_service.request_answer(desk, q.id, "We expect systems back in stages.")
    assert key == "qa-when-is-the-ehr-back"
    assert template_service.get_version(desk, key).status.value == "draft"
    assert media_service.pending_drafts(desk) == {q.id: key}
    assert media_bank.bank(desk) == []
    template_service.submit(desk, key)
    approve_as_second_approver(desk, key)  # four-eyes: the operator who asked cannot approve
    assert media_service.pending_drafts(desk) == {}
    assert media_service.answer_inquiry(desk, q.id, key).answer_text == (
        "We expect systems back in stages.")


def test_close_and_status_changes(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Blog", question="Q?", assignee="Jordan")
    assert q.status is InquiryStatus.ASSIGNED
    assert media_service.set_status(desk, q.id, "drafting").status is InquiryStatus.DRAFTING
    with pytest.raises(ValidationError):
        media_service.set_status(desk, q.id, "answered")
    closed = media_service.close_inquiry(desk, q.id, "no_response_needed", "duplicate")
    assert (closed.status, closed.closed_note) == (InquiryStatus.NO_RESPONSE_NEEDED, "duplicate")


def test_statements_only_from_approved_templates_with_facts_and_log(desk: Session) -> None:
    cadence_service.set_cadence(desk, "public_media", "4h")
    template_service.save_draft(desk, "media-holding-statement-en",
                                template_service.get_version(
                                    desk, "media-holding-statement-en").body + "<p>Draft.</p>")
    with pytest.raises(NotApproved):
        statement_service.issue_statement(desk, "media-holding-statement-en", version=2,
                                          values=HOLDING)
    desk.clock = lambda: NOW + dt.timedelta(hours=3)
    issued = statement_service.issue_statement(desk, "media-holding-statement-en",
                                               values=HOLDING)
    assert (issued.entry.template_key, issued.entry.version) == ("media-holding-statement-en", 1)
    plain = issued.rendered.plain
    assert "Statement from Riverside Clinics" in plain
    # next update: 4 h after issuing (18:00 UTC = 13:00 Chicago), shown in the statement
    assert "March 20, 2026" in plain
    assert "1:00 PM" in plain
    assert issued.cadence_reset
    pub = cadence_service.cadence_status(desk)[0]
    assert pub.next_due == NOW + dt.timedelta(hours=7)
    assert [e.template_key for e in statement_service.issued_statements(desk)] == [
        "media-holding-statement-en"]
    assert any("Media holding statement" in e.text
               for e in timeline_service.latest_entries(desk))


def test_cadence_near_overdue_and_done(desk: Session) -> None:
    with pytest.raises(ValidationError, match="No update cadence"):
        cadence_service.record_update(desk, "staff")
    cadence_service.set_cadence(desk, "staff", "2h")
    desk.clock = lambda: NOW + dt.timedelta(hours=1, minutes=45)
    assert cadence_service.alerts(desk)[0].state is CadenceState.NEAR
    assert cadence_service.banner(desk) == "Staff update due today 12:00."
    desk.clock = lambda: NOW + dt.timedelta(hours=2, minutes=5)
    assert "Staff update overdue" in cadence_service.banner(desk)
    assert media_service.media_summary(desk).cadence_overdue == 1
    status = cadence_service.record_update(desk, "staff", "Huddle")
    assert status.state is CadenceState.OK
    assert status.next_due == NOW + dt.timedelta(hours=4, minutes=5)
    settings_service.set(desk, "timezone", "Asia/Tokyo")  # display moves, the clock does not
    # 17:05 UTC is already 02:05 tomorrow in Tokyo, so the 19:05 UTC update is "today" there
    assert cadence_service.show_local(desk, status.next_due) == "today 04:05"


def test_editing_an_inquiry_is_one_action_recording_only_what_changed(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Daily Ledger", question="Was data taken?",
                                  reporter="Carla Smithers", contact_details="(773) 555-0199",
                                  save_contact=True, deadline="2026-03-20 11:00")
    before = len(audit_store.entries(desk.db))
    edited = media_service.edit_inquiry(
        desk, q.id[:8], outlet="The Daily Ledger", reporter="Carla Smithers",
        contact_details="(773) 555-0199", channel="email", deadline="2026-03-20 12:30",
        question="Was any patient data taken?", assignee=" Jordan  Reyes ")
    assert (edited.outlet, edited.channel.value, edited.question) == (
        "The Daily Ledger", "email", "Was any patient data taken?")
    assert edited.deadline == "2026-03-20T17:30:00Z"  # Chicago 12:30
    assert (edited.assignee, edited.status) == ("Jordan Reyes", InquiryStatus.ASSIGNED)
    assert edited.contact_id == q.contact_id
    assert edited.received_at == q.received_at
    new = audit_store.entries(desk.db)[before:]
    assert [e.action for e in new] == ["media.edited"]
    assert new[0].summary == (f"Edited media inquiry {q.id[:8]} from The Daily Ledger: outlet, "
                              "channel, deadline, question, assignee")
    written = " ".join((new[0].summary, new[0].entity_id, new[0].operator))  # not the random MAC
    assert "Carla" not in written
    assert "555" not in written
    assert "Jordan" not in written

    same = media_service.edit_inquiry(desk, q.id, outlet="The Daily Ledger",
                                      deadline="2026-03-20 12:30", assignee="Jordan Reyes")
    assert same == edited
    assert len(audit_store.entries(desk.db)) == before + 1  # nothing changed: nothing recorded
    cleared = media_service.edit_inquiry(desk, q.id, deadline="")
    assert cleared.deadline == ""
    assert media_service.deadline_states(desk, [cleared])[0].value == "none"


def test_a_renamed_reporter_is_no_longer_the_linked_contact(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="WXYZ News", question="Is the ER open?",
                                  reporter="Carla Smithers", save_contact=True)
    assert q.contact_id
    renamed = media_service.edit_inquiry(desk, q.id, reporter="Dan Ortiz")
    assert (renamed.reporter, renamed.contact_id) == ("Dan Ortiz", "")
    relinked = media_service.edit_inquiry(desk, q.id, reporter="Carla Smithers",
                                          contact_id=q.contact_id)
    assert relinked.contact_id == q.contact_id
    with pytest.raises(NotFound):
        media_service.edit_inquiry(desk, q.id, contact_id="no-such-contact")


def test_a_bad_edit_saves_nothing(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Blog", question="Q?")
    before = len(audit_store.entries(desk.db))
    with pytest.raises(ValidationError) as err:
        media_service.edit_inquiry(desk, q.id, outlet=" ", question="New question?")
    assert err.value.fields == {"outlet": "missing"}
    with pytest.raises(ValidationError) as err:
        media_service.edit_inquiry(desk, q.id, deadline="half past four")
    assert "deadline" in err.value.fields
    with pytest.raises(ValidationError) as err:
        media_service.edit_inquiry(desk, q.id, status="answered")
    assert "status" in err.value.fields
    media_service.close_inquiry(desk, q.id, "declined")
    before = len(audit_store.entries(desk.db))
    with pytest.raises(ValidationError) as err:
        media_service.edit_inquiry(desk, q.id, question="Other?", assignee="Jordan")
    assert "assignee" in err.value.fields
    assert media_service.get_inquiry(desk, q.id).question == "Q?"
    assert len(audit_store.entries(desk.db)) == before
    # a closed inquiry's record can still be corrected
    assert media_service.edit_inquiry(desk, q.id, question="Other?").question == "Other?"


def test_due_soon_window_and_cadence_warning_are_desk_settings(desk: Session) -> None:
    q = media_service.log_inquiry(desk, outlet="Ledger", question="Q?",
                                  deadline=NOW + dt.timedelta(minutes=45))
    assert media_service.deadline_states(desk, [q])[0].value == "ok"  # default: 30 minutes
    assert media_service.media_summary(desk).due_soon_inquiries == 0
    settings_service.set(desk, "media_due_soon_minutes", "60")
    assert media_service.due_soon_window(desk) == dt.timedelta(minutes=60)
    assert media_service.deadline_states(desk, [q])[0].value == "due_soon"
    assert media_service.media_summary(desk).due_soon_inquiries == 1

    cadence_service.set_cadence(desk, "board", "4h")
    desk.clock = lambda: NOW + dt.timedelta(hours=3, minutes=15)  # 45 minutes left
    assert cadence_service.alerts(desk) == []  # a quarter of 4 h, capped at 30 minutes
    settings_service.set(desk, "cadence_near_minutes", "60")
    assert [s.state for s in cadence_service.alerts(desk)] == [CadenceState.NEAR]
    assert "Board update due" in cadence_service.banner(desk)
    with pytest.raises(ValidationError):
        settings_service.set(desk, "media_due_soon_minutes", "0")
