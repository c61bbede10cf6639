"""Importing contact lists: preview first (`plan_import`), then all or nothing (`import_contacts`).

The whole import is one `session.action`: one transaction and one audit entry. Rows are
validated and inserted as the file streams by; at the first bad row (unless `skip_invalid`)
inserting stops but checking goes on, so the user hears about every bad line at once, and the
transaction is rolled back. A cancel, an error or a killed process therefore leaves the desk
exactly as it was. Progress and Cancel are the shared row walk's (`services.files.walk`).

Nothing is dropped silently: the column guess looks at a sample of the rows as well as the
headers, and a column whose values look like phone numbers or e-mail addresses but that no
field reads stops the import (`UnreadColumns`) until it is mapped or ignored on purpose. The
report says which columns filled each field and how many cells had a value.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.column_scheme import SNIFF_ROWS
from crisisdesk.domain.contact_columns import SCHEME
from crisisdesk.domain.contacts import (
    ContactDraft,
    ContactFields,
    FieldSource,
    RowReader,
    has_name_column,
    problem_text,
    validate_draft,
)
from crisisdesk.domain.errors import (
    ImportRejected,
    RowProblem,
    UserError,
    ValidationError,
)
from crisisdesk.domain.formatting import shorten
from crisisdesk.services.files import SourceFile, open_source
from crisisdesk.services.files.walk import IsCancelled, Progress, RowWalk
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store

SAMPLE_SIZE = 5


@dataclass
class ImportPlan:
    """What importing `path` would do; nothing has been written."""

    path: Path
    format: str  # "csv" | "xlsx" | "vcf"
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict[str, str]  # header -> contact field
    total_rows: int
    valid_rows: int
    problems: list[RowProblem]
    sample: list[ContactDraft]  # the first rows as they would be read with this mapping
    ignored_columns: list[str] = field(default_factory=list)
    blocking: str = ""  # why nothing can be imported with this mapping ("" when it can)
    unread: dict[str, str] = field(default_factory=dict)  # column -> what it holds
    ignored_on_purpose: list[str] = field(default_factory=list)
    sources: list[FieldSource] = field(default_factory=list)


@dataclass
class ImportReport:
    imported: int
    skipped: int
    problems: list[RowProblem]
    total_rows: int
    dry_run: bool
    ignored_columns: list[str] = field(default_factory=list)
    sources: list[FieldSource] = field(default_factory=list)

    def sources_text(self) -> str:
        """'phones: 14 from Phone 1 - Value, Phone 2 - Value; e-mail: 6 from E-mail 1 - Value'."""
        return "; ".join(str(s) for s in self.sources)


class UnreadColumns(ValidationError):
    """Columns hold phone numbers or e-mail addresses that no field reads: `columns` maps each
    such header to what it holds."""

    def __init__(self, columns: dict[str, str]) -> None:
        self.columns = dict(columns)
        named = "; ".join(f'column "{shorten(h)}" holds {what}' for h, what in columns.items())
        super().__init__(
            f"{named[:1].upper()}{named[1:]} but is not read: map it to a contact field, or "
            "ignore it on purpose.", {"mapping": "unread columns"})


def _mapping(source: SourceFile, overrides: Mapping[str, str] | None
             ) -> tuple[dict[str, str], dict[str, str]]:
    """(mapping, unread columns) for `source` with the user's `overrides`."""
    if source.format == "vcf":
        return SCHEME.apply_overrides(source.headers, {h: h for h in source.headers},
                                      overrides), {}
    rows = source.rows()
    try:
        sample = [row for _, row in itertools.islice(rows, SNIFF_ROWS) if isinstance(row, dict)]
    finally:
        close = getattr(rows, "close", None)  # a generator: closes an open workbook at once
        if callable(close):
            close()
    guess = SCHEME.guess(source.headers, sample)
    mapping = SCHEME.apply_overrides(source.headers, guess, overrides)
    return mapping, SCHEME.unread(source.headers, mapping, sample, overrides)


def _no_name(source: SourceFile) -> str:
    return (f"{source.path.name} has no name column (such as \"Name\", \"Full Name\", "
            "\"First Name\" or \"Last Name\"); map one of its columns to name.")


class _Validator:
    """Walks the rows, yielding valid ones and collecting problems (progress and Cancel are
    the walk's)."""

    def __init__(self, source: SourceFile, mapping: dict[str, str],
                 progress: Progress | None, is_cancelled: IsCancelled | None) -> None:
        self.source, self.mapping = source, mapping
        self.walk = RowWalk(source, progress, is_cancelled)
        self.problems: list[RowProblem] = []
        self.sample: list[ContactDraft] = []
        self.reader = RowReader(mapping)

    @property
    def rows(self) -> int:
        return self.walk.rows

    def __iter__(self) -> Iterator[tuple[int, ContactFields]]:
        problems, reader = self.problems, self.reader
        for line, row in self.walk:
            if isinstance(row, str):
                problems.append(RowProblem(line, row))
                continue
            try:
                draft = reader.draft(row)
                if len(self.sample) < SAMPLE_SIZE:
                    self.sample.append(draft)
                fields = validate_draft(draft)
            except ValidationError as exc:
                problems.append(RowProblem(line, problem_text(exc)))
                continue
            reader.tally(row)
            yield line, fields


def plan_import(path: Path, mapping_overrides: dict[str, str] | None = None,
                progress: Progress | None = None,
                is_cancelled: IsCancelled | None = None) -> ImportPlan:
    """Read and check `path` without writing anything (the import preview)."""
    source = open_source(path)
    mapping, unread = _mapping(source, mapping_overrides)
    ignored = [h for h in source.headers if h not in mapping]
    plan = ImportPlan(path, source.format, source.encoding, source.delimiter,
                      list(source.headers), mapping, source.total_rows, 0, [], [], ignored,
                      unread=unread)
    plan.ignored_on_purpose = [h for h in source.headers if h in _on_purpose(
        source, mapping_overrides)]
    if not has_name_column(mapping):
        plan.blocking = _no_name(source)
        return plan
    checker = _Validator(source, mapping, progress, is_cancelled)
    plan.valid_rows = sum(1 for _ in checker)
    plan.total_rows, plan.problems, plan.sample = checker.rows, checker.problems, checker.sample
    plan.sources = _sources(checker)
    if unread:
        plan.blocking = str(UnreadColumns(unread))
    return plan


def _on_purpose(source: SourceFile, overrides: Mapping[str, str] | None) -> set[str]:
    return SCHEME.ignored_on_purpose(source.headers, overrides)


def import_contacts(
    session: Session, path: Path, *, mapping_overrides: dict[str, str] | None = None,
    skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> ImportReport:
    """Import every row of `path`, or nothing (ImportRejected) if any row is bad.

    With `skip_invalid` the bad rows are left out and reported; with `dry_run` everything is
    checked exactly as for real but nothing is written (and nothing is audited).
    """
    source = open_source(path)
    mapping, unread = _mapping(source, mapping_overrides)
    ignored = [h for h in source.headers if h not in mapping]
    if not has_name_column(mapping):
        raise ValidationError(_no_name(source), {"mapping": "no name column"})
    if unread:
        raise UnreadColumns(unread)
    if source.total_rows == 0:
        raise UserError(f"{path.name} has a header but no contacts.")
    checker = _Validator(source, mapping, progress, is_cancelled)
    if dry_run:
        valid = sum(1 for _ in checker)
        return _report(checker, valid, skip_invalid, dry_run=True, ignored=ignored)
    with session.action("contacts.import", "contact") as act:
        by = session.operator.name
        records = (
            contact_store.record(str(uuid.uuid4()), fields, created_at=act.at,
                                 updated_at=act.at, updated_by=by)
            for _, fields in checker
            if skip_invalid or not checker.problems  # after a bad row: only check the rest
        )
        with contact_store.bulk_insert(session.db):
            imported = contact_store.insert_many(session.db, records)
        report = _report(checker, imported, skip_invalid, dry_run=False, ignored=ignored)
        skipped = f"; skipped {report.skipped} bad rows" if report.skipped else ""
        filled = f" ({report.sources_text()})" if report.sources else ""
        act.summary = f"Imported {imported} contacts from {path.name}{skipped}{filled}"
    return report


def _report(checker: _Validator, valid: int, skip_invalid: bool, *, dry_run: bool,
            ignored: list[str]) -> ImportReport:
    if checker.problems and not skip_invalid:
        raise ImportRejected(checker.problems, checker.rows)
    return ImportReport(valid, len(checker.problems), checker.problems, checker.rows, dry_run,
                        ignored, _sources(checker))


def _sources(checker: _Validator) -> list[FieldSource]:
    """The reader's field sources, with columns named as the file names them (a vCard's TEL,
    EMAIL)."""
    sources = checker.reader.sources()
    names = checker.source.origins
    if not names:
        return sources
    return [FieldSource(s.field, s.cells, tuple(dict.fromkeys(names.get(c, c) for c in s.columns)))
            for s in sources]
