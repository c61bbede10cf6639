"""A push button wired to its slot in one call.

Every page and dialog makes a dozen buttons the same way (text with its mnemonic, an optional
tooltip, the clicked slot, the icon its label calls for); one function keeps that in one place
so a page's constructor reads as the list of what the user can do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QPushButton, QWidget

from crisisdesk.ui.widgets.icons import icon, icon_for_label


def push_button(parent: QWidget, text: str, slot: Callable[..., object] | SignalInstance,
                tooltip: str = "", icon_name: str | None = None) -> QPushButton:
    """A QPushButton labelled `text` that calls `slot` (or emits a signal) when clicked.

    Its icon is `icon_name` (one of `icons.ICONS`), else the one its label calls for
    (`icons.icon_for_label`); `icon_name=""` leaves it without."""
    button = QPushButton(text, parent)
    chosen = icon_for_label(text) if icon_name is None else icon(icon_name) if icon_name else None
    if chosen is not None:
        button.setIcon(chosen)
    if tooltip:
        button.setToolTip(tooltip)
    button.clicked.connect(slot)
    return button
