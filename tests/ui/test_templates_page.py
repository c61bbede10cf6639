"""The Templates page on a real desk: live checks, roles, approval, issuing, log, diff."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crisisdesk.domain.operators import Role
from crisisdesk.domain.templates import Status
from crisisdesk.services import messages as message_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.templates.page import EDITOR, LIBRARY, TemplatesPage
from crisisdesk.ui.workers import JobRunner
from tests.support.templates_page import (
    SMS,
    in_review_without_drill_notice,
    keys,
    make_page,
    reviewing,
    wait_checked,
)
from tests.support.ui import RecordingPrompts


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> Iterator[TemplatesPage]:
    yield make_page(qtbot, session, prompts, runner)
    runner.shutdown()


def test_library_filters_and_search(qtbot: QtBot, page: TemplatesPage) -> None:
    everything = keys(page)
    assert SMS in everything
    assert "patient-notification-es" in everything
    page.library.filters["language"].setCurrentIndex(
        page.library.filters["language"].findData("es"))
    spanish = keys(page)
    assert "patient-notification-es" in spanish
    assert "voicemail-script-es" in spanish
    assert all(key.endswith("-es") for key in spanish)
    page.library.filters["language"].setCurrentIndex(0)
    page.library.filters["channel"].setCurrentIndex(page.library.filters["channel"].findData("sms"))
    assert keys(page) == [SMS]
    page.library.filters["channel"].setCurrentIndex(0)
    page.library.search_edit.setText("voicemail")
    assert sorted(keys(page)) == ["voicemail-script-en", "voicemail-script-es"]
    assert page.library.count_label.text().startswith(f"2 of {len(everything)} templates")


def test_models_pass_the_model_tester(qtmodeltester: object, page: TemplatesPage) -> None:
    qtmodeltester.check(page.library.model)  # type: ignore[attr-defined]
    qtmodeltester.check(page.library.proxy)  # type: ignore[attr-defined]


def test_editing_updates_preview_and_checks(qtbot: QtBot, page: TemplatesPage) -> None:
    page.open_template(SMS)
    assert page.tabs.currentIndex() == EDITOR
    wait_checked(qtbot, page)
    assert "Do not forward this text" in page.editor.preview.toPlainText()
    assert "segment" in page.editor.checks.stats_label.text()
    assert not page.lifecycle.save_button.isEnabled()  # nothing changed yet
    page.editor.text_edit.setPlainText("{{ org_name }} alert: the phones are down. Call "
                                       "{{ staff_hotline|phone }}. {{ action_requested }}. "
                                       "{{ drill_notice }}")
    assert page.editor.report is None  # debounced: the check has not run yet
    wait_checked(qtbot, page)
    assert "the phones are down" in page.editor.preview.toPlainText()
    assert "Reading level" not in page.editor.checks.meter.text() or \
        "grade" in page.editor.checks.meter.text().lower()
    assert page.lifecycle.save_button.isEnabled()
    assert page.lifecycle.submit_button.isEnabled()
    assert "unsaved changes" in page.editor.status_label.text()


def test_syntax_error_shows_line_and_column_and_blocks_submit(qtbot: QtBot,
                                                              page: TemplatesPage) -> None:
    page.open_template(SMS)
    wait_checked(qtbot, page)
    page.editor.text_edit.setPlainText("Hello {{ org_name }}\nCall {{ staff_hotline ")
    wait_checked(qtbot, page)
    label = page.editor.checks.syntax_label
    assert label.isVisible()
    assert "line 2" in label.text()
    assert "column" in label.text()
    assert not page.lifecycle.submit_button.isEnabled()
    assert "syntax" in page.lifecycle.submit_button.toolTip()


def test_save_and_submit_then_diff_shows_the_changed_line(qtbot: QtBot, page: TemplatesPage,
                                                          session: Session) -> None:
    page.open_template(SMS)
    wait_checked(qtbot, page)
    body = page.editor.body.replace("Do not forward this text.", "Please do not forward.")
    page.editor.text_edit.setPlainText(body)
    wait_checked(qtbot, page)
    page.lifecycle.submit_button.click()
    qtbot.waitUntil(lambda: template_service.get_version(session, SMS).status
                    is Status.IN_REVIEW, timeout=10_000)
    qtbot.waitUntil(lambda: page.editor.version is not None
                    and page.editor.version.version == 2, timeout=5_000)
    assert "Submitted" in page.ctx.messages.text
    history = page.history
    assert history.old_combo.currentData() == 1
    assert history.new_combo.currentData() == 2
    text = history.diff_view.toPlainText()
    assert any(line.startswith("+") and "Please do not forward." in line
               for line in text.splitlines())
    assert any(line.startswith("-") and "Do not forward this text." in line
               for line in text.splitlines())
    assert "#e6f4ea" in history.diff_view.toHtml()  # added lines are coloured


def test_approval_refused_for_an_operator(qtbot: QtBot, session: Session,
                                          prompts: RecordingPrompts, runner: JobRunner) -> None:
    with reviewing(qtbot, session, prompts, runner, "olive", Role.OPERATOR) as page:
        assert not page.lifecycle.approve_button.isEnabled()
        assert "approvers only" in page.lifecycle.approve_button.toolTip()
        page.lifecycle.approve()  # the service decides, whatever the button says
        qtbot.waitUntil(lambda: "approver role" in page.ctx.messages.text, timeout=10_000)
        assert template_service.get_version(session, SMS).status is Status.IN_REVIEW


def test_approver_acknowledges_warnings(qtbot: QtBot, session: Session,
                                        prompts: RecordingPrompts, runner: JobRunner) -> None:
    with reviewing(qtbot, session, prompts, runner, "pat", Role.APPROVER) as page:
        assert page.lifecycle.approve_button.isEnabled()
        with qtbot.waitSignal(page.lifecycle.done, timeout=10_000):  # and the page reopened
            page.lifecycle.approve_button.click()
        assert template_service.get_version(session, SMS).status is Status.APPROVED
        asked = [a for a in prompts.asked if a[0] == "confirm"]
        assert asked
        assert "drill_notice is declared but never used" in asked[0][2]
        approved = template_service.get_version(session, SMS)
        assert approved.approved_by == "pat"
        assert approved.acknowledged_warnings
        # The page reopens the approved version after the action; let it finish before the
        # session closes, or its queued refresh would run on a closed desk in a later test.
        qtbot.waitUntil(lambda: not page.lifecycle.approve_button.isEnabled(), timeout=5_000)


def test_refused_approval_lists_the_findings(qtbot: QtBot, page: TemplatesPage) -> None:
    page.open_template(SMS)
    findings = template_service.check_draft("{{ nope }}", page.editor.edited_meta()).errors
    page.editor.checks.show_refusal("Approval refused:", findings)
    text = page.editor.checks.refusal_label.text()
    assert text.startswith("Approval refused:")
    assert "nope is used but not declared" in text


def test_issue_message_appears_in_the_log(qtbot: QtBot, page: TemplatesPage, session: Session,
                                          prompts: RecordingPrompts, tmp_path: Path) -> None:
    page.open_issue(SMS)
    dialog = page.issue_dialog
    assert dialog is not None
    assert dialog.fields["org_name"].value() == "Riverside Clinics"  # the desk's own facts
    assert dialog.fields["staff_hotline"].value() is None  # never the sample values
    assert not dialog.copy_button.isEnabled()
    dialog.issue_button.click()
    assert dialog.field_errors["action_requested"].isVisible()  # missing values are named
    dialog.fields["action_requested"].widget.setText("Come to Room 210 now")  # type: ignore[attr-defined]
    dialog.fields["staff_hotline"].widget.setText("217-555-0120")  # type: ignore[attr-defined]
    dialog.recipients_spin.setValue(240)
    dialog.issue_button.click()
    assert dialog.result_message is not None
    assert "Come to Room 210 now" in dialog.preview.toPlainText()
    log = message_service.communication_log(session)
    assert [(e.template_key, e.recipient_count) for e in log] == [(SMS, 240)]
    qtbot.waitUntil(lambda: page.log.model.rowCount() == 1, timeout=5_000)
    assert dialog.copy_button.isEnabled()
    dialog.copy_button.click()
    assert "Room 210" in QApplication.clipboard().text()
    prompts.save_path = tmp_path / "message.pdf"
    dialog.pdf_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "message.pdf").exists(), timeout=10_000)
    dialog.reject()


def test_log_exports_csv_and_pdf(qtbot: QtBot, page: TemplatesPage, session: Session,
                                 prompts: RecordingPrompts, tmp_path: Path) -> None:
    message_service.issue_message(session, SMS, recipient_count=12, values={
        "org_name": "Riverside", "action_requested": "Stay home",
        "staff_hotline": "217-555-0120"})
    page.ctx.state.notify_changed()
    qtbot.waitUntil(lambda: page.log.model.rowCount() == 1, timeout=5_000)
    page.log.table.selectRow(0)
    assert "Stay home" in page.log.content.toPlainText()
    prompts.save_path = tmp_path / "log.csv"
    page.log.csv_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "log.csv").exists(), timeout=10_000)
    assert SMS in (tmp_path / "log.csv").read_text("utf-8-sig")
    qtbot.waitUntil(lambda: page.log.pdf_button.isEnabled(), timeout=5_000)
    prompts.save_path = tmp_path / "log.pdf"
    page.log.pdf_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "log.pdf").exists(), timeout=10_000)
    qtbot.waitUntil(lambda: "Exported 1 log entries" in page.ctx.messages.text, timeout=5_000)


def test_lock_clears_everything(qtbot: QtBot, page: TemplatesPage) -> None:
    page.open_template(SMS)
    wait_checked(qtbot, page)
    page.clear()
    assert page.editor.body == ""
    assert page.library.model.rowCount() == 0
    assert not page.tabs.isTabEnabled(EDITOR)


UNSAVED = "{{ org_name }} alert: my unsaved words. {{ drill_notice }}"


def edit_unsaved(qtbot: QtBot, page: TemplatesPage) -> None:
    page.open_template(SMS)
    wait_checked(qtbot, page)
    page.editor.text_edit.setPlainText(UNSAVED)
    assert page.editor.dirty
    page.tabs.setCurrentIndex(LIBRARY)


@pytest.mark.parametrize("discard", [True, False])
def test_opening_another_template_asks_before_discarding_unsaved_edits(
        qtbot: QtBot, page: TemplatesPage, prompts: RecordingPrompts, discard: bool) -> None:
    edit_unsaved(qtbot, page)
    prompts.confirm_answer = discard
    page.library.select_key("voicemail-script-en")
    page.library.open_button.click()
    assert [a[:2] for a in prompts.asked] == [("confirm", "Unsaved changes")]
    assert prompts.asked[0][2].startswith(f"Discard your unsaved changes to {SMS}?")
    version = page.editor.version
    assert version is not None
    if discard:
        assert version.meta.key == "voicemail-script-en"
        assert not page.editor.dirty
        assert UNSAVED not in page.editor.body
        assert page.tabs.currentIndex() == EDITOR
    else:
        assert version.meta.key == SMS
        assert page.editor.dirty
        assert page.editor.body == UNSAVED
        assert page.tabs.currentIndex() == LIBRARY
        assert f"Kept your unsaved changes to {SMS}" in page.ctx.messages.text
        page.ctx.state.notify_changed()  # a refresh does not reload a dirty editor either
        assert page.editor.body == UNSAVED
    wait_checked(qtbot, page)


def test_reopening_the_same_template_or_a_clean_editor_does_not_ask(
        qtbot: QtBot, page: TemplatesPage, prompts: RecordingPrompts) -> None:
    edit_unsaved(qtbot, page)
    page.library.select_key(SMS)
    page.library.open_button.click()  # the template being edited: just show the editor
    assert prompts.asked == []
    assert page.tabs.currentIndex() == EDITOR
    assert page.editor.body == UNSAVED
    page.open_template(SMS)  # the unsaved text is thrown away by the test, not a person
    wait_checked(qtbot, page)
    page.library.select_key("voicemail-script-en")
    page.library.open_button.click()
    assert prompts.asked == []
    assert page.editor.version is not None
    assert page.editor.version.meta.key == "voicemail-script-en"
    wait_checked(qtbot, page)


def test_an_approver_cannot_approve_their_own_version(qtbot: QtBot, page: TemplatesPage,
                                                      session: Session) -> None:
    in_review_without_drill_notice(session)  # alex edited and submitted it
    page.open_template(SMS)
    wait_checked(qtbot, page)
    assert "Four-eyes" in page.lifecycle.policy_label.text()
    assert not page.lifecycle.approve_button.isEnabled()
    assert "another approver" in page.lifecycle.approve_button.toolTip()
    page.lifecycle.approve()  # the service decides, whatever the button says
    qtbot.waitUntil(lambda: "another approver must approve it" in page.ctx.messages.text,
                    timeout=10_000)
    assert template_service.get_version(session, SMS).status is Status.IN_REVIEW


def test_an_admin_allows_single_person_approval_with_a_reason(
        qtbot: QtBot, page: TemplatesPage, session: Session,
        prompts: RecordingPrompts) -> None:
    in_review_without_drill_notice(session)
    page.open_template(SMS)
    wait_checked(qtbot, page)
    assert page.lifecycle.policy_button.isEnabled()  # alex is an admin
    prompts.text_answer = "Two-person privacy office; counsel reviews every letter"
    page.lifecycle.policy_button.click()
    qtbot.waitUntil(lambda: template_service.approval_policy(session).single_person,
                    timeout=10_000)
    qtbot.waitUntil(lambda: "counsel reviews" in page.lifecycle.policy_label.text(),
                    timeout=5_000)
    assert page.lifecycle.approve_button.isEnabled()
    # The warning is acknowledged (confirm says yes); the test ends once the page has reopened
    # the template, not while that is still queued for a session the teardown closes.
    with qtbot.waitSignal(page.lifecycle.done, timeout=10_000):
        page.lifecycle.approve_button.click()
    assert template_service.get_version(session, SMS).status is Status.APPROVED
    approved = template_service.get_version(session, SMS)
    assert approved.approved_by == "alex"
    assert "single-person policy" in approved.note
    qtbot.waitUntil(lambda: not page.lifecycle.approve_button.isEnabled(), timeout=5_000)
