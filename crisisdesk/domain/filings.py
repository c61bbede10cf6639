"""Filings: every notice the desk owes someone other than the affected people, and where each
one stands.

Which notices are owed is never decided here by hand: it is the incident's obligations (the
rules data applied to the incident, `domain/clocks.py`) whose audience is HHS, a state
regulator, the media, the consumer reporting agencies or the covered entity, leaving out
reminders to the team and advisories (a HIPAA exemption, a profile flag the organisation has not
set). A rule naming several recipients (`[[rule.filing.to]]`) owes one filing to each. So a
five-state incident's list is exactly what the rules data requires, each with its due date.

A filing moves forward only: owed -> prepared (from an approved template, or a note saying
where its content lives, such as the HHS report) -> approved (by an approver) -> sent (when,
how, by whom, with the confirmation number if the portal gave one) -> acknowledged. The checks
that refuse a step out of order live here so the CLI and the GUI give the same one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.clocks import Obligation
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.filing_specs import Recipient
from crisisdesk.domain.incidents import US_STATES


class FilingKind(StrEnum):
    HHS = "hhs"
    REGULATOR = "regulator"
    MEDIA = "media"
    CRA = "cra"  # consumer reporting agencies
    COVERED_ENTITY = "covered_entity"  # a business associate's notice to its covered entity

    @property
    def label(self) -> str:
        return {"hhs": "HHS", "regulator": "state regulator", "media": "media",
                "cra": "consumer reporting agency",
                "covered_entity": "covered entity"}[self.value]


# rule audience -> the kind of filing it owes (individuals and the team's prompts owe none)
AUDIENCE_KINDS = {"hhs": FilingKind.HHS, "regulator": FilingKind.REGULATOR,
                  "media": FilingKind.MEDIA, "consumer_reporting_agencies": FilingKind.CRA,
                  "covered_entity": FilingKind.COVERED_ENTITY}


class Stage(StrEnum):
    OWED = "owed"
    PREPARED = "prepared"
    APPROVED = "approved"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"


class SentHow(StrEnum):
    PORTAL = "portal"
    EMAIL = "email"
    MAIL = "mail"
    FAX = "fax"
    HAND = "hand"
    PRESS = "press"  # a press release to the media outlets


@dataclass(frozen=True)
class OwedFiling:
    """One notice the rules data requires for this incident, to one recipient."""

    key: str  # the obligation key, plus ":<recipient id>" when the rule names several
    obligation: Obligation
    kind: FilingKind
    recipient: Recipient

    @property
    def jurisdiction(self) -> str:
        return self.obligation.jurisdiction

    @property
    def due(self) -> dt.date | None:
        return self.obligation.due

    @property
    def office(self) -> str:
        state = US_STATES.get(self.jurisdiction, "")
        office = self.recipient.office
        if self.kind is FilingKind.MEDIA and state:
            office = office.replace("the state", state)
        return office

    @property
    def title(self) -> str:
        title = self.obligation.title
        return f"{title}: {self.office}" if self.recipient.id else title

    @property
    def content(self) -> tuple[str, ...]:
        spec = self.obligation.rule.filing
        return spec.content if spec else ()

    @property
    def sample_notice(self) -> bool:
        spec = self.obligation.rule.filing
        return bool(spec and spec.sample_notice)


@dataclass(frozen=True)
class FilingRecord:
    """What the desk has done about one owed filing (stored per incident and key)."""

    key: str
    prepared_at: str = ""
    prepared_by: str = ""
    count: int = 0  # the residents (or people) the filing reports
    template_key: str = ""  # "" when the content is prepared elsewhere (the HHS report)
    template_version: int = 0
    content: str = ""  # the filled letter (HTML) or the note saying where the content is
    approved_at: str = ""
    approved_by: str = ""
    sent_on: dt.date | None = None
    sent_how: str = ""
    sent_by: str = ""
    confirmation: str = ""
    acknowledged_on: dt.date | None = None

    @property
    def stage(self) -> Stage:
        if self.acknowledged_on is not None:
            return Stage.ACKNOWLEDGED
        if self.sent_on is not None:
            return Stage.SENT
        if self.approved_at:
            return Stage.APPROVED
        return Stage.PREPARED if self.prepared_at else Stage.OWED


@dataclass(frozen=True)
class Filing:
    owed: OwedFiling
    record: FilingRecord | None = None

    @property
    def key(self) -> str:
        return self.owed.key

    @property
    def stage(self) -> Stage:
        return self.record.stage if self.record else Stage.OWED

    @property
    def sent(self) -> bool:
        return self.stage in (Stage.SENT, Stage.ACKNOWLEDGED)

    def overdue(self, today: dt.date) -> bool:
        due = self.owed.due
        return not self.sent and due is not None and due < today

    def days_left(self, today: dt.date) -> int | None:
        due = self.owed.due
        return None if due is None else (due - today).days


def owed_filings(obligations: Iterable[Obligation]) -> list[OwedFiling]:
    """The filings the incident's obligations require, in the obligations' order."""
    owed: list[OwedFiling] = []
    for o in obligations:
        kind = AUDIENCE_KINDS.get(o.rule.audience)
        if kind is None or o.is_prompt or o.advisory:
            continue
        spec = o.rule.filing
        recipients = spec.recipients if spec else (Recipient("", _default_office(kind)),)
        for recipient in recipients:
            key = f"{o.key}:{recipient.id}" if recipient.id else o.key
            owed.append(OwedFiling(key, o, kind, recipient))
    return owed


def _default_office(kind: FilingKind) -> str:
    return {FilingKind.HHS: "U.S. Department of Health and Human Services",
            FilingKind.REGULATOR: "The state regulator (not recorded in the rules data)",
            FilingKind.MEDIA: "Prominent media outlets serving the state",
            FilingKind.CRA: "Each nationwide consumer reporting agency",
            FilingKind.COVERED_ENTITY: "The covered entity"}[kind]


def obligation_key(filing_key: str) -> str:
    """The obligation a filing belongs to ("state.NY.ag:dos" -> "state.NY.ag")."""
    return filing_key.split(":", 1)[0]


# --- the steps, in order -----------------------------------------------------------------


def check_count(count: int, total: int) -> None:
    if count < 0:
        raise ValidationError(f"The count {count} is below zero.", {"count": "below zero"})
    if count > total:
        raise ValidationError(f"The count {count:,} is above the incident's total of "
                              f"{total:,} people affected.", {"count": "above the total"})


def check_approve(filing: Filing) -> None:
    if filing.stage is Stage.OWED:
        raise ValidationError(f"{filing.key} is not prepared yet: prepare it before approving "
                              "it.", {"key": "not prepared"})
    if filing.stage is not Stage.PREPARED:
        raise ValidationError(f"{filing.key} is already {filing.stage.value}.",
                              {"key": filing.stage.value})


def check_send(filing: Filing, sent_on: dt.date, today: dt.date, discovered: dt.date) -> None:
    if filing.stage is Stage.OWED:
        raise ValidationError(f"{filing.key} cannot be marked sent before it is prepared: "
                              "prepare it first.", {"key": "not prepared"})
    if filing.stage is Stage.PREPARED:
        raise ValidationError(f"{filing.key} cannot be marked sent before it is approved: an "
                              "approver approves it first.", {"key": "not approved"})
    if filing.sent:
        raise ValidationError(f"{filing.key} is already marked sent.", {"key": "sent"})
    check_day(sent_on, today, discovered, "sent")


def check_confirmation(filing: Filing, confirmation: str) -> str:
    """The confirmation number as stored; only a sent filing has one."""
    text = " ".join(confirmation.split())
    if not filing.sent:
        raise ValidationError(f"{filing.key} has not been sent: a confirmation number belongs "
                              "to a sent filing.", {"confirmation": "not sent"})
    if not text:
        raise ValidationError("The confirmation number is empty.", {"confirmation": "empty"})
    return text


def check_acknowledged(filing: Filing, on: dt.date, today: dt.date) -> None:
    if not filing.sent or filing.record is None or filing.record.sent_on is None:
        raise ValidationError(f"{filing.key} has not been sent, so it cannot be acknowledged.",
                              {"acknowledged": "not sent"})
    if on < filing.record.sent_on:
        raise ValidationError(f"The acknowledgement date {on} is before the filing was sent "
                              f"({filing.record.sent_on}).", {"acknowledged": "before sent"})
    if on > today:
        raise ValidationError(f"The acknowledgement date {on} is in the future.",
                              {"acknowledged": "in the future"})


def check_day(day: dt.date, today: dt.date, discovered: dt.date, what: str) -> None:
    if day > today:
        raise ValidationError(f"The {what} date {day} is in the future.", {what: "in the future"})
    if day < discovered:
        raise ValidationError(f"The {what} date {day} is before the breach was discovered "
                              f"({discovered}).", {what: "before discovery"})


def parse_how(value: str) -> SentHow:
    try:
        return SentHow(value.strip().lower())
    except ValueError:
        raise ValidationError(f"Unknown way of sending {value!r}; use one of "
                              f"{', '.join(h.value for h in SentHow)}.", {"how": "unknown"}
                              ) from None


def parse_state(value: str) -> str:
    code = value.strip().upper()
    if code not in US_STATES:
        raise ValidationError(f"Unknown state code {value!r}: use a two-letter code such as "
                              "IL.", {"state": "unknown"})
    return code


__all__ = ["AUDIENCE_KINDS", "Filing", "FilingKind", "FilingRecord", "OwedFiling", "SentHow",
           "Stage", "check_acknowledged", "check_approve", "check_confirmation", "check_count",
           "check_day", "check_send", "obligation_key", "owed_filings", "parse_how",
           "parse_state"]
