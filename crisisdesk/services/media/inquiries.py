"""The media inquiry log: log, assign, answer from the approved bank, close; and the summary.

Public API
----------
log_inquiry(session, *, outlet, question, channel="phone", reporter="", contact_id="",
            save_contact=False, contact_details="", deadline=None, received_at=None,
            assignee="") -> Inquiry
    `deadline`/`received_at`: local time text ('14:30', '2026-03-02 14:30') or a datetime. A
    deadline already past is accepted (the inquiry shows overdue). `save_contact` adds the
    reporter to Contacts as a media contact in the same action.
assign(session, ref, assignee) -> Inquiry
set_status(session, ref, status) -> Inquiry         (new / assigned / drafting)
edit_inquiry(session, ref, **changes) -> Inquiry    (outlet, reporter, contact_id,
                                                     contact_details, deadline, question,
                                                     channel, assignee)
    Corrects what was logged as one action; only fields that differ are recorded and nothing
    changed records nothing. `deadline=""` clears it. A new reporter name without a
    contact_id unlinks the old media contact.
answer_inquiry(session, ref, template_ref, *, version=None, values=None) -> Inquiry
    Only an approved Q&A template (`require_approved`); the answer goes to the communication
    log with its version, and to the timeline.
close_inquiry(session, ref, status="declined", note="") -> Inquiry
request_answer(session, ref, proposed_answer="") -> str
    "No approved answer yet": a new draft Q&A template for the approver (key returned).
list_inquiries(session, *, open_only=False) -> list[Inquiry]   (deadline order)
get_inquiry(session, ref) -> Inquiry                (id or unique prefix)
due_soon_window(session) -> timedelta               the `media_due_soon_minutes` setting
deadline_states(session, inquiries, now=None) -> list[DeadlineState]
pending_drafts(session) -> dict[inquiry_id, template_key]
media_summary(session) -> MediaSummary               open, overdue, due soon, cadence
dashboard_summary(session) -> DashboardSummary       the same, for the Dashboard

`ref` is an inquiry id or a unique prefix of one. Audit summaries name the outlet and the
inquiry, never a reporter's name or number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.cadence import CadenceState
from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.domain.dashboard import DashboardSummary, due_text, duration_text
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.media import (
    EDITABLE,
    DeadlineState,
    Inquiry,
    InquiryStatus,
    average_time_to_answer,
    check_fields,
    deadline_state,
    fold,
    log_order,
    parse_status,
)
from crisisdesk.domain.timeline import Category
from crisisdesk.services import messages as message_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import parse_time, zone
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import media as store

DRAFT_SOURCE = "media-inquiry:"


def _short(inquiry_id: str) -> str:
    return inquiry_id[:8]


def get_inquiry(session: Session, ref: str) -> Inquiry:
    ref = ref.strip()
    found = fold(store.inquiry_events(session.db, ref)) if ref else None
    if found is not None:
        return found
    ids = store.inquiry_ids_with_prefix(session.db, ref) if len(ref) >= 4 else []
    if len(ids) > 1:
        raise ValidationError(f"{ref!r} matches {len(ids)} inquiries; give more of the id.",
                              {"inquiry": "ambiguous"})
    found = fold(store.inquiry_events(session.db, ids[0])) if ids else None
    if found is None:
        raise NotFound(f"No media inquiry {ref!r}; see 'crisisdesk media list'.")
    return found


def list_inquiries(session: Session, *, open_only: bool = False) -> list[Inquiry]:
    """Every inquiry, open ones first by deadline (see `domain.media.log_order`)."""
    by_id: dict[str, list[Any]] = {}
    for event in store.inquiry_events(session.db):
        by_id.setdefault(event.inquiry_id, []).append(event)
    found = [q for q in (fold(evs) for evs in by_id.values()) if q is not None]
    if open_only:
        found = [q for q in found if q.is_open]
    return log_order(found)


def log_inquiry(session: Session, *, outlet: str, question: str, channel: str = "phone",
                reporter: str = "", contact_id: str = "", save_contact: bool = False,
                contact_details: str = "", deadline: str | dt.datetime | None = None,
                received_at: str | dt.datetime | None = None, assignee: str = "") -> Inquiry:
    """Log a new inquiry; nothing is saved unless every field is valid."""
    fields = check_fields({"outlet": outlet, "question": question, "channel": channel,
                           "reporter": reporter, "contact_details": contact_details})
    when = parse_time(session, received_at, "received_at")
    due = parse_time(session, deadline, "deadline") if deadline not in (None, "") else ""
    contact_id = contact_id.strip()
    if contact_id and contact_store.get(session.db, contact_id) is None:
        raise NotFound("That reporter is no longer in Contacts; pick them again or add them.")
    new_contact = None
    if save_contact and not contact_id:
        if not fields["reporter"]:
            raise ValidationError("Give the reporter's name to save them to Contacts.",
                                  {"reporter": "missing"})
        details = fields["contact_details"]
        email = details if "@" in details and " " not in details else ""
        phones = [] if email or not details else [("work", details)]
        new_contact = validate_draft(ContactDraft(
            name=fields["reporter"], job_title="Reporter", organisation=fields["outlet"],
            kind=ContactKind.MEDIA, phones=phones, email=email))
        contact_id = str(uuid.uuid4())
    inquiry_id = str(uuid.uuid4())
    with session.action("media.log", "media_inquiry", inquiry_id,
                        f"Logged media inquiry {_short(inquiry_id)} from {fields['outlet']}"
                        + (" and added the reporter as a media contact" if new_contact else "")
                        ) as act:
        if new_contact is not None:
            contact_store.insert(session.db, contact_store.record(
                contact_id, new_contact, created_at=act.at, updated_at=act.at,
                updated_by=session.operator.name))
        store.append_inquiry_event(session.db, inquiry_id, "logged", at=act.at,
                                   operator=session.operator.name, data={
                                       **fields, "received_at": when, "deadline": due,
                                       "contact_id": contact_id,
                                       "assignee": " ".join(assignee.split())})
        timeline_service.record_in_action(
            session, act, f"Media inquiry from {fields['outlet']} logged",
            category=Category.MEDIA, source="media", at=when)
    return get_inquiry(session, inquiry_id)


def _change(session: Session, ref: str, kind: str, data: Mapping[str, Any], verb: str,
            *, open_only: bool = True) -> Inquiry:
    inquiry = get_inquiry(session, ref)
    if open_only and not inquiry.is_open:
        raise ValidationError(f"Inquiry {_short(inquiry.id)} is already {inquiry.status.label}.",
                              {"status": inquiry.status.value})
    with session.action(f"media.{kind}", "media_inquiry", inquiry.id,
                        f"{verb} media inquiry {_short(inquiry.id)} from {inquiry.outlet}"
                        ) as act:
        store.append_inquiry_event(session.db, inquiry.id, kind, at=act.at,
                                   operator=session.operator.name, data=dict(data))
    return get_inquiry(session, inquiry.id)


def assign(session: Session, ref: str, assignee: str) -> Inquiry:
    return _change(session, ref, "assigned", {"assignee": " ".join(assignee.split())},
                   "Assigned")


def set_status(session: Session, ref: str, status: str | InquiryStatus) -> Inquiry:
    wanted = parse_status(status)
    if not wanted.is_open:
        raise ValidationError("Use answer or close to finish an inquiry; status here can be "
                              "new, assigned or drafting.", {"status": "not allowed"})
    return _change(session, ref, "status", {"status": wanted.value},
                   f"Marked {wanted.label}:")


def edit_inquiry(session: Session, ref: str, **changes: Any) -> Inquiry:
    """Correct a logged inquiry (and who answers it) in one action; see the module docstring."""
    unknown = sorted(set(changes) - {*EDITABLE, "assignee"})
    if unknown:
        raise ValidationError(f"{unknown[0]} cannot be edited here.", {unknown[0]: "fixed"})
    inquiry = get_inquiry(session, ref)
    raw_assignee = changes.pop("assignee", None)
    data = check_fields(changes)
    if "deadline" in data:
        raw = data["deadline"]
        data["deadline"] = parse_time(session, raw, "deadline") if raw else ""
    if "contact_id" in data:
        data["contact_id"] = str(data["contact_id"] or "").strip()
        if data["contact_id"] and data["contact_id"] != inquiry.contact_id \
                and contact_store.get(session.db, data["contact_id"]) is None:
            raise NotFound("That reporter is no longer in Contacts; pick them again.")
    elif data.get("reporter", inquiry.reporter) != inquiry.reporter and inquiry.contact_id:
        data["contact_id"] = ""  # someone else now: no longer the linked media contact
    edited = {k: v for k, v in data.items() if getattr(inquiry, k) != v}
    assignee = (" ".join(str(raw_assignee).split()) if raw_assignee is not None
                else inquiry.assignee)
    if assignee != inquiry.assignee and not inquiry.is_open:
        raise ValidationError(f"Inquiry {_short(inquiry.id)} is already "
                              f"{inquiry.status.label}; nobody can be assigned to it now.",
                              {"assignee": inquiry.status.value})
    if not edited and assignee == inquiry.assignee:
        return inquiry
    what = [k.replace("_", " ") for k in edited if k != "contact_id" or "reporter" not in edited]
    if assignee != inquiry.assignee:
        what.append("assignee")
    outlet = edited.get("outlet", inquiry.outlet)
    with session.action("media.edited", "media_inquiry", inquiry.id,
                        f"Edited media inquiry {_short(inquiry.id)} from {outlet}: "
                        f"{', '.join(what)}") as act:
        if edited:
            store.append_inquiry_event(session.db, inquiry.id, "edited", at=act.at,
                                       operator=session.operator.name, data=edited)
        if assignee != inquiry.assignee:
            store.append_inquiry_event(session.db, inquiry.id, "assigned", at=act.at,
                                       operator=session.operator.name,
                                       data={"assignee": assignee})
    return get_inquiry(session, inquiry.id)


def answer_inquiry(session: Session, ref: str, template_ref: str, *,
                   version: int | None = None,
                   values: Mapping[str, Any] | None = None) -> Inquiry:
    """Answer with an approved Q&A (or key message) template, and log what was said."""
    inquiry = get_inquiry(session, ref)
    if not inquiry.is_open:
        raise ValidationError(f"Inquiry {_short(inquiry.id)} is already {inquiry.status.label}.",
                              {"status": inquiry.status.value})
    approved = template_service.require_approved(session, template_ref, version)
    rendered = media_bank.render_answer(session, approved, values)
    text = rendered.plain.strip()
    with session.action("media.answer", "media_inquiry", inquiry.id,
                        f"Answered media inquiry {_short(inquiry.id)} from {inquiry.outlet} "
                        f"with {approved.key} version {approved.version}") as act:
        store.append_inquiry_event(session.db, inquiry.id, "answered", at=act.at,
                                   operator=session.operator.name,
                                   data={"template_key": approved.key,
                                         "version": approved.version, "text": text})
        message_service.record_issue(
            session, act, rendered, recipient_count=1,
            incident_id=incident_store.current_id(session.db) or "",
            note=f"media inquiry {_short(inquiry.id)} ({inquiry.outlet})")
        timeline_service.record_in_action(
            session, act, f"Answered {inquiry.outlet} with approved answer {approved.key} "
            f"v{approved.version}", category=Category.MEDIA, source="media")
    return get_inquiry(session, inquiry.id)


def close_inquiry(session: Session, ref: str, status: str | InquiryStatus = "declined",
                  note: str = "") -> Inquiry:
    wanted = parse_status(status)
    if wanted not in (InquiryStatus.DECLINED, InquiryStatus.NO_RESPONSE_NEEDED):
        raise ValidationError("An inquiry is closed as declined or no_response_needed; to "
                              "answer it, use answer.", {"status": "not allowed"})
    return _change(session, ref, "closed", {"status": wanted.value,
                                            "note": " ".join(note.split())},
                   f"Closed ({wanted.label})")


def request_answer(session: Session, ref: str, proposed_answer: str = "") -> str:
    """Send the inquiry's question to the approver as a new draft Q&A template."""
    inquiry = get_inquiry(session, ref)
    return media_bank.draft_answer(session, inquiry.question, proposed_answer,
                                   source=DRAFT_SOURCE + inquiry.id,
                                   note=f"from media inquiry {_short(inquiry.id)}")


def pending_drafts(session: Session) -> dict[str, str]:
    """inquiry id -> key of the Q&A draft sent for approval from it (not yet approved)."""
    out: dict[str, str] = {}
    approved = media_bank.approved_keys(session)
    for key, source in store.template_sources(session.db, DRAFT_SOURCE).items():
        if key not in approved:
            out[source.removeprefix(DRAFT_SOURCE)] = key
    return out


@dataclass(frozen=True)
class MediaSummary:
    """What the Dashboard shows of the media desk."""

    open_inquiries: int
    overdue_inquiries: int
    due_soon_inquiries: int
    average_minutes_to_answer: int | None
    cadence: tuple[cadence_service.CadenceStatus, ...]

    @property
    def cadence_overdue(self) -> int:
        return sum(1 for c in self.cadence if c.state is CadenceState.OVERDUE)

    def to_dict(self) -> dict[str, Any]:
        return {"open_inquiries": self.open_inquiries,
                "overdue_inquiries": self.overdue_inquiries,
                "due_soon_inquiries": self.due_soon_inquiries,
                "average_minutes_to_answer": self.average_minutes_to_answer,
                "cadence_overdue": self.cadence_overdue,
                "cadence": [c.to_dict() for c in self.cadence]}


def due_soon_window(session: Session) -> dt.timedelta:
    """How long before its deadline an inquiry shows as due soon (a desk setting)."""
    return dt.timedelta(minutes=int(settings_service.get(session, "media_due_soon_minutes")))


def deadline_states(session: Session, inquiries: Sequence[Inquiry],
                    now: dt.datetime | None = None) -> list[DeadlineState]:
    """Each inquiry's deadline state, with the desk's "due soon" window."""
    moment, near = now or session.now(), due_soon_window(session)
    return [deadline_state(q, moment, near) for q in inquiries]


def media_summary(session: Session) -> MediaSummary:
    """Open inquiries, how many are overdue or due soon, and the next update per audience."""
    inquiries = list_inquiries(session)
    states = deadline_states(session, inquiries)
    average = average_time_to_answer(inquiries)
    return MediaSummary(
        open_inquiries=sum(1 for q in inquiries if q.is_open),
        overdue_inquiries=states.count(DeadlineState.OVERDUE),
        due_soon_inquiries=states.count(DeadlineState.DUE_SOON),
        average_minutes_to_answer=(int(average.total_seconds() // 60) if average is not None
                                   else None),
        cadence=tuple(cadence_service.cadence_status(session)))


def dashboard_summary(session: Session) -> DashboardSummary:
    """The media desk's summary, for the Dashboard: the inquiries, then each audience's next
    update in the desk's zone, named ('today 21:00 CST, every 4 h, overdue by 30 min')."""
    summary = media_summary(session)
    average = summary.average_minutes_to_answer
    rows = [("Open inquiries", f"{summary.open_inquiries:,}"),
            ("Overdue inquiries", f"{summary.overdue_inquiries:,}"),
            ("Due soon", f"{summary.due_soon_inquiries:,}"),
            ("Average time to answer", "—" if average is None
             else duration_text(dt.timedelta(minutes=average)))]
    tz = zone(session)
    for status in summary.cadence:
        if status.next_due is None or status.cadence.interval is None:
            continue
        when = (f"{cadence_service.show_local(session, status.next_due)} "
                f"{status.next_due.astimezone(tz):%Z}")
        parts = [when, f"every {duration_text(status.cadence.interval)}"]
        if status.remaining is not None:
            parts.append(due_text(status.remaining))
        rows.append((status.audience.label, ", ".join(parts)))
    return DashboardSummary(tuple(rows))
