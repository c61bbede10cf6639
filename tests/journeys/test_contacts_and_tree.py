"""The coordinator's first evening: unlock, import the night shift from a Google Contacts export,
and build their calling tree."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from crisisdesk.services import contacts as contact_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.ui.calling_trees.page import CallingTreesPage
from crisisdesk.ui.contacts.page import ContactsPage
from crisisdesk.ui.widgets.contact_picker import ContactPicker
from tests.journeys.driver import FIXTURES, Journey

pytestmark = [pytest.mark.journey, pytest.mark.slow]

NIGHT_SHIFT = FIXTURES / "journeys" / "google-night-shift.csv"


def add_to_tree(journey: Journey, page: CallingTreesPage, name: str) -> None:
    """Click "Add person…", type the name into the picker and press Enter."""

    def pick(dialog: QDialog) -> None:
        assert isinstance(dialog, ContactPicker)
        journey.type(dialog.finder.field, name)
        journey.key(dialog.finder.field, Qt.Key.Key_Return)

    answered = journey.when_dialog(pick, ContactPicker)
    add = next(b for b in page.editor.findChildren(QPushButton) if b.text() == "&Add person…")
    journey.click(add)
    journey.wait(lambda: answered and f"Added {name}" in journey.message())


def test_import_contacts_and_build_a_calling_tree(journey: Journey) -> None:
    window = journey.unlock(shot="unlock")
    session = window.state.session
    before = contact_service.count_contacts(session)

    page = journey.go("Contacts")
    assert isinstance(page, ContactsPage)
    journey.step("import contacts")
    journey.click(page.import_button)
    wizard = page.wizard
    assert wizard is not None
    journey.wait(wizard.isVisible)
    journey.type(wizard.path_edit, str(NIGHT_SHIFT))
    journey.click(wizard.preview_button)
    journey.wait(lambda: wizard.plan is not None and not wizard.busy)
    assert "6 rows, 6 ready" in wizard.summary_label.text()
    journey.shot("contacts-import", wizard)
    journey.click(wizard.import_button)
    journey.wait(lambda: "Imported 6 contacts" in journey.message())
    assert contact_service.count_contacts(session) == before + 6
    journey.click(wizard.close_button)
    journey.wait(lambda: page.wizard is None)
    journey.type(page.search_edit, "night shift")  # the label from Google came in as a tag
    journey.wait(lambda: page.proxy.rowCount() == 6)
    journey.shot("contacts")

    trees = journey.go("Calling trees")
    assert isinstance(trees, CallingTreesPage)
    journey.step("build a tree")
    journey.prompts.text_answer = "Night shift"
    journey.click(trees.new_button)
    journey.wait(lambda: trees.tree_combo.currentText().startswith("Night shift (0 people"))
    add_to_tree(journey, trees, "Nadia Okoro")  # nobody chosen: she heads the tree
    for name in ("Victor Lang", "Priya Raman"):
        journey.click_row(trees.editor.view, 0)  # under Nadia
        add_to_tree(journey, trees, name)
    journey.wait(lambda: trees.tree_combo.currentText().startswith("Night shift (3 people"))
    trees.editor.view.expandAll()
    journey.shot("calling-tree")

    tree = tree_service.get_tree(session, "Night shift")
    names = {c.id: c.name for c in tree_service.contacts_for(session, tree).values()}
    callers = {names[n.contact_id]: names.get(n.caller_id or "") for n in tree.nodes}
    assert callers == {"Nadia Okoro": None, "Victor Lang": "Nadia Okoro",
                       "Priya Raman": "Nadia Okoro"}
    journey.finish()
