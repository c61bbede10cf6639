"""The incident record form: new or edit, with every field the clocks and letters depend on.

Title, kind, status, dates (breach start and end may be unknown), systems, kinds of
information, people affected by state of residence, a law-enforcement delay (who asked,
written or oral, from, until), and the response facts letters may state (when the access was
stopped, when and which law enforcement was told; HHS notice and mailing come from the
deadlines and the mailing log). The form only gathers values; `services.incidents` validates
them and its `ValidationError.fields` are shown under the fields they name (a future discovery
date, an end before the start, an unknown state code, a delay ending before it starts...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from crisisdesk.domain.incidents import (
    DelayForm,
    Incident,
    IncidentKind,
    IncidentStatus,
    InfoKind,
    LawEnforcementDelay,
    parse_counts,
)
from crisisdesk.ui.widgets.form_dialog import FormDialog
from crisisdesk.ui.widgets.forms import pydate, qdate
from crisisdesk.ui.widgets.pairs_table import PairsTable

Save = Callable[[dict[str, Any]], Incident]


class OptionalDate(QWidget):
    """A date that may be unknown: a checkbox saying it is known, and the date."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox(label, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(label)
        self.edit.setEnabled(False)
        self.known.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.known)
        row.addWidget(self.edit, 1)

    def set(self, day: dt.date | None, default: dt.date) -> None:
        self.known.setChecked(day is not None)
        self.edit.setDate(qdate(day or default))

    def value(self) -> dt.date | None:
        return pydate(self.edit.date()) if self.known.isChecked() else None


def _date_edit(parent: QWidget, name: str) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setMinimumDate(QDate(1990, 1, 1))
    return edit


class IncidentDialog(FormDialog):
    """`submitted` carries the stored Incident."""

    def __init__(self, save: Save, today: dt.date, incident: Incident | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit incident" if incident else "New incident", "&Save", parent,
                         scroll=True)
        self.save_fn = save
        self.incident = incident
        self.resize(780, 760)
        body = self.form_widget

        self.title_edit = QLineEdit(body)
        self.kind_combo = QComboBox(body)
        for kind in IncidentKind:
            self.kind_combo.addItem(kind.label.capitalize(), kind)
        self.status_combo = QComboBox(body)
        for status in IncidentStatus:
            self.status_combo.addItem(status.value.capitalize(), status)
        self.discovered_edit = _date_edit(body, "Date of discovery")
        self.started = OptionalDate("known:", body)
        self.ended = OptionalDate("known:", body)
        self.systems_edit = QLineEdit(body)
        self.systems_edit.setPlaceholderText("e.g. EHR, file servers, email (comma separated)")
        info_box = QWidget(body)
        info_grid = QGridLayout(info_box)
        info_grid.setContentsMargins(0, 0, 0, 0)
        self.info_checks: dict[InfoKind, QCheckBox] = {}
        for i, info in enumerate(InfoKind):
            check = QCheckBox(info.label.capitalize(), info_box)
            self.info_checks[info] = check
            info_grid.addWidget(check, i // 3, i % 3)
        self.count_rows = PairsTable(("State (2 letters)", "People affected"),
                                     "People affected by state of residence", body,
                                     add_label="Add &state", remove_label="Remove state",
                                     min_height=120)
        self.counts_table = self.count_rows.table
        self.unknown_spin = QSpinBox(body)
        self.unknown_spin.setRange(0, 100_000_000)
        self.unknown_spin.setGroupSeparatorShown(True)
        self.unknown_spin.setAccessibleName("People affected with unknown residence")

        self.delay_box = QGroupBox("Law-enforcement delay (45 CFR 164.412)", body)
        self.delay_box.setCheckable(True)
        self.delay_box.setChecked(False)
        delay_form = QFormLayout(self.delay_box)
        self.official_edit = QLineEdit(self.delay_box)
        self.agency_edit = QLineEdit(self.delay_box)
        self.form_combo = QComboBox(self.delay_box)
        self.form_combo.addItem("Written statement", DelayForm.WRITTEN)
        self.form_combo.addItem("Oral (holds 30 days unless a written one follows)",
                                DelayForm.ORAL)
        self.delay_from = _date_edit(self.delay_box, "Delay from")
        self.delay_until = OptionalDate("given:", self.delay_box)
        self.written_on = OptionalDate("received:", self.delay_box)
        self.contact_edit = QLineEdit(self.delay_box)
        self.delay_notes = QLineEdit(self.delay_box)
        delay_rows: tuple[tuple[str, QWidget, str], ...] = (
                ("Official's &name:", self.official_edit, "delay_official"),
                ("A&gency:", self.agency_edit, "delay_agency"),
                ("Form:", self.form_combo, "delay_form"),
                ("From:", self.delay_from, "delay_from"),
                ("Until:", self.delay_until, "delay_until"),
                ("Written statement (after an oral one):", self.written_on, "delay_written_on"),
                ("Contact:", self.contact_edit, "delay_contact"),
                ("Notes:", self.delay_notes, "delay_notes"))
        for text, widget, key in delay_rows:
            self.errors.add_row(text, widget, key, form=delay_form)
        self.facts_box = QGroupBox("Response facts (letters state only what is recorded)", body)
        facts_form = QFormLayout(self.facts_box)
        self.contained = OptionalDate("recorded:", self.facts_box)
        self.contained.edit.setAccessibleName("Access stopped (contained) on")
        self.police_told = OptionalDate("recorded:", self.facts_box)
        self.police_told.edit.setAccessibleName("Law enforcement told on")
        self.police_agency = QLineEdit(self.facts_box)
        self.police_agency.setPlaceholderText("as it reads after 'we reported it to', e.g. the "
                                              "FBI")
        self.police_agency.setAccessibleName("Law-enforcement agency told")
        facts_rows: tuple[tuple[str, QWidget, str], ...] = (
            ("Access stopped on:", self.contained, "contained_on"),
            ("Law enforcement told on:", self.police_told, "law_enforcement_notified_on"),
            ("Agency told:", self.police_agency, "law_enforcement_agency"))
        for text, widget, key in facts_rows:
            self.errors.add_row(text, widget, key, form=facts_form)
        derived = QLabel("HHS notified: mark the HHS deadline done on the Deadlines list. "
                         "Letters mailed: from the mailing log.", self.facts_box)
        derived.setWordWrap(True)
        facts_form.addRow(derived)
        self.summary_edit = QPlainTextEdit(body)
        self.summary_edit.setFixedHeight(70)
        self.summary_edit.setAccessibleName("Summary")
        self.summary_edit.setPlaceholderText(
            "Plain words that finish the sentence 'we found out that …' (used in notices)")

        rows: tuple[tuple[str, QWidget | QLayout, tuple[str, ...]], ...] = (
                ("&Title:", self.title_edit, ("title",)),
                ("&Kind:", self.kind_combo, ("kind",)),
                ("St&atus:", self.status_combo, ("status",)),
                ("&Discovered on:", self.discovered_edit, ("discovered_on",)),
                ("Breach &started:", self.started, ("breach_started_on",)),
                ("Breach &ended:", self.ended, ("breach_ended_on",)),
                ("S&ystems affected:", self.systems_edit, ("systems_affected",)),
                ("&Information involved:", info_box, ("info_kinds",)),
                ("Affected by state:", self.count_rows, ("affected_by_state",)),
                ("&Unknown residence:", self.unknown_spin, ("affected_unknown_residence",)),
                ("", self.delay_box, ()),
                ("", self.facts_box, ()),
                ("Su&mmary:", self.summary_edit, ("summary",)))
        for text, item, keys in rows:
            self.add_row(text, item, *keys)
        self._load(incident, today)
        self.title_edit.setFocus()

    def _load(self, incident: Incident | None, today: dt.date) -> None:
        self.discovered_edit.setMaximumDate(QDate(2100, 1, 1))
        if incident is None:
            self.discovered_edit.setDate(qdate(today))
            self.started.set(None, today)
            self.ended.set(None, today)
            self.delay_from.setDate(qdate(today))
            self.delay_until.set(None, today)
            self.written_on.set(None, today)
            self.contained.set(None, today)
            self.police_told.set(None, today)
            return
        self.title_edit.setText(incident.title)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(incident.kind))
        self.status_combo.setCurrentIndex(self.status_combo.findData(incident.status))
        self.discovered_edit.setDate(qdate(incident.discovered_on))
        self.started.set(incident.breach_started_on, incident.discovered_on)
        self.ended.set(incident.breach_ended_on, incident.discovered_on)
        self.systems_edit.setText(", ".join(incident.systems_affected))
        for kind, check in self.info_checks.items():
            check.setChecked(kind in incident.info_kinds)
        for state, count in incident.affected_by_state.items():
            self.count_rows.add_row(state, str(count))
        self.unknown_spin.setValue(incident.affected_unknown_residence)
        delay = incident.delay
        self.delay_box.setChecked(delay is not None)
        self.delay_from.setDate(qdate(delay.starts_on if delay else today))
        self.delay_until.set(delay.until if delay else None, today)
        self.written_on.set(delay.written_on if delay else None, today)
        if delay is not None:
            self.official_edit.setText(delay.official)
            self.agency_edit.setText(delay.agency)
            self.form_combo.setCurrentIndex(self.form_combo.findData(delay.form))
            self.contact_edit.setText(delay.contact)
            self.delay_notes.setText(delay.notes)
        self.summary_edit.setPlainText(incident.summary)
        self.contained.set(incident.contained_on, today)
        self.police_told.set(incident.law_enforcement_notified_on, today)
        self.police_agency.setText(incident.law_enforcement_agency)

    def counts(self) -> dict[str, int]:
        pairs = [f"{state}={count or 0}" for state, count in self.count_rows.pairs()
                 if state or count]
        return parse_counts(pairs)  # the domain's parser: "1,200" and "tx" are fine

    def values(self) -> dict[str, Any]:
        delay = None
        if self.delay_box.isChecked():
            delay = LawEnforcementDelay(
                official=self.official_edit.text(), agency=self.agency_edit.text(),
                form=DelayForm(self.form_combo.currentData()),
                starts_on=pydate(self.delay_from.date()), until=self.delay_until.value(),
                written_on=self.written_on.value(), contact=self.contact_edit.text(),
                notes=self.delay_notes.text())
        return {
            "title": self.title_edit.text(),
            "kind": IncidentKind(self.kind_combo.currentData()),
            "status": IncidentStatus(self.status_combo.currentData()),
            "discovered_on": pydate(self.discovered_edit.date()),
            "breach_started_on": self.started.value(),
            "breach_ended_on": self.ended.value(),
            "systems_affected": [s for s in self.systems_edit.text().split(",") if s.strip()],
            "info_kinds": [k for k, check in self.info_checks.items() if check.isChecked()],
            "affected_by_state": self.counts(),
            "affected_unknown_residence": self.unknown_spin.value(),
            "delay": delay,
            "summary": self.summary_edit.toPlainText(),
            "contained_on": self.contained.value(),
            "law_enforcement_notified_on": self.police_told.value(),
            "law_enforcement_agency": self.police_agency.text(),
        }

    def save(self) -> Incident:
        self.incident = self.save_fn(self.values())
        return self.incident
