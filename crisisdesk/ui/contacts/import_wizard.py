"""Import contacts from a file: choose it, see exactly what would happen, then import.

The three steps are the shared `ImportWizard`'s. What is particular to contacts: the format,
encoding and delimiter are named, "Skip invalid rows" lets the good rows in, and a column whose
values are phone numbers or e-mail addresses but that nothing reads is shown in red with the
reason, and import stays disabled until it is given a field or set to "ignore on purpose".
The last page says what each field was read from.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crisisdesk.domain.contacts import FIELDS
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.contacts import ImportPlan, ImportReport
from crisisdesk.ui.widgets.import_wizard import ImportWizard as BaseImportWizard
from crisisdesk.ui.workers import JobFn, in_thread_session

NOT_READ_LABEL = "(not read)"
IGNORE_LABEL = "(ignore on purpose)"
FORMAT_NAMES = {"csv": "CSV (comma/tab separated text)", "xlsx": "Excel workbook (.xlsx)",
                "vcf": "vCard (.vcf)"}


def field_label(field: str) -> str:
    return field.replace("_", " ").capitalize()


class ImportWizard(BaseImportWizard):
    """The contact-list import wizard."""

    title = "Import contacts"
    initial_size = (780, 660)
    intro = ("Choose a contact list to import: a CSV or tab-separated file, an Excel workbook "
             "(.xlsx) or vCards (.vcf). You will see what CrisisDesk reads from it, and every "
             "row it cannot use, before anything is saved.")
    browse_title = "Choose a contact list to import"
    field_column = "Contact field"
    notes_column = True
    sample_columns = ("Name", "Title", "Organisation", "Phones")
    skip_text = "&Skip invalid rows (import only the good ones)"
    fix_hint = "fix the file and preview again, or skip them."
    progress_title = "Importing contacts"
    progress_label = "Importing contacts from {name}…"

    def plan_job(self, path: Path, overrides: dict[str, str] | None) -> JobFn:
        return lambda progress, is_cancelled: contact_service.plan_import(
            path, overrides or None, progress=progress, is_cancelled=is_cancelled)

    def import_job(self, path: Path, overrides: dict[str, str], skip: bool) -> JobFn:
        def work(session: Any, *, progress: Any, is_cancelled: Any) -> ImportReport:
            return contact_service.import_contacts(
                session, path, mapping_overrides=overrides, skip_invalid=skip,
                progress=progress, is_cancelled=is_cancelled)

        return in_thread_session(self.ctx.session, work)

    def field_choices(self) -> list[tuple[str, str]]:
        return [(NOT_READ_LABEL, ""), *((field_label(f), f) for f in FIELDS),
                (IGNORE_LABEL, "ignore")]

    def chosen_field(self, plan: ImportPlan, header: str) -> str:
        if header in plan.ignored_on_purpose:
            return "ignore"
        return plan.mapping.get(header, "")

    def column_note(self, plan: ImportPlan, header: str) -> str:
        holds = plan.unread.get(header)
        return f"Holds {holds}: choose a field, or ignore it on purpose" if holds else ""

    def format_name(self, fmt: str) -> str:
        return FORMAT_NAMES.get(fmt, fmt)

    def plan_footer(self, plan: ImportPlan) -> str:
        read = "; ".join(str(source) for source in plan.sources)
        return f"<br>Will read {html.escape(read)}." if read else ""

    def sample_cells(self, item: Any) -> Sequence[str]:
        phones = "; ".join(f"{label} {number}".strip() for label, number in item.phones)
        return (item.name, item.job_title, item.organisation, phones)

    def show_report(self, report: ImportReport) -> None:
        self.done_label.setText(summary_text(report, self.plan.path.name if self.plan else ""))


def summary_text(report: ImportReport, file_name: str) -> str:
    """The last page: how many contacts, what each field was read from, what was left out."""
    lines = [f"Imported {report.imported} of {report.total_rows} contacts from {file_name}."]
    if report.skipped:
        lines.append(f"Skipped {report.skipped} rows that could not be imported.")
    lines.extend(f"{source.field.capitalize()}: {source.cells} from {', '.join(source.columns)}."
                 for source in report.sources)
    if report.ignored_columns:
        lines.append(f"Not read: {', '.join(report.ignored_columns)}.")
    return "\n".join(lines)
