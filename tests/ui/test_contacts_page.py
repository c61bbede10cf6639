"""The Contacts page, driven through its real widgets on a real encrypted desk."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.session import Session
from crisisdesk.ui.contacts.import_wizard import ImportWizard
from crisisdesk.ui.contacts.model import NAME, PHONES, ContactsModel
from crisisdesk.ui.contacts.page import ContactsPage
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE
from tests.support.ui import RecordingPrompts, show_page

PEOPLE = [
    ContactDraft("Ada Smith", "Chief Nursing Officer", "Riverside Clinics", ContactKind.STAFF,
                 [("mobile", "(312) 555-0142")], tags=["command"]),
    ContactDraft("Ben Okafor", "Privacy Officer", "Riverside Clinics", ContactKind.STAFF,
                 [("work", "(312) 555-0177")]),
    ContactDraft("Carla Smithers", "Reporter", "Daily Ledger", ContactKind.MEDIA,
                 [("desk", "(773) 555-0199")]),
]


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> ContactsPage:
    for draft in PEOPLE:
        contact_service.add_contact(session, draft)
    return show_page(qtbot, ContactsPage(ctx))


def names(page: ContactsPage) -> list[str]:
    proxy = page.proxy
    return [proxy.data(proxy.index(r, NAME)) for r in range(proxy.rowCount())]


def test_lists_contacts_sorted_by_name(page: ContactsPage) -> None:
    assert names(page) == ["Ada Smith", "Ben Okafor", "Carla Smithers"]
    assert page.count_label.text() == "3 contacts"
    phones = page.proxy.data(page.proxy.index(0, PHONES))
    assert phones == "mobile (312) 555-0142"


def test_search_as_you_type_filters(qtbot: QtBot, page: ContactsPage) -> None:
    page.search_edit.setText("smith")
    qtbot.waitUntil(lambda: names(page) == ["Ada Smith", "Carla Smithers"], timeout=3_000)
    page.search_edit.setText("smithers")
    qtbot.waitUntil(lambda: names(page) == ["Carla Smithers"], timeout=3_000)
    assert page.count_label.text() == "1 of 3 contacts match"
    page.search_edit.setText("5550177")  # phone digits find people too
    qtbot.waitUntil(lambda: names(page) == ["Ben Okafor"], timeout=3_000)
    page.search_edit.clear()
    qtbot.waitUntil(lambda: len(names(page)) == 3, timeout=3_000)


def test_search_is_debounced(qtbot: QtBot, page: ContactsPage) -> None:
    page.search_edit.setText("ben")
    assert len(names(page)) == 3  # nothing happens on the keystroke itself
    qtbot.waitUntil(lambda: names(page) == ["Ben Okafor"], timeout=3_000)


def test_add_contact_through_dialog(qtbot: QtBot, page: ContactsPage, session: Session) -> None:
    page.add_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.name_edit.setText("Dana Reyes")
    dialog.title_edit.setText("IT Security Lead")
    dialog.phones_table.item(0, 1).setText("(312) 555-0123")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(ContactKind.VENDOR))
    dialog.accept_button.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "Dana Reyes" in names(page), timeout=3_000)
    assert page.ctx.messages.text == "Added Dana Reyes."
    stored = contact_service.search_contacts(session, "Reyes")
    assert [(c.name, c.kind, c.phones[0].original) for c in stored] == [
        ("Dana Reyes", ContactKind.VENDOR, "(312) 555-0123")]
    assert page.selected_contact() is not None
    assert page.selected_contact().name == "Dana Reyes"  # type: ignore[union-attr]


def test_dialog_shows_validation_next_to_fields(qtbot: QtBot, page: ContactsPage,
                                                session: Session) -> None:
    page.add_button.click()
    dialog = page.dialog
    assert dialog is not None
    dialog.email_edit.setText("not-an-address")
    dialog.accept_button.click()
    assert dialog.isVisible()  # nothing saved, nothing lost
    assert "no name" in dialog.errors.text("name")
    assert "email" in dialog.errors.text("email")
    assert dialog.errors.text("phones") == ""
    assert contact_service.count_contacts(session) == 3
    dialog.reject()


def test_edit_contact(qtbot: QtBot, page: ContactsPage, session: Session) -> None:
    page.table.selectRow(1)
    page.edit_button.click()
    dialog = page.dialog
    assert dialog is not None
    assert dialog.name_edit.text() == "Ben Okafor"
    dialog.title_edit.setText("Chief Privacy Officer")
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: page.proxy.data(page.proxy.index(1, 1)) == "Chief Privacy Officer",
                    timeout=3_000)


def test_delete_asks_first(qtbot: QtBot, page: ContactsPage, prompts: RecordingPrompts,
                           session: Session) -> None:
    page.table.selectRow(0)
    prompts.confirm_answer = False
    page.delete_button.click()
    assert prompts.asked[-1][0] == "confirm"
    assert "Ada Smith" in prompts.asked[-1][2]
    assert contact_service.count_contacts(session) == 3
    prompts.confirm_answer = True
    page.delete_button.click()
    qtbot.waitUntil(lambda: "Ada Smith" not in names(page), timeout=3_000)
    assert contact_service.count_contacts(session) == 2


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def previewed(qtbot: QtBot, page: ContactsPage, path: Path) -> ImportWizard:
    """The import wizard with `path` typed in and Preview clicked, once the preview is ready."""
    page.open_import()
    wizard = page.wizard
    assert wizard is not None
    wizard.path_edit.setText(str(path))
    wizard.preview_button.click()
    qtbot.waitUntil(lambda: wizard.plan is not None and not wizard.busy, timeout=10_000)
    return wizard


def test_import_wizard_rejects_bad_file_before_saving(qtbot: QtBot, page: ContactsPage,
                                                      session: Session, tmp_path: Path,
                                                      prompts: RecordingPrompts) -> None:
    bad = write(tmp_path / "staff.csv",
                "Full Name,Job Title,Mobile,E-mail\n"
                "Eve Adams,Nurse,(312) 555-0101,eve@example.org\n"
                ",Porter,(312) 555-0102,\n"
                "Finn Brook,Clerk,(312) 555-0103,finn-at-example\n")
    prompts.open_path = bad
    page.import_button.click()
    wizard = page.wizard
    assert wizard is not None
    wizard.browse()  # "Choose file…" -> prompts.open_file -> preview in a worker
    qtbot.waitUntil(lambda: wizard.plan is not None and not wizard.busy, timeout=5_000)
    assert wizard.steps.currentIndex() == 1
    assert "CSV" in wizard.summary_label.text()
    assert "comma" in wizard.summary_label.text()
    assert "3 rows, 1 ready" in wizard.summary_label.text()
    problems = [wizard.problems_list.item(i).text() for i in range(wizard.problems_list.count())]
    assert problems[0].startswith("Line 3: ")
    assert "no name" in problems[0]
    assert problems[1].startswith("Line 4: ")
    assert "email" in problems[1]
    assert not wizard.import_button.isEnabled()
    wizard.import_button.click()
    assert contact_service.count_contacts(session) == 3  # nothing imported
    combo = wizard.mapping_table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "name"
    wizard.skip_check.setChecked(True)
    assert wizard.import_button.isEnabled()
    wizard.reject()
    assert contact_service.count_contacts(session) == 3


def test_import_wizard_mapping_can_be_changed(qtbot: QtBot, page: ContactsPage,
                                              tmp_path: Path) -> None:
    odd = write(tmp_path / "odd.csv", "Who,Cell\nGail Hart,(312) 555-0111\n")
    wizard = previewed(qtbot, page, odd)
    assert wizard.plan.blocking  # type: ignore[union-attr] - no name column guessed
    assert not wizard.import_button.isEnabled()
    combo = wizard.mapping_table.cellWidget(0, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("name"))
    qtbot.waitUntil(lambda: not wizard.busy and wizard.plan is not None
                    and not wizard.plan.blocking, timeout=5_000)
    assert wizard.import_button.isEnabled()
    assert wizard.sample_table.item(0, 0).text() == "Gail Hart"
    wizard.reject()


def test_good_file_imports_with_progress(qtbot: QtBot, page: ContactsPage, session: Session,
                                         tmp_path: Path) -> None:
    rows = "\n".join(f"Person {i:04d},Volunteer,(312) 555-{i % 10000:04d}" for i in range(1200))
    good = write(tmp_path / "volunteers.csv", "Name,Title,Phone\n" + rows + "\n")
    wizard = previewed(qtbot, page, good)
    assert wizard.problems_list.count() == 0
    assert wizard.import_button.isEnabled()
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as blocker:
        wizard.import_button.click()
    report = blocker.args[0]
    assert report.imported == 1200
    assert wizard.progress_seen == (1200, 1200)
    assert contact_service.count_contacts(session) == 1203
    assert page.ctx.messages.text == "Imported 1200 contacts."
    qtbot.waitUntil(lambda: page.count_label.text() == "1203 contacts", timeout=5_000)


def test_export_csv_and_print_phone_list(qtbot: QtBot, page: ContactsPage, tmp_path: Path,
                                         prompts: RecordingPrompts) -> None:
    prompts.save_path = tmp_path / "out" / "contacts.csv"
    page.export_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Exported 3 contacts"),
                    timeout=5_000)
    assert "Carla Smithers" in prompts.save_path.read_text("utf-8-sig")
    prompts.save_path = tmp_path / "out" / "phones.pdf"
    page.print_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.text.startswith("Saved the phone list"),
                    timeout=15_000)
    text = " ".join(PdfReader(prompts.save_path).pages[0].extract_text().split())
    assert "Ada Smith" in text
    assert "(773) 555-0199" in text
    assert "Riverside Clinics" in text
    assert page.print_button.isEnabled()


def test_lock_clears_the_page(page: ContactsPage) -> None:
    page.search_edit.setText("ada")
    page.clear()
    assert page.model.rowCount() == 0
    assert page.search_edit.text() == ""


def test_model_passes_qt_model_tester(qtmodeltester: object, session: Session) -> None:
    for draft in PEOPLE:
        contact_service.add_contact(session, draft)
    model = ContactsModel()
    model.set_rows(contact_service.list_contacts(session))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(model.index(0, 0), OBJECT_ROLE).name == "Ada Smith"


def test_model_updates_in_place(qtbot: QtBot, session: Session) -> None:
    for draft in PEOPLE:
        contact_service.add_contact(session, draft)
    contacts = contact_service.list_contacts(session)
    model = ContactsModel()
    model.set_rows(contacts)
    changed = contact_service.update_contact(
        session, contacts[1].id, ContactDraft("Ben Okafor", "CPO", "Riverside Clinics"))
    with qtbot.waitSignal(model.dataChanged), qtbot.assertNotEmitted(model.modelReset):
        model.set_rows([contacts[0], changed])  # Carla went, Ben changed
    assert [model.row_at(r).name for r in range(model.rowCount())] == ["Ada Smith",
                                                                           "Ben Okafor"]
    assert model.data(model.index(1, 1), Qt.ItemDataRole.DisplayRole) == "CPO"


def test_a_big_desk_lists_its_first_page_in_a_worker(
    qtbot: QtBot, page: ContactsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    import crisisdesk.ui.contacts.page as page_module

    monkeypatch.setattr(page_module, "BIG_DESK", 2)
    monkeypatch.setattr(page_module, "SEARCH_LIMIT", 2)
    page.reload()
    qtbot.waitUntil(lambda: names(page) == ["Ada Smith", "Ben Okafor"], timeout=3_000)
    assert page.count_label.text().startswith("The first 2 of 3 contacts")
    page.search_edit.setText("carla")
    qtbot.waitUntil(lambda: names(page) == ["Carla Smithers"], timeout=3_000)


def test_wizard_shows_an_unread_phone_column_in_red_until_settled(
        qtbot: QtBot, page: ContactsPage, session: Session, tmp_path: Path) -> None:
    staff = write(tmp_path / "oncall.csv",
                  "Name,Reach me on,E-mail\n"
                  "Tess Ward,(312) 555-0131,tess@riverside.example\n"
                  "Uma Vale,+1 312 555 0132,\n")
    wizard = previewed(qtbot, page, staff)
    table = wizard.mapping_table
    assert table.item(1, 0).text() == "Reach me on"
    assert table.item(1, 2).text() == (
        "Holds phone numbers: choose a field, or ignore it on purpose")
    assert table.item(1, 0).foreground().color().name() == "#b00020"
    assert table.item(0, 2).text() == ""  # the name column is fine
    assert "Reach me on" in wizard.problems_label.text()
    assert not wizard.import_button.isEnabled()
    wizard.import_button.click()
    assert contact_service.count_contacts(session) == 3

    combo = table.cellWidget(1, 1)
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == ""
    combo.setCurrentIndex(combo.findData("ignore"))  # drop it on purpose
    qtbot.waitUntil(lambda: not wizard.busy and wizard.plan is not None
                    and not wizard.plan.blocking, timeout=5_000)
    assert table.item(1, 2).text() == ""
    assert wizard.import_button.isEnabled()

    combo = table.cellWidget(1, 1)
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "ignore"
    combo.setCurrentIndex(combo.findData("mobile"))  # or read it after all
    qtbot.waitUntil(lambda: not wizard.busy and wizard.plan is not None
                    and wizard.plan.mapping.get("Reach me on") == "mobile", timeout=5_000)
    assert "phones: 2 from Reach me on" in wizard.summary_label.text()
    with qtbot.waitSignal(wizard.imported, timeout=10_000):
        wizard.import_button.click()
    assert wizard.steps.currentIndex() == 2  # the last page: what was read from where
    assert wizard.done_label.text().splitlines() == [
        "Imported 2 of 2 contacts from oncall.csv.",
        "Name: 2 from Name.", "Phones: 2 from Reach me on.", "E-mail: 1 from E-mail."]
    assert wizard.close_button.isVisible()
    assert not wizard.cancel_button.isVisible()
    wizard.close_button.click()
    assert contact_service.count_contacts(session) == 5
