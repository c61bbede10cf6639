"""The letters page's small dialogs: new batch, code pool, preview, and direct printing.

Direct printing goes through QPrinter and QPrintPreviewDialog here in `ui/` (QtPrintSupport
loads QtWidgets), painting each letter with the same `LetterPainter` the PDF files use, so
the preview, the PDF and the printer show the same pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.letter_pages import LetterContent, LetterLayout
from crisisdesk.printing.letters import LetterPainter, preview_pages
from crisisdesk.services.letters.batches import BatchSpec
from crisisdesk.ui.widgets.build import date_edit


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class BatchDialog(QDialog):
    """Which recipients go into the new batch, and the date printed on the letters."""

    def __init__(self, states: list[str], today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New letter batch")
        self.state_combo = QComboBox(self)
        self.state_combo.addItem("All states", "")
        for state in states:
            self.state_combo.addItem(state, state)
        self.variant_combo = QComboBox(self)
        for label, value in (("All letter types", ""), ("Adults", "adult"),
                             ("Parents or guardians of minors", "minor"),
                             ("Next of kin of deceased patients", "deceased")):
            self.variant_combo.addItem(label, value)
        self.language_combo = QComboBox(self)
        for label, value in (("All languages", ""), ("English", "en"), ("Spanish", "es")):
            self.language_combo.addItem(label, value)
        self.date_edit = date_edit(self, _qdate(today), "Letter date")
        self.taglines_check = QCheckBox("Add the language-assistance page (15 languages)", self)
        form = QFormLayout()
        form.addRow("&State:", self.state_combo)
        form.addRow("Letter &type:", self.variant_combo)
        form.addRow("&Language:", self.language_combo)
        form.addRow("Letter &date:", self.date_edit)
        form.addRow("", self.taglines_check)
        note = QLabel("Only recipients who have no letter yet are included. Each letter gets its "
                      "reference and enrollment code now, from the approved templates.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create batch")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def spec(self) -> BatchSpec:
        return BatchSpec(state=self.state_combo.currentData(),
                         variant=self.variant_combo.currentData(),
                         language=self.language_combo.currentData(),
                         letter_date=_pydate(self.date_edit.date()),
                         taglines=self.taglines_check.isChecked())


class CodesDialog(QDialog):
    """The terms of a vendor's code pool: expiry, sign-up address, months."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enrollment codes")
        self.expires_edit = date_edit(self, _qdate(today + dt.timedelta(days=120)),
                                      "Enrol by")
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText("www.example-monitoring.com/enroll")
        self.months_spin = QSpinBox(self)
        self.months_spin.setRange(1, 60)
        self.months_spin.setValue(12)
        form = QFormLayout(self)
        form.addRow("Codes &expire on:", self.expires_edit)
        form.addRow("Sign-up &web address:", self.url_edit)
        form.addRow("&Months of monitoring:", self.months_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[dt.date, str, int]:
        return _pydate(self.expires_edit.date()), self.url_edit.text(), self.months_spin.value()


class PreviewDialog(QDialog):
    """The first letters of a batch, page by page, exactly as they will print; Close (or Esc)
    goes back to the page."""

    def __init__(self, layout: LetterLayout, letters: list[LetterContent],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview: first letters of the batch")
        self.resize(790, 860)
        inner = QWidget(self)
        column = QVBoxLayout(inner)
        self.pages = 0
        for content in letters:
            for image in preview_pages(layout, content, dpi=80):
                label = QLabel(inner)
                label.setPixmap(QPixmap.fromImage(image))
                label.setStyleSheet("border: 1px solid #999; background: white;")
                column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
                self.pages += 1
        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)  # Close, and Esc (QDialog's own reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        layout_ = QVBoxLayout(self)
        layout_.addWidget(scroll)
        layout_.addWidget(buttons)


class _PrintPreview(QPrintPreviewDialog):
    """The preview only borrows its printer: keep it alive as long as the open dialog."""

    def __init__(self, printer: QPrinter, parent: QWidget) -> None:
        super().__init__(printer, parent)
        self.kept_printer = printer


def print_letters(parent: QWidget, layout: LetterLayout, letters: Callable[[], list[
        LetterContent]]) -> QPrintPreviewDialog:
    """Qt's print preview of the letters, ready to `open()`; it is accepted once the pages
    went to the printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    dialog = _PrintPreview(printer, parent)
    dialog.setWindowTitle("Print letters")

    def paint(target: QPrinter) -> None:
        painter = QPainter(target)
        try:
            lp = LetterPainter(painter, target, layout, float(target.resolution()))
            for i, content in enumerate(letters()):
                if i:
                    target.newPage()
                lp.letter(content, target.newPage)
        finally:
            painter.end()

    dialog.paintRequested.connect(paint)
    return dialog
