"""The breach risk assessment tab: the four factors with their facts, the conclusion, signing,
and the versions with what changed between them.

Self-contained: built from the `UiContext` like a page, it reloads when the desk changes. A
signed version is shown locked (every editing control disabled, and the services refuse it
anyway); "New version" copies it into a draft that supersedes it. Every button calls one
service function; a refusal is shown on the message bar and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)

from crisisdesk.domain.breach_assessment import Assessment, Conclusion, Diff, Factor
from crisisdesk.domain.errors import NotFound
from crisisdesk.services import breach_assessment as assessment_service
from crisisdesk.services.localtime import show
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page
from crisisdesk.ui.printouts import save_pdf
from crisisdesk.ui.widgets.build import line_edit, note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.layouts import column, hbox, lead_row, vbox


class FactorBox(QGroupBox):
    """One factor: its facts (text, recorder, time) and a field to add one."""

    def __init__(self, factor: Factor, tab: AssessmentTab) -> None:
        super().__init__(factor.heading, tab)
        self.factor = factor
        self.facts = QListWidget(self)
        self.facts.setAccessibleName(f"Facts: {factor.heading}")
        self.facts.setToolTip(factor.question)
        self.facts.setWordWrap(True)  # a fact is a sentence: read it whole, never scroll
        self.facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.edit = line_edit(self, f"New fact: {factor.heading}", factor.question)
        self.add_button = push_button(self, "Add fact", lambda: tab.add_fact(self))
        self.remove_button = push_button(self, "Remove", lambda: tab.remove_fact(self),
                                         "Take the selected fact off the draft")
        vbox(self, (self.facts, 1), lead_row(self.edit, self.add_button, self.remove_button))


class AssessmentTab(Page):
    title = "Risk assessment"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.shown: Assessment | None = None
        self.status = note_label(self, "Assessment status")
        self.version_combo = QComboBox(self)
        self.version_combo.setAccessibleName("Version")
        self.version_combo.activated.connect(lambda _i: self._show_selected())
        self.boxes = {factor: FactorBox(factor, self) for factor in Factor}
        self.conclusion_combo = QComboBox(self)
        self.conclusion_combo.setAccessibleName("Conclusion")
        for c in Conclusion:
            self.conclusion_combo.addItem(c.label, c.value)
        self.reasons = QPlainTextEdit(self)
        self.reasons.setAccessibleName("Reasons")
        self.reasons.setPlaceholderText("Reasons (needed for a low-probability conclusion)")
        self.reasons.setMaximumHeight(70)
        self.conclude_button = push_button(self, "Save conclusion", self.conclude)
        self.sign_button = push_button(self, "&Sign as privacy officer", self.sign,
                                       "Sign this draft; it can never be changed after")
        self.new_button = push_button(self, "&New version", self.new_version,
                                      "Start a draft that supersedes the signed version")
        self.print_button = push_button(self, "&Print…", self.print_pdf)
        self.diff_view = QPlainTextEdit(self)
        self.diff_view.setReadOnly(True)
        self.diff_view.setAccessibleName("Changes from the version before")
        self.diff_view.setMaximumHeight(120)
        factors = QWidget(self)
        grid = vbox(None, hbox(self.boxes[Factor.NATURE], self.boxes[Factor.PERSON]),
                    hbox(self.boxes[Factor.ACQUIRED], self.boxes[Factor.MITIGATION]))
        grid.setContentsMargins(0, 0, 0, 0)
        factors.setLayout(grid)
        column(self, lead_row(self.status, self.version_combo), (factors, 1),
               lead_row(self.conclusion_combo, self.conclude_button), self.reasons,
               hbox(self.new_button, self.sign_button, self.print_button),
               self.diff_view, margin=6)

    # --- loading --------------------------------------------------------------------------

    def refresh(self) -> None:
        session = self.ctx.session
        with user_errors(self.ctx.messages):
            try:
                versions = assessment_service.versions(session)
            except NotFound as err:  # no current incident: nothing to assess
                self.clear()
                self.status.setText(str(err))
                self._lock(True)
                for button in (self.new_button, self.sign_button, self.print_button):
                    button.setEnabled(False)
                return
            wanted = self.shown.version if self.shown is not None else None
            self.version_combo.clear()
            for a in versions:
                self.version_combo.addItem(f"Version {a.version}"
                                           + ("" if a.is_signed else " (draft)"), a.version)
            if not versions:
                self._show(None, None)
                return
            same = self.shown is not None and self.shown.incident_id == versions[0].incident_id
            index = next((i for i, a in enumerate(versions) if same and a.version == wanted),
                         len(versions) - 1)
            self.version_combo.setCurrentIndex(index)
            self._show_selected(versions)

    def clear(self) -> None:
        self.shown = None
        self.version_combo.clear()
        for box in self.boxes.values():
            box.facts.clear()
        self.reasons.clear()
        self.diff_view.clear()
        self.status.setText("")

    def _show_selected(self, versions: list[Assessment] | None = None) -> None:
        session = self.ctx.session
        found = versions if versions is not None else assessment_service.versions(session)
        number = self.version_combo.currentData()
        a = next((x for x in found if x.version == number), found[-1] if found else None)
        d: Diff | None = None
        if a is not None and a.version > 1:
            d = assessment_service.compare(session, a.incident_id, a.version - 1, a.version)
        self._show(a, d, newest=bool(found) and a is found[-1])

    def _signed_text(self, a: Assessment) -> str:
        if a.signed is None:
            return f"Version {a.version}: draft, not signed."
        problem = assessment_service.signature_problem(self.ctx.session, a)
        text = (f"Version {a.version}: signed by {a.signed.signer} as {a.signed.signed_as}, "
                f"{show(self.ctx.session, a.signed.signed_at)}. Locked.")
        return text + (f" SIGNATURE PROBLEM: {problem}." if problem else "")

    def _show(self, a: Assessment | None, d: Diff | None, newest: bool = True) -> None:
        self.shown = a
        session = self.ctx.session
        if a is None:
            self.status.setText("No risk assessment yet: the breach is presumed. Start one "
                                "with New version.")
        else:
            ransom = " Ransomware: presumed a breach unless shown otherwise." \
                if a.ransomware else ""
            self.status.setText(self._signed_text(a) + ransom)
        for factor, box in self.boxes.items():
            box.facts.clear()
            for f in (a.facts_for(factor) if a else ()):
                box.facts.addItem(f"{f.text}  ({f.recorded_by}, "
                                  f"{show(session, f.recorded_at)})")
        self.conclusion_combo.setCurrentIndex(
            self.conclusion_combo.findData((a.conclusion if a else Conclusion.BREACH).value))
        self.reasons.setPlainText(a.reasons if a else "")
        self.diff_view.setPlainText(self._diff_text(d) if d else "")
        self._lock(a is None or a.is_signed or not newest)
        self.new_button.setEnabled(a is None or (a.is_signed and newest))
        self.sign_button.setEnabled(a is not None and not a.is_signed)
        self.print_button.setEnabled(a is not None)

    def _diff_text(self, d: Diff) -> str:
        def who(a: Assessment) -> str:
            return f"signed by {a.signed.signer}" if a.signed else "not signed"
        lines = [f"Changes from version {d.old.version} ({who(d.old)}) to version "
                 f"{d.new.version} ({who(d.new)}):"]
        for c in d.changes:
            where = f" [{c.factor.heading}]" if c.factor else ""
            if c.before:
                lines.append(f"- {c.what}{where}: {c.before}")
            if c.after:
                lines.append(f"+ {c.what}{where}: {c.after}")
        if not d.changes:
            lines.append("No changes.")
        return "\n".join(lines)

    def _lock(self, locked: bool) -> None:
        widgets: list[QWidget] = [self.conclusion_combo, self.conclude_button]
        for box in self.boxes.values():
            widgets += [box.edit, box.add_button, box.remove_button]
        for w in widgets:
            w.setEnabled(not locked)
        self.reasons.setReadOnly(locked)

    # --- actions ------------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.ctx.messages.show_info(message)
        self.ctx.state.notify_changed()
        self.refresh()

    def new_version(self) -> None:
        with user_errors(self.ctx.messages):
            a = assessment_service.start_version(self.ctx.session)
            self.shown = a
            self._done(f"Started assessment version {a.version}.")

    def add_fact(self, box: FactorBox) -> None:
        with user_errors(self.ctx.messages):
            assessment_service.add_fact(self.ctx.session, box.factor, box.edit.text())
            box.edit.clear()
            self._done(f"Fact recorded: {box.factor.heading}.")

    def remove_fact(self, box: FactorBox) -> None:
        row = box.facts.currentRow()
        if row < 0:
            self.ctx.messages.show_info("Select the fact to remove first.")
            return
        with user_errors(self.ctx.messages):
            assessment_service.remove_fact(self.ctx.session, box.factor, row + 1)
            self._done(f"Fact removed: {box.factor.heading}.")

    def conclude(self) -> None:
        with user_errors(self.ctx.messages):
            a = assessment_service.conclude(self.ctx.session,
                                            str(self.conclusion_combo.currentData()),
                                            self.reasons.toPlainText())
            self._done(f"Version {a.version}: {a.conclusion.label}.")

    def sign(self) -> None:
        a = self.shown
        if a is None or not self.ctx.prompts.confirm(
                self, "Sign the risk assessment",
                f"Sign version {a.version} as privacy officer? It can never be changed after; "
                "a later version can supersede it."):
            return
        with user_errors(self.ctx.messages):
            signed = assessment_service.sign(self.ctx.session)
            self._done(f"Signed version {signed.version}: {signed.conclusion.label}.")

    def print_pdf(self) -> None:
        a = self.shown
        if a is None:
            return
        from crisisdesk.printing.breach_assessment import assessment_html

        number = a.version
        save_pdf(self.ctx, self, lambda s: assessment_html(s, a.incident_id, number),
                 title="Breach risk assessment", suggested=f"risk-assessment-v{number}.pdf",
                 button=self.print_button)

