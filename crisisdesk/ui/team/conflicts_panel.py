"""The Team page's conflicts inbox: fields two laptops changed without seeing each other's change.

Why it is a panel of its own: a conflict is never settled silently, so a coordinator must see,
for each one, whose contact and which field, the value the desk shows meanwhile, and every
competing value with the laptop, operator and time it came from, then pick one ("Keep this
one") or type the right value. Each competing value is one row, the rows of one conflict
together (the contact, field and kept value on its first row only, so the competing values
read as a group). The list is read by the Team page's status load (in the worker); resolving
runs in the worker too, since the service reads the replication document, and then the
desk-changed signal reloads the page (status and list). A typed value is checked by the
service: a bad one puts its one-line error on the message bar and changes nothing. A loop of
calling-tree moves lists each move as a competing value: keeping one keeps its laptop's moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QGroupBox, QHeaderView, QWidget

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.formatting import count_of
from crisisdesk.services import team_conflicts, team_typed_values
from crisisdesk.services.session import Session
from crisisdesk.services.team_conflicts import Candidate, Conflict
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.widgets.table_model import time_formatter
from crisisdesk.ui.widgets.tables import fit_table, read_only_table, text_item
from crisisdesk.ui.workers import Job, in_thread_session

TITLE = "Conflicts to settle"
HEADERS = ("Record", "Field", "Shown meanwhile", "Laptop", "Operator", "When", "Value")
PHONES_HINT = "phones as 'mobile=312 555 0101; desk=312 555 0102'"


def field_words(field: str) -> str:
    return team_conflicts.field_words(field)


def who(conflict: Conflict) -> str:
    """The record's name here (a contact's alone, others after what they are: 'calling tree:
    All staff'); a laptop may hold a conflict about a record it lacks."""
    noun = team_conflicts.entity_noun(conflict.entity)
    if not conflict.label:
        return f"a {noun} not on this desk ({conflict.entity_id[:8]})"
    return conflict.label if conflict.entity == "contact" else f"{noun}: {conflict.label}"


class ConflictsPanel(QGroupBox):
    """One row per competing value. A resolution tells the desk it changed, which reloads
    the Team page (status and this list, in its worker) and every page showing the contact."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.ctx = ctx
        self.conflicts: list[Conflict] = []
        self.picks: list[tuple[Conflict, Candidate]] = []  # one per table row
        self.last_job: Job | None = None
        self.table = read_only_table(self, "Conflicts to settle", HEADERS)
        # Every column within the width, long values wrapped: the competing values are what
        # the coordinator compares, so they are never pushed off to the right.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(True)
        self.keep_button = push_button(
            self, "&Keep this one", self.keep_selected,
            "Settle the conflict with the selected laptop's value, on every laptop")
        self.type_button = push_button(
            self, "&Type a value…", self.type_value,
            "Settle the selected conflict with a value you type (checked like its form: a "
            "contact's field, the incident's or a team-wide setting)")
        vbox(self, self.table, hbox(self.keep_button, self.type_button, (QWidget(self), 1)))
        self.hide()

    # -- showing -------------------------------------------------------------------------------
    def show_conflicts(self, conflicts: Sequence[Conflict], tz: dt.tzinfo) -> None:
        """Fill the table from the status load's list; hidden when there is nothing to settle."""
        show = time_formatter(tz)
        self.conflicts = list(conflicts)
        self.picks = [(c, x) for c in self.conflicts for x in c.candidates]
        self.setTitle(f"{TITLE} ({len(self.conflicts)})" if self.conflicts else TITLE)
        self.table.setRowCount(len(self.picks))
        for row, (conflict, cand) in enumerate(self.picks):
            first = cand is conflict.candidates[0]
            label = who(conflict)
            cells = ((label, field_words(conflict.field), conflict.kept) if first else
                     ("", "", ""))
            tip = f"{label}, {field_words(conflict.field)}"
            laptop = cand.laptop + (" (this laptop)" if cand.here else "")
            for col, text in enumerate((*cells, laptop, cand.operator, show(cand.at),
                                        cand.value)):
                self.table.setItem(row, col, text_item(text, "" if first else tip))
        self.setVisible(bool(self.conflicts))
        if self.picks:
            self.table.selectRow(0)
            fit_table(self.table, max_lines=5)

    def clear(self) -> None:
        self.conflicts, self.picks = [], []
        self.table.setRowCount(0)
        self.hide()

    def selected(self) -> tuple[Conflict, Candidate]:
        row = self.table.currentRow()
        if not 0 <= row < len(self.picks):
            raise ValidationError("Choose one of the competing values first.", {"row": "none"})
        return self.picks[row]

    # -- resolving -----------------------------------------------------------------------------
    def keep_selected(self) -> None:
        with user_errors(self.ctx.messages):
            conflict, cand = self.selected()
            self._resolve(conflict, f"Kept {cand.laptop}'s {field_words(conflict.field)}",
                          take_laptop=cand.laptop_id)

    def type_value(self) -> None:
        with user_errors(self.ctx.messages):
            conflict, _ = self.selected()
            if conflict.kind == "loop":
                raise ValidationError("A loop is settled by keeping one laptop's moves: choose "
                                      "one and press Keep this one.", {"value": "loop"})
            what = field_words(conflict.field)
            hint = f" ({PHONES_HINT})" if conflict.field == "phones" else ""
            typed = team_typed_values.hint(conflict.entity, conflict.field)
            hint = f" ({typed})" if typed else hint
            text = self.ctx.prompts.ask_text(
                self, "Type a value", f"The {what} to keep for {who(conflict)}{hint}:")
            if text is None:
                return
            self._resolve(conflict, f"Set the {what} of {who(conflict)}", value=text)

    def _resolve(self, conflict: Conflict, said: str, **how: Any) -> None:
        def work(twin: Session, **_: Any) -> team_conflicts.Resolution:
            return team_conflicts.resolve_conflict(twin, conflict.id, **how)

        def done(result: object) -> None:
            assert isinstance(result, team_conflicts.Resolution)
            left = len(self.conflicts) - 1
            more = f"; {count_of(left, 'conflict')} left" if left > 0 else ""
            done = result.said[:1].upper() + result.said[1:] if result.said else \
                f"{said} ({result.value})"
            self.ctx.messages.show_info(f"{done}{more}. The resolution "
                                        "reaches the other laptops with the next exchange.")
            self.ctx.state.notify_changed()

        job = Job(in_thread_session(self.ctx.session, work), name="team resolve")
        self.last_job = job
        for button in (self.keep_button, self.type_button):
            button.setEnabled(False)
            job.finished.connect(lambda _r, b=button: b.setEnabled(True))
            job.failed.connect(lambda _e, b=button: b.setEnabled(True))
        job.finished.connect(done)
        job.failed.connect(self.ctx.show_error)
        self.ctx.runner.start(job)
