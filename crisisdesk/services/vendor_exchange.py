"""The credit-monitoring vendor exchange: the outbound eligibility file, the inbound enrolment
file, and the enrolment rate by state.

Public API
----------
export_eligibility(session, path, *, incident_ref=None) -> int
    One row per letter carrying an enrollment code (domain/vendor_files.py), written
    spreadsheet-safe and whole-or-nothing by `write_csv`. Audited (patient data leaves the
    desk), with the count only.
import_enrolments(session, path, *, incident_ref=None) -> ImportSummary
    The vendor's file of who enrolled and when, matched by letter reference; every row is
    checked first, so one unknown reference (named by its line) applies nothing.
enrolment_rates(session, incident_ref=None) -> list[StateRate]
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.timeline import Category
from crisisdesk.domain.vendor_files import (
    ELIGIBILITY_HEADER,
    ENROLLED_HEADERS,
    REFERENCE_HEADERS,
    StateRate,
    eligibility_row,
    find_column,
    rates,
    read_enrolments,
)
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.files import open_source
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import vendor_exchange as store


@dataclass(frozen=True)
class ImportSummary:
    applied: int  # rows in the file
    new: int  # people not enrolled before
    rates: tuple[StateRate, ...]


def export_eligibility(session: Session, path: Path, *, incident_ref: str | None = None) -> int:
    session.require(Role.OPERATOR, "export the monitoring eligibility file")
    incident = incident_service.get_incident(session, incident_ref)
    majority = int(settings_service.get(session, "age_of_majority"))
    on = today(session)
    if not store.eligible_states(session.db, incident.id):
        raise UserError("No letter of this incident carries an enrollment code yet: import "
                        "the vendor's codes and create the letters first.")
    with session.action("vendor.eligibility_export", "incident", incident.id,
                        "Exported the monitoring eligibility file") as act:
        count = write_csv(path, ELIGIBILITY_HEADER,
                          (eligibility_row(letter, on, majority)
                           for letter in store.eligible_letters(session.db, incident.id)))
        act.summary = f"Exported the monitoring eligibility file ({count:,} people)"
        timeline_service.record_in_action(
            session, act, f"Monitoring eligibility file exported for the vendor ({count:,} "
            "people).", category=Category.ACTION, source="vendor", incident_id=incident.id)
    return count


def import_enrolments(session: Session, path: Path, *,
                      incident_ref: str | None = None) -> ImportSummary:
    session.require(Role.OPERATOR, "import the vendor's enrolment file")
    incident = incident_service.get_incident(session, incident_ref)
    source = open_source(path)
    if source.format not in ("csv", "xlsx"):
        raise UserError(f"{path.name} is not a CSV or Excel (.xlsx) enrolment file.")
    ref_column = find_column(source.headers, REFERENCE_HEADERS, "reference", path.name)
    date_column = find_column(source.headers, ENROLLED_HEADERS, "enrolment date", path.name)
    known = store.eligible_states(session.db, incident.id)
    rows = read_enrolments(source.rows(), ref_column, date_column, known, path.name,
                           today(session))
    before = store.enrolled(session.db, incident.id)
    new = sum(1 for e in rows if e.reference not in before)
    with session.action("vendor.enrolments_import", "incident", incident.id,
                        f"Imported the vendor's enrolment file ({len(rows):,} rows)") as act:
        store.put_enrolments(session.db, incident.id, rows, act.at, session.operator.name)
        timeline_service.record_in_action(
            session, act, f"Vendor enrolment file imported: {len(rows):,} rows, {new:,} newly "
            "enrolled.", category=Category.ACTION, source="vendor", incident_id=incident.id)
    return dataclasses.replace(ImportSummary(len(rows), new, ()),
                               rates=tuple(enrolment_rates(session, incident.id)))


def enrolment_rates(session: Session, incident_ref: str | None = None) -> list[StateRate]:
    incident = incident_service.get_incident(session, incident_ref)
    known = store.eligible_states(session.db, incident.id)
    eligible = Counter(known.values())
    enrolled = Counter(known[ref] for ref in store.enrolled(session.db, incident.id)
                       if ref in known)
    return rates(eligible, enrolled)
