"""The review list: rows set aside at import, listed by line and reason, fixed one by one.

A set-aside row is shown under the recipient fields it was read as (the source's remembered
mapping), so the fix is typed where the problem is; the service re-checks the row exactly as
the import does and its reasons appear under the fields they name. Fixing adds the row as a
recipient; the list then shrinks. Classify again afterwards to give it a letter.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.recipient_columns import FIELDS
from crisisdesk.domain.recipients import RecipientFields
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.tables import read_only_table

LABELS: dict[str, str] = {
    "name": "Full name", "first_name": "First name", "middle_name": "Middle name",
    "last_name": "Last name", "suffix": "Suffix", "birth_date": "Birth date",
    "death_date": "Death date", "address1": "Address", "address2": "Address line 2",
    "city": "City", "state": "State", "zip": "ZIP", "language": "Language",
    "guardian_name": "Parent or guardian", "nok_name": "Next of kin",
    "nok_address1": "Next of kin address", "nok_address2": "Next of kin address line 2",
    "nok_city": "Next of kin city", "nok_state": "Next of kin state",
    "nok_zip": "Next of kin ZIP", "external_id": "Patient ID",
}


class ReviewItemDialog(FormDialog):
    """One set-aside row, field by field; Save re-checks it and adds it as a recipient.
    `submitted` carries the RecipientFields."""

    def __init__(self, ctx: UiContext, form: letter_codes.ReviewForm,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Fix line {form.line}", "Save as recipient", parent, scroll=True,
                         intro=f"Line {form.line} was set aside: {form.reason}. Dates are "
                               f"written {form.date_format}.")
        self.ctx = ctx
        self.review = form
        self.resize(560, 640)
        self.edits: dict[str, QLineEdit] = {}
        for fld in FIELDS:
            edit = QLineEdit(form.values.get(fld, ""), self.form_widget)
            edit.setAccessibleName(LABELS.get(fld, fld))
            self.edits[fld] = edit
            self.add_row(f"{LABELS.get(fld, fld)}:", edit, fld)

    def values(self) -> dict[str, str]:
        return {fld: edit.text() for fld, edit in self.edits.items()}

    def save(self) -> RecipientFields:
        return letter_codes.fix_review_form(self.ctx.session, self.review.review_id,
                                            self.values(), self.review.date_format)


class ReviewDialog(QDialog):
    """Every open set-aside row of the current incident: line and reason; Fix… opens one."""

    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item_dialog: ReviewItemDialog | None = None
        self.setWindowTitle("Rows set aside for review")
        self.resize(760, 420)
        intro = QLabel("These rows of the patient list could not be read and were set aside at "
                       "import. Fix each one (it is checked again) to add it as a recipient, "
                       "then classify again.", self)
        intro.setWordWrap(True)
        self.table = read_only_table(self, "Rows set aside", ["Line", "Reason"], fit=0)
        self.table.doubleClicked.connect(lambda _i: self.fix_selected())
        self.empty_label = QLabel("Nothing is waiting for review.", self)
        self.fix_button = push_button(self, "&Fix…", lambda _c=False: self.fix_selected())
        close = push_button(self, "Close", lambda _c=False: self.accept())
        row = QHBoxLayout()
        row.addWidget(self.fix_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(row)
        self.items: list[dict[str, object]] = []
        self.reload()

    def reload(self) -> None:
        self.items = letter_codes.review_list(self.ctx.session)
        self.table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            self.table.setItem(r, 0, QTableWidgetItem(str(item["line"])))
            self.table.setItem(r, 1, QTableWidgetItem(str(item["reason"])))
        self.empty_label.setVisible(not self.items)
        self.fix_button.setEnabled(bool(self.items))
        if self.items:
            self.table.selectRow(0)

    def _gone(self, err: UserError) -> None:
        """The row was fixed or discarded elsewhere meanwhile: say so and show the list now."""
        self.ctx.messages.show_user_error(err)
        self.reload()

    def fix_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        review_id = str(self.items[rows[0].row()]["id"])
        with user_errors(self._gone):
            form = letter_codes.review_form(self.ctx.session, review_id)
            self.item_dialog = ReviewItemDialog(self.ctx, form, self)
            self.item_dialog.submitted.connect(lambda _p, line=form.line: self._fixed(line))
            self.item_dialog.open()

    def _fixed(self, line: int) -> None:
        self.ctx.messages.show_info(f"Added the row from line {line} as a recipient; classify "
                                    "again to give it a letter.")
        self.reload()
        self.changed.emit()
