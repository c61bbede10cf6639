"""The Roles page's role card, catalogue editing and first-period start, through the widgets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from pytestqt.qtbot import QtBot

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.roles import RoleGroup
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import roles as role_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.roles.model import ROLE
from crisisdesk.ui.roles.page import RolesPage
from crisisdesk.ui.roles.period_dialog import PeriodDialog
from crisisdesk.ui.roles.role_dialog import RoleDialog, suggested_key
from tests.support.roles import add_people
from tests.support.ui import RecordingPrompts, show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> RolesPage:
    add_people(session)
    return show_page(qtbot, RolesPage(ctx), size=(1200, 800))


def role_cell(page: RolesPage, key: str) -> str:
    for row in range(page.model.rowCount()):
        if page.model.row_at(row).role.key == key:
            return str(page.model.index(row, ROLE).data())
    return ""


def role_dialog(page: RolesPage) -> RoleDialog:
    dialog = page.card.dialog
    assert isinstance(dialog, RoleDialog)
    assert dialog.isVisible()
    return dialog


def test_role_card_shows_description_and_first_actions(page: RolesPage,
                                                       session: Session) -> None:
    page.select_role("pio")
    pio = role_service.get_role(session, "pio")
    card = page.card.view.toPlainText()
    assert pio.description in " ".join(card.split())
    assert pio.first_actions
    assert all(a in card for a in pio.first_actions)
    assert "Nobody is assigned yet" in card


def test_edit_role_changes_the_roster(qtbot: QtBot, page: RolesPage, session: Session) -> None:
    page.select_role("liaison")
    page.card.edit_button.click()
    dialog = role_dialog(page)
    assert dialog.title_edit.text() == role_service.get_role(session, "liaison").title
    assert not dialog.key_edit.isVisible()  # an existing role keeps its key
    dialog.title_edit.setText("")
    dialog.accept_button.click()
    assert dialog.isVisible()
    assert "title" in dialog.errors.text("title")
    dialog.title_edit.setText("Agency Liaison")
    dialog.short_edit.setText("AL")
    dialog.actions_edit.setPlainText("Call the county health department\n\n  List partner "
                                     "agencies  \n")
    before = len(audit_service.show(session))
    dialog.accept_button.click()
    assert not dialog.isVisible()
    assert role_cell(page, "liaison") == "Agency Liaison (AL)"
    assert page.ctx.messages.text == "Saved the role Agency Liaison."
    stored = role_service.get_role(session, "liaison")
    assert stored.first_actions == ("Call the county health department", "List partner agencies")
    assert stored.group is RoleGroup.COMMAND  # untouched, kept
    assert [e.action for e in audit_service.show(session)[before:]] == ["role.edit"]
    status = page.selected_status()
    assert status is not None
    assert status.role.key == "liaison"
    assert "List partner agencies" in page.card.view.toPlainText()


def test_add_a_new_role(page: RolesPage, session: Session) -> None:
    rows = page.model.rowCount()
    page.card.new_button.click()
    dialog = role_dialog(page)
    dialog.title_edit.setText("Patient Relations Lead")
    dialog.title_edit.textEdited.emit("Patient Relations Lead")
    dialog.short_edit.setText("Patient relations")
    dialog.short_edit.textEdited.emit("Patient relations")
    assert dialog.key_edit.text() == "patient_relations"
    dialog.description_edit.setPlainText("Answers patients' and families' complaints.")
    dialog.actions_edit.setPlainText("Open the complaints log")
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findData(RoleGroup.GENERAL))
    dialog.accept_button.click()
    assert not dialog.isVisible()
    assert page.model.rowCount() == rows + 1
    assert role_cell(page, "patient_relations") == "Patient Relations Lead (Patient relations)"
    status = page.selected_status()
    assert status is not None
    assert status.role.key == "patient_relations"
    assert role_service.get_role(session, "patient_relations").group is RoleGroup.GENERAL
    assert suggested_key("Call-center lead!") == "call_center_lead"


def test_pio_cannot_be_removed_other_roles_can(page: RolesPage, session: Session,
                                               prompts: RecordingPrompts) -> None:
    page.select_role("pio")
    assert not page.card.remove_button.isEnabled()  # not offered, so nobody confirms in vain
    assert "spokesperson" in page.card.remove_button.toolTip()
    with pytest.raises(ValidationError, match="cannot be removed"):
        role_service.remove_role(session, "pio")  # and the service refuses it anyway
    assert role_cell(page, "pio")
    page.select_role("liaison")
    page.card.remove_button.click()
    assert page.ctx.messages.text.startswith("Removed the role")
    assert not role_cell(page, "liaison")
    assert role_service.catalogue(session).get("liaison") is None


def test_catalogue_buttons_need_an_admin(page: RolesPage, session: Session,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisdesk.domain.operators import Role

    assert page.card.edit_button.isEnabled()
    assert page.card.new_button.isEnabled()
    operator = session.operator
    monkeypatch.setattr(session, "operator", dataclasses.replace(operator, role=Role.OPERATOR))
    page.card.update_buttons()
    assert not page.card.edit_button.isEnabled()
    assert not page.card.remove_button.isEnabled()
    assert page.card.pdf_button.isEnabled()  # anyone may print the card


def test_role_card_pdf(qtbot: QtBot, page: RolesPage, session: Session,
                       prompts: RecordingPrompts, tmp_path: Path) -> None:
    ids = {c.name: c.id for c in contact_service.list_contacts(session)}
    role_service.assign_role(session, "pio", ids["Zoë Mbeki-Adams"], [ids["Luis Ortega"]])
    page.reload()
    page.select_role("pio")
    prompts.save_path = tmp_path / "card.pdf"
    page.card.pdf_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Saved the role card"),
                    timeout=15_000)
    text = " ".join(unicodedata.normalize("NFKC", " ".join(
        p.extract_text() for p in PdfReader(prompts.save_path).pages)).split())  # no ligatures
    assert "Role card: Public Information Officer" in text
    first = role_service.get_role(session, "pio").first_actions[0]
    assert " ".join(first.split())[:40] in text
    for name in ("Zoë Mbeki-Adams", "Luis Ortega", "(312) 555-0180"):
        assert name in text


def test_start_first_period_at_a_chosen_time_and_length(page: RolesPage,
                                                        session: Session) -> None:
    assert page.start_button.isVisibleTo(page)
    assert not page.end_button.isVisibleTo(page)
    page.start_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PeriodDialog)
    assert dialog.isVisible()
    assert dialog.starts_edit is not None
    assert dialog.note_edit is None
    tz = zone(session)
    chosen = (session.now().astimezone(tz) - dt.timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0)
    dialog.starts_edit.setDateTime(QDateTime(QDate(chosen.year, chosen.month, chosen.day),
                                             QTime(chosen.hour, 0), QTimeZone.utc()))
    dialog.hours_spin.setValue(100)  # the spin box stops at 72
    assert dialog.hours_spin.value() == 72
    dialog.hours_spin.setValue(24)
    dialog.accept_button.click()
    assert not dialog.isVisible()
    period = role_service.current_period(session)
    assert period is not None
    assert period.number == 1
    start = dt.datetime.fromisoformat(period.starts_at.replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(period.ends_at.replace("Z", "+00:00"))
    assert start == chosen
    assert end - start == dt.timedelta(hours=24)
    assert page.period_combo.currentText() == "#1 (current)"
    assert not page.start_button.isVisibleTo(page)
    assert page.end_button.isEnabled()
    assert page.ctx.messages.text.startswith("Operational period 1 started")
    ids = {c.name: c.id for c in contact_service.list_contacts(session)}
    role_service.assign_role(session, "ic", ids["Adaeze Okafor"])  # keeps the chosen period
    assert role_service.current_period(session) == period


def test_handover_sets_the_next_period_length(page: RolesPage, session: Session) -> None:
    role_service.start_period(session, hours=12)
    page.reload()
    page.end_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PeriodDialog)
    assert dialog.note_edit is not None
    assert dialog.starts_edit is None  # a handover starts the next period now
    dialog.note_edit.setPlainText("All quiet.")
    dialog.hours_spin.setValue(8)
    dialog.accept_button.click()
    period = role_service.current_period(session)
    assert period is not None
    assert period.number == 2
    start = dt.datetime.fromisoformat(period.starts_at.replace("Z", "+00:00"))
    end = dt.datetime.fromisoformat(period.ends_at.replace("Z", "+00:00"))
    assert end - start == dt.timedelta(hours=8)


def test_a_new_role_cannot_take_an_existing_key(page: RolesPage, session: Session) -> None:
    before = role_service.get_role(session, "liaison")
    page.card.new_button.click()
    dialog = role_dialog(page)
    dialog.title_edit.setText("Liaison")
    dialog.key_edit.setText("liaison")
    dialog.description_edit.setPlainText("Something else entirely.")
    dialog.accept_button.click()
    assert dialog.isVisible()  # refused: the form stays open with the reason
    assert role_service.get_role(session, "liaison") == before
    dialog.reject()
