"""The spokesperson logs a reporter's call and answers it from the bank of approved answers."""

from __future__ import annotations

import pytest

from crisisdesk.domain.media import InquiryStatus
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.ui.media.page import MediaPage
from tests.journeys.driver import Journey

pytestmark = [pytest.mark.journey, pytest.mark.slow]

OUTLET = "Springfield Gazette"


def test_log_a_media_inquiry_and_answer_it_from_the_bank(journey: Journey) -> None:
    window = journey.unlock()
    session = window.state.session
    page = journey.go("Media desk")
    assert isinstance(page, MediaPage)
    journey.wait(lambda: len(page.bank.entries) > 0)

    journey.step("log the inquiry")
    journey.click(page.log_button)
    dialog = page.dialog
    assert dialog is not None
    journey.wait(dialog.isVisible)
    journey.type(dialog.outlet_edit, OUTLET)
    line = dialog.reporter_combo.lineEdit()
    assert line is not None
    journey.type(line, "Dana Whitlock")
    journey.type(dialog.details_edit, "(217) 555-0147")
    journey.type(dialog.question_edit, "Was any patient data taken in the attack?")
    journey.type(dialog.deadline_edit, "16:30")
    journey.shot("media-log-inquiry", dialog)
    journey.click(dialog.accept_button)
    journey.wait(lambda: page.dialog is None)
    logged = next(q for q in media_service.list_inquiries(session) if q.outlet == OUTLET)
    assert logged.status is not InquiryStatus.ANSWERED
    assert logged.reporter == "Dana Whitlock"

    journey.step("answer it")
    row = next(r for r, q in enumerate(page.visible_inquiries()) if q.id == logged.id)
    journey.click_row(page.table, row)
    journey.type(page.bank.search_edit, "patient data")
    journey.wait(lambda: page.bank.list.count() >= 1)
    journey.click(page.bank.list.viewport(), page.bank.list.visualItemRect(
        page.bank.list.item(0)).center())
    entry = page.bank.current_entry()
    assert entry is not None
    assert entry.key == "qa-was-patient-data-taken"
    journey.click(page.bank.attach_button)
    journey.wait(lambda: f"Answered {OUTLET} with {entry.key}" in journey.message())
    answered = next(q for q in media_service.list_inquiries(session) if q.id == logged.id)
    assert answered.status is InquiryStatus.ANSWERED
    assert answered.answer_key == entry.key
    journey.shot("media-answered")
    journey.finish()
