"""The hotline's open follow-ups for the desk's operators: callbacks and complaints for the
privacy officer, re-sends for the letters team (the batch and letter to reprint), with a button
to mark one done.

Hidden from agents, and never read for them (the service would refuse and audit it); dropped
from the screen when the desk locks, since it holds what callers said and their numbers.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QTableWidgetItem, QWidget

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services.hotline import actions
from crisisdesk.services.localtime import zone
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, vbox
from crisisdesk.ui.widgets.table_model import time_formatter
from crisisdesk.ui.widgets.tables import read_only_table

KIND_WORDS = {"callback": "privacy officer: call back", "complaint": "complaint",
              "resend": "re-send"}


class FollowUpsPanel(QGroupBox):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("Open follow-ups", parent)
        self.ctx = ctx
        self.ids: list[str] = []
        self.table = read_only_table(self, "Open hotline follow-ups",
                                     ["Asked", "For", "Letter", "Detail"])
        self.done_button = push_button(self, "Mark &done", self.mark_done,
                                       "The selected follow-up was done")
        vbox(self, self.table, hbox((QWidget(self), 1), self.done_button))
        self.hide()

    def refresh(self) -> None:
        """Read the open follow-ups (operators only; an agent's panel stays hidden)."""
        session = self.ctx.state.current
        if session is None or session.operator.role is Role.AGENT:
            self.clear_rows()
            self.hide()
            return
        with user_errors(self.ctx.messages):
            found = actions.follow_ups(session)
            show = time_formatter(zone(session))
            self.table.setRowCount(len(found))
            self.ids = [f.id for f in found]
            for row, f in enumerate(found):
                detail = (f"reprint batch {f.batch}, letter {f.seq}" if f.kind == "resend"
                          else f.detail)
                for col, text in enumerate((show(f.at),
                                            KIND_WORDS.get(f.kind, f.kind), f.reference,
                                            detail)):
                    self.table.setItem(row, col, QTableWidgetItem(text))
            self.done_button.setEnabled(bool(found))
            self.show()

    def mark_done(self) -> None:
        row = self.table.currentRow()
        with user_errors(self.ctx.messages):
            if not 0 <= row < len(self.ids):
                raise ValidationError("Choose a follow-up first.", {"row": "none"})
            actions.close_follow_up(self.ctx.session, self.ids[row])
            self.ctx.state.notify_changed()
            self.refresh()

    def clear_rows(self) -> None:
        self.ids = []
        self.table.setRowCount(0)
