"""The Roles page: who holds which HICS role in each operational period, and changing that.

The table is the roster of the chosen period; below it the selected role's line-up, with the
acting holder marked, and the actions on one person: acknowledged, unavailable (the next backup
becomes acting, visibly and in the timeline), available again. Assigning opens `AssignDialog`;
ending the period asks for the handover note. Earlier periods are shown read-only with their
handover note. Before anyone is assigned, "Start period…" sets when period 1 began and how long
it runs. Beside the line-up, the role card shows the selected role's description and its first
actions (what a person taking the role reads first); it prints on its own, and admins edit,
add and remove roles of the catalogue from there. Every action is one call into
`services.roles`; the rules (who acts, what a valid line-up is, which roles cannot be removed)
are the service's. The org chart and the role card print as a PDF in a worker, or through the
print preview.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.roles import OperationalPeriod, RoleStatus, Slot
from crisisdesk.printing import crisis_reports
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import next_steps, periods_set_aside, role_warnings
from crisisdesk.services import roles as role_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.roles import Roster
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.printouts import print_preview, save_pdf
from crisisdesk.ui.roles.assign_dialog import AssignDialog
from crisisdesk.ui.roles.card_panel import RoleCardPanel
from crisisdesk.ui.roles.model import HEADERS, RosterModel, acknowledged_text, slot_name
from crisisdesk.ui.roles.period_dialog import PeriodDialog
from crisisdesk.ui.roles.warnings_label import WarningsLabel
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import buddy_label
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, time_formatter
from crisisdesk.ui.widgets.tables import Resize, standard_table
from crisisdesk.ui.workers import Job


class RolesPage(Page):
    title = "Roles"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.roster: Roster | None = None
        self.viewing: int | None = None  # None: the current period
        self.dialog: AssignDialog | PeriodDialog | None = None
        self.last_job: Job | None = None

        self.period_combo = QComboBox(self)
        self.period_combo.setAccessibleName("Operational period")
        self.period_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_combo.activated.connect(self._period_chosen)
        self.period_label = QLabel(self)
        self.period_label.setWordWrap(True)
        self.assign_button = push_button(self, "&Assign…", self.assign_selected)
        self.end_button = push_button(self, "&End period…", self.end_period,
                                      "Close this operational period with a handover note and "
                                      "start the next")
        self.start_button = QPushButton("&Start period…", self)
        self.start_button.setToolTip("Choose when operational period 1 starts and how long it "
                                     "runs (otherwise the first assignment starts a 12-hour "
                                     "period)")
        self.start_button.clicked.connect(self.start_period)
        self.pdf_button = QPushButton("Org chart &PDF…", self)
        self.pdf_button.setToolTip("Save the roster as a HICS 207-style org chart (PDF)")
        self.pdf_button.clicked.connect(self.print_pdf)
        self.print_button = QPushButton("Pr&int…", self)
        self.print_button.setToolTip("Print the org chart (Ctrl+P)")
        self.print_button.clicked.connect(self.print_chart)

        self.warnings = WarningsLabel(self)
        # Periods set aside: two laptops of the team started the same period.
        self.set_aside_label = QLabel(self)
        self.set_aside_label.setWordWrap(True)
        self.set_aside_label.setAccessibleName("Periods set aside")
        self.set_aside_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_aside_label.hide()
        self.model = RosterModel(self)
        self.table = standard_table(self, "Role roster", self.model, resize=Resize.Interactive,
                                    widths=(210, 220, 120, 160, 280))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.table.doubleClicked.connect(lambda _i: self.assign_selected())

        self.role_label = QLabel(self)
        self.role_label.setWordWrap(True)
        self.role_label.setTextFormat(Qt.TextFormat.PlainText)
        self.lineup = QListWidget(self)
        self.lineup.setAccessibleName("Line-up of the selected role")
        self.lineup.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.ack_button = push_button(self, "Ac&knowledged", self.acknowledge,
                                      "Record that this person acknowledged the role")
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText("Reason (optional), e.g. off shift, unreachable")
        self.reason_edit.setAccessibleName("Reason unavailable")
        self.unavailable_button = push_button(self, "Mark &unavailable", self.mark_unavailable,
                                              "The next available backup becomes the acting holder")
        self.available_button = push_button(self, "Mark a&vailable", self.mark_available)

        top = QHBoxLayout()
        top.addWidget(buddy_label("Operational &period:", self, self.period_combo))
        top.addWidget(self.period_combo)
        top.addWidget(self.period_label, 1)
        for button in (self.assign_button, self.start_button, self.end_button, self.pdf_button,
                       self.print_button):
            top.addWidget(button)
        detail = QWidget(self)
        actions = QHBoxLayout()
        actions.addWidget(self.ack_button)
        actions.addWidget(self.reason_edit, 1)
        actions.addWidget(self.unavailable_button)
        actions.addWidget(self.available_button)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.role_label)
        detail_layout.addWidget(self.lineup, 1)
        detail_layout.addLayout(actions)
        self.card = RoleCardPanel(ctx, self)
        self.card.changed.connect(self._catalogue_changed)
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(detail)
        lower.addWidget(self.card)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setSizes([1, 1])
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.warnings)
        layout.addWidget(self.set_aside_label)
        layout.addWidget(splitter, 1)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.print_chart)
        self._update_buttons()

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        current = role_service.current_period(session)
        latest = current.number if current else 0
        if self.viewing is not None and not 1 <= self.viewing < latest:
            self.viewing = None
        self.roster = role_service.roster(session, self.viewing)
        self.model.show = time_formatter(zone(session))
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for number in range(latest, 0, -1):
            self.period_combo.addItem(f"#{number}" + (" (current)" if number == latest else ""),
                                      number)
        if not latest:
            self.period_combo.addItem("none yet", 0)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(
            self.viewing or latest)))
        self.period_combo.blockSignals(False)
        self.period_label.setText(self._period_text())
        self.model.set_rows(self.roster.statuses)
        self.warnings.show_warnings(role_warnings.warnings(session) if self.viewing is None
                                    else [])
        aside = periods_set_aside.set_aside_periods(session)
        self.set_aside_label.setText("\n".join(line for x in aside for line in x.lines()))
        self.set_aside_label.setVisible(bool(aside))
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        self._show_detail()

    def next_step(self) -> NextStepHook:
        step = next_steps.roles(self.ctx.session)
        return (step, self.start_period) if step else None

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.card.close_dialog()
        self.card.show_status(None, None)
        self.roster = None
        self.model.set_rows([])
        self.lineup.clear()
        self.role_label.clear()
        self.period_label.clear()
        self.period_combo.clear()
        self.reason_edit.clear()
        self.warnings.show_warnings([])
        self.set_aside_label.clear()
        self.set_aside_label.hide()
        self._stale = True

    def _period_text(self) -> str:
        period = self.roster.period if self.roster else None
        if period is None:
            return ("No period yet: the first assignment starts a 12-hour period 1 at once; "
                    "Start period… chooses its start and length.")
        show = self.model.show
        text = f"{show(period.starts_at)} to {show(period.ended_at or period.ends_at)}"
        if period.ended_at:
            text += f" · ended by {period.ended_by}. Handover: {period.handover_note}"
        return text

    def _period_chosen(self, _index: int) -> None:
        number = self.period_combo.currentData()
        latest = self.period_combo.itemData(0)
        self.viewing = None if number in (latest, 0) else int(number)
        self.reload()

    @property
    def read_only(self) -> bool:
        return self.viewing is not None

    # -- selection --------------------------------------------------------------------------
    def selected_status(self) -> RoleStatus | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        found = self.model.data(self.model.index(index.row(), 0), OBJECT_ROLE)
        return found if isinstance(found, RoleStatus) else None

    def select_role(self, role_key: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).role.key == role_key:
                self.table.selectRow(row)
                return

    def selected_slot(self) -> Slot | None:
        item = self.lineup.currentItem()
        slot = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return slot if isinstance(slot, Slot) else None

    def select_person(self, name: str) -> None:
        for row in range(self.lineup.count()):
            slot = self.lineup.item(row).data(Qt.ItemDataRole.UserRole)
            if isinstance(slot, Slot) and slot.person.name == name:
                self.lineup.setCurrentRow(row)
                return

    def _show_detail(self) -> None:
        status = self.selected_status()
        keep = self.selected_slot()
        self.lineup.clear()
        self.card.show_status(status, self.viewing)
        if status is None:
            self.role_label.clear()
            self._update_buttons()
            return
        self.role_label.setText(f"Line-up for {status.role.title}"
                                + (f" ({status.role.short})"
                                   if status.role.short != status.role.title else "")
                                + ", acting holder marked:")
        acting_rank = status.acting.slot.rank if status.acting else -1
        for slot in status.slots:
            phone = f" · {slot.person.phone}" if slot.person.phone else ""
            ack = acknowledged_text(slot, self.model.show)
            text = f"{slot.label.capitalize()}: {slot_name(slot)}{phone} · acknowledged: {ack}"
            if slot.rank == acting_rank:
                text = "▶ ACTING NOW — " + text
            if slot.unavailable_reason:
                text += f" · unavailable: {slot.unavailable_reason}"
            item = QListWidgetItem(text)
            item.setToolTip(text)  # the whole line when the list is narrower than it
            item.setData(Qt.ItemDataRole.UserRole, slot)
            if slot.rank == acting_rank:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.lineup.addItem(item)
        if not status.slots:
            self.lineup.addItem("Nobody is assigned. Use Assign… to choose a primary and backups.")
        rows = [i for i, s in enumerate(status.slots)
                if keep is not None and s.person.contact_id == keep.person.contact_id]
        self.lineup.setCurrentRow(rows[0] if rows else (acting_rank if acting_rank >= 0 else 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        slot = self.selected_slot()
        editable = self.ctx.state.unlocked and not self.read_only
        self.assign_button.setEnabled(editable and self.selected_status() is not None)
        running = self.roster is not None and self.roster.period is not None
        self.end_button.setEnabled(editable and running)
        self.end_button.setVisible(running or self.read_only)
        self.start_button.setVisible(not running and not self.read_only)
        self.start_button.setEnabled(editable and self.roster is not None and not running)
        self.card.update_buttons()
        self.ack_button.setEnabled(editable and slot is not None and slot.available)
        self.unavailable_button.setEnabled(editable and slot is not None and slot.available)
        self.reason_edit.setEnabled(editable and slot is not None and slot.available)
        self.available_button.setEnabled(editable and slot is not None
                                         and not slot.available and not slot.person.missing)

    # -- actions ----------------------------------------------------------------------------
    def _done(self, message: str, role_key: str | None = None) -> None:
        self.ctx.messages.show_info(message)
        self.ctx.state.notify_changed()
        if role_key:
            self.select_role(role_key)

    def assign_selected(self) -> None:
        status = self.selected_status()
        if status is None or self.read_only:
            return
        role = status.role

        def search(text: str) -> list[Contact]:
            if not text:
                return contact_service.list_contacts(self.ctx.session)[:200]
            return contact_service.search_contacts(self.ctx.session, text, limit=50)

        def save(primary: str, backups: list[str]) -> RoleStatus:
            return role_service.assign_role(self.ctx.session, role.key, primary, backups)

        dialog = AssignDialog(role, status, search, save, self)
        dialog.saved.connect(lambda s: self._done(f"{s.describe()}.", s.role.key))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _person_action(self, verb: str) -> None:
        status, slot = self.selected_status(), self.selected_slot()
        if status is None or slot is None or self.read_only:
            return
        session, who = self.ctx.session, slot.person.contact_id
        with user_errors(self.ctx.messages):
            if verb == "ack":
                result = [role_service.acknowledge(session, status.role.key, who)]
                message = f"{slot.person.name} acknowledged {status.role.short}."
            elif verb == "unavailable":
                result = role_service.mark_unavailable(session, who, role_key=status.role.key,
                                                       reason=self.reason_edit.text())
                message = f"{slot.person.name} marked unavailable. {result[0].describe()}."
            else:
                result = role_service.mark_available(session, who, role_key=status.role.key)
                message = f"{slot.person.name} is available again. {result[0].describe()}."
            self.reason_edit.clear()
            self._done(message, status.role.key)
            self.select_person(slot.person.name)

    def acknowledge(self) -> None:
        self._person_action("ack")

    def mark_unavailable(self) -> None:
        self._person_action("unavailable")

    def mark_available(self) -> None:
        self._person_action("available")

    def _catalogue_changed(self, message: str, role_key: str) -> None:
        self._done(message, role_key or None)

    def start_period(self) -> None:
        if self.read_only or (self.roster is not None and self.roster.period is not None):
            return
        session = self.ctx.session

        def start(starts_at: dt.datetime, hours: float) -> OperationalPeriod:
            return role_service.start_period(session, hours=hours,
                                             starts_at=starts_at.isoformat())

        dialog = PeriodDialog.first(session.now(), zone(session), start, self)
        dialog.submitted.connect(lambda p: self._done(
            f"Operational period 1 started: {self.model.show(p.starts_at)} to "
            f"{self.model.show(p.ends_at)}."))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def end_period(self) -> None:
        period = self.roster.period if self.roster else None
        if period is None or self.read_only:
            return

        def end(note: str, hours: float) -> OperationalPeriod:
            return role_service.end_period(self.ctx.session, note, next_hours=hours)

        dialog = PeriodDialog.handover(period, end, self)
        dialog.submitted.connect(lambda p: self._done(
            f"Operational period {p.number - 1} ended; period {p.number} has started."))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _chart(self, session: Session) -> str:
        return crisis_reports.org_chart(session, self.viewing)

    def print_pdf(self) -> None:
        number = self.viewing or (self.roster.period.number if self.roster and
                                  self.roster.period else 1)
        self.last_job = save_pdf(self.ctx, self, self._chart, title="Org chart",
                                 suggested=f"org-chart-period-{number}.pdf",
                                 button=self.pdf_button)

    def print_chart(self) -> None:
        print_preview(self.ctx, self, self._chart, title="Org chart")


__all__ = ["HEADERS", "RolesPage"]
