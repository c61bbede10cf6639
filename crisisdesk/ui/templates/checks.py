"""Live checks while typing: a debounced worker, and the panel that shows its report.

`check_draft` renders the text, scores readability (the CMU dictionary takes ~0.4 s to load
the first time) and runs the compliance rules: too slow for the GUI thread on a long letter.
`LiveChecker` waits until typing pauses (300 ms), runs it in THE worker primitive, and drops
any result that is not for the latest text, so a slow old check never overwrites a newer one.
The check itself runs in the template process; the worker thread only waits on its pipe
(holding no interpreter lock), so even a template that never finishes leaves the GUI running
until the time limit refuses it.
`CheckPanel` shows the verdict: a syntax error with line and column, the reading-level meter,
the SMS count or speaking time, and every finding, most serious first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QWidget,
)

from crisisdesk.domain.compliance import CheckReport, Finding, Severity
from crisisdesk.domain.templates import TemplateMeta
from crisisdesk.services import templates as template_service
from crisisdesk.ui.widgets.layouts import column
from crisisdesk.ui.workers import Job, JobRunner

DEBOUNCE_MS = 300
_COLOURS = {Severity.ERROR: "#b00020", Severity.WARNING: "#8a5a00", Severity.INFO: "#3d4752"}
_LABELS = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Note"}
LINE_ROLE = Qt.ItemDataRole.UserRole


class LiveChecker(QObject):
    """`schedule(...)` on every edit; `checked(report)` fires for the latest text only."""

    checked = Signal(object)  # CheckReport
    started = Signal()
    failed = Signal(object)

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.generation = 0
        self.running = 0
        self._generations: dict[int, int] = {}  # id(job signals) -> the edit it checks
        self._pending: tuple[str, TemplateMeta, dict[str, Any],
                             template_service.CheckSettings] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)

    def schedule(self, body: str, meta: TemplateMeta, sample_data: Mapping[str, Any],
                 settings: template_service.CheckSettings) -> None:
        self.generation += 1
        self._pending = (body, meta, dict(sample_data), settings)
        self._timer.start()

    def run_now(self) -> None:
        self._timer.stop()
        if self._pending is None:
            return
        body, meta, data, settings = self._pending
        self._pending = None
        generation = self.generation

        def work(**_: Any) -> CheckReport:
            return template_service.check_draft(body, meta, data, settings=settings)

        job = Job(work, name="check template")
        self._generations[id(job.signals)] = generation
        # Bound methods, not lambdas: Qt drops the connection if this checker is deleted
        # while a check is still queued (a closed window, the end of a test).
        job.finished.connect(self._done)
        job.failed.connect(self._failed)
        self.running += 1
        self.started.emit()
        self.runner.start(job)

    def _current(self) -> bool:
        self.running -= 1
        return self._generations.pop(id(self.sender()), -1) == self.generation

    def _done(self, report: CheckReport) -> None:
        if self._current():
            self.checked.emit(report)

    def _failed(self, err: BaseException) -> None:
        if self._current():
            self.failed.emit(err)

    @property
    def idle(self) -> bool:
        return self.running == 0 and self._pending is None

    def cancel(self) -> None:
        """Forget pending work and ignore anything still running (the desk is locking)."""
        self._timer.stop()
        self._pending = None
        self.generation += 1


def syntax_error(report: CheckReport) -> Finding | None:
    return next((f for f in report.errors if f.code == "syntax"), None)


def _alert_label(parent: QWidget, name: str, accessible: str) -> QLabel:
    """A hidden red box for what stops the template (a syntax error, a refused approval)."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setStyleSheet(f"#{name} {{ color: #5c0f0f; background: #fde7e7;"
                        " border: 1px solid #d64545; border-radius: 3px; padding: 4px; }")
    label.setWordWrap(True)
    label.setAccessibleName(accessible)
    label.hide()
    return label


class CheckPanel(QWidget):
    """The verdict of the latest check; `goto_line(line, column)` when a finding is chosen."""

    goto_line = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: CheckReport | None = None
        self.syntax_label = _alert_label(self, "syntaxError", "Syntax error")
        self.refusal_label = _alert_label(self, "refusal", "Approval refused")
        self.refusal_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meter = QProgressBar(self)
        self.meter.setAccessibleName("Reading level")
        self.meter.setTextVisible(True)
        self.meter.setRange(0, 180)
        self.meter.setFormat("Reading level: not checked yet")
        self.stats_label = QLabel(self)
        self.stats_label.setWordWrap(True)
        self.stats_label.setAccessibleName("Check summary")
        self.findings = QListWidget(self)
        self.findings.setAccessibleName("Check results")
        self.findings.setWordWrap(True)
        self.findings.setAlternatingRowColors(True)
        self.findings.itemActivated.connect(self._activated)
        self.findings.itemDoubleClicked.connect(self._activated)
        column(self, self.syntax_label, self.refusal_label, self.meter, self.stats_label,
               (self.findings, 1))

    def set_checking(self) -> None:
        self.stats_label.setText("Checking…")

    def show_report(self, report: CheckReport) -> None:
        self.report = report
        syntax = syntax_error(report)
        if syntax is not None:
            where = f"line {syntax.line}" if syntax.line else "an unknown line"
            if syntax.column:
                where += f", column {syntax.column}"
            self.syntax_label.setText(f"Syntax error at {where}: {syntax.message}")
        self.syntax_label.setVisible(syntax is not None)
        self._meter(report)
        self.findings.clear()
        for finding in report.findings:
            item = QListWidgetItem(f"{_LABELS[finding.severity]}: {finding}")
            item.setForeground(QColor(_COLOURS[finding.severity]))
            item.setData(LINE_ROLE, (finding.line or 0, finding.column or 0))
            item.setToolTip(str(finding))
            self.findings.addItem(item)
        verdict = ("No errors" if report.ok else f"{len(report.errors)} error(s)")
        if report.warnings:
            verdict += f", {len(report.warnings)} warning(s) the approver must acknowledge"
        extras = [verdict]
        if report.sms is not None:
            extras.append(f"SMS: {report.sms.describe()}")
        if report.speaking_seconds is not None:
            extras.append(f"about {round(report.speaking_seconds)} s to read aloud")
        readable = report.readability
        if readable is not None and readable.words:
            extras.append(f"{readable.words} words, {readable.sentences} sentences")
        self.stats_label.setText(" · ".join(extras))

    def _meter(self, report: CheckReport) -> None:
        readable = report.readability
        if readable is None or readable.words == 0:
            self.meter.setRange(0, 1)
            self.meter.setValue(0)
            self.meter.setFormat("Reading level: scored when the template renders"
                                 if readable is None else "Reading level: no sentences to score")
            self.meter.setStyleSheet("")
            return
        good = readable.meets(report.grade_target)
        if readable.language == "en":
            self.meter.setRange(0, 180)
            self.meter.setValue(int(min(max(readable.score, 0), 18) * 10))
        else:
            self.meter.setRange(0, 100)
            self.meter.setValue(int(min(max(readable.score, 0), 100)))
        self.meter.setFormat(f"{readable.summary()} (target: "
                             f"{readable.target_text(report.grade_target)})")
        colour = "#3c9a4f" if good else "#d9a520"
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}"
                                 "QProgressBar { text-align: center; }")
        self.meter.setToolTip("Hardest words: " + ", ".join(w for w, _ in readable.hardest_words)
                              if readable.hardest_words else "")

    def show_refusal(self, title: str, findings: tuple[Finding, ...]) -> None:
        lines = [title] + [f"• {f}" for f in findings]
        self.refusal_label.setText("\n".join(lines))
        self.refusal_label.show()

    def clear_refusal(self) -> None:
        self.refusal_label.clear()
        self.refusal_label.hide()

    def clear(self) -> None:
        self.report = None
        self.findings.clear()
        self.syntax_label.hide()
        self.clear_refusal()
        self.stats_label.clear()
        self.meter.setFormat("Reading level: not checked yet")
        self.meter.setValue(0)

    def _activated(self, item: QListWidgetItem) -> None:
        line, column = item.data(LINE_ROLE) or (0, 0)
        if line:
            self.goto_line.emit(line, column)
