"""The Contacts page: search as you type, the table, add/edit/delete, import, export, print.

Search is debounced (150 ms) and calls `services.contacts`; on a big desk it runs in a worker
so typing never stutters, and results from an older query are dropped. Writes from this page
call `state.notify_changed()` so other pages refresh; changes from elsewhere arrive through
`desk_changed` (see `Page.mark_stale`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QWidget,
)

from crisisdesk.domain.contacts import Contact, ContactDraft
from crisisdesk.domain.times import PAPER_MINUTES, local_minutes
from crisisdesk.printing.pdf import html_to_pdf
from crisisdesk.printing.phone_list import phone_list_html
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import next_steps
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.ui.contacts.edit_dialog import ContactDialog
from crisisdesk.ui.contacts.import_wizard import ImportWizard
from crisisdesk.ui.contacts.model import NAME, ContactsModel
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.prompts import CSV_FILTER, PDF_FILTER
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import column, lead_row
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.widgets.table_model import SortProxy
from crisisdesk.ui.widgets.tables import (
    Resize,
    select_where,
    selected_object,
    standard_table,
)
from crisisdesk.ui.workers import Job, in_thread_session

BIG_DESK = 2000  # above this many contacts, searches run in a worker
SEARCH_LIMIT = 500


def print_phone_list(session: Session, path: Path) -> int:
    """Worker body: every contact on paper (PDF); returns how many were printed."""
    contacts = contact_service.list_contacts(session)
    printed = local_minutes(session.now(), settings_service.zone(session), PAPER_MINUTES)
    html = phone_list_html(contacts, org=settings_service.display_org(session),
                           printed=f"{printed} by {session.operator.name}")
    html_to_pdf(html, path, title="Phone list")
    return len(contacts)


class ContactsPage(Page):
    title = "Contacts"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.total = 0
        self._generation = 0
        self.dialog: ContactDialog | None = None
        self.wizard: ImportWizard | None = None

        self.search_edit = SearchField("Search names, titles, organisations, tags or "
                                       "phone numbers (Ctrl+F)", "Search contacts", self)
        self.search_edit.search.connect(lambda _t: self.run_search())

        self.model = ContactsModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = standard_table(self, "Contacts", self.proxy,
                                    sort=(NAME, Qt.SortOrder.AscendingOrder), alternate=True,
                                    resize=Resize.Interactive,
                                    widths=(190, 170, 180, 110, 260))
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Contacts shown")

        self.add_button = push_button(self, "&Add…", self.add_contact)
        self.edit_button = push_button(self, "&Edit…", self.edit_selected)
        self.delete_button = push_button(self, "&Delete", self.delete_selected)
        self.import_button = push_button(self, "&Import…", self.open_import)
        self.export_button = push_button(self, "E&xport CSV…", self.export_csv)
        self.print_button = push_button(self, "&Print phone list (PDF)…", self.print_phone_list)
        for keys, slot in (("Return", self.edit_selected), ("Delete", self.delete_selected)):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)

        column(self, lead_row(self.search_edit, self.add_button, self.edit_button,
                              self.delete_button),
               (self.table, 1),
               lead_row(self.count_label, self.import_button, self.export_button,
                        self.print_button), margin=4)
        self._update_buttons()

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.total = contact_service.count_contacts(self.ctx.session)
        self.run_search()

    def next_step(self) -> NextStepHook:
        step = next_steps.contacts(self.ctx.session)
        return (step, self.open_import) if step else None

    def clear(self) -> None:
        self._generation += 1
        for window in (self.dialog, self.wizard):
            if window is not None:
                window.reject()
        self.search_edit.clear_quietly()
        self.model.set_rows([])
        self.count_label.clear()
        self._stale = True

    def focus_search(self) -> bool:
        return self.search_edit.focus_all()

    # -- search -----------------------------------------------------------------------------
    def run_search(self) -> None:
        if not self.ctx.state.unlocked:
            return
        self.search_edit.cancel()
        self._generation += 1
        generation, query = self._generation, self.search_edit.text().strip()

        def search(session: Session, **_: Any) -> list[Contact]:
            if not query:  # a big desk shows its first page; typing narrows the search
                limit = None if self.total <= BIG_DESK else SEARCH_LIMIT
                return contact_service.list_contacts(session, limit=limit)
            return contact_service.search_contacts(session, query, limit=SEARCH_LIMIT)

        if self.total <= BIG_DESK:
            self._show_results(generation, query, search(self.ctx.session))
            return
        job = Job(in_thread_session(self.ctx.session, search), name="search contacts")
        job.finished.connect(lambda found: self._show_results(generation, query, found))
        job.failed.connect(self.ctx.show_error)
        self.ctx.runner.start(job)

    def _show_results(self, generation: int, query: str, found: list[Contact]) -> None:
        if generation != self._generation or not self.ctx.state.unlocked:
            return  # an older query, or the desk locked meanwhile
        self.model.set_rows(found)
        if not query and len(found) < self.total:
            self.count_label.setText(f"The first {len(found)} of {self.total} contacts by name; "
                                     "type to search them all")
        elif not query:
            self.count_label.setText(f"{len(found)} contacts")
        elif len(found) >= SEARCH_LIMIT:
            self.count_label.setText(f"The first {len(found)} matches of {self.total} contacts; "
                                     "type more to narrow the search")
        else:
            self.count_label.setText(f"{len(found)} of {self.total} contacts match")
        self._update_buttons()

    # -- actions ----------------------------------------------------------------------------
    def selected_contact(self) -> Contact | None:
        return selected_object(self.table, Contact)

    def select_contact(self, contact_id: str) -> None:
        select_where(self.table, lambda found: getattr(found, "id", None) == contact_id)

    def _update_buttons(self) -> None:
        has = self.selected_contact() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def add_contact(self) -> None:
        self._open_dialog(None)

    def edit_selected(self) -> None:
        contact = self.selected_contact()
        if contact is not None:
            self._open_dialog(contact)

    def _open_dialog(self, contact: Contact | None) -> None:
        def save(draft: ContactDraft) -> Contact:
            if contact is None:
                return contact_service.add_contact(self.ctx.session, draft)
            return contact_service.update_contact(self.ctx.session, contact.id, draft)

        self.dialog = ContactDialog(save, contact, self)
        self.dialog.submitted.connect(lambda c: self._saved(c, added=contact is None))
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()

    def _saved(self, contact: Contact, *, added: bool) -> None:
        self.ctx.messages.show_info(f"{'Added' if added else 'Saved'} {contact.name}.")
        self.ctx.state.notify_changed()
        self.select_contact(contact.id)

    def delete_selected(self) -> None:
        contact = self.selected_contact()
        if contact is None:
            return
        if not self.ctx.prompts.confirm(
                self, "Delete contact",
                f"Delete {contact.name} from the desk? Calling trees that use this contact "
                "will lose them.", ok_label="Delete", destructive=True):
            return
        with user_errors(self.ctx.messages):
            contact_service.delete_contact(self.ctx.session, contact.id)
            self.ctx.messages.show_info(f"Deleted {contact.name}.")
            self.ctx.state.notify_changed()

    def open_import(self) -> None:
        self.wizard = ImportWizard(self.ctx, self)
        self.wizard.imported.connect(self._imported)
        self.wizard.finished.connect(lambda _r: setattr(self, "wizard", None))
        self.wizard.open()

    def _imported(self, report: contact_service.ImportReport) -> None:
        skipped = f"; skipped {report.skipped} rows that had problems" if report.skipped else ""
        self.ctx.messages.show_info(f"Imported {report.imported} contacts{skipped}.")
        self.ctx.state.notify_changed()

    def export_csv(self) -> None:
        path = self.ctx.prompts.save_file(self, "Export contacts", "contacts.csv", CSV_FILTER)
        if path is None:
            return
        self._in_worker(lambda s, **_: contact_service.export_contacts_csv(s, path),
                        lambda n: f"Exported {n} contacts to {path}.", "export contacts")

    def print_phone_list(self) -> None:
        path = self.ctx.prompts.save_file(self, "Save the phone list as PDF", "phone-list.pdf",
                                          PDF_FILTER)
        if path is None:
            return
        self.print_button.setEnabled(False)
        self._in_worker(lambda s, **_: print_phone_list(s, path),
                        lambda n: f"Saved the phone list ({n} contacts) to {path}.",
                        "print phone list", done=lambda: self.print_button.setEnabled(True))

    def _in_worker(self, work: Any, message: Any, name: str, done: Any = None) -> Job:
        def finished(result: Any) -> None:
            if done is not None:
                done()
            self.ctx.messages.show_info(message(result))

        def failed(err: BaseException) -> None:
            if done is not None:
                done()
            self.ctx.show_error(err)

        job = Job(in_thread_session(self.ctx.session, work), name=name)
        job.finished.connect(finished)
        job.failed.connect(failed)
        self.last_job = job
        self.ctx.runner.start(job)
        return job


__all__ = ["ContactsPage"]
