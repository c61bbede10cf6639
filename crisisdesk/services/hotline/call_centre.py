"""Handing the hotline to an outside call centre: their lookup file out, their call log in.

The lookup file (domain/call_centre.py says what it holds and why) leaves the desk with
patient-related rows, so it is written spreadsheet-safe and whole-or-nothing by the one CSV
writer and audited with its count. The call log comes back through the same reader as every
other import; every row is checked before any is written, so a file applies whole or not at
all, and a call imported before (the same centre and call id) is not added again: a second
import of the same file adds nothing, and a changed row for a call already imported is named
by its line instead of being overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.call_centre import (
    LOOKUP_HEADER,
    CallLogRejected,
    ImportedCall,
    check_header,
    code_status,
    mask_name,
    read_call_log,
)
from crisisdesk.domain.errors import RowProblem, UserError, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services import settings as settings_service
from crisisdesk.services.files import open_source
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import hotline as store

_COMPARED = ("at", "agent", "language", "verified", "topics", "outcome", "follow_up",
             "duration_s")


@dataclass(frozen=True)
class CallLogImport:
    rows: int  # calls in the file
    added: int
    already: int  # imported before, unchanged


def export_lookup(session: Session, path: Path) -> int:
    """Write the call centre's lookup file; returns the letters written."""
    session.require(Role.OPERATOR, "export the call centre's lookup file")
    on = today(session)

    def rows() -> Iterator[list[object]]:
        for ref, name, first, last, state, variant, code, expires, enrolled in (
                store.call_centre_rows(session.db)):
            yield [ref, mask_name(str(name or ""), str(first or ""), str(last or "")),
                   state or "", variant, code_status(code, expires, enrolled, on)]

    with session.action("hotline.call_centre_export", "hotline_call", "",
                        "Exported the call centre's lookup file") as act:
        count = write_csv(path, LOOKUP_HEADER, rows())
        if not count:
            raise UserError("No letters yet: the call centre's lookup file would be empty.")
        act.summary = f"Exported the call centre's lookup file ({count:,} letters)"
    return count


def _changed(call: ImportedCall, stored: dict[str, object]) -> bool:
    mine = {"at": call.at, "agent": call.agent, "language": call.language,
            "verified": int(call.verified), "topics": call.topics, "outcome": call.outcome,
            "follow_up": call.follow_up, "duration_s": call.duration_s}
    return any(mine[k] != stored[k] for k in _COMPARED)


def import_call_log(session: Session, path: Path, centre: str) -> CallLogImport:
    """Import the call centre `centre`'s call log (CSV or Excel) into the desk's call log."""
    session.require(Role.OPERATOR, "import a call centre's call log")
    centre = " ".join(centre.split())
    if not centre or len(centre) > 64:
        raise ValidationError("Name the call centre (1-64 characters): it keeps their call "
                              "ids apart from another centre's.", {"centre": "missing"})
    source = open_source(path)
    if source.format not in ("csv", "xlsx"):
        raise UserError(f"{path.name} is not a CSV or Excel (.xlsx) call log.")
    columns = check_header(source.headers, path.name)
    calls = read_call_log(source.rows(), columns, path.name, settings_service.zone(session),
                          session.now())
    ids = {call.desk_id(centre): call for call in calls}
    before = store.calls_by_id(session.db, list(ids))
    changed = [RowProblem(call.line, f"call {call.call_id} was imported before with other "
                                     "details")
               for cid, call in ids.items() if cid in before and _changed(call, before[cid])]
    if changed:
        raise CallLogRejected(path.name, changed)
    new = [(cid, call) for cid, call in ids.items() if cid not in before]
    with session.action("hotline.call_centre_import", "hotline_call", "",
                        f"Imported {len(new):,} calls from call centre {centre}"):
        for cid, call in new:
            store.add_call(session.db, (cid, call.at, call.agent, call.language,
                                        int(call.verified), call.topics, "", call.outcome,
                                        call.follow_up, "", call.duration_s,
                                        f"call centre: {centre}"))
    return CallLogImport(len(calls), len(new), len(calls) - len(new))
