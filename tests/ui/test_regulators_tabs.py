"""The Regulators tabs on their own: sign an assessment and see it locked, make a new version and
see the diff with both signers; copy HHS report fields one by one and answer a missing one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from crisisdesk.domain.breach_assessment import Factor
from crisisdesk.services import breach_assessment as assess
from crisisdesk.services import hhs_report as hhs
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.regulators.assessment_tab import AssessmentTab
from crisisdesk.ui.regulators.hhs_tab import HhsReportTab
from tests.support.crisis import freeze, open_incident
from tests.support.ui import RecordingPrompts, show_page


def test_sign_see_it_locked_then_a_new_version_shows_the_diff(
        qtbot: QtBot, ctx: UiContext, session: Session) -> None:
    freeze(session)
    open_incident(session)
    tab = show_page(qtbot, AssessmentTab(ctx), (1000, 800))
    assert not tab.sign_button.isEnabled()
    assert tab.new_button.isEnabled()
    tab.new_button.click()
    assert "Version 1: draft" in tab.status.text()
    assert "Ransomware" in tab.status.text()
    tab.boxes[Factor.NATURE].edit.setText("Names and diagnoses")
    tab.boxes[Factor.NATURE].add_button.click()
    assert tab.boxes[Factor.NATURE].facts.count() == 1
    assert "alex" in tab.boxes[Factor.NATURE].facts.item(0).text()

    tab.sign_button.click()
    assert "signed by alex as Privacy Officer" in tab.status.text()
    assert "Locked" in tab.status.text()
    assert not tab.boxes[Factor.PERSON].add_button.isEnabled()
    assert not tab.conclude_button.isEnabled()
    assert tab.reasons.isReadOnly()
    assert not tab.sign_button.isEnabled()

    tab.new_button.click()
    assert "Version 2: draft" in tab.status.text()
    assert tab.boxes[Factor.NATURE].facts.count() == 1  # copied from version 1
    tab.boxes[Factor.PERSON].edit.setText("Criminal group")
    tab.boxes[Factor.PERSON].add_button.click()
    tab.sign_button.click()
    diff = tab.diff_view.toPlainText()
    assert "version 1 (signed by alex) to version 2 (signed by alex)" in diff
    assert "+ fact added [The unauthorized person]: Criminal group (alex)" in diff

    tab.version_combo.setCurrentIndex(0)
    tab.version_combo.activated.emit(0)
    assert tab.boxes[Factor.PERSON].facts.count() == 0  # version 1 as it was signed
    assert not tab.new_button.isEnabled()  # only the newest version is superseded
    assert [a.version for a in assess.versions(session)] == [1, 2]


def test_a_refused_conclusion_is_shown_and_saves_nothing(
        qtbot: QtBot, ctx: UiContext, session: Session) -> None:
    tab = show_page(qtbot, AssessmentTab(ctx))
    assert "no current incident" in tab.status.text()
    assert not tab.new_button.isEnabled()
    open_incident(session)
    tab.reload()
    assert tab.new_button.isEnabled()
    tab.new_button.click()
    tab.conclusion_combo.setCurrentIndex(tab.conclusion_combo.findData("low_probability"))
    tab.reasons.setPlainText("Because.")
    tab.conclude_button.click()
    assert "needs the reasons" in ctx.messages.text
    assert assess.get(session).conclusion.value == "breach"


def test_copy_each_field_and_answer_a_missing_one(
        qtbot: QtBot, ctx: UiContext, session: Session, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    freeze(session)
    open_incident(session)
    tab = show_page(qtbot, HhsReportTab(ctx), (1100, 800))
    assert "Type of Covered Entity" in tab.missing_label.text()
    row = tab.rows["discovery_start"]
    row.copy_button.click()
    assert QGuiApplication.clipboard().text() == "03/02/2026"
    assert not tab.rows["ba_name"].copy_button.isEnabled()  # nothing to copy

    tab.field_combo.setCurrentIndex(tab.field_combo.findData("ce_type"))
    tab.answer_edit.setText("nonsense")
    tab.answer_button.click()
    assert "ce_type: 'nonsense' is not one of" in ctx.messages.text
    tab.answer_edit.setText("provider")
    tab.answer_button.click()
    assert "Type of Covered Entity" not in tab.missing_label.text()
    tab.rows["ce_type"].copy_button.click()
    assert QGuiApplication.clipboard().text() == "Healthcare Provider"

    tab.save_button.click()
    assert [r.report_type for r in hhs.saved_versions(session)] == ["Initial Breach Report"]
    assert "Addendum to Previous Report" in tab.notes.text()
    prompts.save_path = tmp_path / "hhs.pdf"
    tab.print_button.click()
    qtbot.waitUntil(lambda: "Saved the hhs breach report" in ctx.messages.text,
                    timeout=20_000)
    assert prompts.save_path.read_bytes().startswith(b"%PDF")
