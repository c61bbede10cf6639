"""Wires the statements panel to `services.statements`: list, ask for values, preview, issue.

Kept apart from the page so the page stays about the inquiry log. Preview renders the approved
version with the desk's facts and what the user typed, and records nothing; issuing asks for
confirmation first, because an issued statement is on the record for six years.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from crisisdesk.services import record_origins
from crisisdesk.services.localtime import show
from crisisdesk.services.media import statements as statement_service
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.media.statements_panel import StatementsPanel
from crisisdesk.ui.widgets.errors import user_errors


class StatementsController:
    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        self.ctx = ctx
        self.parent = parent
        self.panel = StatementsPanel(parent)
        self.panel.template_changed.connect(self._template_changed)
        self.panel.preview_requested.connect(self.preview)
        self.panel.issue_requested.connect(self.issue)

    def refresh(self) -> None:
        session = self.ctx.session
        items = [(t.key, t.name, t.approved_version is not None)
                 for t in statement_service.statement_templates(session)]
        issued = statement_service.issued_statements(session)
        self.panel.set_templates(items, issued[-1].template_key if issued else "")
        if issued:
            last = issued[-1]
            by = record_origins.origins(session, [last.id]).who(last.operator, last.id)
            self.panel.issued_label.setText(
                f"{len(issued)} statement(s) issued; last: {last.template_name} version "
                f"{last.version} at {show(session, last.issued_at)} by {by}.")
        else:
            self.panel.issued_label.setText("No statement issued yet.")

    def clear(self) -> None:
        self.panel.clear()

    def _template_changed(self, key: str) -> None:
        if not key or not self.ctx.state.unlocked:
            self.panel.set_inputs([])
            return
        self.panel.set_inputs([])  # until the template's questions are known
        with user_errors(self.ctx.messages):
            self.panel.set_inputs(statement_service.missing_values(self.ctx.session, key))

    def preview(self) -> bool:
        key = self.panel.current_key()
        if not key:
            return False
        with user_errors(self.ctx.messages):
            rendered = statement_service.preview_statement(self.ctx.session, key,
                                                           self.panel.values())
            self.panel.preview.setHtml(rendered.text)
            return True
        return False

    def issue(self) -> None:
        key = self.panel.current_key()
        if not key or not self.preview():
            return
        if not self.ctx.prompts.confirm(
                self.parent, "Issue statement",
                "Issue this statement? It goes into the communication log with its version, "
                "on the timeline, and restarts the public and media update clock.",
                ok_label="Issue"):
            return
        with user_errors(self.ctx.messages):
            issued = statement_service.issue_statement(self.ctx.session, key,
                                                       values=self.panel.values())
            self.ctx.messages.show_info(f"Issued {issued.entry.template_key} version "
                                        f"{issued.entry.version}; logged.")
            self.ctx.state.notify_changed()
