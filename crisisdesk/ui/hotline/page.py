"""The hotline desk as one screen, top to bottom in the order of a call.

Look up (the reference field takes a barcode scanner: it types the reference and Enter), then
verify with the caller's facts (the screen shows match / no match per fact, never a stored
value), then the letter details once verified, then the call log. Each button is one service
call (services/hotline), all quick indexed reads, so they run on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QWidget,
)

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import (
    FOLLOW_UPS,
    LANGUAGES,
    OUTCOMES,
    TOPICS,
    CallerFacts,
    Relationship,
)
from crisisdesk.domain.times import TYPED_DATES, typed_date
from crisisdesk.services.hotline import calls, disclose, lookup, verify
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.hotline.caller_panel import FOR_THE_LOG, CallerActions
from crisisdesk.ui.hotline.faq_panel import FaqPanel
from crisisdesk.ui.hotline.followups_panel import FollowUpsPanel
from crisisdesk.ui.page import Page
from crisisdesk.ui.widgets.build import form_rows, line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import hbox, vbox


def _date(text: str, name: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return typed_date(text)
    except ValueError:
        raise ValidationError(f"{name}: {text!r} is not a date like {TYPED_DATES}.",
                              {name: "not a date"}) from None


def _combo(parent: QWidget, name: str, values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for value in values:
        combo.addItem(value.replace("_", " ") or "(none)", value)
    return combo


class HotlinePage(Page):
    title = "Hotline"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.handle = ""
        self.started: float | None = None  # the call's first lookup (monotonic seconds)
        find = QGroupBox("1. Was I affected?", self)
        self.reference = line_edit(find, "Reference", "Type or scan the letter's reference")
        self.reference.returnPressed.connect(self.look_up)
        self.name = line_edit(find, "Patient name")
        self.birth = line_edit(find, "Patient date of birth", "e.g. 1980-05-01")
        self.lookup_button = push_button(find, "&Look up", self.look_up)
        self.answer = note_label(find, "Lookup answer")
        find.setLayout(form_rows(("&Reference", self.reference), ("or &name", self.name),
                                 ("and date of &birth", self.birth), ("", self.lookup_button),
                                 ("", self.answer)))
        check = QGroupBox("2. Verify the caller", self)
        self.v_birth = line_edit(check, "Date of birth the caller gives")
        self.v_zip = line_edit(check, "ZIP code the caller gives")
        self.v_reference = line_edit(check, "Reference the caller reads")
        self.relationship = _combo(check, "Who is calling", tuple(r.value for r in Relationship))
        self.caller_name = line_edit(check, "Caller's name (for someone else)")
        self.verify_button = push_button(check, "&Verify", self.check)
        self.verdict = note_label(check, "Verification answer")
        check.setLayout(form_rows(("Date of birth", self.v_birth), ("ZIP code", self.v_zip),
                                  ("Reference", self.v_reference),
                                  ("Caller is", self.relationship),
                                  ("Caller's name", self.caller_name), ("", self.verify_button),
                                  ("", self.verdict)))
        told = QGroupBox("What the caller may be told", self)
        self.details = note_label(told, "What the caller may be told")
        vbox(told, self.details)
        self.caller_actions = CallerActions(ctx, self)
        self.caller_actions.requested.connect(self._log_request)
        self.follow_ups = FollowUpsPanel(ctx, self)  # operators only
        log = QGroupBox("3. Log the call", self)
        self.language = _combo(log, "Language", LANGUAGES)
        self.topics = QListWidget(log)
        self.topics.setAccessibleName("Topics")
        for topic in TOPICS:
            item = QListWidgetItem(topic.replace("_", " "), self.topics)
            item.setData(Qt.ItemDataRole.UserRole, topic)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.note = line_edit(log, "Topic in the caller's words")
        self.outcome = _combo(log, "Outcome", OUTCOMES)
        self.follow_up = _combo(log, "Follow-up", FOLLOW_UPS)
        self.log_button = push_button(log, "Log &call", self.log_call)
        self.logged = note_label(log, "Call log answer")
        log.setLayout(form_rows(("Language", self.language), ("Topics", self.topics),
                                ("Note", self.note), ("Outcome", self.outcome),
                                ("Follow-up", self.follow_up), ("", self.log_button),
                                ("", self.logged)))
        # The call in order down the left, the verified caller on the right; the page scrolls
        # rather than squeezing a verdict or the topics on a short screen.
        self.faq = FaqPanel(ctx, self.language, self)
        left = vbox(None, find, check, log)
        right = vbox(None, told, self.caller_actions, self.faq, self.follow_ups)
        for side in (left, right):
            side.addStretch(1)
        content = QWidget(self)
        content.setLayout(hbox((left, 1), (right, 1)))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        vbox(self, scroll, margins=0)

    def look_up(self) -> None:
        with user_errors(self.ctx.messages):
            answer = lookup.lookup(self.ctx.session, reference=self.reference.text(),
                                   name=self.name.text(),
                                   birth_date=_date(self.birth.text(), "date of birth"))
            self._new_call(answer.handle)
            self.started = self.started if self.started is not None else time.monotonic()
            self.answer.setText(answer.message)
            if answer.found and not self.v_reference.text():
                self.v_reference.setText(self.reference.text())

    def check(self) -> None:
        with user_errors(self.ctx.messages):
            if not self.handle:
                raise ValidationError("Look the caller up first.", {"handle": "missing"})
            facts = CallerFacts(_date(self.v_birth.text(), "date of birth"), self.v_zip.text(),
                                self.v_reference.text(),
                                Relationship(self.relationship.currentData()),
                                self.caller_name.text())
            result = verify.verify(self.ctx.session, self.handle, facts)
            lines = [f"{c.fact.replace('_', ' ')}: {'match' if c.match else 'no match'}"
                     for c in result.checks]
            if result.locked:
                lines.append("Locked: too many failed attempts (possible impersonation).")
            elif not result.verified:
                lines.append(f"Not verified; {result.attempts_left} attempt(s) left.")
            else:
                lines.append("Verified.")
                self._show_details()
                self.caller_actions.set_handle(self.handle)
            self.verdict.setText("\n".join(lines))

    def _show_details(self) -> None:
        d = disclose.caller_details(self.ctx.session, self.handle)
        self.details.setText("\n".join((
            f"Letter: {d.template_key} version {d.template_version} ({d.language}), "
            f"reference {d.reference}",
            f"Mailed: {d.mailed_on or 'not yet'}" + (f"; re-mailed {d.remailed_on}"
                                                      if d.remailed_on else ""),
            f"Address line 1: {d.address_line1}",
            (f"Enrollment code: {d.enrollment_code} at {d.enrollment_url}, enrol by "
             f"{d.deadline}" if d.enrollment_code else "No enrollment code on this letter."),
        )))

    def _log_request(self, kind: str) -> None:
        """Tick the request's topic and choose its outcome and follow-up in the call log."""
        topic, outcome, follow_up = FOR_THE_LOG[kind]
        for i in range(self.topics.count()):
            if self.topics.item(i).data(Qt.ItemDataRole.UserRole) == topic:
                self.topics.item(i).setCheckState(Qt.CheckState.Checked)
        for combo, value in ((self.outcome, outcome), (self.follow_up, follow_up)):
            if value:
                combo.setCurrentIndex(combo.findData(value))

    def log_call(self) -> None:
        chosen = [self.topics.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.topics.count())
                  if self.topics.item(i).checkState() == Qt.CheckState.Checked]
        with user_errors(self.ctx.messages):
            calls.log_call(self.ctx.session, language=self.language.currentData(),
                           topics=chosen, outcome=self.outcome.currentData(),
                           follow_up=self.follow_up.currentData(), topic_text=self.note.text(),
                           handle=self.handle, duration_s=self.call_seconds())
            self.started = None
            self.logged.setText("Call logged.")
            self.ctx.state.notify_changed()
            self._new_call("")
            self._reset_log()

    def _reset_log(self) -> None:
        """The next call's log starts blank (no topic, the first outcome, no follow-up)."""
        for i in range(self.topics.count()):
            self.topics.item(i).setCheckState(Qt.CheckState.Unchecked)
        for combo in (self.outcome, self.follow_up):
            combo.setCurrentIndex(0)
        self.note.clear()

    def call_seconds(self) -> int | None:
        """The handling time so far: from the call's first lookup (None without one)."""
        return None if self.started is None else round(time.monotonic() - self.started)

    def _new_call(self, handle: str) -> None:
        """Forget what the previous caller said and was told."""
        self.handle = handle
        for edit in (self.v_birth, self.v_zip, self.v_reference, self.caller_name):
            edit.clear()
        self.verdict.clear()
        self.details.clear()
        self.caller_actions.set_handle("")
        self.answer.clear()

    def refresh(self) -> None:
        self.follow_ups.refresh()

    def clear(self) -> None:
        self._new_call("")
        self.follow_ups.clear_rows()
        self.started = None
        for edit in (self.reference, self.name, self.birth, self.note):
            edit.clear()
        self.logged.clear()

