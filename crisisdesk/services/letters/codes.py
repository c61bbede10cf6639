"""Credit-monitoring enrollment codes, and fixing rows set aside in the review list.

The monitoring vendor sends a CSV of activation codes that stop working on a given date. The
pool is imported whole or not at all: a duplicate code (in the file or already on the desk) is
refused with its line, because one code on two letters would let one patient enrol as another.
Codes are secrets of the patients they go to, so audit entries give only how many.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.code_columns import CODE, code_column, header_is_a_code
from crisisdesk.domain.errors import (
    ImportRejected,
    NotFound,
    RowProblem,
    UserError,
    ValidationError,
)
from crisisdesk.domain.recipient_columns import FIELDS, SCHEME, source_signature
from crisisdesk.domain.recipients import RecipientFields, RecipientReader
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.files import open_source
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import letters as store
from crisisdesk.store import recipients as recipient_store


@dataclass(frozen=True)
class CodeImportReport:
    imported: int
    expires_on: dt.date
    free_codes: int


def import_codes(session: Session, path: Path, *, expires_on: dt.date,
                 incident_id: str | None = None, enrollment_url: str = "",
                 monitoring_months: int | None = None) -> CodeImportReport:
    """Add a vendor's pool of enrollment codes to the incident, all or none."""
    incident = incident_service.get_incident(session, incident_id)
    if expires_on < today(session):
        raise ValidationError(f"The codes expired on {expires_on.isoformat()}; ask the vendor "
                              "for a current pool.", {"expires_on": "in the past"})
    source = open_source(path, repeated_headers=True)  # only the code column is read
    if source.format not in ("csv", "xlsx"):
        raise UserError(f"{path.name} is not a CSV or Excel (.xlsx) list of codes.")
    column = code_column(source.headers)
    codes: list[str] = []
    problems: list[RowProblem] = []
    lines: dict[str, int] = {}
    if header_is_a_code(source.headers):
        codes.append(source.headers[0])  # a bare list of codes: its first line is a code
        lines[source.headers[0]] = 1
    for line, row in source.rows():
        if isinstance(row, str):
            problems.append(RowProblem(line, row))
            continue
        code = row.get(column, "").strip()
        if not CODE.fullmatch(code):
            problems.append(RowProblem(line, "not an enrollment code (4 to 40 letters, digits "
                                             "or hyphens)"))
        elif code in lines:
            problems.append(RowProblem(line, f"the same code as line {lines[code]}"))
        else:
            lines[code] = line
            codes.append(code)
    if not problems and not codes:
        raise UserError(f"{path.name} holds no enrollment codes.")
    for code in sorted(store.existing_codes(session.db, codes), key=lines.__getitem__):
        problems.append(RowProblem(lines[code], "this code was imported before"))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line), len(codes) + len(problems))
    return add_code_pool(session, codes, expires_on=expires_on, incident_id=incident.id,
                         enrollment_url=enrollment_url, monitoring_months=monitoring_months,
                         source_name=path.name)



def add_code_pool(session: Session, codes: list[str], *, expires_on: dt.date,
                  incident_id: str | None = None, enrollment_url: str = "",
                  monitoring_months: int | None = None,
                  source_name: str = "") -> CodeImportReport:
    """Add checked, distinct codes as one pool (the file import and the demo both use it)."""
    incident = incident_service.get_incident(session, incident_id)
    with session.action("letters.codes_import", "incident", incident.id,
                        f"Imported {len(codes)} enrollment codes expiring "
                        f"{expires_on.isoformat()}") as act:
        store.insert_pool(session.db, {
            "id": str(uuid.uuid4()), "incident_id": incident.id, "file_name": source_name,
            "expires_on": expires_on.isoformat(), "enrollment_url": enrollment_url.strip(),
            "monitoring_months": monitoring_months, "codes": len(codes), "created_at": act.at,
            "created_by": session.operator.name}, codes)
    free = store.free_code_count(session.db, incident.id, today(session).isoformat())
    return CodeImportReport(len(codes), expires_on, free)


def review_list(session: Session, incident_id: str | None = None) -> list[dict[str, object]]:
    """Rows set aside at import, still to be fixed (each: id, line, row, reason)."""
    incident = incident_service.get_incident(session, incident_id)
    return recipient_store.review_items(session.db, incident.id)


def fix_review_item(session: Session, review_id: str, row: Mapping[str, str], *,
                    mapping: Mapping[str, str], date_format: str) -> RecipientFields:
    """Add a corrected set-aside row as a recipient (re-checked like any imported row)."""
    item = recipient_store.get_review(session.db, review_id)
    if item is None or item["status"] != "open":
        raise NotFound("That review item is gone or already fixed.")
    fields = RecipientReader(mapping, date_format).read(row)
    recipient_id = str(uuid.uuid4())
    with session.action("letters.review_fix", "incident", str(item["incident_id"]),
                        f"Fixed a set-aside recipient row (line {item['line']})") as act:
        recipient_store.insert_many(session.db, [recipient_store.record(
            recipient_id, str(item["incident_id"]), str(item["import_id"]), int(item["line"]),
            fields, at=act.at, by=session.operator.name)])
        recipient_store.close_review(session.db, review_id, "fixed", recipient_id, at=act.at,
                                     by=session.operator.name)
    return fields


@dataclass(frozen=True)
class ReviewForm:
    """A set-aside row laid out by recipient field, ready to correct in a form."""

    review_id: str
    line: int
    reason: str
    values: dict[str, str]  # every field of FIELDS -> the row's text for it
    date_format: str  # the import's date format label


def review_form(session: Session, review_id: str) -> ReviewForm:
    """The set-aside row's cells under the recipient fields they were read as at import (the
    source's remembered mapping, else the guess from the headers)."""
    item = recipient_store.get_review(session.db, review_id)
    if item is None or item["status"] != "open":
        raise NotFound("That review item is gone or already fixed.")
    row = {str(k): str(v or "") for k, v in dict(item["row"]).items()}
    saved = recipient_store.saved_source(session.db, source_signature(row))
    mapping = saved[0] if saved else SCHEME.guess(row)
    values = dict.fromkeys(FIELDS, "")
    for header, fld in mapping.items():
        if fld in values and row.get(header, "").strip():
            values[fld] = " ".join(p for p in (values[fld], row[header].strip()) if p)
    label = (recipient_store.import_date_format(session.db, item["import_id"])
             or (saved[1] if saved else ""))
    return ReviewForm(review_id, int(item["line"]), str(item["reason"]), values,
                      label or "YYYY-MM-DD")


def fix_review_form(session: Session, review_id: str, values: Mapping[str, str],
                    date_format: str) -> RecipientFields:
    """Fix a set-aside row from the corrected field values of `review_form`."""
    return fix_review_item(session, review_id, dict(values),
                           mapping={f: f for f in values}, date_format=date_format)
