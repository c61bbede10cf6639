"""The Templates page's new, import, export, name editing and send-back-with-a-reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.domain.operators import Role
from crisisdesk.domain.template_files import dump_file, parse_file
from crisisdesk.domain.templates import (
    Audience,
    Channel,
    Language,
    Status,
    TemplateMeta,
    Variable,
    VarType,
)
from crisisdesk.services import audit as audit_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.templates.new_dialog import NewTemplateDialog
from crisisdesk.ui.templates.page import EDITOR, TemplatesPage
from crisisdesk.ui.workers import JobRunner
from tests.support.templates_page import (
    SMS,
    keys,
    make_page,
    reviewing,
    wait_checked,
)
from tests.support.ui import RecordingPrompts

FLOOD = TemplateMeta(
    "flood-notice", "Flood notice", Audience.STAFF, Channel.EMAIL, Language.EN,
    description="When a floor is closed by water",
    variables=(Variable("floor", VarType.TEXT, "Which floor is closed", "2"),))
FLOOD_BODY = "Floor {{ floor }} is closed. Use the stairs.\n"


@pytest.fixture
def page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
         runner: JobRunner) -> Iterator[TemplatesPage]:
    yield make_page(qtbot, session, prompts, runner)
    runner.shutdown()


def fill(dialog: NewTemplateDialog, key: str, name: str, *, hipaa: bool = False) -> None:
    dialog.key_edit.setText(key)
    dialog.name_edit.setText(name)
    dialog.audience_combo.setCurrentIndex(dialog.audience_combo.findData("patients"))
    dialog.channel_combo.setCurrentIndex(dialog.channel_combo.findData("printed_letter"))
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("es"))
    dialog.description_edit.setText("Sent when the pharmacy system is down")
    dialog.group_edit.setText("pharmacy-closure")
    dialog.hipaa_check.setChecked(hipaa)


def test_new_template_appears_in_the_library_as_a_draft(qtbot: QtBot, page: TemplatesPage,
                                                       session: Session) -> None:
    page.library.new_button.click()
    dialog = page.files.dialog
    assert dialog is not None
    assert dialog.isVisible()
    fill(dialog, "pharmacy-letter-es", "Pharmacy  letter (Spanish)", hipaa=True)
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        dialog.create_button.click()
    assert not dialog.isVisible()
    assert "pharmacy-letter-es" in keys(page)
    summary = next(s for s in template_service.list_templates(session)
                   if s.key == "pharmacy-letter-es")
    assert summary.latest_status is Status.DRAFT
    assert summary.latest_version == 1
    assert (summary.audience, summary.channel, summary.language) == (
        "patients", "printed_letter", "es")
    assert summary.hipaa_notice
    assert summary.translation_group == "pharmacy-closure"
    assert summary.name == "Pharmacy letter (Spanish)"
    assert page.tabs.currentIndex() == EDITOR
    assert page.editor.version is not None
    assert page.editor.version.meta.key == summary.key
    assert "{% block what_happened %}" in page.editor.body  # a section per required element
    assert page.library.selected() is not None
    assert "Created pharmacy-letter-es" in page.ctx.messages.text
    assert [e.action for e in audit_service.show(session)][-1] == "template.create"
    wait_checked(qtbot, page)


@pytest.mark.parametrize(("key", "expected"), [(SMS, "already a template"),
                                                ("Bad Key!", "lower-case letters")])
def test_a_refused_key_is_shown_next_to_the_key(qtbot: QtBot, page: TemplatesPage,
                                                key: str, expected: str) -> None:
    dialog = page.files.new_template()
    fill(dialog, key, "Something")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: bool(dialog.errors.text("key")), timeout=10_000)
    assert expected in dialog.errors.text("key")
    assert dialog.isVisible()
    assert dialog.key_edit.text() == key
    assert dialog.create_button.isEnabled()
    dialog.reject()


def test_import_a_tmpl_file_then_export_it_back(qtbot: QtBot, page: TemplatesPage,
                                                session: Session, prompts: RecordingPrompts,
                                                tmp_path: Path) -> None:
    source = tmp_path / "flood.tmpl"
    source.write_text(dump_file(FLOOD, FLOOD_BODY), "utf-8")
    prompts.open_path = source
    page.library.import_button.click()
    qtbot.waitUntil(lambda: "flood-notice" in keys(page), timeout=10_000)
    qtbot.waitUntil(lambda: page.editor.version is not None, timeout=5_000)
    assert "Imported flood.tmpl: flood-notice version 1 (created)" in page.ctx.messages.text
    assert template_service.get_version(session, "flood-notice").status is Status.DRAFT
    assert page.editor.body == FLOOD_BODY

    page.library.select_key("flood-notice")
    assert page.library.export_button.isEnabled()
    prompts.save_path = tmp_path / "out.tmpl"
    page.library.export_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "out.tmpl").exists(), timeout=10_000)
    assert ("save_file", "Export a template file", "flood-notice-v1.tmpl") in prompts.asked
    exported = parse_file((tmp_path / "out.tmpl").read_text("utf-8"))
    assert exported.body == FLOOD_BODY
    assert exported.meta == FLOOD
    qtbot.waitUntil(lambda: "Exported flood-notice version 1" in page.ctx.messages.text,
                    timeout=5_000)


def test_history_exports_the_selected_version(qtbot: QtBot, page: TemplatesPage,
                                              session: Session, prompts: RecordingPrompts,
                                              tmp_path: Path) -> None:
    old_body = template_service.get_version(session, SMS).body
    template_service.save_draft(session, SMS, old_body + " Thanks.")
    page.open_template(SMS)
    page.history.table.selectRow(0)
    assert page.history.export_button.text() == "E&xport v1 as .tmpl…"
    prompts.save_path = tmp_path / "v1.tmpl"
    page.history.export_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "v1.tmpl").exists(), timeout=10_000)
    assert parse_file((tmp_path / "v1.tmpl").read_text("utf-8")).body == old_body


def test_a_bad_file_is_refused_in_the_message_bar(qtbot: QtBot, page: TemplatesPage,
                                                  prompts: RecordingPrompts,
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmpl"
    bad.write_text("no header here", "utf-8")
    prompts.open_path = bad
    page.library.import_button.click()
    qtbot.waitUntil(lambda: "starts with a '+++' line" in page.ctx.messages.text,
                    timeout=10_000)
    prompts.open_path = tmp_path / "missing.tmpl"
    page.library.import_button.click()
    qtbot.waitUntil(lambda: "Cannot read" in page.ctx.messages.text, timeout=10_000)


def test_a_drafts_name_and_description_are_edited_and_saved(qtbot: QtBot, page: TemplatesPage,
                                                            session: Session) -> None:
    page.open_template(SMS)  # approved: its name is what the approver saw
    assert page.editor.details.name_edit.isReadOnly()
    template_service.create_template(session, FLOOD, FLOOD_BODY)
    page.refresh()
    page.open_template("flood-notice")
    wait_checked(qtbot, page)
    details = page.editor.details
    assert not details.name_edit.isReadOnly()
    details.name_edit.setText("")
    qtbot.keyClicks(details.name_edit, "Flood notice for staff")
    details.description_edit.end(False)
    qtbot.keyClicks(details.description_edit, " (any floor)")
    assert page.editor.dirty
    assert "Flood notice for staff" in page.editor.title_label.text()
    wait_checked(qtbot, page)
    before = len(audit_service.show(session))
    page.lifecycle.save_button.click()
    qtbot.waitUntil(lambda: "Saved flood-notice" in page.ctx.messages.text, timeout=10_000)
    saved = template_service.get_version(session, "flood-notice")
    assert saved.version == 1
    assert saved.meta.name == "Flood notice for staff"
    assert saved.meta.description == "When a floor is closed by water (any floor)"
    assert [e.action for e in audit_service.show(session)[before:]] == ["template.edit"]
    qtbot.waitUntil(lambda: not page.editor.dirty, timeout=5_000)


def test_send_back_asks_for_a_reason(qtbot: QtBot, session: Session,
                                     prompts: RecordingPrompts, runner: JobRunner) -> None:
    with reviewing(qtbot, session, prompts, runner, "pat", Role.APPROVER) as page:
        prompts.text_answer = None  # cancelled: nothing happens
        page.lifecycle.send_back_button.click()
        assert template_service.get_version(session, SMS).status is Status.IN_REVIEW
        prompts.text_answer = "Say which entrance to use"
        page.lifecycle.send_back_button.click()
        qtbot.waitUntil(lambda: template_service.get_version(session, SMS).status
                        is Status.DRAFT, timeout=10_000)
        assert template_service.get_version(session, SMS).note == "Say which entrance to use"
        assert [a for a in prompts.asked if a[0] == "ask_text"] == [
            ("ask_text", "Send back to draft", "What should the author change?")] * 2
        qtbot.waitUntil(lambda: "Sent" in page.ctx.messages.text, timeout=5_000)


def test_new_or_import_asks_before_replacing_unsaved_edits(
        qtbot: QtBot, page: TemplatesPage, prompts: RecordingPrompts, tmp_path: Path) -> None:
    page.open_template(SMS)
    wait_checked(qtbot, page)
    page.editor.text_edit.setPlainText("{{ org_name }}: unsaved words. {{ drill_notice }}")
    prompts.confirm_answer = False
    dialog = page.files.new_template()
    fill(dialog, "pharmacy-letter-es", "Pharmacy letter (Spanish)")
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        dialog.create_button.click()
    assert prompts.asked[-1][:2] == ("confirm", "Unsaved changes")
    assert prompts.asked[-1][2].startswith(f"Discard your unsaved changes to {SMS}?")
    assert "pharmacy-letter-es" in keys(page)  # created all the same, waiting in the library
    assert page.editor.version is not None
    assert page.editor.version.meta.key == SMS
    assert page.editor.dirty
    assert "unsaved words" in page.editor.body
    assert "Kept your unsaved changes" in page.ctx.messages.text

    source = tmp_path / "flood.tmpl"
    source.write_text(dump_file(FLOOD, FLOOD_BODY), "utf-8")
    prompts.open_path = source
    prompts.confirm_answer = True
    asked = len(prompts.asked)
    page.library.import_button.click()
    qtbot.waitUntil(lambda: page.editor.version is not None
                    and page.editor.version.meta.key == "flood-notice", timeout=10_000)
    assert [a[0] for a in prompts.asked[asked:]] == ["open_file", "confirm"]
    assert page.editor.body == FLOOD_BODY
    assert not page.editor.dirty
    assert page.tabs.currentIndex() == EDITOR
    wait_checked(qtbot, page)
