"""A push button wired to its slot in one call.

Every page and dialog makes a dozen buttons the same way (text with its mnemonic, an optional
tooltip, the clicked slot); one function keeps that in one place so a page's constructor reads
as the list of what the user can do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget


def push_button(parent: QWidget, text: str, slot: Callable[..., object],
                tooltip: str = "") -> QPushButton:
    """A QPushButton labelled `text` that calls `slot` when clicked."""
    button = QPushButton(text, parent)
    if tooltip:
        button.setToolTip(tooltip)
    button.clicked.connect(slot)
    return button
