"""The Dashboard's "Getting ready" checklist ticks itself off, and the coordinator's warnings
show on the Dashboard and the Roles page, in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crisisdesk.services import roles as role_service
from crisisdesk.services.session import Session
from crisisdesk.ui.contacts.page import ContactsPage
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.dashboard.panels import SummaryPanel
from crisisdesk.ui.roles.page import RolesPage
from tests.support.crisis import staff
from tests.support.ui import show_page


def _panel(page: DashboardPage, title: str) -> SummaryPanel:
    return next(p for p in page.panels if p.title() == title)


def test_checklist_ticks_contacts_after_one_is_added_on_the_contacts_page(
        qtbot: QtBot, ctx: UiContext) -> None:
    dashboard = show_page(qtbot, DashboardPage(ctx))
    ready = _panel(dashboard, "Getting ready")
    qtbot.waitUntil(lambda: ("To do:", "Contacts: none yet — Contacts › Import…")
                    in ready.rows(), timeout=5_000)
    assert ("", "5 of 6 still to do.") in ready.rows()  # the templates are approved here
    contacts = show_page(qtbot, ContactsPage(ctx))
    qtbot.mouseClick(contacts.add_button, Qt.MouseButton.LeftButton)
    dialog = contacts.dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.name_edit, "Dana Reyes")
    dialog.phones_table.item(0, 1).setText("(312) 555-0123")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("Done:", "Contacts: 1 contact") in ready.rows(), timeout=5_000)
    assert ("", "4 of 6 still to do.") in ready.rows()


def test_one_person_holding_ic_and_ops_is_warned_on_dashboard_and_roles_page(
        qtbot: QtBot, ctx: UiContext, session: Session) -> None:
    dana = staff(session, "Dana Reyes").id
    role_service.assign_role(session, "ic", dana, [staff(session, "Sam Ortiz").id])
    dashboard = show_page(qtbot, DashboardPage(ctx))
    roles = show_page(qtbot, RolesPage(ctx))
    warned = _panel(dashboard, "Warnings for the coordinator")
    qtbot.waitUntil(lambda: warned.rows() == [("", "No warnings about who holds which role.")],
                    timeout=5_000)
    assert roles.warnings.isHidden()

    role_service.assign_role(session, "operations", dana, [staff(session, "Lee Lead").id])
    ctx.state.notify_changed()
    text = "Dana Reyes is acting in two command roles at once (IC and OPS)"
    qtbot.waitUntil(lambda: any(label == "Warning:" and value.startswith(text)
                                for label, value in warned.rows()), timeout=5_000)
    assert not roles.warnings.isHidden()
    assert roles.warnings.text().startswith(f"Warning: {text}")
