"""A passphrase strength meter: a bar and the same reading in words, updated as one types.

Colour is never the only sign: the label says "Weak", "Good"... and why. The reading comes from
`domain.passphrase_strength.assess` (zxcvbn, offline), a few milliseconds per keystroke.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from crisisdesk.domain.operators import MIN_PASSPHRASE_LENGTH
from crisisdesk.domain.passphrase_strength import Strength, assess

_COLOURS = ("#b00020", "#b00020", "#b26a00", "#2e7d32", "#1b5e20")


class StrengthMeter(QWidget):
    def __init__(self, parent: QWidget | None = None, *,
                 minimum: int = MIN_PASSPHRASE_LENGTH) -> None:
        super().__init__(parent)
        self.minimum = minimum
        self.context: tuple[str, ...] = ()
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.setAccessibleName("Passphrase strength")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Passphrase strength in words")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.strength = self.update_for("")

    def update_for(self, passphrase: str) -> Strength:
        strength = assess(passphrase, minimum=self.minimum, context=self.context)
        self.strength = strength
        self.bar.setValue(strength.score if strength.long_enough else 0)
        colour = _COLOURS[strength.score]
        self.bar.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.label.setText(f"{strength.text}.")
        self.bar.setAccessibleDescription(strength.text)
        return strength

    @property
    def word(self) -> str:
        return self.strength.word
