"""The role card beside the roster, and the catalogue actions that belong to it.

The card is what a person taking a role reads first: the description and the checklist of first
actions, then who holds the role. It is the same HTML fragment the printed card uses
(`printing/role_card.py`), so screen and paper agree. From here the card prints (a PDF in a
worker, or the print preview), and admins edit the role, add a new one or remove one: each one
call into `services.roles`, whose errors (e.g. IC and PIO cannot be removed) reach the message
bar or the field they name in `RoleDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.operators import Role
from crisisdesk.domain.roles import REQUIRED_ROLES, RoleDef, RoleStatus
from crisisdesk.printing.crisis_paper import STYLE
from crisisdesk.printing.role_card import role_card, role_card_body
from crisisdesk.services import roles as role_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.printouts import print_preview, save_pdf
from crisisdesk.ui.roles.role_dialog import RoleDialog, RoleValues
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.workers import Job


class RoleCardPanel(QGroupBox):
    changed = Signal(str, str)  # message for the bar, role key to select ("" after a removal)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__("Role card", parent)
        self.ctx = ctx
        self.status: RoleStatus | None = None
        self.period_number: int | None = None  # None: the current period
        self.dialog: RoleDialog | None = None
        self.last_job: Job | None = None
        self._shown_key = ""
        self.view = QTextBrowser(self)
        self.view.setAccessibleName("Role card: description and first actions")
        self.view.setOpenLinks(False)
        self.view.document().setDefaultStyleSheet(STYLE)
        self.pdf_button = push_button(self, "Card P&DF…", self.print_pdf,
                                      "Save the selected role's card as a PDF, to hand to the "
                                      "person taking the role")
        self.print_button = push_button(self, "Print ca&rd…", self.print_card)
        self.edit_button = push_button(self, "Edi&t role…", self.edit_role)
        self.new_button = push_button(self, "Ne&w role…", self.new_role)
        self.remove_button = push_button(self, "Remo&ve role…", self.remove_role)
        buttons = QGridLayout()
        buttons.addWidget(self.pdf_button, 0, 0)
        buttons.addWidget(self.print_button, 0, 1)
        buttons.addWidget(self.edit_button, 1, 0)
        buttons.addWidget(self.new_button, 1, 1)
        buttons.addWidget(self.remove_button, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.update_buttons()

    def show_status(self, status: RoleStatus | None, period_number: int | None) -> None:
        self.status = status
        self.period_number = period_number
        if status is None:
            self.view.clear()
        else:
            bar = self.view.verticalScrollBar()
            keep = bar.value() if status.role.key == self._shown_key else 0
            self.view.setHtml(role_card_body(status))
            bar.setValue(keep)  # a refresh keeps the reader's place on the same card
        self._shown_key = status.role.key if status else ""
        self.update_buttons()

    def update_buttons(self) -> None:
        session = self.ctx.state.current
        admin = session is not None and session.operator.role is Role.ADMIN
        selected = session is not None and self.status is not None
        for button in (self.pdf_button, self.print_button):
            button.setEnabled(selected)
        self.edit_button.setEnabled(admin and selected)
        required = self.status is not None and self.status.role.key in REQUIRED_ROLES
        self.remove_button.setEnabled(admin and selected and not required)
        self.new_button.setEnabled(admin)
        why = "" if admin else "Only an admin can change the role catalogue."
        for button in (self.edit_button, self.new_button, self.remove_button):
            button.setToolTip(why)
        if admin and required:
            self.remove_button.setToolTip("Every desk names an Incident Commander and a "
                                          "spokesperson; edit this role's text instead.")

    # -- paper ------------------------------------------------------------------------------
    def _card(self) -> tuple[str, int | None] | None:
        return (self.status.role.key, self.period_number) if self.status else None

    def print_pdf(self) -> None:
        chosen = self._card()
        if chosen is None:
            return
        key, number = chosen
        self.last_job = save_pdf(self.ctx, self, lambda s: role_card(s, key, number),
                                 title="Role card", suggested=f"role-card-{key}.pdf",
                                 button=self.pdf_button)

    def print_card(self) -> None:
        chosen = self._card()
        if chosen is not None:
            key, number = chosen
            print_preview(self.ctx, self, lambda s: role_card(s, key, number), title="Role card")

    # -- catalogue --------------------------------------------------------------------------
    def _save(self, values: RoleValues, *, new: bool) -> RoleDef:
        return role_service.edit_role(
            self.ctx.session, values.key, title=values.title, description=values.description,
            first_actions=values.first_actions, short=values.short, group=values.group,
            new=new)

    def _open(self, role: RoleDef | None) -> None:
        dialog = RoleDialog(role, lambda values: self._save(values, new=role is None), self)
        verb = "Saved" if role else "Added"
        dialog.submitted.connect(lambda r: self.changed.emit(f"{verb} the role {r.title}.", r.key))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def edit_role(self) -> None:
        if self.status is not None:
            self._open(self.status.role)

    def new_role(self) -> None:
        self._open(None)

    def remove_role(self) -> None:
        if self.status is None:
            return
        role = self.status.role
        if not self.ctx.prompts.confirm(
                self, "Remove role", f"Remove {role.title} from this desk's role catalogue? "
                "Its line-ups stay in the record but it leaves the roster and the org chart.",
                ok_label="Remove role", destructive=True):
            return
        session: Session = self.ctx.session
        with user_errors(self.ctx.messages):
            role_service.remove_role(session, role.key)
            self.changed.emit(f"Removed the role {role.title}.", "")

    def close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
