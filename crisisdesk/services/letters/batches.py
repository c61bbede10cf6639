"""Patient letters: classify recipients, import enrollment codes, create batches, report.

Each function is one user action (one transaction, one audit entry) and the GUI and the CLI
both call these. Audit summaries and timeline entries carry counts only, never a name, an
address or a code: the audit log cannot be purged, and the timeline is printed for the team.
Rendering lives in `letter_render.py`, the mailing log in `mailing_log.py`, importing the
list in `letter_import.py`, and who is counted where (classification, the incident's affected
counts, the substitute-notice count) in `letter_counts.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.errors import NotFound, UserError, ValidationError
from crisisdesk.domain.letters import (
    LetterStatus,
    Outcome,
    SubstituteNotice,
    reference_number,
)
from crisisdesk.domain.operators import Role
from crisisdesk.domain.templates import Channel
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.files.walk import IsCancelled, Progress
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.letters.imports import (  # noqa: F401 - re-exported API
    RecipientImportReport,
    RecipientPlan,
    import_recipients,
    plan_recipients,
)
from crisisdesk.services.letters.languages import fallback_note, usable_template
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.services.team_folder import is_team
from crisisdesk.store import letters as store
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store import replica_purge

TAGLINES_TEMPLATE = "language-assistance-taglines-en"  # the optional last page, per batch
# (variant, language) -> the shipped template used unless the batch names another.
DEFAULT_TEMPLATES: dict[tuple[str, str], str] = {
    ("adult", "en"): "patient-notification-en", ("adult", "es"): "patient-notification-es",
    ("minor", "en"): "parent-guardian-notification-en",
    ("minor", "es"): "parent-guardian-notification-es",
    ("deceased", "en"): "next-of-kin-notification-en",
    ("deceased", "es"): "next-of-kin-notification-es",
}


@dataclass
class ClassificationReport:
    total: int
    counts: dict[str, int]  # outcome or variant label -> people
    by_state: dict[str, int]
    unknown_state: int
    substitute: SubstituteNotice
    notice_date: dt.date


def _incident_id(session: Session, incident_id: str | None) -> str:
    return incident_service.get_incident(session, incident_id).id


def classify_recipients(session: Session, incident_id: str | None = None, *,
                        notice_date: dt.date | None = None, update_counts: bool = True,
                        progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> ClassificationReport:
    """Classify every recipient of the incident (again) and update its counts by state.

    `update_counts=False` leaves the incident's affected counts alone, for a list that is only
    part of the affected population (the demo's sample, or a first tranche).
    """
    incident = incident_service.get_incident(session, incident_id)
    notice = notice_date or today(session)
    total = recipient_store.count(session.db, incident.id)
    if total == 0:
        raise UserError("This incident has no letter recipients yet; import the list first.")
    with session.action("letters.classify", "incident", incident.id) as act:
        before = letter_counts.substitute_position(session, incident.id)
        letter_counts.classify_all(session, act, incident.id, notice, total=total,
                                   progress=progress, is_cancelled=is_cancelled)
        report = _report(session, incident.id, notice)
        if update_counts:
            letter_counts.update_incident_counts(session, act, incident)
        letter_counts.record_substitute_change(session, act, incident.id, before,
                                               "Classifying the letter list")
        if progress is not None:
            progress(total, total)
        act.summary = (f"Classified {total} letter recipients: {report.counts.get('letter', 0)} "
                       f"letters, {report.substitute.insufficient} counted toward substitute "
                       "notice")
    return report


def _report(session: Session, incident_id: str, notice: dt.date) -> ClassificationReport:
    raw = recipient_store.outcome_counts(session.db, incident_id)
    counts: dict[str, int] = {}
    for (variant, outcome), n in raw.items():
        counts[outcome or "unclassified"] = counts.get(outcome or "unclassified", 0) + n
        if outcome == Outcome.LETTER.value:
            counts[variant] = counts.get(variant, 0) + n
    by_state, unknown = recipient_store.people_by_state(session.db, incident_id)
    return ClassificationReport(sum(raw.values()), counts, by_state, unknown,
                                letter_counts.substitute_position(session, incident_id), notice)


def classification(session: Session, incident_id: str | None = None) -> ClassificationReport:
    """The current counts (no reclassification)."""
    iid = _incident_id(session, incident_id)
    return _report(session, iid, today(session))


# --- batches --------------------------------------------------------------------------------

@dataclass
class BatchSpec:
    """What a new batch takes: which recipients, which templates, which date."""

    state: str = ""
    variant: str = ""
    language: str = ""
    letter_date: dt.date | None = None
    templates: dict[str, str] = field(default_factory=dict)  # "variant:lang" -> template key
    taglines: bool = False  # add the language-assistance page to every letter


@dataclass(frozen=True)
class Batch:
    id: str
    incident_id: str
    number: int
    letter_date: str
    letter_count: int
    letters_per_file: int
    templates: dict[str, Any]
    selection: dict[str, Any]
    rendered_at: str
    printed_at: str
    created_at: str

    @property
    def language_note(self) -> str:
        """How many letters are in English for a reader who asked for another language, and
        why ('' when none)."""
        return fallback_note(self.templates)


def _batch(row: Mapping[str, Any]) -> Batch:
    return Batch(row["id"], row["incident_id"], int(row["number"]), row["letter_date"],
                 int(row["letter_count"]), int(row["letters_per_file"]), row["templates"],
                 row["selection"], row["rendered_at"] or "", row["printed_at"] or "",
                 row["created_at"])


def _choose_templates(session: Session, groups: set[tuple[str, str]],
                      overrides: Mapping[str, str],
                      incident_id: str) -> dict[str, dict[str, Any]]:
    chosen: dict[str, dict[str, Any]] = {}
    for variant, language in sorted(groups):
        slot = f"{variant}:{language}"
        key = overrides.get(slot) or overrides.get(variant)
        fallback = ""
        if not key and language != "en":
            key = DEFAULT_TEMPLATES.get((variant, language))
            fallback = usable_template(session, incident_id, key, language)
        if not key or fallback:
            key = DEFAULT_TEMPLATES[(variant, "en")]
        approved = template_service.require_approved(session, key)
        if approved.meta.channel is not Channel.PRINTED_LETTER:
            raise ValidationError(f"{approved.key} is not a printed-letter template.",
                                  {"templates": slot})
        chosen[slot] = {"key": approved.key, "version": approved.version,
                        "sha256": approved.sha256,
                        "uses_code": any(v.name == "enrollment_code"
                                         for v in approved.meta.variables)}
        if fallback:
            chosen[slot]["fallback"] = fallback
    return chosen


def codes_needed(session: Session, groups: Mapping[tuple[str, str], int],
                 incident_id: str) -> int:
    """How many enrollment codes a batch of these recipients ((variant, language) -> people)
    would take with the default templates; raises the batch's own UserError when one of its
    templates is not approved (so the Letters page can say why a batch is blocked)."""
    if not groups:
        return 0
    templates = _choose_templates(session, set(groups), {}, incident_id)

    def slot(variant: str, language: str) -> dict[str, Any]:
        return templates.get(f"{variant}:{language}") or templates[f"{variant}:en"]

    return sum(n for (variant, language), n in groups.items()
               if slot(variant, language)["uses_code"])


def create_batch(session: Session, incident_id: str | None = None,
                 spec: BatchSpec | None = None) -> Batch:
    """Make a batch of letters for recipients who have none yet, each with its reference
    and (where the template offers monitoring) its enrollment code, all in one transaction.

    Refused before anything is written when a template is not approved or the code pool
    cannot cover every letter that needs a code.
    """
    session.require(Role.OPERATOR, "create letter batches")
    spec = spec or BatchSpec()
    incident = incident_service.get_incident(session, incident_id)
    letter_date = spec.letter_date or today(session)
    per_file = int(settings_service.get(session, "letters_per_file"))
    with session.action("letters.batch_create", "incident", incident.id) as act:
        picked = store.eligible_recipients(session.db, incident.id, state=spec.state.upper(),
                                           variant=spec.variant, language=spec.language)
        if not picked:
            raise UserError("No classified recipient without a letter matches; import and "
                            "classify the list, or change the selection.")
        templates = _choose_templates(session, {(r[1], r[2]) for r in picked}, spec.templates,
                                      incident.id)
        if spec.taglines:
            template_service.require_approved(session, TAGLINES_TEMPLATE)

        def slot(r: tuple[Any, ...]) -> dict[str, Any]:
            exact = f"{r[1]}:{r[2]}"
            return templates[exact] if exact in templates else templates[f"{r[1]}:en"]

        needs_code = [r for r in picked if slot(r)["uses_code"]]
        free = store.free_code_count(session.db, incident.id, letter_date.isoformat())
        if len(needs_code) > free:
            raise UserError(f"The batch needs {len(needs_code)} enrollment codes but only "
                            f"{free} unused, unexpired codes are left; import more codes "
                            "first. Nothing was created.")
        number = store.next_batch_number(session.db, incident.id)
        batch_id, ref, by = str(uuid.uuid4()), store.next_ref_no(session.db), session.operator.name
        rows, code_letters = [], []
        for seq, r in enumerate(picked, start=1):
            letter_id, chosen = str(uuid.uuid4()), slot(r)
            rows.append((letter_id, batch_id, incident.id, r[0], seq, ref + seq - 1,
                         reference_number(ref + seq - 1), r[1], r[2], chosen["key"],
                         chosen["version"], r[3] or "", LetterStatus.PENDING.value, act.at,
                         act.at, by))
            if chosen["uses_code"]:
                code_letters.append(letter_id)
        for chosen in templates.values():
            if chosen.get("fallback"):
                chosen["fallback_letters"] = sum(1 for r in picked if slot(r) is chosen)
        store.insert_batch(session.db, {
            "id": batch_id, "incident_id": incident.id, "number": number,
            "letter_date": letter_date.isoformat(), "templates": json.dumps(templates),
            "selection": json.dumps({"state": spec.state.upper(), "variant": spec.variant,
                                     "language": spec.language,
                                     **({"taglines": True} if spec.taglines else {})}),
            "letters_per_file": per_file, "letter_count": len(rows), "created_at": act.at,
            "created_by": by})
        store.insert_letters(session.db, rows)
        store.take_codes(session.db, incident.id, code_letters, letter_date.isoformat(), act.at)
        act.entity_type, act.entity_id = "letter_batch", batch_id
        note = fallback_note(templates)
        act.summary = (f"Created letter batch {number}: {len(rows)} letters, "
                       f"{len(code_letters)} enrollment codes assigned"
                       + (f"; {note}" if note else ""))
    return get_batch(session, str(number), incident.id)


def get_batch(session: Session, ref: str, incident_id: str | None = None) -> Batch:
    """A batch by number (within the incident) or id."""
    iid = _incident_id(session, incident_id)
    row = (store.batch_by_number(session.db, iid, int(ref)) if ref.strip().isdigit()
           else store.batch(session.db, ref.strip()))
    if row is None or row["incident_id"] != iid:
        raise NotFound(f"No letter batch {ref!r} in this incident; see 'crisisdesk letters "
                       "status'.")
    return _batch(row)


def require_rendered(batch: Batch) -> None:
    """A batch is printed from its rendered pages: marking it printed before that would show
    "Printed" beside an empty "Rendered" and claim letters went out that were never laid out."""
    if not batch.rendered_at:
        raise UserError(f"Letter batch {batch.number} is not rendered yet: render it to PDF "
                        "(or print it from the Letters page) before marking it printed.")


def record_direct_print(session: Session, batch_ref: str,
                        incident_id: str | None = None) -> Batch:
    """The batch went straight to a printer (the Letters page's Print…): its letters were laid
    out there, so they and the batch count as rendered (no PDF file is kept)."""
    session.require(Role.OPERATOR, "print letter batches")
    batch = get_batch(session, batch_ref, incident_id)
    with session.action("letters.print_direct", "letter_batch", batch.id,
                        f"Sent letter batch {batch.number} to the printer") as act:
        by = session.operator.name
        rows = store.pending_letters(session.db, batch.id)
        store.set_status(session.db, [(LetterStatus.RENDERED.value, None, act.at, by, lid)
                                      for lid, _ in rows])
        store.insert_events(session.db, [(str(uuid.uuid4()), lid, batch.incident_id, act.at,
                                          "rendered", "", "sent to the printer", "", by)
                                         for lid, _ in rows])
        if not batch.rendered_at:
            store.set_batch_rendered(session.db, batch.id, act.at)
    return get_batch(session, str(batch.number), batch.incident_id)


def list_batches(session: Session, incident_id: str | None = None) -> list[Batch]:
    return [_batch(r) for r in store.batches(session.db, _incident_id(session, incident_id))]


def status_counts(session: Session, incident_id: str | None = None) -> dict[str, int | str]:
    """Letters ready (to print), printed, mailed, returned, and the substitute-notice duty in
    words (the Letters page, the Dashboard and `letters status`).

    With no current incident every count is 0.
    """
    zero: dict[str, int] = {"recipients": 0, "ready": 0, "printed": 0, "mailed": 0,
                            "returned": 0}
    try:
        iid = _incident_id(session, incident_id)
    except NotFound:
        return dict(zero)
    counts = dict(zero, recipients=recipient_store.count(session.db, iid))
    for _state, status, n in store.totals(session.db, iid):
        key = {"pending": "ready", "rendered": "ready", "remailed": "mailed"}.get(status, status)
        counts[key] = counts.get(key, 0) + n
    notice = letter_counts.substitute_position(session, iid)
    return {**counts, "substitute_notice": notice.short}


def dashboard_summary(session: Session) -> DashboardSummary:
    """The current incident's letter counts, for the Dashboard."""
    return DashboardSummary.of(status_counts(session))


def purge_recipients(session: Session, incident_id: str) -> dict[str, int]:
    """Delete the incident's patient records (retention over), with the hotline's lookups,
    verification attempts, locks and logged calls about them; admins only.

    Secure delete is switched on before the delete, and once the action has committed the file
    is vacuumed and the WAL truncated, so no freed page or old log frame keeps a purged row.
    The result's "scrubbed" is 0 when another connection kept the log busy; purging again
    (there is nothing left to delete) once it is closed finishes the job.
    """
    session.require(Role.ADMIN, "purge patient letter data")
    incident = incident_service.get_incident(session, incident_id)
    if not recipient_store.secure_delete_on(session.db):
        raise UserError("This SQLite build cannot zero deleted data (secure_delete); purging "
                        "was refused so no patient row lingers in the desk file.")
    with session.action("letters.purge", "incident", incident.id) as act:
        removed = replica_purge.purge_here(session.db, incident.id, at=act.at,
                                           by=session.operator.name)
        act.summary = (f"Purged patient letter data: {removed['recipients']} recipients, "
                       f"{removed['letters']} letters, {removed['hotline_calls']} hotline "
                       "calls" + (f"; {removed['team_records']} team records taken out of "
                                  "the exchange, the purge goes to every laptop of the team"
                                  if is_team(session) else ""))
    removed["scrubbed"] = int(recipient_store.scrub_free_pages(session.db))
    return removed
