"""The Deadlines tab: every notification obligation of the current incident, and marking done.

The obligations (due dates, law-enforcement delays, advisories) are computed by
`services.clocks.deadlines`; this view only shows them, colours the days left, and passes a
"done" (date and reference, e.g. the HHS portal id) to `mark_done`. The rules file's "last
reviewed" date and its "verify with counsel" note are always on screen, because the dates come
from reference data, not legal advice; a rule that failed to parse is named in red.

The organisation's profile flags (from the rules file's `[flags]`, e.g. "a California-licensed
health facility") are checkboxes above the table: a rule that `requires` a flag runs as a clock
only when it is set, else it is shown as an advisory. Changing one is `set_profile_flag` (admins)
and the obligations are computed again. A "done" can carry a free-text note, shown in the row's
tooltip.

The dates follow the rule versions in force on the incident's discovery date; the versions that
are not (superseded, or begun later) are listed under the table so nobody applies them. A clock
the source is less sure of (a state deadline that binds a HIPAA entity) keeps its date and shows
"verify with counsel" beside it. A law-enforcement delay is shown with the clocks it moved and
the ones whose law has no delay provision. Reminders to the team (counts unknown, media notice
may be due) are rows too, but cannot be marked done: they clear when the counts are recorded.
So are the substitute notice plan's reminders (`services.substitute_notice`: keep the web
posting up, keep the toll-free line open, nothing recorded yet), each with the day it concerns
as its due date (the ones with no day of their own are due with the substitute notice); they
follow the plan kept on the Regulators page, and a posting whose 90 days are over shows done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.clocks import PROMPT_AUDIENCE, Completion, Obligation, Rule
from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY
from crisisdesk.domain.operators import Role
from crisisdesk.domain.substitute_plan import Reminder
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services.clocks import DeadlineReport
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import ERROR_STYLE, pydate, qdate
from crisisdesk.ui.widgets.layouts import vbox
from crisisdesk.ui.widgets.table_model import OBJECT_ROLE, RowTableModel, SortProxy
from crisisdesk.ui.widgets.tables import selected_object, standard_table

DUE, LEFT, NOTICE, BASIS, DONE = range(5)
HEADERS = ("Due", "Days left", "Notice", "How the date was reached", "Done")

# Background per state / nearness: red overdue, orange within a week, amber within two.
OVERDUE = QColor("#f4b4b4")
SOON = QColor("#ffd08a")
NEAR = QColor("#fff0b3")
CALM = QColor("#dff3e3")
DONE_BG = QColor("#e8e8e8")
ADVISORY = QColor("#e3ecfa")


def days_left_text(obligation: Obligation, today: dt.date) -> str:
    state = obligation.state(today)
    if state == "done" and obligation.done is not None:
        return "done"
    if state == "advisory":
        return "check with counsel"
    left = obligation.days_left(today)
    verify = " · verify" if obligation.caution else ""  # the counsel note stays by the date
    if left is None:
        return "no fixed date" + verify
    if left < 0:
        return f"OVERDUE by {-left} day{'s' if left != -1 else ''}{verify}"
    if left == 0:
        return "due TODAY" + verify
    return f"{left} day{'s' if left != 1 else ''} left{verify}"


def urgency_colour(obligation: Obligation, today: dt.date) -> QColor | None:
    state = obligation.state(today)
    if state == "done":
        return DONE_BG
    if state == "advisory":
        return ADVISORY
    left = obligation.days_left(today)
    if left is None:
        return None
    if left < 0:
        return OVERDUE
    if left <= 7:
        return SOON
    if left <= 14:
        return NEAR
    return CALM


class ObligationsModel(RowTableModel[Obligation]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = dt.date.today()
        self.in_team_conflict: frozenset[str] = frozenset()

    def key(self, row: Obligation) -> Hashable:
        return row.key

    def display(self, row: Obligation, column: int) -> str:
        if column == DUE:
            return row.due.isoformat() if row.due else "—"
        if column == LEFT:
            if row.key in self.in_team_conflict:  # in words, not only a colour
                return f"{days_left_text(row, self.today)}; {clock_service.TEAM_CONFLICT}"
            return days_left_text(row, self.today)
        if column == NOTICE:
            return row.title
        if column == BASIS:
            return ("; ".join(row.basis) + (f" — {row.advisory}" if row.advisory else "")
                    + (f" — verify: {row.caution}" if row.caution else ""))
        if column == DONE and row.done is not None:
            ref = f", ref {row.done.reference}" if row.done.reference else ""
            note = " · note (hover)" if row.done.note else ""
            return f"{row.done.done_on.isoformat()}{ref}{note}"
        return ""

    def sort_value(self, row: Obligation, column: int) -> Any:
        if column in (DUE, LEFT):
            return (row.due or dt.date.max).isoformat()
        return super().sort_value(row, column)

    def background(self, row: Obligation, column: int) -> QColor | None:
        return urgency_colour(row, self.today) if column in (DUE, LEFT) else None

    def foreground(self, row: Obligation, column: int) -> QColor | None:
        return QColor("#1b1b1b") if column in (DUE, LEFT) else None

    def bold(self, row: Obligation, column: int) -> bool:
        return column == LEFT and (row.state(self.today) in ("overdue", "due_today")
                                   or row.key in self.in_team_conflict)

    def tooltip(self, row: Obligation, column: int) -> str | None:
        rule = row.rule
        verify = f"Verify with counsel: {row.caution}" if row.caution else ""
        conflict = (f"Marked done and not done (or done differently) on two laptops at "
                    f"once: {clock_service.TEAM_CONFLICT}; until then it shows what it was "
                    "before both." if row.key in self.in_team_conflict else "")
        return "\n".join(x for x in (conflict, done_text(row), "; ".join(row.basis), row.advisory,
                                     verify, rule.citation, rule.timing, rule.note,
                                     f"Version in force: {rule.period()}") if x)


def done_text(row: Obligation) -> str:
    """'Done 2026-03-02 (ref HHS-1), recorded by alex. Note: ...' for the tooltip."""
    done = row.done
    if done is None:
        return ""
    ref = f" (ref {done.reference})" if done.reference else ""
    by = f", recorded by {done.recorded_by}" if done.recorded_by else ""
    note = f"\nNote: {done.note}" if done.note else ""
    return f"Done {done.done_on.isoformat()}{ref}{by}.{note}"


SUBSTITUTE_REMINDER_KEY = "substitute_plan"  # + ".N": one row per reminder
SUBSTITUTE_PLAN_NOTE = ("Follows the substitute notice plan: record the posting, the media "
                        "placements and the toll-free line on the Regulators page, Substitute "
                        "notice tab.")
COUNTS_NOTE = "A reminder clears itself once the counts are recorded (an estimate is fine)."


def is_plan_reminder(obligation: Obligation) -> bool:
    return obligation.key.startswith(f"{SUBSTITUTE_REMINDER_KEY}.")


def substitute_reminder_rows(reminders: tuple[Reminder, ...] | list[Reminder],
                             report: DeadlineReport) -> list[Obligation]:
    """The substitute notice plan's reminders as rows of the table: a reminder to the team
    (never marked done here), due on the day it names, else with the substitute notice; one
    whose day has passed without a warning (the posting's 90 days are over) shows done."""
    with_notice = next((o for o in report.obligations if o.key == SUBSTITUTE_OBLIGATION_KEY),
                       None)
    rows = []
    for n, reminder in enumerate(reminders, start=1):
        due = reminder.day or (with_notice.due if with_notice else None)
        over = (reminder.day is not None and reminder.day < report.today
                and not reminder.warning)
        basis = ("the day the plan names" if reminder.day
                 else "due with the substitute notice" if due else "no day recorded yet",
                 "45 CFR 164.404(d)(2)(ii): posting 90 days, toll-free line at least 90 days")
        rule = Rule(key=f"{SUBSTITUTE_REMINDER_KEY}.{n}", jurisdiction="US",
                    audience=PROMPT_AUDIENCE, title=reminder.text,
                    citation="45 CFR 164.404(d)(2)(ii)",
                    timing="web posting 90 days; toll-free line at least 90 days",
                    due=(), note=SUBSTITUTE_PLAN_NOTE)
        rows.append(Obligation(rule.key, rule, "US", 0, due, due, basis,
                               done=Completion(reminder.day, note="the 90 days are over")
                               if over and reminder.day else None))
    return rows


def not_in_force_text(report: DeadlineReport) -> str:
    """'Not in force for a breach discovered 2026-02-01 (not applied): California: ...'."""
    if not report.not_in_force:
        return ""
    items = "; ".join(f"{v.rule.title} ({v.rule.citation}): {v.reason}"
                      for v in report.not_in_force)
    return (f"Not in force for a breach discovered {report.incident.discovered_on.isoformat()} "
            f"(not applied): {items}.")


def flag_text(description: str) -> str:
    return description[:1].upper() + description[1:]


class DeadlinesView(QWidget):
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: DeadlineReport | None = None
        self.rules_label = QLabel(self)
        self.rules_label.setWordWrap(True)
        self.rules_label.setObjectName("verifyNote")
        self.rules_label.setStyleSheet("#verifyNote { background: #fff4d6; border: 1px solid "
                                       "#d9a520; border-radius: 3px; padding: 4px; "
                                       "color: #4a3500; }")
        self.problems_label = note_label(self, "Broken notification rules")
        self.problems_label.setStyleSheet(ERROR_STYLE)
        self.problems_label.hide()
        self.delay_label = note_label(self, "Law-enforcement delay and the clocks it moves")
        self.not_in_force_label = note_label(self, "Rules not in force for this discovery date")
        self.not_in_force_label.hide()
        self.flags_box = QGroupBox("Organisation profile (which conditional rules run as "
                                   "clocks)", self)
        self.flags_layout = QVBoxLayout(self.flags_box)
        self.flags_layout.setContentsMargins(6, 2, 6, 2)
        self.flag_boxes: dict[str, QCheckBox] = {}
        self._shows_done = False
        self.flags_box.hide()
        self.model = ObligationsModel(self)
        self.proxy = SortProxy(self.model, self)
        self.table = standard_table(self, "Notification obligations", self.proxy,
                                    sort=(DUE, Qt.SortOrder.AscendingOrder),
                                    widths=(90, 190, 330, 330))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selected())
        self.done_date = QDateEdit(self)
        self.done_date.setCalendarPopup(True)
        self.done_date.setDisplayFormat("yyyy-MM-dd")
        self.done_date.setAccessibleName("Date the notice went out")
        self.reference_edit = line_edit(self, "Reference",
                                        "Reference: portal id, mailing batch, letter no.")
        self.note_edit = line_edit(self, "Note", "Note (optional): how it was sent, who signed, "
                                                 "what is still to follow")
        self.done_button = push_button(self, "Mark &done", self.mark_done)
        self.undone_button = push_button(self, "Mark &not done", self.mark_not_done)
        row = QGridLayout()
        row.addWidget(QLabel("Sent on:", self), 0, 0)
        row.addWidget(self.done_date, 0, 1)
        row.addWidget(self.reference_edit, 0, 2)
        row.addWidget(self.done_button, 0, 3)
        row.addWidget(QLabel("Note:", self), 1, 0)
        row.addWidget(self.note_edit, 1, 1, 1, 2)
        row.addWidget(self.undone_button, 1, 3)
        row.setColumnStretch(2, 1)
        vbox(self, self.rules_label, self.problems_label, self.delay_label, self.flags_box,
               (self.table, 1), self.not_in_force_label, row, margins=4)
        self._selected()

    def show_report(self, report: DeadlineReport | None) -> None:
        self.report = report
        rules = report.rules if report else clock_service.load_rules(self.ctx.session)
        reviewed = rules.last_reviewed.isoformat() if rules.last_reviewed else "unknown"
        self.rules_label.setText(f"⚖ {rules.verify_note} Rules last reviewed: {reviewed}.")
        self.problems_label.setText("Broken rules (skipped until fixed): "
                                    + "; ".join(rules.problems) if rules.problems else "")
        self.problems_label.setVisible(bool(rules.problems))
        delay = report.incident.delay if report else None
        lines = report.delay_lines if report else []
        self.delay_label.setText(
            f"Law-enforcement delay: {delay.describe()}."
            + "".join(f"\n• {line}" for line in lines) if delay else "")
        self.delay_label.setVisible(delay is not None)
        self.not_in_force_label.setText(not_in_force_text(report) if report else "")
        self.not_in_force_label.setVisible(bool(report and report.not_in_force))
        self._show_flags(rules.flags)
        self.model.in_team_conflict = report.in_team_conflict if report else frozenset()
        if report is not None:
            self.model.today = report.today
            self.done_date.setMaximumDate(qdate(report.today))
            self.done_date.setMinimumDate(QDate(2000, 1, 1))
            if self.selected() is None:
                self.done_date.setDate(qdate(report.today))
        self.model.set_rows([*report.obligations, *self._plan_reminders(report)] if report
                            else [])
        self._selected()

    def _plan_reminders(self, report: DeadlineReport) -> list[Obligation]:
        status = substitute_service.status(self.ctx.session, report.incident.id)
        return substitute_reminder_rows(status.reminders, report)

    def _show_flags(self, flags: Mapping[str, str]) -> None:
        session = self.ctx.state.current
        on = clock_service.profile_flags(session) if session is not None else frozenset()
        admin = session is not None and session.operator.role is Role.ADMIN
        if list(self.flag_boxes) != list(flags):
            for box in self.flag_boxes.values():
                box.deleteLater()
            self.flag_boxes = {}
            for flag, description in flags.items():
                box = QCheckBox(flag_text(description), self.flags_box)
                box.setAccessibleName(f"Profile flag {flag}")
                box.toggled.connect(lambda checked, f=flag: self.set_flag(f, checked))
                self.flags_layout.addWidget(box)
                self.flag_boxes[flag] = box
        for flag, box in self.flag_boxes.items():
            box.blockSignals(True)
            box.setChecked(flag in on)
            box.blockSignals(False)
            box.setEnabled(admin)
            box.setToolTip(f"{flag}: rules that require it run as clocks when checked, and "
                           "are shown for checking with counsel otherwise."
                           + ("" if admin else "\nOnly an admin can change the profile."))
        self.flags_box.setVisible(bool(flags))

    def set_flag(self, flag: str, on: bool) -> None:
        with user_errors(self.ctx.messages) as change:
            clock_service.set_profile_flag(self.ctx.session, flag, on)
        if change.failed:
            box = self.flag_boxes.get(flag)
            if box is not None:
                box.blockSignals(True)
                box.setChecked(not on)
                box.blockSignals(False)
            return
        self.ctx.messages.show_info(f"{'Set' if on else 'Cleared'}: "
                                    f"{self.flag_boxes[flag].text()}. Deadlines recomputed.")
        self.changed.emit()

    def selected(self) -> Obligation | None:
        return selected_object(self.table, Obligation)

    def select(self, key: str) -> None:
        for row in range(self.proxy.rowCount()):
            found = self.proxy.index(row, 0).data(OBJECT_ROLE)
            if isinstance(found, Obligation) and found.key == key:
                self.table.selectRow(row)
                return

    def _selected(self) -> None:
        obligation = self.selected()
        self.done_button.setEnabled(obligation is not None and obligation.done is None
                                    and not obligation.is_prompt)
        self.done_button.setToolTip(
            "" if obligation is None or not obligation.is_prompt
            else SUBSTITUTE_PLAN_NOTE if is_plan_reminder(obligation) else COUNTS_NOTE)
        self.undone_button.setEnabled(obligation is not None and obligation.done is not None
                                      and not obligation.is_prompt)
        if obligation is not None and obligation.done is not None:
            self.reference_edit.setText(obligation.done.reference)
            self.note_edit.setText(obligation.done.note)
            self._shows_done = True
        elif self._shows_done:  # a recorded reference must not slip into the next "done"
            self.reference_edit.clear()
            self.note_edit.clear()
            self._shows_done = False

    def mark_done(self) -> None:
        obligation = self.selected()
        if obligation is None or self.report is None:
            return
        with user_errors(self.ctx.messages):
            clock_service.mark_done(self.ctx.session, obligation.key,
                                    pydate(self.done_date.date()),
                                    reference=self.reference_edit.text(),
                                    note=self.note_edit.text(),
                                    incident_ref=self.report.incident.id)
            self.reference_edit.clear()
            self.note_edit.clear()
            self.ctx.messages.show_info(f"{obligation.title}: marked done.")
            self.changed.emit()
            self.select(obligation.key)

    def mark_not_done(self) -> None:
        obligation = self.selected()
        if obligation is None or self.report is None:
            return
        if not self.ctx.prompts.confirm(self, "Mark not done",
                                        f"Mark “{obligation.title}” as not done? The record "
                                        "of when it was sent is removed (the timeline keeps "
                                        "a note).", ok_label="Mark not done", destructive=True):
            return
        with user_errors(self.ctx.messages):
            clock_service.mark_not_done(self.ctx.session, obligation.key,
                                        incident_ref=self.report.incident.id)
            self.ctx.messages.show_info(f"{obligation.title}: marked not done.")
            self.changed.emit()
            self.select(obligation.key)
