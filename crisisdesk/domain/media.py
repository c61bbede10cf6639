"""Media inquiries: what a reporter asked, by when, and what we answered.

An inquiry is never edited in place. Every change (logged, assigned, status, edited, answered,
closed) is an append-only `InquiryEvent`, and the inquiry is the fold of its events, so the log
stays honest for the after-action review and two laptops' logs merge as a union. The rules the
spokesperson relies on live here, free of Qt and SQL: what makes an inquiry valid, when it is
overdue or due soon, the order of the log (by deadline) and time-to-answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from crisisdesk.domain.choices import LabelledEnum, parse_choice
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.times import parse_utc

# The default "due soon" window; a desk sets its own (`media_due_soon_minutes` setting).
NEAR_DEADLINE = dt.timedelta(minutes=30)
MAX_QUESTION = 4000
MAX_FIELD = 200
# Keys of Q&A-bank templates: key messages (what we always say) and questions with answers.
KEY_MESSAGE_PREFIX = "key-message-"
QA_PREFIX = "qa-"


class InquiryChannel(LabelledEnum):
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"
    SOCIAL = "social"


class InquiryStatus(LabelledEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    DRAFTING = "drafting"
    ANSWERED = "answered"
    DECLINED = "declined"
    NO_RESPONSE_NEEDED = "no_response_needed"

    @property
    def is_open(self) -> bool:
        return self in (InquiryStatus.NEW, InquiryStatus.ASSIGNED, InquiryStatus.DRAFTING)


CLOSING = (InquiryStatus.DECLINED, InquiryStatus.NO_RESPONSE_NEEDED)
EDITABLE = ("outlet", "reporter", "contact_id", "contact_details", "deadline", "question",
            "channel")


class DeadlineState(StrEnum):
    NONE = "none"  # no deadline given
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    CLOSED = "closed"  # answered or closed: deadlines no longer matter


@dataclass(frozen=True)
class InquiryEvent:
    """One append-only change to an inquiry; `data` holds the fields it sets."""

    id: str
    inquiry_id: str
    seq: int
    at: str  # UTC ISO
    operator: str
    kind: str  # logged, assigned, status, edited, answered, closed
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Inquiry:
    id: str
    received_at: str  # UTC ISO
    channel: InquiryChannel
    outlet: str
    question: str
    reporter: str = ""
    contact_id: str = ""
    contact_details: str = ""
    deadline: str = ""  # UTC ISO, "" = none given
    status: InquiryStatus = InquiryStatus.NEW
    assignee: str = ""
    answer_key: str = ""  # the approved Q&A template used
    answer_version: int = 0
    answer_text: str = ""
    answered_at: str = ""
    closed_note: str = ""
    logged_by: str = ""
    updated_at: str = ""

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["channel"], out["status"] = self.channel.value, self.status.value
        out["time_to_answer_minutes"] = minutes(time_to_answer(self))
        return out


def _line(text: object) -> str:
    return " ".join(str(text or "").split())


def parse_channel(raw: object) -> InquiryChannel:
    return parse_choice(InquiryChannel, _line(raw), "channel", problem="unknown")


def parse_status(raw: object) -> InquiryStatus:
    return parse_choice(InquiryStatus, _line(raw), "status", problem="unknown")


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned inquiry fields, or one ValidationError naming the first bad field.

    An outlet and a question are required; a deadline in the past is allowed (it shows as
    overdue), because reporters often call about a deadline that has already passed.
    """
    out = dict(fields)
    for name in ("outlet", "reporter", "contact_details"):
        if name in out:
            out[name] = _line(out[name])
            if len(out[name]) > MAX_FIELD:
                raise ValidationError(f"The {name.replace('_', ' ')} is longer than "
                                      f"{MAX_FIELD} characters.", {name: "too long"})
    if "question" in out:
        out["question"] = str(out["question"] or "").strip()
        if len(out["question"]) > MAX_QUESTION:
            raise ValidationError(f"The question is longer than {MAX_QUESTION} characters.",
                                  {"question": "too long"})
    if "outlet" in out and not out["outlet"]:
        raise ValidationError("An inquiry needs the outlet (the newspaper, station or site "
                              "asking).", {"outlet": "missing"})
    if "question" in out and not out["question"]:
        raise ValidationError("An inquiry needs the question the reporter asked.",
                              {"question": "missing"})
    if "channel" in out:
        out["channel"] = parse_channel(out["channel"]).value
    return out


def fold(events: Iterable[InquiryEvent]) -> Inquiry | None:
    """The inquiry as its events leave it (events in `seq` order); None without a 'logged'."""
    current: Inquiry | None = None
    for ev in sorted(events, key=lambda e: e.seq):
        d = ev.data
        if ev.kind == "logged":
            current = Inquiry(
                id=ev.inquiry_id, received_at=str(d["received_at"]),
                channel=InquiryChannel(d["channel"]), outlet=str(d["outlet"]),
                question=str(d["question"]), reporter=str(d.get("reporter", "")),
                contact_id=str(d.get("contact_id", "")),
                contact_details=str(d.get("contact_details", "")),
                deadline=str(d.get("deadline", "")), logged_by=ev.operator,
                assignee=str(d.get("assignee", "")), updated_at=ev.at,
                status=InquiryStatus.ASSIGNED if d.get("assignee") else InquiryStatus.NEW)
            continue
        if current is None:
            continue
        if ev.kind == "assigned":
            status = current.status
            if status is InquiryStatus.NEW and d.get("assignee"):
                status = InquiryStatus.ASSIGNED
            current = replace(current, assignee=str(d.get("assignee", "")), status=status)
        elif ev.kind == "status":
            current = replace(current, status=InquiryStatus(d["status"]))
        elif ev.kind == "edited":
            changes = {k: d[k] for k in EDITABLE if k in d}
            if "channel" in changes:
                changes["channel"] = InquiryChannel(changes["channel"])
            current = replace(current, **changes)
        elif ev.kind == "answered":
            current = replace(current, status=InquiryStatus.ANSWERED,
                              answer_key=str(d["template_key"]),
                              answer_version=int(d["version"]), answer_text=str(d["text"]),
                              answered_at=ev.at)
        elif ev.kind == "closed":
            current = replace(current, status=InquiryStatus(d["status"]),
                              closed_note=str(d.get("note", "")))
        current = replace(current, updated_at=ev.at)
    return current


def deadline_state(inquiry: Inquiry, now: dt.datetime,
                   near: dt.timedelta = NEAR_DEADLINE) -> DeadlineState:
    if not inquiry.is_open:
        return DeadlineState.CLOSED
    if not inquiry.deadline:
        return DeadlineState.NONE
    due = parse_utc(inquiry.deadline)
    if now >= due:
        return DeadlineState.OVERDUE
    return DeadlineState.DUE_SOON if due - now <= near else DeadlineState.OK


def log_order(inquiries: Iterable[Inquiry]) -> list[Inquiry]:
    """Open inquiries first, earliest deadline first (none last); then answered and closed,
    most recent first. Ties go to whoever asked first."""
    def key(q: Inquiry) -> tuple[int, float, float]:
        received = parse_utc(q.received_at).timestamp()
        if q.is_open:
            due = parse_utc(q.deadline).timestamp() if q.deadline else float("inf")
            return (0, due, received)
        done = parse_utc(q.answered_at or q.updated_at or q.received_at).timestamp()
        return (1, -done, received)

    return sorted(inquiries, key=key)


def time_to_answer(inquiry: Inquiry) -> dt.timedelta | None:
    if inquiry.status is not InquiryStatus.ANSWERED or not inquiry.answered_at:
        return None
    return max(parse_utc(inquiry.answered_at) - parse_utc(inquiry.received_at), dt.timedelta())


def average_time_to_answer(inquiries: Sequence[Inquiry]) -> dt.timedelta | None:
    spans = [t for t in (time_to_answer(q) for q in inquiries) if t is not None]
    if not spans:
        return None
    return sum(spans, dt.timedelta()) / len(spans)


def minutes(span: dt.timedelta | None) -> int | None:
    return None if span is None else int(span.total_seconds() // 60)


def span_text(span: dt.timedelta | None) -> str:
    """'45 min', '3 h 05 min', '2 d 4 h' for a duration; '' for none."""
    if span is None:
        return ""
    total = int(abs(span.total_seconds()) // 60)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins:02d} min" if mins else f"{hours} h"
    return f"{mins} min"


def bank_kind(template_key: str) -> str:
    """'key message' or 'Q&A' for a bank template key."""
    return "key message" if template_key.startswith(KEY_MESSAGE_PREFIX) else "Q&A"


def bank_key(question: str, taken: Iterable[str]) -> str:
    """A new Q&A template key made from the question's first words, unique among `taken`."""
    words = "".join(c if c.isalnum() else " " for c in question.lower()).split()
    slug = "-".join(words)[:40].strip("-") or "answer"
    used = set(taken)
    key, n = f"{QA_PREFIX}{slug}", 2
    while key in used:
        key, n = f"{QA_PREFIX}{slug}-{n}", n + 1
    return key


# What a spokesperson must never do, printed on every brief (CDC CERC; HICS PIO practice).
DO_NOT_SAY = (
    "Do not speculate: no guesses about cause, attacker, scope or when systems return.",
    "Do not blame anyone: staff, vendors, patients or other organisations.",
    "Never give patient details: no names, conditions, ages or anything that could identify "
    "someone.",
    "Do not confirm ransom demands, amounts or negotiations.",
    "Do not say \"no comment\": say what we know, what we do not know yet, and when we will "
    "update next.",
    "Do not go off the record, and do not answer outside the approved answers.",
)
