"""The "New template…" dialog: a template's fixed identity, then a draft version 1.

Key, audience, channel, language and the notice type never change after creation, so they are
asked once here; the text is written afterwards in the editor. The dialog only collects the
values: `services.templates.create_template` decides (a taken or malformed key, a missing name)
and its `ValidationError.fields` are shown under the fields they name. The write runs in a
worker, and the dialog stays open (with what was typed) until it succeeds.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.templates import (
    HIPAA_SECTIONS,
    Audience,
    Channel,
    Language,
    TemplateMeta,
    TemplateVersion,
)
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.templates.model import words
from crisisdesk.ui.widgets.forms import FieldErrors, error_label
from crisisdesk.ui.workers import Job, in_thread_session

LANGUAGE_NAMES = {Language.EN: "English", Language.ES: "Spanish"}


def starter_body(meta: TemplateMeta) -> str:
    """An empty `{% block %}` for each section the template must have, so the author fills in
    the required elements instead of having to know their block names."""
    notes = {name: f"{cite}: {what}" for name, cite, what in HIPAA_SECTIONS}
    parts = []
    for section in meta.all_required_sections:
        note = f"{{# {notes[section]} #}}\n" if section in notes else ""
        parts.append(f"{{% block {section} %}}\n{note}\n{{% endblock %}}\n")
    return "\n".join(parts)


def _combo(parent: QWidget, name: str, items: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    for text, value in items:
        combo.addItem(text, value)
    return combo


class NewTemplateDialog(QDialog):
    """`created(TemplateVersion)` once the draft exists; opened with `open()`."""

    created = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_job: Job | None = None
        self.busy = False
        self.setWindowTitle("New template")
        self.setMinimumWidth(540)
        self.key_edit = QLineEdit(self)
        self.key_edit.setPlaceholderText("e.g. pharmacy-closure-staff-en")
        self.key_edit.setAccessibleName("Key")
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. Pharmacy closure: staff e-mail")
        self.name_edit.setAccessibleName("Name")
        self.audience_combo = _combo(self, "Audience",
                                     [(words(a.value).capitalize(), a.value) for a in Audience])
        self.channel_combo = _combo(self, "Channel",
                                    [(words(c.value).capitalize(), c.value) for c in Channel])
        self.language_combo = _combo(self, "Language",
                                     [(LANGUAGE_NAMES.get(lang, lang.value), lang.value)
                                      for lang in Language])
        self.description_edit = QLineEdit(self)
        self.description_edit.setPlaceholderText("When to use it (optional)")
        self.description_edit.setAccessibleName("Description")
        self.group_edit = QLineEdit(self)
        self.group_edit.setPlaceholderText("Optional, e.g. pharmacy-closure")
        self.group_edit.setToolTip("Templates with the same translation group are the same "
                                   "message in different languages")
        self.group_edit.setAccessibleName("Translation group")
        self.hipaa_check = QCheckBox("HIPAA individual notice (a breach letter to patients)",
                                     self)
        self.hipaa_check.setToolTip("Checked, the text must have every 45 CFR 164.404(c) "
                                    "element; the editor starts with a section for each.")
        self.message = error_label(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = FieldErrors(form, self.message)
        add = self.errors.add_row
        add("&Key:", self.key_edit, "key")
        add("&Name:", self.name_edit, "name")
        add("&Audience:", self.audience_combo, "audience")
        add("C&hannel:", self.channel_combo, "channel")
        add("&Language:", self.language_combo, "language")
        add("&Description:", self.description_edit, "description")
        add("&Translation group:", self.group_edit, "translation_group")
        add("", self.hipaa_check, "hipaa_notice")
        note = QLabel("The key, audience, channel, language and notice type cannot change "
                      "later. The new template starts as a draft; write its text in the "
                      "editor.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = buttons.addButton("C&reate draft",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = self.box = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.key_edit.setFocus()

    def meta(self) -> TemplateMeta:
        return TemplateMeta(
            key=self.key_edit.text().strip(), name=" ".join(self.name_edit.text().split()),
            audience=Audience(self.audience_combo.currentData()),
            channel=Channel(self.channel_combo.currentData()),
            language=Language(self.language_combo.currentData()),
            translation_group=self.group_edit.text().strip(),
            hipaa_notice=self.hipaa_check.isChecked(),
            description=self.description_edit.text().strip())

    def submit(self) -> None:
        if self.busy:
            return
        meta = self.meta()
        body = starter_body(meta)
        self.busy = True
        self.create_button.setEnabled(False)

        def work(session: Session) -> TemplateVersion:
            return template_service.create_template(session, meta, body)

        job = Job(in_thread_session(self.ctx.session, lambda s, **_: work(s)),
                  name="new template")
        job.finished.connect(self._created)
        job.failed.connect(self._failed)
        self.last_job = job
        self.ctx.runner.start(job)

    def _created(self, version: TemplateVersion) -> None:
        self.busy = False
        self.created.emit(version)
        self.accept()

    def _failed(self, err: BaseException) -> None:
        self.busy = False
        self.create_button.setEnabled(True)
        if isinstance(err, ValidationError):
            self.errors.show(str(err), err.fields)
        elif isinstance(err, UserError):
            self.errors.show(str(err), {})
        else:
            self.ctx.show_error(err)
            return
        self._fit()

    def _fit(self) -> None:
        """Grow to show a wrapped error in full (a dialog does not re-ask heightForWidth)."""
        layout = self.box
        layout.activate()
        wanted = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if wanted > self.height():
            self.resize(self.width(), wanted)
