"""Re-sends callers asked for on the hotline, reprinted by the letters team in one go.

A hotline agent's `request_resend` leaves a `resend_requested` event on the letter and an open
request; this module lists the ones still waiting for the current incident and reprints the
chosen ones into one PDF the way "Reprint range" does (the batch's approved templates, its
letter date, the same filler), then, in one action, writes `reprinted` on each letter and
closes its request.

A caller may have changed their preferred language since the batch was made (the hotline
writes it on the recipient). Such a letter is reprinted from the approved template of its
variant in the new language; when that template is missing or not approved, or the incident
lacks that language's wording of the facts it uses, the whole reprint is refused with one line
naming the template and nothing is printed: sending the old language again, silently, is the
mistake the caller just asked us to fix. The letter row keeps what its batch recorded; the
`reprinted` event says which template, version and language went out this time.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crisisdesk.domain.errors import Cancelled, UserError, ValidationError
from crisisdesk.domain.fact_languages import LANGUAGES
from crisisdesk.domain.letters import Letter
from crisisdesk.domain.operators import Role
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.files.walk import IsCancelled, Progress
from crisisdesk.services.letters.batches import DEFAULT_TEMPLATES, Batch, get_batch
from crisisdesk.services.letters.languages import usable_template
from crisisdesk.services.letters.render import LetterFiller, OpenLetterFile, letter_layout
from crisisdesk.services.session import Session
from crisisdesk.store import hotline as hotline_store
from crisisdesk.store import letters as store


@dataclass(frozen=True)
class ResendRequest:
    """One re-send a caller asked for that has not been reprinted or re-mailed yet."""

    id: str
    at: str  # when it was asked (UTC ISO)
    reference: str
    batch: int
    seq: int


def waiting(session: Session, incident_id: str | None = None) -> list[ResendRequest]:
    """The current incident's re-sends still waiting for the letters team, oldest first."""
    session.require(Role.OPERATOR, "read the re-sends callers asked for")
    iid = incident_service.get_incident(session, incident_id).id
    out = []
    for r in hotline_store.open_requests(session.db, ("resend",)):
        if r["sent"] or not r["reference"]:
            continue
        letter = store.letter_by_reference(session.db, str(r["reference"]))
        if letter is None or store.letter_incident(session.db, letter.id) != iid:
            continue
        out.append(ResendRequest(str(r["id"]), str(r["at"]), str(r["reference"]),
                                 int(r["batch"]), int(r["seq"])))
    return out


@dataclass
class _Planned:
    request: ResendRequest
    letter: Letter  # as it will print (its template switched when the language changed)
    batch: Batch


def _in_current_language(session: Session, letter: Letter, incident_id: str
                         ) -> tuple[Letter, dict[str, Any] | None]:
    """The letter to print in the recipient's language now, and the batch slot it needs
    (None when the batch's own template still fits)."""
    wanted = letter.person.language or "en"
    if wanted == letter.language:
        return letter, None
    key = DEFAULT_TEMPLATES.get((letter.variant.value, wanted))
    reason = usable_template(session, incident_id, key, wanted)
    if reason:
        name = LANGUAGES.get(wanted, wanted)
        raise UserError(f"Letter {letter.reference} cannot be re-sent in {name} (the caller's "
                        f"language now): {reason}; approve it and try again. Nothing was "
                        "printed.")
    assert key is not None
    approved = template_service.require_approved(session, key)
    slot = {"key": approved.key, "version": approved.version, "sha256": approved.sha256}
    return dataclasses.replace(letter, language=wanted, template_key=approved.key,
                               template_version=approved.version), slot


def _plan(session: Session, request_ids: Sequence[str]) -> list[_Planned]:
    if not request_ids:
        raise ValidationError("Choose the re-sends to reprint first.", {"requests": "none"})
    by_id = {r.id: r for r in waiting(session)}
    gone = [i for i in request_ids if i not in by_id]
    if gone:
        raise ValidationError(f"{len(gone)} of the chosen re-sends are no longer waiting "
                              "(reprinted or closed meanwhile); nothing was printed.",
                              {"requests": "not waiting"})
    planned: list[_Planned] = []
    batches: dict[str, Batch] = {}
    for rid in dict.fromkeys(request_ids):
        request = by_id[rid]
        letter = store.letter_by_reference(session.db, request.reference)
        assert letter is not None  # `waiting` found it
        batch = batches.get(letter.batch_id) or get_batch(session, letter.batch_id)
        letter, slot = _in_current_language(session, letter, batch.incident_id)
        if slot is not None:
            batch = dataclasses.replace(batch, templates={**batch.templates,
                                                          f"re-send:{slot['key']}": slot})
        batches[letter.batch_id] = batch
        planned.append(_Planned(request, letter, batch))
    for p in planned:  # one filler per batch, knowing every template its letters need
        p.batch = batches[p.letter.batch_id]
    return planned


def reprint_requested(session: Session, request_ids: Sequence[str], path: Path,
                      open_file: OpenLetterFile, *, progress: Progress | None = None,
                      is_cancelled: IsCancelled | None = None) -> int:
    """Reprint the chosen waiting re-sends into one PDF at `path` (each in its recipient's
    current language), then mark them reprinted and their requests done; returns letters."""
    session.require(Role.OPERATOR, "reprint letters")
    planned = _plan(session, request_ids)
    fillers: dict[str, LetterFiller] = {}
    for p in planned:
        if p.batch.id not in fillers:
            fillers[p.batch.id] = LetterFiller(session, p.batch)
    with open_file(Path(path), letter_layout(session), None) as out:
        for n, p in enumerate(planned, 1):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            out.add(fillers[p.batch.id].content(p.letter))
            if progress is not None:
                progress(n, len(planned))
    incident_id = planned[0].batch.incident_id
    with session.action("letters.reprint_resends", "incident", incident_id,
                        f"Reprinted {len(planned)} letters callers asked to be re-sent"
                        ) as act:
        by = session.operator.name
        store.insert_events(session.db, [(
            str(uuid.uuid4()), p.letter.id, p.batch.incident_id, act.at, "reprinted", "",
            f"re-sent on a caller's request: {p.letter.template_key} version "
            f"{p.letter.template_version} ({p.letter.language})", "", by) for p in planned])
        for p in planned:
            hotline_store.close_request(session.db, p.request.id, act.at, by, "reprinted")
    return len(planned)
