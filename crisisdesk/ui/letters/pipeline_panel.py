"""The Letters page's guided pipeline: one row per step with its state in words (and a colour
beside them, never instead of them), its count, and the one button that moves it on.

The panel only shows `services.letters.pipeline.Step`s; which button does what is the page's
business (it passes one slot per step key). A waiting or blocked step's button is disabled and
its row says why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from crisisdesk.printing.fonts import SANS
from crisisdesk.services.letters.pipeline import STEP_TITLES, Step, StepState

# Colours that read on light and dark backgrounds; the word always comes with them.
STATE_COLOURS = {StepState.DONE: "#2e7d32", StepState.READY: "#1565c0",
                 StepState.WAITING: "#757575", StepState.BLOCKED: "#c62828"}
def _mark(symbol: str) -> str:
    """The mark in the shipped font: a system UI font (Noto Sans Mono here) may lack ✓ and ✕,
    and Qt's fallback does not always find them, which shows an empty box."""
    return f'<span style="font-family: \'{SANS}\'">{symbol}</span>'


STATE_MARKS = {StepState.DONE: "✓", StepState.READY: "▶", StepState.WAITING: "…",
               StepState.BLOCKED: "✕"}


class PipelinePanel(QGroupBox):
    """Seven rows: number and title, state, count (and why a blocked step is blocked), action
    button."""

    def __init__(self, slots: dict[str, Callable[[], object]], labels: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__("Steps", parent)
        self.setAccessibleName("Letter steps")
        grid = QGridLayout(self)
        grid.setColumnStretch(2, 1)
        self.titles: dict[str, QLabel] = {}
        self.states: dict[str, QLabel] = {}
        self.counts: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.steps: dict[str, Step] = {}
        for row, (key, title) in enumerate(STEP_TITLES.items()):
            title_label = QLabel(f"{row + 1}. {title}", self)
            state = QLabel(self)
            state.setAccessibleName(f"{title}: state")
            count = QLabel(self)
            count.setWordWrap(True)
            count.setAccessibleName(f"{title}: count")
            button = QPushButton(labels.get(key, title), self)
            button.setAccessibleName(f"{title}: action")
            button.clicked.connect(lambda _c=False, s=slots[key]: s())
            grid.addWidget(title_label, row, 0)
            grid.addWidget(state, row, 1)
            grid.addWidget(count, row, 2)
            grid.addWidget(button, row, 3)
            self.titles[key], self.states[key] = title_label, state
            self.counts[key], self.buttons[key] = count, button

    def show_steps(self, steps: list[Step], mnemonics: dict[str, str]) -> None:
        """Show each step; `mnemonics` maps an action's text to its label with an & key."""
        next_key = next((s.key for s in steps
                         if s.state in (StepState.READY, StepState.BLOCKED)), "")
        for step in steps:
            self.steps[step.key] = step
            colour = STATE_COLOURS[step.state]
            state = self.states[step.key]
            blocked = step.state is StepState.BLOCKED
            words = "Blocked" if blocked else step.state_text  # the reason goes beside it
            state.setText(f'<span style="color: {colour}; font-weight: bold">'
                          f"{_mark(STATE_MARKS[step.state])} {words}</span>")
            state.setToolTip(step.state_text)
            state.setMinimumWidth(state.sizeHint().width())  # never clipped by the counts
            self.counts[step.key].setText(
                " — ".join(filter(None, [step.count, step.reason])) if blocked else step.count)
            button = self.buttons[step.key]
            if step.action:
                button.setText(mnemonics.get(step.action, step.action))
            button.setVisible(bool(step.action))
            button.setEnabled(step.state in (StepState.READY, StepState.DONE))
            font = self.titles[step.key].font()
            font.setBold(step.key == next_key)
            self.titles[step.key].setFont(font)

    def clear(self) -> None:
        self.steps.clear()
        for key in STEP_TITLES:
            self.states[key].clear()
            self.counts[key].clear()
            self.buttons[key].setEnabled(False)
