"""One editor widget per declared setting, built from the settings schema (domain/settings.py).

The schema already says each setting's type, range and choices, so the form never repeats a
rule: a spin box gets the spec's minimum and maximum, a choice list its choices, and whatever is
typed is still validated by the service when saved.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from crisisdesk.domain.settings import SettingSpec, SettingValue


class SettingField:
    """A widget for one spec, with get/set of its value as the service understands it."""

    def __init__(self, spec: SettingSpec, parent: QWidget) -> None:
        self.spec = spec
        self.widget: QWidget
        if spec.type is bool:
            self.widget = QCheckBox(parent)
        elif spec.type is int:
            box = QSpinBox(parent)
            box.setRange(spec.minimum if spec.minimum is not None else -1_000_000,
                         spec.maximum if spec.maximum is not None else 1_000_000)
            self.widget = box
        elif spec.choices:
            combo = QComboBox(parent)
            combo.addItems(list(spec.choices))
            self.widget = combo
        else:
            edit = QLineEdit(parent)
            if spec.max_length:
                edit.setMaxLength(spec.max_length)
            edit.setPlaceholderText(spec.allowed())
            self.widget = edit
        self.widget.setObjectName(f"setting_{spec.key}")
        self.widget.setAccessibleName(spec.label)
        self.widget.setToolTip(f"{spec.help}\nAllowed: {spec.allowed()}.")

    def value(self) -> SettingValue:
        w = self.widget
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentText()
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_value(self, value: SettingValue) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QComboBox):
            w.setCurrentText(str(value))
        else:
            assert isinstance(w, QLineEdit)
            w.setText(str(value))
