"""Importing an incident's affected-patient list: preview (`plan_recipients`), then all or none.

The file is read by the one reader every import uses, in its streaming form
(`services.files.stream_source`: CSV with encoding and delimiter detection, XLSX read-only),
so a list of a million people is read in one pass with memory bounded by a batch of rows, and
has no row limit; what differs from other imports is the columns, the dates and the rule for
bad rows. Each good row is classified as it is read and written already classified, in
batches, inside the one transaction (duplicates are then marked in SQL).

Every person on the list stays counted: a row whose address cannot be used (no street, a
blank or placeholder ZIP, a ZIP that cannot be repaired, an unknown state) is imported as a
recipient with insufficient address and the reason. Only a row that names nobody or whose
dates cannot be read is bad: it either stops the whole import (ImportRejected naming every
bad line) or, when the user says so, is set aside into the incident's review list, kept with
its line number, reason and state to be fixed later, and still counted in the incident's
totals and the substitute-notice count. Either way it is one action: one transaction and one
audit entry (counts only), so a cancel, an error or a killed process leaves nothing
half-imported. The import classifies the list and updates the incident's affected counts in
that same action.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import (
    ImportRejected,
    RowProblem,
    UserError,
    ValidationError,
)
from crisisdesk.domain.letters import SubstituteNotice
from crisisdesk.domain.recipient_columns import (
    DATE_FIELDS,
    SCHEME,
    missing_columns,
    source_signature,
)
from crisisdesk.domain.recipients import (
    FORMAT_BY_LABEL,
    RecipientFields,
    RecipientReader,
    detect_date_format,
)
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.files import SourceFile
from crisisdesk.services.files.source import stream_source
from crisisdesk.services.files.walk import IsCancelled, Progress, RowWalk
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import recipients as store

SAMPLE_SIZE = 5
DATE_SAMPLE_ROWS = 2000
REVIEW_BATCH = 500  # set-aside rows written together while the file is read


@dataclass
class RecipientPlan:
    """What importing `path` would do; nothing has been written."""

    path: Path
    format: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict[str, str]
    date_format: str
    date_ambiguous: bool
    remembered: bool  # the mapping came from an earlier import of the same source
    total_rows: int = 0
    valid_rows: int = 0
    zip_repaired: int = 0
    usable: int = 0  # of the valid rows: a letter can be addressed
    insufficient: int = 0  # of the valid rows: insufficient address (substitute notice)
    problems: list[RowProblem] = field(default_factory=list)
    sample: list[RecipientFields] = field(default_factory=list)
    blocking: str = ""


@dataclass
class RecipientImportReport:
    """What an import did, and where each person is counted."""

    imported: int
    set_aside: int
    problems: list[RowProblem]
    total_rows: int
    zip_repaired: int
    import_id: str = ""
    dry_run: bool = False
    usable: int = 0  # imported with an address a letter can go to
    insufficient: int = 0  # imported with insufficient address (substitute notice)
    no_notice: int = 0  # deceased with no next-of-kin address: no letter, no substitute
    counted: int = 0  # the incident's affected total afterwards (by state + unknown)
    substitute: SubstituteNotice | None = None  # the incident's position afterwards

    @property
    def people(self) -> int:
        return self.imported + self.set_aside

    @property
    def summary(self) -> str:
        """"1,000 people: 600 with a usable address, 400 insufficient address (substitute
        notice), 0 set aside; counted in the incident: 1,000"."""
        parts = [f"{self.usable:,} with a usable address",
                 f"{self.insufficient:,} insufficient address (substitute notice)"]
        if self.no_notice:
            parts.append(f"{self.no_notice:,} deceased with no next-of-kin address")
        parts.append(f"{self.set_aside:,} set aside")
        where = (f"would be counted in the incident: {self.people:,}" if self.dry_run
                 else f"counted in the incident: {self.counted:,}")
        return f"{self.people:,} people: {', '.join(parts)}; {where}"

    def as_json(self) -> dict[str, object]:
        sub = self.substitute
        return {"imported": self.imported, "set_aside": self.set_aside,
                "total_rows": self.total_rows, "zip_repaired": self.zip_repaired,
                "dry_run": self.dry_run, "people": self.people, "usable": self.usable,
                "insufficient": self.insufficient, "no_notice": self.no_notice,
                "counted_in_incident": self.people if self.dry_run else self.counted,
                "substitute_notice": sub.kind if sub is not None else "",
                "problems": [{"line": p.line, "reason": p.reason} for p in self.problems]}


def _open(path: Path) -> SourceFile:
    source = stream_source(path)
    if source.format not in ("csv", "xlsx"):
        raise UserError(f"{path.name} is not a CSV or Excel (.xlsx) list of patients.")
    return source


def _detect_dates(source: SourceFile, mapping: Mapping[str, str]) -> tuple[str, bool]:
    columns = [h for h, f in mapping.items() if f in DATE_FIELDS]
    values: list[str] = []
    for n, (_, row) in enumerate(source.rows()):
        if n >= DATE_SAMPLE_ROWS:
            break
        if isinstance(row, dict):
            values.extend(row.get(c, "") for c in columns)
    return detect_date_format(values)


def _setup(session: Session | None, source: SourceFile, overrides: Mapping[str, str] | None,
           date_format: str) -> tuple[dict[str, str], str, bool, bool]:
    saved = (store.saved_source(session.db, source_signature(source.headers))
             if session is not None else None)
    base = _remembered(saved[0], source.headers) if saved else SCHEME.guess(source.headers)
    mapping = SCHEME.apply_overrides(source.headers, base, overrides)
    if date_format:
        label = date_format.strip().upper()
        if label not in FORMAT_BY_LABEL:
            raise ValidationError(f"{date_format!r} is not a date format; use one of "
                                  f"{', '.join(FORMAT_BY_LABEL)}.", {"date_format": "unknown"})
        return mapping, label, False, bool(saved)
    if saved and saved[1]:
        return mapping, saved[1], False, True
    label, ambiguous = _detect_dates(source, mapping)
    return mapping, label, ambiguous, bool(saved)


def _remembered(saved: Mapping[str, str], headers: list[str]) -> dict[str, str]:
    """The remembered mapping applied to this file's headers. Files of one source share a
    signature even when a header's case or spacing differs ("FIRST" / "first"), so headers are
    matched the same loose way (a column the user left unmapped stays unmapped)."""
    by_key = {SCHEME.header_key(h) or h.casefold(): f for h, f in saved.items()}
    return {h: by_key[k] for h in headers
            if (k := SCHEME.header_key(h) or h.casefold()) in by_key}


class _Rows:
    """Walks the file: yields (line, fields) for good rows and collects the bad ones (their
    problems; the rows themselves only when `keep_bad`, for the caller to take away)."""

    def __init__(self, source: SourceFile, reader: RecipientReader, progress: Progress | None,
                 is_cancelled: IsCancelled | None, *, keep_bad: bool = False) -> None:
        self.source, self.reader, self.keep_bad = source, reader, keep_bad
        self.walk = RowWalk(source, progress, is_cancelled)
        self.problems: list[RowProblem] = []
        self.bad_rows: list[tuple[int, dict[str, str], str]] = []  # (line, row, reason)
        self.repaired = self.usable = self.insufficient = self.no_notice = 0
        self.sample: list[RecipientFields] = []

    @property
    def rows(self) -> int:
        return self.walk.rows

    def _bad(self, line: int, row: dict[str, str], reason: str) -> None:
        self.problems.append(RowProblem(line, reason))
        if self.keep_bad:
            self.bad_rows.append((line, row, reason))

    def __iter__(self) -> Iterator[tuple[int, RecipientFields]]:
        read = self.reader.read
        for line, row in self.walk:
            if isinstance(row, str):
                self._bad(line, {}, row)
                continue
            try:
                fields = read(row)
            except ValidationError as exc:
                self._bad(line, row, str(exc))
                continue
            self.repaired += fields.zip_repaired
            if fields.death_date is not None:
                self.no_notice += bool(fields.nok_address_problem)
                self.usable += not fields.nok_address_problem
            elif fields.address_problem:
                self.insufficient += 1
            else:
                self.usable += 1
            if len(self.sample) < SAMPLE_SIZE:
                self.sample.append(fields)
            yield line, fields


def plan_recipients(session: Session | None, path: Path, *,
                    mapping_overrides: Mapping[str, str] | None = None, date_format: str = "",
                    progress: Progress | None = None,
                    is_cancelled: IsCancelled | None = None) -> RecipientPlan:
    """Read and check `path` without writing anything (the import preview)."""
    source = _open(path)
    mapping, label, ambiguous, remembered = _setup(session, source, mapping_overrides,
                                                   date_format)
    plan = RecipientPlan(path, source.format, source.encoding, source.delimiter,
                         list(source.headers), mapping, label, ambiguous, remembered,
                         total_rows=source.total_rows)
    missing = missing_columns(mapping)
    if missing:
        plan.blocking = f"{path.name} lacks {' and '.join(missing)}; map one."
        return plan
    if not label:
        plan.blocking = (f"The dates in {path.name} do not all follow one format; fix them "
                         "or choose the format.")
        return plan
    walker = _Rows(source, RecipientReader(mapping, label), progress, is_cancelled)
    plan.valid_rows = sum(1 for _ in walker)
    plan.total_rows, plan.problems, plan.sample = walker.rows, walker.problems, walker.sample
    plan.zip_repaired = walker.repaired
    plan.usable, plan.insufficient = walker.usable, walker.insufficient
    return plan


def import_recipients(
    session: Session, path: Path, *, incident_id: str | None = None,
    mapping_overrides: Mapping[str, str] | None = None, date_format: str = "",
    set_aside_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> RecipientImportReport:
    """Import every row of `path` into the incident's recipients, or nothing; then classify
    the incident's list and update its affected counts, in the same action.

    Bad rows (no name, unreadable dates) reject the whole file (ImportRejected, naming each
    line) unless `set_aside_invalid`, which keeps them in the review list instead, still
    counted. An unusable address is not a bad row.
    """
    incident = incident_service.get_incident(session, incident_id)
    source = _open(path)
    mapping, label, ambiguous, _ = _setup(session, source, mapping_overrides, date_format)
    missing = missing_columns(mapping)
    if missing:
        raise ValidationError(f"{path.name} lacks {' and '.join(missing)}; map one with "
                              "--map COLUMN=FIELD.", {"mapping": "missing columns"})
    if not label:
        raise ValidationError(f"The dates in {path.name} do not all follow one format; say "
                              "which with --date-format.", {"date_format": "mixed"})
    if ambiguous:
        raise ValidationError(f"The dates in {path.name} read as {label} and also another way "
                              f"(e.g. day and month swapped); confirm with --date-format {label}.",
                              {"date_format": "ambiguous"})
    reader = RecipientReader(mapping, label)
    walker = _Rows(source, reader, progress, is_cancelled,
                   keep_bad=set_aside_invalid and not dry_run)
    if dry_run:
        valid = sum(1 for _ in walker)
        _has_patients(walker, path)
        return _report(walker, valid, set_aside_invalid, "", dry_run=True)
    import_id = str(uuid.uuid4())
    with session.action("letters.import", "incident", incident.id) as act:
        by, db, notice = session.operator.name, session.db, today(session)
        before = letter_counts.substitute_position(session, incident.id)
        if store.count(db, incident.id):  # the earlier rows are classified again, as of today
            letter_counts.classify_rows(session, act, incident.id, notice,
                                        up_to=store.last_rowid(db), is_cancelled=is_cancelled)
        rows = _classified_rows(session, walker, incident.id, import_id, notice, act.at,
                                set_aside_invalid)
        with store.bulk_insert(db, source.total_rows):
            imported = store.insert_many(db, rows, classified=True)
        _has_patients(walker, path)
        report = _report(walker, imported, set_aside_invalid, import_id, dry_run=False)
        store.mark_duplicates(db, incident.id)
        store.insert_import(db, {
            "id": import_id, "incident_id": incident.id, "file_name": path.name,
            "format": source.format, "encoding": source.encoding,
            "delimiter": source.delimiter, "date_format": label, "total_rows": walker.rows,
            "imported": imported, "set_aside": len(walker.problems), "created_at": act.at,
            "created_by": by})
        store.save_source(db, source_signature(source.headers), mapping, label,
                          at=act.at, by=by)
        counts, unknown = letter_counts.update_incident_counts(session, act, incident)
        report.counted = sum(counts.values()) + unknown
        report.substitute = letter_counts.record_substitute_change(
            session, act, incident.id, before, "Importing the letter list")
        act.summary = f"Imported letter recipients from a {source.format} file: {report.summary}"
    return report


def _classified_rows(session: Session, walker: _Rows, incident_id: str, import_id: str,
                     notice: dt.date, at: str, set_aside: bool) -> Iterator[store.Row]:
    """The good rows as classified records, for `insert_many`, while the set-aside rows go to
    the review list a few hundred at a time. Once a bad row is found and rows are not being
    set aside, nothing more is produced, but the file is still read to the end so the refusal
    can name every bad line. Ids are one random prefix per import and a counter: unique,
    and in the order the rows are written (the primary key index grows at its end)."""
    classes = letter_counts.Classifier(session, notice)
    by, record = session.operator.name, store.classified
    prefix = str(uuid.uuid4())[:24]
    n = 0
    for line, fields in walker:
        if len(walker.bad_rows) >= REVIEW_BATCH:
            _set_aside(session, walker, incident_id, import_id, at)
        if walker.problems and not set_aside:
            continue
        n += 1
        yield record(f"{prefix}{n:012x}", incident_id, import_id, line, fields,
                     classes(fields), at=at, by=by)
    if walker.bad_rows:
        _set_aside(session, walker, incident_id, import_id, at)


def _set_aside(session: Session, walker: _Rows, incident_id: str, import_id: str,
               at: str) -> None:
    by, state_of = session.operator.name, walker.reader.state_of
    store.insert_review(session.db, (
        (str(uuid.uuid4()), incident_id, import_id, line, json.dumps(row, ensure_ascii=False),
         reason, at, by, state_of(row) if row else "")
        for line, row, reason in walker.bad_rows))
    walker.bad_rows.clear()


def _has_patients(walker: _Rows, path: Path) -> None:
    if walker.rows == 0:
        raise UserError(f"{path.name} has a header but no patients.")


def _report(walker: _Rows, valid: int, set_aside: bool, import_id: str, *,
            dry_run: bool) -> RecipientImportReport:
    if walker.problems and not set_aside:
        raise ImportRejected(walker.problems, walker.rows)
    return RecipientImportReport(valid, len(walker.problems), walker.problems, walker.rows,
                                 walker.repaired, import_id, dry_run, walker.usable,
                                 walker.insufficient, walker.no_notice)


def add_recipients(session: Session, people: list[RecipientFields], *,
                   incident_id: str | None = None) -> int:
    """Add recipients typed in (or the demo's fictional ones), already validated."""
    incident = incident_service.get_incident(session, incident_id)
    with session.action("letters.add", "incident", incident.id,
                        f"Added {len(people)} letter recipients") as act:
        return store.insert_many(session.db, (
            store.record(str(uuid.uuid4()), incident.id, "", 0, person, at=act.at,
                         by=session.operator.name) for person in people))
