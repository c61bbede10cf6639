"""The mailing log: every letter's life after rendering (printed, mailed, returned, re-mailed).

HIPAA puts the burden of proof on the organisation (45 CFR 164.414(b)): it must be able to show
that each person was sent notice, when, and what happened to returned mail. Each change is an
append-only event; the letter row keeps only the latest state for quick totals. Marking a batch
printed also writes "Letter batch N printed" to the incident timeline and one entry per template
to the communication log, inside the same action. The CSV export is spreadsheet-safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.letters import (
    NEXT_STATUS,
    LetterStatus,
    Variant,
    addressee_for,
    parse_reference,
)
from crisisdesk.domain.messages import LogEntry
from crisisdesk.domain.recipients import Address
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.letters.batches import get_batch, require_rendered
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Action, Session
from crisisdesk.store import letters as store
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store import templates as template_store

MARKABLE = (LetterStatus.PRINTED, LetterStatus.MAILED)
EXPORT_COLUMNS = ("Reference", "Batch", "Letter", "State", "Status", "Letter type", "Language",
                  "Template", "Version", "Mailed on", "Returned on", "Addressee",
                  "Patient", "Address", "City", "ZIP")


@dataclass(frozen=True)
class MarkReport:
    status: LetterStatus
    changed: int
    batch_number: int


def _check_moves(letters: list[tuple[str, str]], status: LetterStatus) -> list[str]:
    bad = [lid for lid, current in letters if status not in NEXT_STATUS[LetterStatus(current)]]
    if bad:
        raise ValidationError(f"{len(bad)} of these letters cannot be marked {status.value} "
                              f"from their current state (e.g. mailed needs printed first).",
                              {"status": "not allowed"})
    return [lid for lid, _ in letters]


def mark_batch(session: Session, batch_ref: str, status: LetterStatus, *,
               first: int | None = None, last: int | None = None,
               on_date: dt.date | None = None, note: str = "",
               incident_id: str | None = None) -> MarkReport:
    """Mark a batch (or letters `first`..`last` of it) printed or mailed."""
    if status not in MARKABLE:
        raise ValidationError("A batch can be marked printed or mailed; mark returned letters "
                              "one by one by reference.", {"status": status.value})
    batch = get_batch(session, batch_ref, incident_id)
    if status is LetterStatus.PRINTED:
        require_rendered(batch)
    lo, hi = first or 1, last or batch.letter_count
    if not 1 <= lo <= hi <= batch.letter_count:
        raise ValidationError(f"Give a range within 1-{batch.letter_count}.", {"range": "bad"})
    when = on_date or today(session)
    span = "" if (lo, hi) == (1, batch.letter_count) else f" (letters {lo}-{hi})"
    with session.action(f"letters.mark_{status.value}", "letter_batch", batch.id) as act:
        ids = _check_moves(store.letter_ids_in_range(session.db, batch.id, lo, hi), status)
        _apply(session, act, batch.incident_id, ids, status, when, " ".join(note.split()))
        if status is LetterStatus.PRINTED:
            store.set_batch_printed(session.db, batch.id, act.at)
            timeline_service.record_in_action(
                session, act, f"Letter batch {batch.number} printed{span}: {len(ids)} letters.",
                source="letters", incident_id=batch.incident_id)
            _log_batch(session, act, batch.id, batch.incident_id, batch.number, span)
        act.summary = f"Marked {len(ids)} letters of batch {batch.number} {status.value}{span}"
    return MarkReport(status, len(ids), batch.number)


def _apply(session: Session, act: Action, incident_id: str, ids: Iterable[str],
           status: LetterStatus, when: dt.date, note: str, address: str = "") -> None:
    by = session.operator.name
    ids = list(ids)
    store.set_status(session.db, [(status.value, None, act.at, by, lid) for lid in ids])
    store.insert_events(session.db, [(str(uuid.uuid4()), lid, incident_id, act.at,
                                      status.value, when.isoformat(), note, address, by)
                                     for lid in ids])


def _log_batch(session: Session, act: Action, batch_id: str, incident_id: str, number: int,
               span: str) -> None:
    """One communication-log entry per template version used (counts, not people)."""
    for key, version, language, count in store.template_counts(session.db, batch_id):
        approved = template_service.require_approved(session, key, int(version))
        template_store.append_log(session.db, LogEntry(
            id=str(uuid.uuid4()), issued_at=act.at, operator=session.operator.name,
            template_key=key, template_name=approved.meta.name, version=int(version),
            template_sha256=approved.sha256, audience=approved.meta.audience.value,
            channel=approved.meta.channel.value, language=language,
            recipient_count=int(count), incident_id=incident_id,
            note=f"letter batch {number} printed{span}",
            content_sha256=hashlib.sha256(approved.body.encode("utf-8")).hexdigest()),
            template_id=approved.template_id, content=approved.body)


def _letter(session: Session, reference: str) -> tuple[str, str, str]:
    canonical = parse_reference(reference)
    if not canonical:
        raise ValidationError(f"{reference.strip()!r} is not a letter reference (CD and 8 "
                              "digits; the last digit is a check digit).", {"reference": "bad"})
    letter = store.letter_by_reference(session.db, canonical)
    if letter is None:
        raise NotFound(f"No letter {canonical} on this desk.")
    return letter.id, letter.status.value, store.letter_incident(session.db, letter.id)


def mark_returned(session: Session, reference: str, *, on_date: dt.date | None = None,
                  note: str = "") -> str:
    """Record a letter returned undeliverable (scan or type its reference).

    Until it is re-mailed to a corrected address its person counts toward substitute notice
    (out-of-date contact information); if that changes the form of substitute notice, the
    change goes on the timeline in this same action."""
    letter_id, current, incident_id = _letter(session, reference)
    with session.action("letters.mark_returned", "letter", letter_id,
                        "Marked a letter returned undeliverable") as act:
        _check_moves([(letter_id, current)], LetterStatus.RETURNED)
        before = letter_counts.substitute_position(session, incident_id)
        _apply(session, act, incident_id, [letter_id], LetterStatus.RETURNED,
               on_date or today(session), " ".join(note.split()))
        letter_counts.record_substitute_change(session, act, incident_id, before,
                                               "Returned mail")
    return parse_reference(reference)


def remail(session: Session, reference: str, address: Address, *,
           on_date: dt.date | None = None, note: str = "") -> str:
    """Record a returned letter sent again to a corrected address (kept on the recipient).

    Its person leaves the substitute-notice count; a change of form goes on the timeline."""
    if not address.usable:
        raise ValidationError("The corrected address needs a street line and a ZIP code.",
                              {"address": "incomplete"})
    letter_id, current, incident_id = _letter(session, reference)
    letter = store.letter_by_reference(session.db, parse_reference(reference))
    assert letter is not None
    with session.action("letters.remail", "letter", letter_id,
                        "Re-mailed a returned letter to a corrected address") as act:
        _check_moves([(letter_id, current)], LetterStatus.REMAILED)
        before = letter_counts.substitute_position(session, incident_id)
        person = letter.person
        fields = (dataclasses.replace(person, nok_address=address, nok_address_issue="")
                  if letter.variant.value == "deceased"
                  else dataclasses.replace(person, address=address, address_issue=""))
        recipient_store.update_fields(session.db, letter.recipient_id, fields, at=act.at,
                                      by=session.operator.name)
        _apply(session, act, incident_id, [letter_id], LetterStatus.REMAILED,
               on_date or today(session), " ".join(note.split()),
               json.dumps(address.__dict__, ensure_ascii=False))
        letter_counts.record_substitute_change(session, act, incident_id, before,
                                               "Re-mailing")
    return letter.reference


def totals(session: Session, incident_id: str | None = None) -> dict[str, dict[str, int]]:
    """{state: {status: letters}}, states in order and an "ALL" row last; states with no
    letters are left out."""
    iid = incident_service.get_incident(session, incident_id).id
    out: dict[str, dict[str, int]] = {}
    everything: dict[str, int] = {}
    for state, status, n in store.totals(session.db, iid):
        row = out.setdefault(state or "??", {})
        row[status] = row.get(status, 0) + n
        everything[status] = everything.get(status, 0) + n
    if everything:
        out["ALL"] = everything  # last, as the total row of a table
    return out


def export_csv(session: Session, path: Path, incident_id: str | None = None) -> int:
    """Write the mailing log as spreadsheet-safe CSV (`services.files.csv_export`); returns
    letters."""
    iid = incident_service.get_incident(session, incident_id).id

    def rows() -> Iterator[list[object]]:
        for r in store.iter_log(session.db, iid):
            person = recipient_store.fields_from(r, 12)
            name_to, address = addressee_for(person, Variant(r[11]))
            yield [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or "",
                   r[10] or "", name_to, person.name,
                   " ".join(p for p in (address.line1, address.line2) if p), address.city,
                   address.zip]

    with session.action("letters.export_log", "incident", iid) as act:
        count = write_csv(Path(path), EXPORT_COLUMNS, rows())
        act.summary = f"Exported the mailing log of {count} letters as CSV"
    return count
