"""Media inquiry rules: required fields, deadline states, log order, time to answer, fold."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.media import (
    DeadlineState,
    Inquiry,
    InquiryChannel,
    InquiryEvent,
    InquiryStatus,
    average_time_to_answer,
    bank_key,
    check_fields,
    deadline_state,
    fold,
    log_order,
    span_text,
    time_to_answer,
)

NOW = dt.datetime(2026, 3, 20, 15, 0, tzinfo=dt.UTC)


def inquiry(id_: str, deadline: str = "", status: InquiryStatus = InquiryStatus.NEW,
            received: str = "2026-03-20T14:00:00Z", answered: str = "") -> Inquiry:
    return Inquiry(id_, received, InquiryChannel.PHONE, "Ledger", "Q?", deadline=deadline,
                   status=status, answered_at=answered)


@pytest.mark.parametrize(("fields", "bad"), [
    ({"outlet": "  ", "question": "Was data taken?"}, "outlet"),
    ({"outlet": "Ledger", "question": "\n "}, "question"),
    ({"outlet": "Ledger", "question": "Q", "channel": "fax"}, "channel"),
    ({"outlet": "x" * 201, "question": "Q"}, "outlet"),
])
def test_bad_inquiries_are_refused_naming_the_field(fields: dict[str, str], bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_fields(fields)
    assert bad in err.value.fields
    assert err.value.message.endswith(".")


def test_fields_are_tidied() -> None:
    out = check_fields({"outlet": "  Daily   Ledger ", "question": " Q? ", "channel": "In person"})
    assert out == {"outlet": "Daily Ledger", "question": "Q?", "channel": "in_person"}


def test_deadline_states() -> None:
    assert deadline_state(inquiry("a", "2026-03-20T14:59:00Z"), NOW) is DeadlineState.OVERDUE
    assert deadline_state(inquiry("a", "2026-03-20T15:00:00Z"), NOW) is DeadlineState.OVERDUE
    assert deadline_state(inquiry("a", "2026-03-20T15:20:00Z"), NOW) is DeadlineState.DUE_SOON
    assert deadline_state(inquiry("a", "2026-03-20T16:00:00Z"), NOW) is DeadlineState.OK
    assert deadline_state(inquiry("a"), NOW) is DeadlineState.NONE
    answered = inquiry("a", "2026-03-20T10:00:00Z", InquiryStatus.ANSWERED)
    assert deadline_state(answered, NOW) is DeadlineState.CLOSED  # answered late: not overdue


def test_log_is_sorted_by_deadline_open_first_no_deadline_last() -> None:
    items = [inquiry("none"), inquiry("late", "2026-03-20T18:00:00Z"),
             inquiry("done", "2026-03-20T09:00:00Z", InquiryStatus.ANSWERED,
                     answered="2026-03-20T14:30:00Z"),
             inquiry("soon", "2026-03-20T15:10:00Z"), inquiry("past", "2026-03-19T23:00:00Z")]
    assert [q.id for q in log_order(items)] == ["past", "soon", "late", "none", "done"]


def test_time_to_answer_and_average() -> None:
    a = inquiry("a", status=InquiryStatus.ANSWERED, answered="2026-03-20T14:45:00Z")
    b = inquiry("b", status=InquiryStatus.ANSWERED, answered="2026-03-20T16:15:00Z")
    assert time_to_answer(a) == dt.timedelta(minutes=45)
    assert time_to_answer(inquiry("c")) is None
    assert average_time_to_answer([a, b, inquiry("c")]) == dt.timedelta(minutes=90)
    assert average_time_to_answer([inquiry("c")]) is None
    assert span_text(dt.timedelta(minutes=135)) == "2 h 15 min"
    assert span_text(dt.timedelta(days=2, hours=4)) == "2 d 4 h"


def test_fold_replays_events_in_order() -> None:
    def ev(seq: int, kind: str, **data: object) -> InquiryEvent:
        return InquiryEvent(f"e{seq}", "q1", seq, f"2026-03-20T14:0{seq}:00Z", "alex", kind, data)

    events = [
        ev(3, "answered", template_key="qa-x", version=2, text="We are investigating."),
        ev(1, "logged", received_at="2026-03-20T14:00:00Z", channel="email", outlet="Ledger",
           question="Q?", deadline="2026-03-20T16:00:00Z"),
        ev(2, "assigned", assignee="Jordan"),
    ]
    q = fold(events)
    assert q is not None
    assert (q.status, q.assignee, q.answer_key, q.answer_version) == (
        InquiryStatus.ANSWERED, "Jordan", "qa-x", 2)
    assert q.answered_at == "2026-03-20T14:03:00Z"
    assert fold(events[:1]) is None  # no 'logged' event: no inquiry


def test_bank_keys_are_unique_slugs() -> None:
    assert bank_key("Was patient data taken?", []) == "qa-was-patient-data-taken"
    assert bank_key("Was patient data taken?", ["qa-was-patient-data-taken"]) == (
        "qa-was-patient-data-taken-2")
