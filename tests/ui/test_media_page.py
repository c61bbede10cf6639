"""The Media desk page, driven through its real widgets on a real encrypted desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.media import InquiryStatus
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.media.log_dialog import EditInquiryDialog
from crisisdesk.ui.media.page import MediaPage
from tests.support.crisis import open_incident
from tests.support.media import NOW, approved_answer, freeze
from tests.support.ui import RecordingPrompts, show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> Iterator[MediaPage]:
    freeze(session)
    settings_service.set(session, "timezone", "America/Chicago")
    open_incident(session)
    approved_answer(session, "key-message-care", "Patient care continues",
                    "Our clinics are open and patient care continues on downtime procedures.")
    approved_answer(session, "qa-data", "Was patient data taken?",
                    "We are investigating with outside experts and will notify anyone affected.")
    widget = show_page(qtbot, MediaPage(ctx))
    qtbot.waitUntil(lambda: len(widget.bank.entries) == 2, timeout=5_000)
    yield widget
    widget.timer.stop()  # the 30-second tick must not outlive the desk the test closes


def overdue_outlets(page: MediaPage) -> list[str]:
    return [q.outlet for q in page.visible_inquiries()]


def test_log_an_inquiry_answer_it_from_the_bank_and_it_leaves_the_overdue_list(
        qtbot: QtBot, page: MediaPage, session: Session) -> None:
    page.log_button.click()
    dialog = page.dialog
    assert dialog is not None
    dialog.outlet_edit.setText("Daily Ledger")
    dialog.reporter_combo.setEditText("Carla Smithers")
    dialog.question_edit.setPlainText("Was any patient data taken?")
    dialog.deadline_edit.setText("2026-03-20 09:30")  # Chicago time, already past
    dialog.accept_button.click()
    assert page.dialog is None
    page.overdue_only.setChecked(True)
    assert overdue_outlets(page) == ["Daily Ledger"]
    assert "1 open, 1 overdue" in page.summary_label.text()
    assert page.model.data(page.model.index(0, 1)) == "OVERDUE"

    page.table.selectRow(0)
    page.bank.search_edit.setText("patient data")
    assert page.bank.list.count() == 1
    assert page.bank.current_entry() is not None
    assert page.bank.current_entry().key == "qa-data"
    session.clock = lambda: NOW + dt.timedelta(minutes=25)
    page.bank.attach_button.click()

    assert overdue_outlets(page) == []
    assert "0 open, 0 overdue" in page.summary_label.text()
    assert "average time to answer 25 min" in page.summary_label.text()
    answered = media_service.list_inquiries(session)[0]
    assert answered.status is InquiryStatus.ANSWERED
    assert answered.answer_key == "qa-data"
    assert [e.template_key for e in message_service.communication_log(session)] == ["qa-data"]
    assert "Answered Daily Ledger with qa-data" in page.ctx.messages.text


def test_an_inquiry_without_outlet_shows_the_reason_and_saves_nothing(
        page: MediaPage, session: Session) -> None:
    page.log_button.click()
    dialog = page.dialog
    assert dialog is not None
    dialog.question_edit.setPlainText("Is the ER open?")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert dialog.errors.text("outlet")
    assert "outlet" in dialog.errors.text("outlet")
    assert media_service.list_inquiries(session) == []
    dialog.reject()


def test_bank_search_as_you_type_and_copy(page: MediaPage) -> None:
    page.bank.search_edit.setText("care")
    assert [page.bank.list.item(i).text() for i in range(page.bank.list.count())] == [
        "Patient care continues  [key message]"]
    page.bank.copy_button.click()
    assert QGuiApplication.clipboard().text().startswith("Our clinics are open")
    page.bank.search_edit.setText("nothing like this")
    assert page.bank.list.count() == 0
    assert not page.bank.attach_button.isEnabled()


def test_cadence_banner_appears_when_overdue_and_update_clears_it(
        page: MediaPage, session: Session) -> None:
    page.cadence.audience_combo.setCurrentIndex(
        page.cadence.audience_combo.findData("staff"))
    page.cadence.interval_edit.setText("1h")
    page.cadence.set_button.click()
    assert page.banner.isHidden()
    session.clock = lambda: NOW + dt.timedelta(hours=1, minutes=10)
    page.tick()
    assert page.banner.isVisible()
    assert page.banner.text() == "Staff update overdue (was due today 11:00)."
    page.cadence.done_button.click()
    assert page.banner.isHidden()
    assert cadence_service.cadence_status(session)[2].state.value == "ok"


def test_print_brief_in_a_worker(qtbot: QtBot, page: MediaPage, prompts: RecordingPrompts,
                                 tmp_path: Path) -> None:
    prompts.save_path = tmp_path / "brief.pdf"
    page.brief_button.click()
    qtbot.waitUntil(lambda: page.brief_button.isEnabled(), timeout=10_000)
    text = " ".join(PdfReader(prompts.save_path).pages[0].extract_text().split())
    assert "Our clinics are open and patient care continues" in text
    assert "Was patient data taken?" in text


def test_issue_a_holding_statement_from_the_statements_tab(
        page: MediaPage, prompts: RecordingPrompts, session: Session) -> None:
    panel = page.statements.panel
    assert panel.current_key() == "media-holding-statement-en"
    assert "confirmed_facts" in panel.inputs
    panel.issue_button.click()  # values missing: refused, nothing logged
    assert "No value for confirmed_facts" in page.ctx.messages.text
    for name, value in {"confirmed_facts": "We found a cybersecurity incident.",
                        "patient_care_status": "Clinics remain open.",
                        "website": "www.riverside.example/updates",
                        "spokesperson_name": "Jordan Reyes, PIO",
                        "spokesperson_phone": "217-555-0110",
                        "next_update_time": "2026-03-20 16:00"}.items():
        panel.inputs[name].setText(value)
    panel.issue_button.click()
    assert prompts.asked, page.ctx.messages.text
    assert prompts.asked[-1][0] == "confirm"
    assert "We found a cybersecurity incident." in panel.preview.toPlainText()
    assert [e.template_key for e in message_service.communication_log(session)] == [
        "media-holding-statement-en"]
    assert "1 statement(s) issued" in panel.issued_label.text()


def test_edit_an_inquiry_from_the_log(qtbot: QtBot, page: MediaPage, session: Session) -> None:
    logged = media_service.log_inquiry(session, outlet="Ledger", question="Is the ER open?",
                                       reporter="Carla Smithers", deadline="2026-03-20 09:30")
    page.refresh()
    assert not page.edit_button.isEnabled()  # nothing selected
    page.select(logged.id)
    assert page.edit_button.isEnabled()
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EditInquiryDialog)
    assert (dialog.outlet_edit.text(), dialog.reporter_combo.currentText(),
            dialog.deadline_edit.text()) == ("Ledger", "Carla Smithers", "2026-03-20 09:30")
    assert not dialog.received_edit.isVisibleTo(dialog)
    assert not dialog.save_contact_box.isVisibleTo(dialog)

    dialog.outlet_edit.clear()  # a refused edit: the reason under the field, nothing saved
    dialog.deadline_edit.setText("later")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert dialog.errors.text("outlet")
    assert "outlet" in dialog.errors.text("outlet")
    assert media_service.get_inquiry(session, logged.id).outlet == "Ledger"
    dialog.outlet_edit.setText("Daily Ledger")
    dialog.accept_button.click()
    assert dialog.errors.text("deadline")
    assert not dialog.errors.text("outlet")

    dialog.deadline_edit.setText("2026-03-20 16:00")  # Chicago: 21:00 UTC, no longer overdue
    dialog.question_edit.setPlainText("Is the emergency room open tonight?")
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("email"))
    dialog.assignee_edit.setText("Jordan Reyes")
    dialog.accept_button.click()
    assert page.dialog is None
    assert not dialog.isVisible()
    q = media_service.get_inquiry(session, logged.id)
    assert (q.outlet, q.question, q.channel.value, q.deadline, q.assignee) == (
        "Daily Ledger", "Is the emergency room open tonight?", "email",
        "2026-03-20T21:00:00Z", "Jordan Reyes")
    assert "Saved the changes to the inquiry from Daily Ledger" in page.ctx.messages.text
    page.refresh()
    assert page.selected() is not None
    assert page.selected().id == logged.id
    assert "0 overdue" in page.summary_label.text()
    assert page.model.data(page.model.index(0, 2)) == "assigned"


def test_due_soon_follows_the_desk_setting(page: MediaPage, session: Session) -> None:
    media_service.log_inquiry(session, outlet="Ledger", question="Q?",
                              deadline=NOW + dt.timedelta(minutes=45))
    page.refresh()
    assert page.model.data(page.model.index(0, 1)) == ""
    settings_service.set(session, "media_due_soon_minutes", 60)
    page.tick()
    assert page.model.data(page.model.index(0, 1)) == "due soon"


def test_editing_one_field_changes_only_that_field(page: MediaPage, session: Session) -> None:
    contact = contact_service.add_contact(session, ContactDraft(
        name="Dana Whitmore", organisation="WRBN-TV", kind=ContactKind.MEDIA))
    logged = media_service.log_inquiry(session, outlet="WRBN-TV", question="Can we film?",
                                       contact_id=contact.id, reporter="Dana W.")
    page.refresh()
    page.select(logged.id)
    page.edit_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EditInquiryDialog)
    assert dialog.reporter_combo.currentData() == contact.id  # the linked contact is picked
    dialog.question_edit.setPlainText("Can we film outside at 5 pm?")
    dialog.accept_button.click()
    q = media_service.get_inquiry(session, logged.id)
    assert (q.question, q.reporter, q.contact_id) == (
        "Can we film outside at 5 pm?", "Dana W.", contact.id)
    summary = audit_service.show(session)[-1].summary
    assert summary.endswith("from WRBN-TV: question")


def test_3pm_is_a_deadline_and_its_error_goes_as_soon_as_the_value_is_right(
        qtbot: QtBot, page: MediaPage, session: Session) -> None:
    page.log_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert "3pm" in dialog.deadline_edit.placeholderText()
    dialog.outlet_edit.setText("Daily Ledger")
    dialog.question_edit.setPlainText("Is the emergency room open?")
    dialog.deadline_edit.setText("after lunch")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert "3pm" in dialog.errors.text("deadline")  # the reason says what would do
    dialog.deadline_edit.setText("3p")
    assert dialog.errors.text("deadline")  # not a time yet: the reason stays
    dialog.deadline_edit.setText("3pm")
    assert dialog.errors.text("deadline") == ""  # right now, before Save
    assert not dialog.message.isVisibleTo(dialog)
    dialog.accept_button.click()
    assert page.dialog is None
    [logged] = [q for q in media_service.list_inquiries(session) if q.outlet == "Daily Ledger"]
    assert logged.deadline == "2026-03-20T20:00:00Z"  # 3 p.m. in Chicago (CDT) that day
