"""The Templates page: the library, the editor, a template's history, the communication log.

Four tabs rather than one crowded screen: the editor needs the width for text, preview and
checks side by side, and the diff needs it to stay readable. Opening a template (double-click
in the library) loads its latest version into the editor and its versions into History;
when the editor holds unsaved changes to another template, the page asks before discarding
them (opening the same template again just shows the editor, edits kept).
Every write goes through a service (in `actions.py`, `library_actions.py` for new, import
and export, the Issue dialog or the log's exports), then `notify_changed()` so other pages and
other windows refresh.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crisisdesk.domain.templates import Status
from crisisdesk.domain.times import show_utc
from crisisdesk.services import localtime, next_steps
from crisisdesk.services import messages as message_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.facts import facts_for
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.templates.actions import TemplateActions
from crisisdesk.ui.templates.editor import TemplateEditor
from crisisdesk.ui.templates.facts import incidents
from crisisdesk.ui.templates.history import HistoryView
from crisisdesk.ui.templates.issue_dialog import IssueDialog
from crisisdesk.ui.templates.library import LibraryView
from crisisdesk.ui.templates.library_actions import LibraryActions
from crisisdesk.ui.templates.log_view import LogView
from crisisdesk.ui.widgets.errors import user_errors

LIBRARY, EDITOR, HISTORY, LOG = range(4)


class TemplatesPage(Page):
    title = "Templates"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.key: str | None = None
        self.issue_dialog: IssueDialog | None = None
        self.library = LibraryView(self)
        self.library.open_requested.connect(self.request_open)
        self.library.issue_requested.connect(self.open_issue)
        self.files = LibraryActions(ctx, self)
        self.files.open_requested.connect(self._open_new)
        self.library.new_requested.connect(self.files.new_template)
        self.library.import_requested.connect(self.files.import_template)
        self.library.export_requested.connect(self.files.export_template)
        editor_tab = QWidget(self)
        self.editor = TemplateEditor(ctx.runner, editor_tab)
        self.editor.checker.failed.connect(ctx.show_error)
        self.lifecycle = TemplateActions(ctx, self.editor, editor_tab)
        self.lifecycle.done.connect(lambda key: self.open_template(key, switch=False))
        self.lifecycle.issue_requested.connect(self.open_issue)
        editor_layout = QVBoxLayout(editor_tab)
        editor_layout.setContentsMargins(6, 6, 6, 6)
        editor_layout.addWidget(self.editor, 1)
        editor_layout.addWidget(self.lifecycle)
        self.history = HistoryView(self)
        self.history.diff_fn = self._diff
        self.history.export_requested.connect(
            lambda number: self.key and self.files.export_template(self.key, number))
        self.log = LogView(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Templates")
        self.tabs.addTab(self.library, "&Library")
        self.tabs.addTab(editor_tab, "&Editor")
        self.tabs.addTab(self.history, "&History and changes")
        self.tabs.addTab(self.log, "Communication l&og")
        self._enable_template_tabs(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _enable_template_tabs(self, enabled: bool) -> None:
        for index in (EDITOR, HISTORY):
            self.tabs.setTabEnabled(index, enabled)
            self.tabs.setTabToolTip(index, "" if enabled else
                                    "Open a template from the library first")

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        self.library.set_templates(template_service.list_templates(session))
        self.lifecycle.refresh_policy()
        if self.key is not None and not self.editor.dirty:
            self.open_template(self.key, switch=False)
        self.log.refresh()

    def next_step(self) -> NextStepHook:
        step = next_steps.templates(self.ctx.session)
        return (step, None) if step else None

    def clear(self) -> None:
        if self.issue_dialog is not None:
            self.issue_dialog.reject()
        if self.files.dialog is not None:
            self.files.dialog.reject()
        self.key = None
        self.library.clear()
        self.editor.clear()
        self.lifecycle.approved_version = None
        self.lifecycle.update_buttons()
        self.history.clear()
        self.log.clear()
        self._enable_template_tabs(False)
        self.tabs.setCurrentIndex(LIBRARY)
        self._stale = True

    def focus_search(self) -> bool:
        self.tabs.setCurrentIndex(LIBRARY)
        self.library.search_edit.setFocus()
        self.library.search_edit.selectAll()
        return True

    # -- opening ----------------------------------------------------------------------------
    def open_template(self, key: str, *, switch: bool = True) -> None:
        if not self.ctx.state.unlocked:
            return  # an action finished after the desk locked: nothing to reopen
        session = self.ctx.session
        with user_errors(self.ctx.messages):
            version = template_service.get_version(session, key)
            versions = template_service.history(session, key)
            settings = template_service.check_settings(session)
            _all, current = incidents(session)
            self.key = key
            approved = [v.version for v in versions if v.status is Status.APPROVED]
            self.lifecycle.approved_version = approved[-1] if approved else None
            self.editor.load(version, settings=settings, facts=facts_for(session),
                             incident_title=current.title if current else None)
            # The zone read once here, not per painted cell (a query each, on the GUI thread).
            tz = localtime.zone(session)
            self.history.model.show_time = lambda iso: show_utc(iso, tz)
            self.history.set_versions(versions)
            self._enable_template_tabs(True)
            self.lifecycle.update_buttons()
            if switch:
                self.tabs.setCurrentIndex(EDITOR)
                self.editor.text_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def request_open(self, key: str) -> bool:
        """Open `key` for a person's request, asking before unsaved edits are discarded.

        False when they chose to keep their edits (the editor is left as it was)."""
        editing = self.editor.version
        if editing is None or not self.editor.dirty:
            self.open_template(key)
            return True
        current = editing.meta.key
        if key == current:
            self.tabs.setCurrentIndex(EDITOR)
            return True
        if not self.ctx.prompts.confirm(
                self, "Unsaved changes",
                f"Discard your unsaved changes to {current}?\n\nOpening {key} replaces the "
                "editor's text; to keep the changes, answer Cancel and save them first.",
                ok_label="Discard changes", destructive=True):
            self.ctx.messages.show_info(f"Kept your unsaved changes to {current}; {key} is in "
                                        "the library.")
            return False
        self.open_template(key)
        return True

    def _open_new(self, key: str) -> None:
        """A template just created or imported: select it in the library, edit it."""
        self.library.select_key(key)
        self.request_open(key)

    def _diff(self, old: int, new: int) -> str:
        if self.key is None or not self.ctx.state.unlocked:
            return ""
        with user_errors(self.ctx.messages):
            return template_service.diff(self.ctx.session, self.key, old, new)
        return ""

    # -- issuing ----------------------------------------------------------------------------
    def open_issue(self, key: str) -> None:
        with user_errors(self.ctx.messages):
            self.issue_dialog = IssueDialog(self.ctx, key, self)
            self.issue_dialog.issued.connect(self._issued)
            self.issue_dialog.finished.connect(lambda _r: setattr(self, "issue_dialog", None))
            self.issue_dialog.open()

    def _issued(self, issued: message_service.IssuedMessage) -> None:
        e = issued.entry
        self.ctx.messages.show_info(
            f"Issued {e.template_key} version {e.version} to {e.recipient_count:,} "
            f"{e.audience.replace('_', ' ')}; it is in the communication log.")
        self.ctx.state.notify_changed()


__all__ = ["TemplatesPage"]
