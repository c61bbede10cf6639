"""The hotline desk's approved answers and call scripts, searched as the agent types.

Only approved answers in the caller's language (the call log's language box) are shown: they
are filled in once per language in the worker (`faq.answers` runs each through the template
process), then the search narrows the loaded answers on every keystroke (`domain.faq.search`)
without touching the desk. "No approved answer" logs what the agent typed as the caller's
question and proposes it to the approver as a draft (`faq.ask`); nothing is read to a caller
from a draft.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QGroupBox, QListWidget, QListWidgetItem, QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.faq import SCRIPTS, FaqAnswer, faq_language, search
from crisisdesk.services.hotline import faq
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.build import note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, lead_row, vbox
from crisisdesk.ui.widgets.search_field import SearchField
from crisisdesk.ui.workers import Job, in_thread_session

Loaded = tuple[str, list[FaqAnswer], dict[str, FaqAnswer | str]]


def _load(language: str) -> Any:
    """The worker's job: every approved answer and script in `language` (a script that cannot
    be used comes back as the sentence saying why)."""

    def work(session: Any, **_kwargs: Any) -> Loaded:
        scripts: dict[str, FaqAnswer | str] = {}
        for name in SCRIPTS:
            try:
                scripts[name] = faq.script(session, name, language)
            except UserError as err:
                scripts[name] = str(err)
        return language, faq.answers(session, language), scripts

    return work


class FaqPanel(QGroupBox):
    """Scripts, the answer search, and "No approved answer"."""

    def __init__(self, ctx: UiContext, language: QComboBox,
                 parent: QWidget | None = None) -> None:
        super().__init__("Approved answers and scripts", parent)
        self.ctx = ctx
        self.language = language
        self.answers: list[FaqAnswer] = []
        self.scripts: dict[str, FaqAnswer | str] = {}
        self.loaded = ""  # the language on screen ("" before the first load)
        self._wanted = ""
        self.script_buttons = {
            name: push_button(self, f"Read the {name} script",
                              lambda _c=False, n=name: self.show_script(n), icon_name="")
            for name in SCRIPTS}
        self.search = SearchField("Type the caller's question", "Search the approved answers",
                                  self, debounce_ms=0)
        self.search.search.connect(self.filter)
        self.no_answer = push_button(self, "No approved &answer", self.ask, icon_name="")
        self.no_answer.setEnabled(False)
        self.results = QListWidget(self)
        self.results.setAccessibleName("Matching approved answers")
        self.results.setMaximumHeight(self.results.fontMetrics().height() * 9)  # ~8 questions
        self.results.currentItemChanged.connect(self._chosen)
        self.answer = note_label(self, "Approved answer to read")
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.status = note_label(self, "Answers status")
        vbox(self, hbox(*self.script_buttons.values()), lead_row(self.search, self.no_answer),
             self.results, self.answer, self.status)
        language.currentIndexChanged.connect(lambda _i: self.reload())
        ctx.state.session_changed.connect(lambda s: self.clear() if s is None else None)

    def caller_language(self) -> str:
        return faq_language(str(self.language.currentData() or "en"))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.loaded != self.caller_language():
            self.reload()

    def reload(self) -> None:
        """Fill in the answers for the caller's language, in the worker."""
        if not self.ctx.state.unlocked:
            return
        self._wanted = self.caller_language()
        self.status.setText("Loading the approved answers…")
        job = Job(in_thread_session(self.ctx.session, _load(self._wanted)), name="hotline faq")
        job.finished.connect(self._loaded)
        job.failed.connect(self._failed)
        self.ctx.runner.start(job)

    def _failed(self, err: BaseException) -> None:
        self.status.setText("")
        self.ctx.show_error(err)

    def _loaded(self, result: Loaded) -> None:
        language, answers, scripts = result
        if language != self._wanted or not self.ctx.state.unlocked:
            return  # the caller's language changed meanwhile: a newer load is on its way
        self.loaded, self.answers, self.scripts = language, answers, scripts
        self.filter(self.search.text())

    def filter(self, text: str) -> None:
        """Show the answers matching what is typed; offer "No approved answer" once it is."""
        found = search(self.answers, text)
        self.results.clear()
        for answer in found:
            item = QListWidgetItem(answer.question, self.results)
            item.setData(Qt.ItemDataRole.UserRole, answer)
        self.no_answer.setEnabled(bool(text.strip()))
        self.answer.clear()
        if not self.answers and self.loaded:
            self.status.setText("No approved answers in this language yet.")
        elif text.strip() and not found:
            self.status.setText("No approved answer matches. Do not guess: press \"No approved "
                                "answer\" to log the question for the approver.")
        else:
            self.status.setText(f"{len(found)} approved answer(s).")

    def _chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        answer = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.answer.setText(answer.text if isinstance(answer, FaqAnswer) else "")

    def show_script(self, name: str) -> None:
        found = self.scripts.get(name)
        self.results.clearSelection()
        self.answer.setText(found.text if isinstance(found, FaqAnswer) else
                            found or "The scripts are still loading.")

    def ask(self) -> None:
        with user_errors(self.ctx.messages):
            proposal = faq.ask(self.ctx.session, self.search.text(), self.caller_language())
            self.status.setText(
                "Logged for the approver" + (" as a new draft answer" if proposal.new_draft
                                             else " (asked before)")
                + ". Tell the caller you will find out, and log a callback.")
            self.ctx.state.notify_changed()

    def clear(self) -> None:
        self.search.clear_quietly()
        self.results.clear()
        self.answer.clear()
        self.status.clear()
        self.answers, self.scripts, self.loaded = [], {}, ""
