"""Call attempts and what they add up to for one person in a running calling tree.

Attempts are append-only events: a mistaken entry is never edited, it is corrected by a new
attempt that names it in `corrects` (the corrected one then no longer counts). `fold` turns a
person's attempts into their state; the store keeps that state beside the person so progress
is a cheap count, but the attempts remain the truth and `fold` can always recompute it.

A voicemail is not "reached": the person stays open until a call-back or a later attempt
reaches them (domain.md §5, design recommendation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.choices import parse_choice


class Outcome(StrEnum):
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    UNAVAILABLE = "unavailable"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def key(self) -> str:
        """The one key that records this outcome in the "my calls" queue."""
        return OUTCOME_KEYS[self]


OUTCOME_LABELS = {
    Outcome.REACHED: "Reached (message delivered)",
    Outcome.VOICEMAIL: "Left voicemail",
    Outcome.NO_ANSWER: "No answer",
    Outcome.BUSY: "Busy",
    Outcome.WRONG_NUMBER: "Wrong number",
    Outcome.UNAVAILABLE: "Declined / unavailable",
}
OUTCOME_KEYS = {Outcome.REACHED: "R", Outcome.VOICEMAIL: "V", Outcome.NO_ANSWER: "N",
                Outcome.BUSY: "B", Outcome.WRONG_NUMBER: "W", Outcome.UNAVAILABLE: "D"}


class Status(StrEnum):
    NOT_CALLED = "not_called"
    ATTEMPTED = "attempted"  # tried, not reached yet (still open)
    REACHED = "reached"
    UNAVAILABLE = "unavailable"  # declined or unavailable: closed without the message

    @property
    def label(self) -> str:
        return {"not_called": "Not called yet", "attempted": "Tried, not reached",
                "reached": "Reached", "unavailable": "Unavailable"}[self.value]

    @property
    def is_open(self) -> bool:
        return self in (Status.NOT_CALLED, Status.ATTEMPTED)


def parse_outcome(text: str) -> Outcome:
    """An outcome from its name, label word or key ('reached', 'vm', 'R', 'no answer')."""
    aliases = {"vm": Outcome.VOICEMAIL, "noanswer": Outcome.NO_ANSWER,
               "declined": Outcome.UNAVAILABLE, "wrong": Outcome.WRONG_NUMBER,
               **{outcome.key.lower(): outcome for outcome in Outcome}}
    return parse_choice(Outcome, text, "outcome", aliases=aliases, problem="invalid")


@dataclass(frozen=True)
class Attempt:
    id: str
    contact_id: str
    outcome: Outcome
    at: str  # UTC ISO: when the call was made
    recorded_by: str = ""
    number: str = ""  # the number dialled (E.164 when known)
    caller_id: str | None = None  # who made the call (None: the coordinator)
    note: str = ""
    corrects: str = ""  # id of the attempt this one replaces


@dataclass(frozen=True)
class PersonState:
    status: Status
    attempts: int  # attempts that count (corrected ones do not)
    failed_attempts: int  # counted attempts that did not reach the person
    last_outcome: Outcome | None
    last_at: str
    first_at: str
    reached_at: str
    wrong_numbers: frozenset[str]

    def all_numbers_wrong(self, numbers: Iterable[str]) -> bool:
        wanted = {n for n in numbers if n}
        return bool(wanted) and wanted <= self.wrong_numbers


NEVER_CALLED = PersonState(Status.NOT_CALLED, 0, 0, None, "", "", "", frozenset())


def counted(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The attempts that count, in time order: corrected ones are dropped."""
    corrected = {a.corrects for a in attempts if a.corrects}
    return sorted((a for a in attempts if a.id not in corrected), key=lambda a: (a.at, a.id))


def fold(attempts: Sequence[Attempt]) -> PersonState:
    """A person's state from their attempts (any order)."""
    live = counted(attempts)
    if not live:
        return NEVER_CALLED
    reached = [a for a in live if a.outcome is Outcome.REACHED]
    last = live[-1]
    if reached:
        status = Status.REACHED
    elif any(a.outcome is Outcome.UNAVAILABLE for a in live):
        status = Status.UNAVAILABLE
    else:
        status = Status.ATTEMPTED
    wrong = frozenset(a.number for a in live if a.outcome is Outcome.WRONG_NUMBER and a.number)
    failed = sum(1 for a in live if a.outcome is not Outcome.REACHED)
    return PersonState(status, len(live), failed, last.outcome, last.at, live[0].at,
                       reached[0].at if reached else "", wrong)


@dataclass(frozen=True)
class Activation:
    """One run of a calling tree (a drill or the real thing), over its frozen copy."""

    id: str
    tree_id: str
    tree_name: str
    tree_version: int
    is_drill: bool
    status: str  # "open" or "closed"
    started_at: str
    started_by: str
    incident_id: str = ""
    template_key: str = ""
    template_version: int = 0
    script: str = ""
    message_log_id: str = ""
    closed_at: str = ""
    closed_by: str = ""
    summary: str = ""  # JSON of the closing report
    report_back_to: str | None = None  # None: started before the desk kept it

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def label(self) -> str:
        kind = "Drill" if self.is_drill else "Activation"
        return f"{kind} of {self.tree_name}, {self.started_at[:16].replace('T', ' ')} UTC"
