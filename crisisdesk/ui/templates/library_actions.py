"""New, import and export on the Templates page: templates come in as drafts, go out as files.

A `.tmpl` file is how a template travels: counsel edits the exported text and it is imported
back as a new draft (`services.templates.import_template` decides whether it is a new
template, a new draft version or unchanged). Reading, parsing and writing files run in a
worker, so a slow network drive never freezes the window; a file that cannot be read or
written is a UserError in the message bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.templates import FILE_SUFFIX, TemplateVersion
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.store.files import write_bytes_atomic
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.templates.new_dialog import NewTemplateDialog
from crisisdesk.ui.workers import Job, in_thread_session

TMPL_FILTER = f"Template files (*{FILE_SUFFIX})"


def read_template_file(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is not a template file (it is not UTF-8 text).") from None


def write_template_file(path: Path, text: str) -> None:
    try:
        write_bytes_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror or exc}.") from None


def import_file(session: Session, path: Path) -> template_service.ImportResult:
    return template_service.import_template(session, read_template_file(path),
                                            source_name=path.name)


def export_file(session: Session, key: str, version: int | None, path: Path) -> None:
    write_template_file(path, template_service.export_template(session, key, version))


class LibraryActions(QObject):
    """`open_requested(key)` after a template was created or imported (to edit it next)."""

    open_requested = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.dialog: NewTemplateDialog | None = None
        self.last_job: Job | None = None

    def new_template(self) -> NewTemplateDialog:
        self.dialog = NewTemplateDialog(self.ctx, self.widget)
        self.dialog.created.connect(self._created)
        self.dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

    def _created(self, version: TemplateVersion) -> None:
        self.ctx.messages.show_info(f"Created {version.meta.key} as draft version 1; write "
                                    "its text, then submit it for review.")
        self.ctx.state.notify_changed()
        self.open_requested.emit(version.meta.key)

    def import_template(self) -> Job | None:
        path = self.ctx.prompts.open_file(self.widget, "Import a template file", TMPL_FILTER)
        if path is None:
            return None

        def finished(result: template_service.ImportResult) -> None:
            self.ctx.messages.show_info(
                f"Imported {path.name}: {result.key} version {result.version} "
                f"({result.outcome}).")
            self.ctx.state.notify_changed()
            self.open_requested.emit(result.key)

        return self._start(lambda s: import_file(s, path), finished, "import template")

    def export_template(self, key: str, version: int) -> Job | None:
        path = self.ctx.prompts.save_file(self.widget, "Export a template file",
                                          f"{key}-v{version}{FILE_SUFFIX}", TMPL_FILTER)
        if path is None:
            return None
        return self._start(
            lambda s: export_file(s, key, version, path),
            lambda _r: self.ctx.messages.show_info(f"Exported {key} version {version} to "
                                                   f"{path}."), "export template")

    def _start(self, work: Callable[[Session], Any], finished: Callable[[Any], None],
               name: str) -> Job:
        job = Job(in_thread_session(self.ctx.session, lambda s, **_: work(s)), name=name)
        job.finished.connect(finished)
        job.failed.connect(self.ctx.show_error)
        self.last_job = job
        self.ctx.runner.start(job)
        return job
