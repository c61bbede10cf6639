"""Each page's "Next:" line: worked out from the desk's counts, its button does the step, and it
goes away once the step is done."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.session import Session
from crisisdesk.ui.calling_trees.page import CallingTreesPage
from crisisdesk.ui.contacts.page import ContactsPage
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepLine, Page
from tests.support.ui import RecordingPrompts, show_page


def line(page: Page) -> NextStepLine:
    found = page.findChild(NextStepLine, "nextStep")
    assert found is not None
    return found


def test_an_empty_contact_list_says_import_and_the_button_opens_the_wizard(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    page = show_page(qtbot, ContactsPage(ctx))
    assert line(page).isVisible()
    assert line(page).label.text() == "<b>Next:</b> Import your contact list"
    assert line(page).button.text().replace("&", "") == "Import contacts…"
    line(page).button.click()
    assert page.wizard is not None
    assert page.wizard.isVisible()
    page.wizard.reject()
    contact_service.add_contact(session, ContactDraft(
        "Ada Smith", "Chief Nursing Officer", "Riverside Clinics", ContactKind.STAFF,
        [("mobile", "(312) 555-0142")]))
    ctx.state.notify_changed()
    assert not line(page).isVisible()


def test_calling_trees_first_ask_for_contacts_then_for_a_tree(
        qtbot: QtBot, session: Session, ctx: UiContext, prompts: RecordingPrompts) -> None:
    page = show_page(qtbot, CallingTreesPage(ctx))
    assert line(page).label.text() == ("<b>Next:</b> Import your contact list on the Contacts "
                                       "page first")
    assert not line(page).button.isVisible()
    contact_service.add_contact(session, ContactDraft(
        "Ada Smith", "Chief Nursing Officer", "Riverside Clinics", ContactKind.STAFF,
        [("mobile", "(312) 555-0142")]))
    ctx.state.notify_changed()
    assert line(page).label.text() == "<b>Next:</b> Build a calling tree"
    prompts.text_answer = "Night shift"
    line(page).button.click()
    qtbot.waitUntil(lambda: not line(page).isVisible(), timeout=5_000)
    assert ("ask_text", "New calling tree", "Name of the tree:") in prompts.asked
