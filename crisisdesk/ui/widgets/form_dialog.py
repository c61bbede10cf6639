"""`FormDialog`: a dialog of labelled fields that asks one service to act, and one submit path.

Each form dialog used to build the same frame (an error line on top, a form, Cancel and an
accept button) and its own `submit` with its own `try/except`. Here a subclass adds its rows
with `add_row(label, widget, "field_key")` and says what to do in `save()` (call the service,
return its result). `submit` runs `save()`; a service's `ValidationError` puts each reason
under the field it names (nothing typed is lost, the dialog stays open), any other UserError
goes on the top line, and on success `submitted` carries the result and the dialog closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.forms import FieldErrors, error_label
from crisisdesk.ui.widgets.layouts import grow_to_fit


class FormDialog(QDialog):
    submitted = Signal(object)  # what `save()` returned

    def __init__(self, title: str, accept_label: str, parent: QWidget | None = None, *,
                 intro: str = "", min_width: int = 460, scroll: bool = False) -> None:
        """`scroll=True` puts a long form in a scroll area; its rows' widgets then belong to
        `form_widget`."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(min_width)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        self.message = error_label(self)
        self.form_widget = QWidget(self)
        self.form = QFormLayout(self.form_widget)
        self.errors = FieldErrors(self.form, self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.accept_button: QPushButton = self.buttons.addButton(
            accept_label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.intro)
        self.body.addWidget(self.message)
        if scroll:
            area = QScrollArea(self)
            area.setWidgetResizable(True)
            area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area.setWidget(self.form_widget)
            self.body.addWidget(area, 1)
        else:
            self.form.setContentsMargins(0, 0, 0, 0)
            self.body.addWidget(self.form_widget)
        self.body.addWidget(self.buttons)

    def add_row(self, text: str | QLabel, widget: QWidget | QLayout, *keys: str) -> None:
        """A labelled row; `keys` are the service's field names whose errors go under it."""
        self.errors.add_row(text, widget, *keys)

    def clear_when_valid(self, edit: QLineEdit, key: str, valid: Callable[[str], bool]) -> None:
        """As the user types in `edit`, its error under `key` goes once `valid(text)`: the
        service still decides on Save, this only stops a fixed value looking refused."""
        edit.textChanged.connect(
            lambda text: self.errors.clear_field(key) if valid(text) else None)

    def save(self) -> Any:
        """Ask the service to act on what was typed; raise its UserError to refuse."""
        raise NotImplementedError

    def submit(self) -> None:
        with user_errors(self.show_error):
            result = self.save()
            self.errors.clear()
            self.submitted.emit(result)
            self.accept()

    def show_error(self, err: UserError) -> None:
        self.errors.show_user_error(err)
        grow_to_fit(self)  # room for the message: the dialog grows, nothing is squeezed
