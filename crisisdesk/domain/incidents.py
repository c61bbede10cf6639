"""The incident record: what happened, when it was discovered, who is affected, any
law-enforcement delay (45 CFR 164.412), and the recorded facts of the response.

Plain data plus the checks that make a record valid. Every check names the field it is about, so
the CLI and the GUI can point at the exact box that is wrong, and nothing is half-saved.

Dates of the incident (discovery, breach start and end, delay dates) are calendar dates; the
discovery date starts every notification clock (see `domain/clocks.py`).

Response facts (`contained_on`, `law_enforcement_notified_on` and its agency) are what letters
and statements may say about the response: a template states "we stopped the access" or "we
reported it to the FBI" only when the fact is recorded here, so nothing is printed that is not
true for this incident. Whether HHS was notified and when letters were mailed are not stored a
second time: they come from the HHS deadline marked done and from the mailing log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from crisisdesk.domain.choices import LabelledEnum, parse_choice
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.times import TYPED_DATES, typed_date


class IncidentKind(LabelledEnum):
    DATA_BREACH = "data_breach"
    RANSOMWARE = "ransomware"
    SYSTEM_DOWNTIME = "system_downtime"
    OTHER = "other"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CONTAINED = "contained"
    CLOSED = "closed"


class InfoKind(StrEnum):
    """Kinds of information involved (45 CFR 164.404(c)(1)(B) asks the notice to list them)."""

    NAMES = "names"
    ADDRESSES = "addresses"
    DATES_OF_BIRTH = "dates_of_birth"
    SSN = "ssn"
    MEDICAL_RECORD_NUMBERS = "medical_record_numbers"
    DIAGNOSES = "diagnoses"
    INSURANCE = "insurance"
    FINANCIAL = "financial"

    @property
    def label(self) -> str:
        return {"ssn": "Social Security numbers"}.get(self.value, self.value.replace("_", " "))


class DelayForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"


# 45 CFR 164.412(b): an oral statement holds the notice for at most this many days from the
# date of the statement, unless a written statement is received within that time.
ORAL_DELAY_MAX_DAYS = 30

# The 50 states, DC, and the territories that have their own breach laws or HHS jurisdiction.
US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

MAX_TITLE = 200
MAX_TEXT = 2000


@dataclass(frozen=True)
class LawEnforcementDelay:
    """A law-enforcement official's statement that notice would impede an investigation.

    `until` is the end of the period the official specified (required when written). An oral
    statement holds for at most 30 days from `starts_on` unless `written_on` records a written
    statement received within those 30 days; then `until` (the written period) applies.
    """

    official: str
    agency: str
    form: DelayForm
    starts_on: dt.date
    until: dt.date | None = None
    written_on: dt.date | None = None
    contact: str = ""
    notes: str = ""

    @property
    def oral_expires_on(self) -> dt.date | None:
        """For an oral statement: the last day it can hold without a written one."""
        if self.form is DelayForm.ORAL:
            return self.starts_on + dt.timedelta(days=ORAL_DELAY_MAX_DAYS)
        return None

    @property
    def written_followed(self) -> bool:
        return self.form is DelayForm.WRITTEN or self.written_on is not None

    @property
    def ends_on(self) -> dt.date:
        """The date the delay ends: notices may (and then must promptly) go out from here."""
        if self.written_followed:
            assert self.until is not None  # checked by validate_delay
            return self.until
        expiry = self.oral_expires_on
        assert expiry is not None
        return min(self.until, expiry) if self.until else expiry

    def describe(self) -> str:
        how = "written" if self.written_followed else "oral"
        return (f"{how} law-enforcement delay requested by {self.official} ({self.agency}) "
                f"from {self.starts_on.isoformat()} until {self.ends_on.isoformat()}")

    def to_dict(self) -> dict[str, str]:
        return {
            "official": self.official, "agency": self.agency, "form": self.form.value,
            "starts_on": self.starts_on.isoformat(),
            "until": self.until.isoformat() if self.until else "",
            "written_on": self.written_on.isoformat() if self.written_on else "",
            "contact": self.contact, "notes": self.notes,
        }


@dataclass(frozen=True)
class Incident:
    id: str
    title: str
    kind: IncidentKind
    status: IncidentStatus
    discovered_on: dt.date
    breach_started_on: dt.date | None = None
    breach_ended_on: dt.date | None = None
    systems_affected: tuple[str, ...] = ()
    info_kinds: tuple[InfoKind, ...] = ()
    affected_by_state: Mapping[str, int] = field(default_factory=dict)
    affected_unknown_residence: int = 0
    delay: LawEnforcementDelay | None = None
    summary: str = ""
    created_at: str = ""
    updated_at: str = ""
    updated_by: str = ""
    contained_on: dt.date | None = None
    law_enforcement_notified_on: dt.date | None = None
    law_enforcement_agency: str = ""

    @property
    def total_affected(self) -> int:
        return sum(self.affected_by_state.values()) + self.affected_unknown_residence

    def residents(self, state: str) -> int:
        return int(self.affected_by_state.get(state, 0))

    def plain_fields(self) -> dict[str, Any]:
        """The single-value fields as JSON-ready values (dates ISO, unknown dates None).

        The store and `--json` both start from these and add the lists and tables each in
        their own form, so a new field cannot be saved but left out of the output.
        """
        dates = {name: (value.isoformat() if value else None) for name, value in (
            ("discovered_on", self.discovered_on), ("breach_started_on", self.breach_started_on),
            ("breach_ended_on", self.breach_ended_on), ("contained_on", self.contained_on),
            ("law_enforcement_notified_on", self.law_enforcement_notified_on))}
        return {
            "id": self.id, "title": self.title, "kind": self.kind.value,
            "status": self.status.value, **dates, "summary": self.summary,
            "created_at": self.created_at, "updated_at": self.updated_at,
            "updated_by": self.updated_by, "law_enforcement_agency": self.law_enforcement_agency,
        }


# --- parsing and validation -------------------------------------------------------------


def parse_date(value: str | dt.date | None, field_name: str) -> dt.date | None:
    """A calendar date as people type it (`times.typed_date`); '' or None is 'unknown'."""
    if value is None or isinstance(value, dt.date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return typed_date(text)
    except ValueError:
        raise ValidationError(
            f"{_label(field_name)} must be a date like {TYPED_DATES}, not {text!r}.",
            {field_name: "not a date"},
        ) from None


def _label(field_name: str) -> str:
    return field_name.replace("_", " ").capitalize()


def normalise_state(code: str, field_name: str = "affected_by_state") -> str:
    state = code.strip().upper()
    if state not in US_STATES:
        raise ValidationError(
            f"{code.strip()!r} is not a US state or territory code (use two letters, e.g. TX).",
            {field_name: f"unknown state {code.strip()!r}"},
        )
    return state


def parse_counts(pairs: Iterable[str]) -> dict[str, int]:
    """`["TX=1200", "OK=40"]` -> {"TX": 1200, "OK": 40}; the CLI's `--affected` form."""
    counts: dict[str, int] = {}
    for pair in pairs:
        state, sep, number = pair.partition("=")
        if not sep:
            raise ValidationError(
                f"Give affected counts as STATE=NUMBER (e.g. TX=1200), not {pair!r}.",
                {"affected_by_state": "not STATE=NUMBER"},
            )
        code = normalise_state(state)
        try:
            counts[code] = int(number.strip().replace(",", ""))
        except ValueError:
            raise ValidationError(
                f"The affected count for {code} must be a whole number, not {number!r}.",
                {"affected_by_state": f"{code}: not a number"},
            ) from None
    return counts


def validate_counts(counts: Mapping[str, object], unknown: object = 0) -> tuple[dict[str, int],
                                                                                 int]:
    clean: dict[str, int] = {}
    for state, number in counts.items():
        code = normalise_state(str(state))
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValidationError(f"The affected count for {code} must be a whole number.",
                                  {"affected_by_state": f"{code}: not a number"})
        if number < 0:
            raise ValidationError(
                f"The affected count for {code} cannot be negative ({number}).",
                {"affected_by_state": f"{code}: negative"})
        if number:
            clean[code] = number
    if isinstance(unknown, bool) or not isinstance(unknown, int):
        raise ValidationError("The count with unknown residence must be a whole number.",
                              {"affected_unknown_residence": "not a number"})
    if unknown < 0:
        raise ValidationError(
            f"The count with unknown residence cannot be negative ({unknown}).",
            {"affected_unknown_residence": "negative"})
    return dict(sorted(clean.items())), unknown


def validate_delay(delay: LawEnforcementDelay, today: dt.date) -> LawEnforcementDelay:
    official = " ".join(delay.official.split())
    agency = " ".join(delay.agency.split())
    if not official:
        raise ValidationError("A law-enforcement delay needs the official's name "
                              "(45 CFR 164.412 asks you to document who asked).",
                              {"delay_official": "missing"})
    if not agency:
        raise ValidationError("A law-enforcement delay needs the official's agency.",
                              {"delay_agency": "missing"})
    if delay.starts_on > today:
        raise ValidationError("The law-enforcement delay cannot start in the future.",
                              {"delay_from": "in the future"})
    if delay.until is not None and delay.until < delay.starts_on:
        raise ValidationError(
            f"The law-enforcement delay ends ({delay.until}) before it starts "
            f"({delay.starts_on}).", {"delay_until": "before the start"})
    if delay.form is DelayForm.WRITTEN:
        if delay.until is None:
            raise ValidationError("A written law-enforcement delay needs the end of the period "
                                  "the official specified.", {"delay_until": "missing"})
        if delay.written_on is not None:
            raise ValidationError("A written-received date is only for an oral request that a "
                                  "written one followed.", {"delay_written_on": "not oral"})
    if delay.written_on is not None:
        expiry = delay.starts_on + dt.timedelta(days=ORAL_DELAY_MAX_DAYS)
        if delay.written_on < delay.starts_on:
            raise ValidationError("The written statement cannot come before the oral request.",
                                  {"delay_written_on": "before the oral request"})
        if delay.written_on > today:
            raise ValidationError("The written statement cannot be dated in the future.",
                                  {"delay_written_on": "in the future"})
        if delay.written_on > expiry:
            raise ValidationError(
                f"The oral delay expired on {expiry} (30 days); a written statement received "
                "later is a new delay: record it as a written delay from its own date.",
                {"delay_written_on": "after the oral delay expired"})
        if delay.until is None:
            raise ValidationError("Give the end of the period the written statement specifies.",
                                  {"delay_until": "missing"})
    return LawEnforcementDelay(official, agency, delay.form, delay.starts_on, delay.until,
                               delay.written_on, delay.contact.strip(), delay.notes.strip())


def _clean_list(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        text = " ".join(str(value).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return tuple(seen.values())


def validate_incident(incident: Incident, today: dt.date) -> Incident:
    """The cleaned incident, or a ValidationError naming the first bad field.

    `today` is the operator's local date: nothing can be discovered tomorrow.
    """
    title = " ".join(incident.title.split())
    if not title:
        raise ValidationError("The incident needs a title.", {"title": "missing"})
    if len(title) > MAX_TITLE:
        raise ValidationError(f"The title is longer than {MAX_TITLE} characters.",
                              {"title": "too long"})
    if incident.discovered_on > today:
        raise ValidationError(
            f"The discovery date {incident.discovered_on} is in the future (today is {today}).",
            {"discovered_on": "in the future"})
    start, end = incident.breach_started_on, incident.breach_ended_on
    if start is not None and start > today:
        raise ValidationError("The breach start date is in the future.",
                              {"breach_started_on": "in the future"})
    if end is not None and end > today:
        raise ValidationError("The breach end date is in the future.",
                              {"breach_ended_on": "in the future"})
    if start is not None and start > incident.discovered_on:
        raise ValidationError(
            f"The breach cannot start ({start}) after it was discovered "
            f"({incident.discovered_on}).", {"breach_started_on": "after discovery"})
    if start is not None and end is not None and end < start:
        raise ValidationError(f"The breach end date ({end}) is before its start date ({start}).",
                              {"breach_ended_on": "before the start"})
    counts, unknown = validate_counts(incident.affected_by_state,
                                      incident.affected_unknown_residence)
    contained, police, agency = _check_response_facts(incident, today)
    delay = validate_delay(incident.delay, today) if incident.delay else None
    if len(incident.summary) > MAX_TEXT:
        raise ValidationError(f"The summary is longer than {MAX_TEXT} characters.",
                              {"summary": "too long"})
    return Incident(
        id=incident.id, title=title, kind=IncidentKind(incident.kind),
        status=IncidentStatus(incident.status), discovered_on=incident.discovered_on,
        breach_started_on=start, breach_ended_on=end,
        systems_affected=_clean_list(incident.systems_affected),
        info_kinds=tuple(sorted(set(incident.info_kinds), key=list(InfoKind).index)),
        affected_by_state=counts, affected_unknown_residence=unknown, delay=delay,
        summary=incident.summary.strip(), created_at=incident.created_at,
        updated_at=incident.updated_at, updated_by=incident.updated_by,
        contained_on=contained, law_enforcement_notified_on=police,
        law_enforcement_agency=agency,
    )


def _check_response_facts(incident: Incident, today: dt.date
                          ) -> tuple[dt.date | None, dt.date | None, str]:
    """The response facts, cleaned: no fact dated in the future or before the breach began."""
    contained, police = incident.contained_on, incident.law_enforcement_notified_on
    agency = " ".join(incident.law_enforcement_agency.split())
    for name, day, what in (("contained_on", contained, "containment"),
                            ("law_enforcement_notified_on", police, "law-enforcement notice")):
        if day is None:
            continue
        if day > today:
            raise ValidationError(f"The {what} date {day} is in the future (today is {today}); "
                                  "record it when it has happened.", {name: "in the future"})
        if incident.breach_started_on is not None and day < incident.breach_started_on:
            raise ValidationError(f"The {what} date ({day}) is before the breach started "
                                  f"({incident.breach_started_on}).",
                                  {name: "before the breach"})
    if agency and police is None:
        raise ValidationError("Give the date law enforcement was told as well as the agency.",
                              {"law_enforcement_notified_on": "missing"})
    if len(agency) > MAX_TITLE:
        raise ValidationError(f"The agency is longer than {MAX_TITLE} characters.",
                              {"law_enforcement_agency": "too long"})
    return contained, police, agency


def parse_info_kinds(values: Iterable[str]) -> tuple[InfoKind, ...]:
    aliases = {"dob": "dates_of_birth", "mrn": "medical_record_numbers",
               "social_security_numbers": "ssn", "name": "names", "address": "addresses",
               "diagnosis": "diagnoses"}
    kinds: list[InfoKind] = []
    for value in values:
        key = "_".join(value.strip().lower().replace("-", " ").split())
        key = aliases.get(key, key)
        kinds.append(InfoKind(parse_choice(InfoKind, key, "info_kinds")))
    return tuple(kinds)
