"""The Roles page and the status bar's spokesperson, driven through the real widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from crisisdesk.app import CrisisDeskApp
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import roles as role_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.roles.assign_dialog import AssignDialog
from crisisdesk.ui.roles.model import ACTING, RosterModel
from crisisdesk.ui.roles.page import RolesPage
from crisisdesk.ui.sections import Section
from tests.support.roles import add_people
from tests.support.ui import RecordingPrompts, show_page, unlock_via_dialog


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> RolesPage:
    add_people(session)
    return show_page(qtbot, RolesPage(ctx))


def choose(dialog: AssignDialog, qtbot: QtBot, text: str) -> None:
    """Type into the search box, wait for the debounced search, add the first match."""
    dialog.search_edit.setText(text)
    qtbot.waitUntil(lambda: dialog.results.count() == 1
                    and text.split()[0] in dialog.results.item(0).text(), timeout=3_000)
    dialog.add_button.click()


def assign_pio(page: RolesPage, qtbot: QtBot) -> None:
    page.select_role("pio")
    page.assign_button.click()
    dialog = page.dialog
    assert isinstance(dialog, AssignDialog)
    assert dialog.isVisible()
    choose(dialog, qtbot, "Zoë")
    choose(dialog, qtbot, "Ortega")
    assert [dialog.lineup.item(i).text() for i in range(2)] == [
        "Primary: Zoë Mbeki-Adams", "Backup 1: Luis Ortega"]
    dialog.save_button.click()
    assert not dialog.isVisible()


def test_assign_through_dialog_fills_the_roster(qtbot: QtBot, page: RolesPage,
                                                session: Session) -> None:
    assert page.model.rowCount() >= 14
    assign_pio(page, qtbot)
    qtbot.waitUntil(lambda: page.selected_status() is not None
                    and page.selected_status().acting is not None, timeout=3_000)  # type: ignore
    status = page.selected_status()
    assert status is not None
    assert status.role.key == "pio"
    row = page.table.currentIndex().row()
    assert page.model.index(row, ACTING).data() == "Zoë Mbeki-Adams"
    assert page.period_combo.currentText() == "#1 (current)"
    assert "Zoë" in page.ctx.messages.text
    holder = role_service.spokesperson(session)
    assert holder is not None
    assert holder.slot.person.name == "Zoë Mbeki-Adams"


def test_dialog_refuses_an_empty_lineup(qtbot: QtBot, page: RolesPage) -> None:
    page.select_role("ic")
    page.assign_button.click()
    dialog = page.dialog
    assert isinstance(dialog, AssignDialog)
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "primary" in dialog.message.text()
    dialog.reject()


def test_acknowledge_unavailable_available(qtbot: QtBot, page: RolesPage,
                                           session: Session) -> None:
    assign_pio(page, qtbot)
    page.select_role("pio")
    page.select_person("Zoë Mbeki-Adams")
    page.ack_button.click()
    status = role_service.role_status(session, "pio")
    assert status.slots[0].acknowledged_at
    page.select_person("Zoë Mbeki-Adams")
    page.reason_edit.setText("at the hospital")
    page.unavailable_button.click()
    assert "Luis Ortega" in page.ctx.messages.text
    row = page.table.currentIndex().row()
    assert page.model.index(row, ACTING).data() == "Luis Ortega (acting, backup 1)"
    acting = [page.lineup.item(i).text() for i in range(page.lineup.count())
              if "ACTING NOW" in page.lineup.item(i).text()]
    assert len(acting) == 1
    assert "Luis Ortega" in acting[0]
    page.select_person("Zoë Mbeki-Adams")
    assert page.available_button.isEnabled()
    page.available_button.click()
    assert role_service.spokesperson(session).slot.person.name == "Zoë Mbeki-Adams"  # type: ignore


def test_end_period_needs_a_handover_note(qtbot: QtBot, page: RolesPage,
                                          session: Session) -> None:
    assign_pio(page, qtbot)
    page.end_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert not isinstance(dialog, AssignDialog)
    dialog.accept_button.click()  # type: ignore[union-attr]
    assert dialog.isVisible()
    assert "handover note" in dialog.errors.text("handover_note")  # type: ignore[union-attr]
    dialog.note_edit.setPlainText("EHR still down; HHS portal account requested.")  # type: ignore
    dialog.accept_button.click()  # type: ignore[union-attr]
    assert not dialog.isVisible()
    assert page.period_combo.currentText() == "#2 (current)"
    page.period_combo.setCurrentIndex(1)
    page.period_combo.activated.emit(1)
    assert "HHS portal account requested" in page.period_label.text()
    assert not page.assign_button.isEnabled()  # earlier periods are read-only


def test_org_chart_pdf_contains_every_holder(qtbot: QtBot, page: RolesPage, session: Session,
                                             prompts: RecordingPrompts, tmp_path: Path) -> None:
    ids = {c.name: c.id for c in contact_service.list_contacts(session)}
    role_service.assign_role(session, "ic", ids["Adaeze Okafor"])
    role_service.assign_role(session, "pio", ids["Zoë Mbeki-Adams"], [ids["Luis Ortega"]])
    page.reload()
    prompts.save_path = tmp_path / "org.pdf"
    page.pdf_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Saved the org chart"),
                    timeout=15_000)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(prompts.save_path).pages)
                    .split())
    for name in ("Adaeze Okafor", "Zoë Mbeki-Adams", "Luis Ortega", "(312) 555-0180"):
        assert name in text
    assert page.pdf_button.isEnabled()


def test_status_bar_names_the_spokesperson(qtbot: QtBot, session: Session,
                                           prompts: RecordingPrompts,
                                           trusted_keychain: Keychain) -> None:
    """The issue's test: assign PIO -> the status bar shows them; unavailable -> the backup."""
    add_people(session)
    app = CrisisDeskApp(session.data_dir, keychain=trusted_keychain, prompts=prompts,
                        sections=[Section("roles", "Roles", RolesPage)])
    try:
        unlock_via_dialog(qtbot, app)
        window = app.main_window
        assert window is not None
        label = window.spokesperson_label
        assert label.text() == "Spokesperson: not assigned"
        page = window.pages["roles"]
        assert isinstance(page, RolesPage)
        assign_pio(page, qtbot)
        assert label.text() == "Spokesperson: Zoë Mbeki-Adams · (312) 555-0180"
        page.select_role("pio")
        page.select_person("Zoë Mbeki-Adams")
        page.unavailable_button.click()
        assert label.text() == ("Spokesperson: Luis Ortega (acting, backup 1) · "
                                "(312) 555-0181")
        window.lock()
        assert label.text() == ""
    finally:
        app.shutdown()


def test_roster_model_passes_qt_model_tester(qtmodeltester: object, session: Session) -> None:
    add_people(session)
    model = RosterModel()
    model.set_rows(role_service.roster(session).statuses)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
