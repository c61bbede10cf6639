"""One affected person as read from a list: dates, states and ZIP codes made trustworthy.

Spreadsheets damage exactly the fields a letter depends on: a ZIP column stored as a number
loses its leading zero (02134 becomes 2134), a file re-saved in another locale turns 03/04/1990
into 04/03/1990 or 1990-04-03, and states arrive as "MA", "Mass." or "Massachusetts". Dates are
read with one format per file (detected from the column, shown to the user to confirm); a ZIP
is repaired only where the state makes the missing digits certain; names are kept exactly as
given (accents, apostrophes, hyphens, suffixes), because a letter that misspells a name looks
like a scam.

An affected person is affected whether or not we can mail them, so an address that cannot be
used (no street, a blank or placeholder ZIP such as `0` or `N/A`, a ZIP that cannot be repaired
or belongs to another state, an unknown state) never refuses the row: the person is read with
the unusable part left out and the reason kept (`address_issue`), and classification gives them
insufficient address (substitute notice). Only a row that names nobody, or whose dates cannot
be read (an unreadable birth date would hide a minor), is a bad row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from crisisdesk.domain.cells import unneutralise_cell
from crisisdesk.domain.data_elements import parse_elements
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.formatting import shorten
from crisisdesk.domain.incidents import US_STATES

# Candidate date formats, most trusted first: ISO, then US month-first, then day-first.
DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d", "YYYY-MM-DD"), ("%m/%d/%Y", "MM/DD/YYYY"), ("%d/%m/%Y", "DD/MM/YYYY"),
    ("%d.%m.%Y", "DD.MM.YYYY"), ("%Y/%m/%d", "YYYY/MM/DD"), ("%m-%d-%Y", "MM-DD-YYYY"),
    ("%Y%m%d", "YYYYMMDD"),
)
FORMAT_BY_LABEL = {label: fmt for fmt, label in DATE_FORMATS}
_STATE_NAMES = {name.casefold(): code for code, name in US_STATES.items()}
_STATE_NAMES.update({"mass": "MA", "calif": "CA", "penn": "PA", "wash": "WA", "d.c.": "DC",
                     "washington dc": "DC", "washington, d.c.": "DC"})
# The first digit(s) each state's ZIP codes start with (USPS national areas).
_ZIP_FIRST: dict[str, str] = {
    "CT": "0", "MA": "0", "ME": "0", "NH": "0", "NJ": "0", "PR": "0", "RI": "0", "VT": "0",
    "VI": "0", "NY": "01", "DE": "1", "PA": "1", "DC": "2", "MD": "2", "NC": "2", "SC": "2",
    "VA": "2", "WV": "2", "AL": "3", "FL": "3", "GA": "3", "MS": "3", "TN": "3", "IN": "4",
    "KY": "4", "MI": "4", "OH": "4", "IA": "5", "MN": "5", "MT": "5", "ND": "5", "SD": "5",
    "WI": "5", "IL": "6", "KS": "6", "MO": "6", "NE": "6", "AR": "7", "LA": "7", "OK": "7",
    "TX": "7", "AZ": "8", "CO": "8", "ID": "8", "NM": "8", "NV": "8", "UT": "8", "WY": "8",
    "AK": "9", "CA": "9", "GU": "9", "HI": "9", "OR": "9", "WA": "9", "AS": "9", "MP": "9",
}
# What exports write instead of leaving an address cell empty.
PLACEHOLDERS = frozenset({"0", "00000", "00000-0000", "n/a", "na", "null", "none", "-", "--",
                          "?", "unknown", "nil", "#n/a"})
_ZIP = re.compile(r"(\d{3,5})(?:[- ]?(\d{4}))?")
_TIME_TAIL = re.compile(r"[T ]00:00(:00(\.0+)?)?$")
T = TypeVar("T")


@dataclass(frozen=True)
class Address:
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""

    @property
    def usable(self) -> bool:
        """Enough to reach a mailbox: a street line and a ZIP code."""
        return not self.problem

    @property
    def problem(self) -> str:
        """Why a letter cannot be addressed here ("" when it can)."""
        if not self.line1:
            return "no street line"
        if not self.zip:
            return "no ZIP code"
        return ""

    def lines(self) -> list[str]:
        last = " ".join(p for p in (f"{self.city}," if self.city else "", self.state,
                                    self.zip) if p).strip(" ,")
        return [line for line in (self.line1, self.line2, last) if line]


@dataclass(frozen=True)
class RecipientFields:
    """A validated row: what the classification and the letter are made from."""

    name: str
    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    death_date: dt.date | None = None
    address: Address = Address()
    language: str = "en"
    guardian_name: str = ""
    nok_name: str = ""
    nok_address: Address = Address()
    external_id: str = ""
    zip_repaired: bool = False
    address_issue: str = ""  # why the address as listed could not be used ("" if it could)
    nok_address_issue: str = ""
    information: tuple[str, ...] = ()  # this person's exposed data elements (data_elements)

    @property
    def address_problem(self) -> str:
        """Why no letter can be addressed to the person's own address ("" when one can)."""
        return self.address_issue or self.address.problem

    @property
    def nok_address_problem(self) -> str:
        return self.nok_address_issue or self.nok_address.problem


def detect_date_format(values: Iterable[str]) -> tuple[str, bool]:
    """(label of the format that reads the most samples, whether another reads as many).

    A few unreadable dates do not hide the format (those rows are reported as bad rows), but
    when no format reads nine in ten of them there is no answer (""). Ambiguity (03/04/1990
    reads as March and as April) is reported so the user confirms the guess, US order first.
    """
    samples = [_strip_time(v) for v in values if v and v.strip()][:500]
    if not samples:
        return "YYYY-MM-DD", False
    scores = [(sum(1 for s in samples if _parse(s, fmt)), label) for fmt, label in DATE_FORMATS]
    best = max(score for score, _ in scores)
    if best < 0.9 * len(samples):
        return "", False
    fits = [label for score, label in scores if score == best]
    return fits[0], len(fits) > 1


def _strip_time(value: str) -> str:
    return _TIME_TAIL.sub("", value.strip())


def _parse(value: str, fmt: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, fmt).date()
    except ValueError:
        return None


def parse_date(value: str, label: str, field_name: str) -> dt.date | None:
    text = _strip_time(value)
    if not text:
        return None
    found = _parse(text, FORMAT_BY_LABEL.get(label, "%Y-%m-%d"))
    if found is None or found.year < 1880:
        what = field_name.replace("_", " ")
        raise ValidationError(
            f"the {what} {shorten(value.strip())!r} is not a date in {label} form",
                              {field_name: "unparseable date"})
    return found


def is_placeholder(value: str) -> bool:
    """True for a cell that stands for "no value" (`0`, `N/A`, `NULL`, `-`, ...)."""
    return value.strip().casefold() in PLACEHOLDERS


def parse_state(value: str, field_name: str = "state") -> str:
    text = value.strip()
    if not text or is_placeholder(text):
        return ""
    code = text.upper().rstrip(".")
    if code in US_STATES:
        return code
    found = _STATE_NAMES.get(text.casefold().rstrip("."))
    if found is None:
        raise ValidationError(f"{text!r} is not a US state or territory",
                              {field_name: "unknown state"})
    return found


def parse_zip(value: str, state: str, field_name: str = "zip") -> tuple[str, bool]:
    """(ZIP or ZIP+4, repaired): leading zeros lost by a spreadsheet are put back only when
    every ZIP code of `state` starts with 0, so the digits are certain."""
    text = value.strip()
    if not text:
        return "", False
    if text.endswith(".0"):  # a number cell read as a float
        text = text[:-2]
    if is_placeholder(text) or set(text) <= {"0", "-"}:
        raise ValidationError(f"the ZIP code {text!r} is a placeholder, not a ZIP code",
                              {field_name: "placeholder"})
    m = _ZIP.fullmatch(text)
    if m is None:
        raise ValidationError(f"the ZIP code {text!r} is malformed", {field_name: "malformed"})
    five, plus4 = m.group(1), m.group(2)
    repaired = False
    if len(five) < 5:
        first = _ZIP_FIRST.get(state, "")
        if first != "0" and not (first == "01" and len(five) == 3):
            where = f"in {state} ZIP codes do not start with 0" if state else "the state is unknown"
            raise ValidationError(
                f"the ZIP code {text!r} has lost digits and {where}, so it cannot be repaired",
                {field_name: "malformed"})
        five, repaired = five.zfill(5), True
    elif state and _ZIP_FIRST.get(state) and five[0] not in _ZIP_FIRST[state]:
        raise ValidationError(f"the ZIP code {five} is not a {state} ZIP code",
                              {field_name: "wrong state"})
    return (f"{five}-{plus4}" if plus4 else five), repaired


def parse_language(value: str) -> str:
    text = value.strip().casefold()
    if text in {"es", "spa", "spanish", "español", "espanol"}:
        return "es"
    return "en"


def clean_cell(value: str | None) -> str:
    """A cell's text with our own export's anti-formula apostrophe removed; spaces collapsed."""
    if not value:
        return ""
    if value[0] == "'":
        value = unneutralise_cell(value)
    return " ".join(value.split())


CACHE_LIMIT = 100_000  # distinct cells remembered per reader (dates, states, ZIP codes)


class RecipientReader:
    """A confirmed mapping and date format, compiled once for reading many rows.

    A list of a million people holds a few tens of thousands of distinct birth dates, states
    and ZIP codes, so each distinct cell that reads cleanly is parsed once and remembered (up
    to CACHE_LIMIT of each); a cell that does not read is parsed again each time it is met,
    so its row gets its own message."""

    def __init__(self, mapping: Mapping[str, str], date_label: str) -> None:
        by_field: dict[str, tuple[str, ...]] = {}
        for header, fld in mapping.items():
            by_field[fld] = (*by_field.get(fld, ()), header)
        self._by_field = by_field
        self._single = [(fld, hs[0]) for fld, hs in by_field.items() if len(hs) == 1]
        self._several = [(fld, hs) for fld, hs in by_field.items() if len(hs) > 1]
        self.date_label = date_label
        self._dates: dict[str, dt.date | None] = {}
        self._states: dict[str, str] = {}
        self._zips: dict[tuple[str, str], tuple[str, bool]] = {}

    def _get(self, row: Mapping[str, str], fld: str) -> str:
        cells = (clean_cell(row.get(h)) for h in self._by_field.get(fld, ()))
        return " ".join(c for c in cells if c)

    def _cells(self, row: Mapping[str, str]) -> dict[str, str]:
        """Every mapped field's text, in one pass over the mapping (several columns mapped to
        one field are joined by a space, as `_get` does)."""
        get = row.get  # blank cells are left out (read as ""); the usual cell is split inline
        out = {fld: " ".join(v.split()) if v[0] != "'" else clean_cell(v)
               for fld, h in self._single if (v := get(h))}
        for fld, headers in self._several:
            out[fld] = " ".join(c for c in (clean_cell(get(h)) for h in headers) if c)
        return out

    def state_of(self, row: Mapping[str, str]) -> str:
        """The row's state of residence if it can be read, else "" (for a set-aside row)."""
        try:
            return parse_state(self._get(row, "state"))
        except ValidationError:
            return ""

    def read(self, row: Mapping[str, str]) -> RecipientFields:
        """One row as fields, or one ValidationError naming every bad field.

        Only a missing name and unreadable dates are bad fields; an address that cannot be
        used is left out with the reason in `address_issue` (the person still counts).
        """
        g = self._cells(row).get
        first, last = g("first_name", ""), g("last_name", "")
        name = g("name", "") or " ".join(p for p in (first, g("middle_name", ""), last,
                                                      g("suffix", "")) if p)
        check = None if name else _Collector()
        if check is not None:
            check.fail("the name is missing", {"name": "missing"})
        birth = death = None
        try:
            birth = self._date(g("birth_date", ""), "birth_date")
        except ValidationError as exc:
            check = check or _Collector()
            check.fail(str(exc), exc.fields)
        try:
            death = self._date(g("death_date", ""), "death_date")
        except ValidationError as exc:
            check = check or _Collector()
            check.fail(str(exc), exc.fields)
        address, repaired, issue = self._address(g, "")
        nok, nok_repaired, nok_issue = self._address(g, "nok_")
        if check is not None:
            raise ValidationError("; ".join(check.reasons), check.fields)
        information = g("information", "")
        return RecipientFields(
            name=name, first_name=first, last_name=last, birth_date=birth, death_date=death,
            address=address, language=parse_language(g("language", "")),
            guardian_name=g("guardian_name", ""), nok_name=g("nok_name", ""),
            nok_address=nok, external_id=g("external_id", ""),
            zip_repaired=repaired or nok_repaired, address_issue=issue,
            nok_address_issue=nok_issue,
            information=parse_elements(information) if information else ())

    def _date(self, value: str, field_name: str) -> dt.date | None:
        if not value:
            return None
        found = self._dates.get(value)
        if found is None:
            found = parse_date(value, self.date_label, field_name)
            if len(self._dates) < CACHE_LIMIT:
                self._dates[value] = found
        return found

    def _state(self, value: str) -> str:
        found = self._states.get(value)
        if found is None:
            found = parse_state(value)
            if len(self._states) < CACHE_LIMIT:
                self._states[value] = found
        return found

    def _zip(self, value: str, state: str) -> tuple[str, bool]:
        found = self._zips.get((value, state))
        if found is None:
            found = parse_zip(value, state)
            if len(self._zips) < CACHE_LIMIT:
                self._zips[(value, state)] = found
        return found

    def _address(self, g: Callable[[str, str], str], prefix: str) -> tuple[Address, bool, str]:
        """(address, ZIP repaired, why it cannot be used): an unreadable state or ZIP is left
        out of the address and named in the reason instead of refusing the row."""
        line1, line2, city = (g(f"{prefix}{f}", "") for f in ("address1", "address2", "city"))
        state_cell, zip_cell = g(f"{prefix}state", ""), g(f"{prefix}zip", "")
        if not (line1 or line2 or city or state_cell or zip_cell):
            return _NO_ADDRESS, False, ""  # most next-of-kin columns: nothing to read
        reasons: list[str] = []
        try:
            state = self._state(state_cell)
        except ValidationError as exc:
            state = ""
            reasons.append(str(exc))
        try:
            zip_code, repaired = self._zip(zip_cell, state)
        except ValidationError as exc:
            zip_code, repaired = "", False
            reasons.append(str(exc))
        address = Address("" if not line1 or is_placeholder(line1) else line1,
                          "" if not line2 or is_placeholder(line2) else line2,
                          "" if not city or is_placeholder(city) else city, state, zip_code)
        issue = "; ".join(reasons)
        if issue and prefix:
            issue = f"next-of-kin address: {issue}"
        return address, repaired, issue


_NO_ADDRESS = Address()


class _Collector:
    """Gathers every bad field of a row, so one message names them all."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.reasons: list[str] = []

    def fail(self, reason: str, fields: Mapping[str, str]) -> None:
        self.fields.update(fields)
        self.reasons.append(reason)

    def call(self, fn: Callable[..., T], *args: str) -> T | None:
        try:
            return fn(*args)
        except ValidationError as exc:
            self.fail(str(exc), exc.fields)
            return None
