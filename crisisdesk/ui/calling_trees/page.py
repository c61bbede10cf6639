"""The Calling trees page: choose a tree and an activation; edit, run ("my calls"), follow.

Reading an activation's whole picture (5,000 people, flags, branches) runs in a worker every
few seconds while the page is visible; recording a call is done on the GUI thread because it
is one small committed transaction and must be saved before the next key. Paper (PDF) and
file exports run in workers. Modal questions go through seams (`pick_contact` here, the shared
`Prompts` for the rest) so tests replace them; the start dialog opens with `open()` (still
modal), so tests fill it in and click Start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QWidget,
)

from crisisdesk.domain.call_outcomes import Activation
from crisisdesk.domain.contacts import Contact
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import next_steps
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import reports as report_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.calling_trees.activations import ActivationView, Recorded
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session
from crisisdesk.ui.calling_trees.dialogs import StartDialog, StartRequest
from crisisdesk.ui.calling_trees.file_actions import FileActions
from crisisdesk.ui.calling_trees.my_calls import MyCallsView
from crisisdesk.ui.calling_trees.progress_view import ProgressView
from crisisdesk.ui.calling_trees.tree_editor import BIG_TREE, TreeEditor
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.contact_picker import ContactPicker
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

REFRESH_MS = 5000
PEOPLE_ROLE = Qt.ItemDataRole.UserRole + 1  # the tree combo's people count
PAPER = (("chart", "Tree &chart as PDF…", "Print tree c&hart…"),
         ("sheets", "Call &sheets as PDF (one per caller)…", "Print call sh&eets…"),
         ("cards", "&Wallet cards as PDF…", "Print wallet c&ards…"))


def activation_label(session: Session, act: Activation) -> str:
    """'Drill, started 2026-03-02 14:05 — closed' in the desk's time zone."""
    kind = "Drill" if act.is_drill else "Activation"
    state = "in progress" if act.is_open else "closed"
    return f"{kind}, started {show(session, act.started_at)} — {state}"


class CallingTreesPage(FileActions, Page):
    title = "Calling trees"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view_data: ActivationView | None = None
        self._generation = 0
        self.tree_combo = QComboBox(self)
        self.tree_combo.setAccessibleName("Calling tree")
        self.tree_combo.currentIndexChanged.connect(lambda _i: self._tree_chosen())
        self.activation_combo = QComboBox(self)
        self.activation_combo.setAccessibleName("Activation")
        self.activation_combo.currentIndexChanged.connect(lambda _i: self.load_activation())
        self.new_button = push_button(self, "&New tree…", self.new_tree)
        self.import_button = push_button(self, "&Import…", self.import_tree)
        self.export_button = push_button(self, "E&xport CSV…", self.export_csv)
        self.vcard_button = push_button(self, "v&Cards…", self.export_vcards)
        self.start_button = push_button(self, "S&tart activation…", self.start_activation)
        self.close_button = push_button(self, "Close activation", self.close_activation)
        self.report_button = push_button(self, "Report PDF…", self.save_report)
        self.print_report_button = push_button(self, "Print rep&ort…", self.preview_report)
        self.paper_button = QPushButton("&Paper", self)
        menu = QMenu(self.paper_button)
        self.paper_actions = [menu.addAction(pdf) for _what, pdf, _print in PAPER]
        menu.addSeparator()
        self.print_actions = [menu.addAction(label) for _what, _pdf, label in PAPER]
        for what, pdf_action, print_action in zip((w for w, _p, _l in PAPER),
                                                   self.paper_actions, self.print_actions,
                                                   strict=True):
            pdf_action.triggered.connect(lambda _c=False, w=what: self.save_paper(w))
            print_action.triggered.connect(lambda _c=False, w=what: self.preview_paper(w))
        self.paper_button.setMenu(menu)
        self.tree_combo.setMinimumWidth(280)
        self.editor = TreeEditor(ctx, self.pick_contact, self)
        self.editor.changed.connect(self.ctx.state.notify_changed)
        self.my_calls = MyCallsView(ctx, self)
        self.my_calls.recorded.connect(self._recorded)
        self.progress = ProgressView(self)
        self.progress.undo_button.clicked.connect(self.undo_reassignment)
        self.progress.notice.seen_button.clicked.connect(self.mark_changes_seen)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.editor, "&Tree")
        self.tabs.addTab(self.my_calls, "&My calls")
        self.tabs.addTab(self.progress, "&Progress")
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_activation)
        row1 = hbox(QLabel("Tree:", self), (self.tree_combo, 1), self.new_button,
                    self.import_button, self.export_button, self.vcard_button, self.paper_button)
        row2 = hbox(QLabel("Activation:", self), (self.activation_combo, 1), self.start_button,
                    self.close_button, self.report_button, self.print_report_button)
        vbox(self, row1, row2, (self.tabs, 1), margins=4)

    # -- seams for modal questions ----------------------------------------------------------
    def pick_contact(self, title: str) -> Contact | None:
        session = self.ctx.session
        picker = ContactPicker(
            lambda text: contact_service.search_contacts(session, text, limit=100), title, self)
        return picker.chosen() if picker.exec() else None

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = self.tree_combo.currentData()
        self.tree_combo.blockSignals(True)
        self.tree_combo.clear()
        for summary in tree_service.list_trees(self.ctx.session):
            self.tree_combo.addItem(f"{summary.tree.name} ({summary.people} people, "
                                    f"v{summary.tree.version})", summary.tree.id)
            self.tree_combo.setItemData(self.tree_combo.count() - 1, summary.people,
                                        PEOPLE_ROLE)
        found = self.tree_combo.findData(chosen)
        self.tree_combo.setCurrentIndex(found if found >= 0 else 0)
        self.tree_combo.blockSignals(False)
        self._tree_chosen()

    def next_step(self) -> NextStepHook:
        step = next_steps.calling_trees(self.ctx.session)
        return (step, self.new_tree) if step else None

    def clear(self) -> None:
        self._generation += 1
        self.timer.stop()
        self.tree_combo.clear()
        self.activation_combo.clear()
        self.editor.show_tree(None)
        self.my_calls.load(None)
        self.progress.apply_view(None)
        self.view_data = None
        self._stale = True

    def tree_id(self) -> str | None:
        data = self.tree_combo.currentData()
        return str(data) if data else None

    def activation_id(self) -> str | None:
        data = self.activation_combo.currentData()
        return str(data) if data else None

    def _tree_chosen(self) -> None:
        tree_id = self.tree_id()
        self.editor.load(tree_id, self.tree_people())
        chosen = self.activation_combo.currentData()
        self.activation_combo.blockSignals(True)
        self.activation_combo.clear()
        if tree_id is not None:
            for act in activation_service.list_activations(self.ctx.session, tree_id):
                self.activation_combo.addItem(activation_label(self.ctx.session, act), act.id)
        found = self.activation_combo.findData(chosen)
        self.activation_combo.setCurrentIndex(found if found >= 0 else 0)
        self.activation_combo.blockSignals(False)
        for button in (self.export_button, self.vcard_button, self.start_button,
                       self.paper_button):
            button.setEnabled(tree_id is not None)
        self.load_activation()

    def load_activation(self) -> None:
        """Show the chosen activation: at once for a small tree, from a worker for a big one
        (reading 5,000 people and their flags takes longer than a GUI thread may block)."""
        act_id = self.activation_id()
        if act_id is None or self.tree_people() <= BIG_TREE:
            view = activation_service.view(self.ctx.session, act_id) if act_id else None
            self._apply(view, reload_queue=True)
            return
        self._view_in_worker(act_id, "load activation", reload_queue=True)

    def _view_in_worker(self, act_id: str, name: str, *, reload_queue: bool) -> None:
        """Read `act_id`'s view in a worker; only the newest request's answer is shown, and
        only while that activation is still the chosen one."""
        self._generation += 1
        generation = self._generation

        def work(session: Session, **_: Any) -> ActivationView:
            return activation_service.view(session, act_id)

        def show(view: ActivationView) -> None:
            if generation == self._generation and view.activation.id == self.activation_id():
                self._apply(view, reload_queue=reload_queue)

        job = Job(in_thread_session(self.ctx.session, work), name=name)
        job.finished.connect(show)
        job.failed.connect(self.ctx.show_error)
        self.ctx.runner.start(job)

    def tree_people(self) -> int:
        """The chosen tree's size as listed (the editor may still be reading a big one)."""
        people = self.tree_combo.currentData(PEOPLE_ROLE)
        return int(people) if people is not None else 0

    def _apply(self, view: ActivationView | None, *, reload_queue: bool) -> None:
        old = self.view_data
        self.view_data = view
        moved = (old is None or view is None or old.activation.id != view.activation.id
                 or old.progress.callers != view.progress.callers)
        if reload_queue or moved:
            self.my_calls.load(view)
        elif view is not None:
            self.my_calls.model.set_states(view.states, view.progress.callers)
        self.progress.label = self.activation_combo.currentText()
        self.progress.apply_view(view)
        is_open = view is not None and view.activation.is_open
        self.close_button.setEnabled(is_open)
        self.report_button.setEnabled(view is not None)
        self.print_report_button.setEnabled(view is not None)
        if is_open:
            self.timer.start()
        else:
            self.timer.stop()

    def refresh_activation(self) -> None:
        """Background refresh of flags, branches and elapsed time (and other laptops' calls)."""
        act_id = self.activation_id()
        if not act_id or not self.ctx.state.unlocked or not self.isVisible():
            return
        self._view_in_worker(act_id, "activation progress", reload_queue=False)

    def _recorded(self, rec: Recorded) -> None:
        self.progress.apply_recorded(rec)
        if rec.reassigned:
            self.load_activation()
        self.ctx.messages.show_info(f"{rec.person.name}: {rec.attempt.outcome.label}. "
                                    f"{rec.counts.reached} of {rec.counts.total} reached.")

    # -- actions ----------------------------------------------------------------------------
    def _try(self, work: Any, message: str) -> Any:
        with user_errors(self.ctx.messages):
            result = work()
            self.ctx.messages.show_info(message)
            self.ctx.state.notify_changed()
            return result

    def new_tree(self) -> None:
        name = self.ctx.prompts.ask_text(self, "New calling tree", "Name of the tree:")
        if name is None:
            return
        self._add_tree(lambda: tree_service.create_tree(self.ctx.session, name),
                       f"Created calling tree {name.strip()}.")

    def start_activation(self) -> None:
        tree_id = self.tree_id()
        if tree_id is None:
            return
        hotline = str(settings_service.get(self.ctx.session, "staff_hotline") or "")
        dialog = StartDialog(self.tree_combo.currentText(), hotline,
                             lambda r: self._check_start(tree_id, r), self._confirm_again, self)
        dialog.submitted.connect(lambda request: self._start(tree_id, request))
        self.start_dialog = dialog
        dialog.open()

    def _check_start(self, tree_id: str, request: StartRequest) -> object:
        return activation_service.check_start(
            self.ctx.session, tree_id, message=request.message, action=request.action,
            report_back_to=request.report_back_to, drill=request.drill, also=request.also)

    def _confirm_again(self, reason: str) -> bool:
        return self.ctx.prompts.confirm(self, "Start a second activation?", reason,
                                        ok_label="Start a second activation")

    def _start(self, tree_id: str, request: StartRequest) -> None:
        values = {"staff_hotline": request.staff_hotline} if request.staff_hotline else {}

        def work(session: Session, **kw: Any) -> Activation:
            return activation_service.start_activation(
                session, tree_id, message=request.message, action=request.action,
                report_back_to=request.report_back_to, drill=request.drill, also=request.also,
                values=values, progress_cb=kw.get("progress"), is_cancelled=kw.get("is_cancelled"))

        if self.tree_people() <= BIG_TREE:
            act = self._try(lambda: work(self.ctx.session), "Started the calling tree; "
                            "record each call in My calls.")
            if act is not None:
                self._started(act)
            return
        job = Job(in_thread_session(self.ctx.session, work), name="start activation")
        job.finished.connect(self._started)
        job.failed.connect(self.ctx.show_error)
        self.start_job = job
        run_with_progress(self.ctx.runner, job, self, title="Start calling tree",
                          label="Freezing the tree and filling in the script…")

    def _started(self, act: Activation) -> None:
        self.ctx.messages.show_info("Started the calling tree; record each call in My calls.")
        self.ctx.state.notify_changed()
        self._tree_chosen()
        self.activation_combo.setCurrentIndex(self.activation_combo.findData(act.id))
        self.tabs.setCurrentWidget(self.my_calls)

    def close_activation(self) -> None:
        act_id = self.activation_id()
        if act_id is None or not self.ctx.prompts.confirm(
                self, "Close activation", "Close this activation? No more calls can be "
                "recorded; its report is kept in the desk.", ok_label="Close"):
            return
        summary = self._try(lambda: report_service.close_activation(self.ctx.session, act_id),
                            "Closed the activation.")
        if summary is not None:
            self._tree_chosen()

    def mark_changes_seen(self) -> None:
        act_id = self.activation_id()
        if act_id is None:
            return
        if self._try(lambda: activation_service.mark_tree_changes_seen(self.ctx.session, act_id),
                     "Calling-tree changes marked as seen on this laptop.") is not None:
            self.load_activation()

    def undo_reassignment(self) -> None:
        moved = self.progress.selected_reassignment()
        act_id = self.activation_id()
        if moved is None or act_id is None:
            return
        if self._try(lambda: activation_service.undo_reassignment(
                self.ctx.session, act_id, moved.contact_id), "Reassignment undone.") is not None:
            self.load_activation()


__all__ = ["CallingTreesPage"]
