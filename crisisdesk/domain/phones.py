"""Phone numbers: kept as typed for display, normalised to E.164 for dialling and matching.

Parsing goes through `phonenumbers` (default region US). Its `parse` costs ~30 us and its
formatters ~10 us each, which dominates a 100,000-row import, so numbers already written in
the ordinary North American shape take a fast path: the digits are taken apart by one regular
expression and phonenumbers still decides whether the number is possible (`is_possible_number`
on the metadata). Both paths give identical results (a property test checks this), and results
are cached by string, since switchboard numbers repeat across a staff list.

`search_tokens` feeds the FTS column `phone_digits`: the E.164 digits, the national number, the
groups of the national format and each trailing run of those groups, so "555 0142", "5550142",
"2125550142" and "+1 212 555 0142" all find (212) 555-0142.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

from crisisdesk.domain.formatting import format_phone, shorten

DEFAULT_REGION = "US"
MAX_NUMBER_LENGTH = 64
DEFAULT_LABEL = "phone"

_SEP = r"[ .\-]?"
_NANP = re.compile(
    rf"(?:\+?1{_SEP})?(?:\(([2-9]\d\d)\)|([2-9]\d\d)){_SEP}([2-9]\d\d){_SEP}(\d{{4}})",
    re.ASCII,
)
_LOCAL = re.compile(rf"([2-9]\d\d){_SEP}(\d{{4}})", re.ASCII)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Phone:
    """One number of a contact: `original` as typed (shown), `e164` for dialling/matching."""

    label: str
    original: str
    e164: str

    @property
    def shown(self) -> str:
        """The number as people here read and dial it, the same way on every screen and page
        ('(815) 555-0164'; a foreign one internationally: '+44 20 7946 0958'). The number as
        typed is kept for editing, and shown as is when it carries more than digits (an
        extension, a PIN) or has no E.164 form."""
        return shown_number(self.e164, self.original)


class PhoneError(ValueError):
    """`number` is not a possible phone number (the caller turns this into a field error)."""

    def __init__(self, number: str) -> None:
        super().__init__(f'"{shorten(number)}" is not a phone number')
        self.number = number


_MORE_THAN_DIGITS = re.compile(r"[A-Za-z#*,;]")


@lru_cache(maxsize=8192)
def shown_number(e164: str, original: str) -> str:
    if not e164 or _MORE_THAN_DIGITS.search(original):
        return original or e164
    try:
        return format_phone(e164, DEFAULT_REGION)
    except ValueError:
        return original or e164


def warm() -> None:
    """Load what showing a number of the default region needs, from a worker: phonenumbers
    reads that region's metadata module on first use, which the first table of numbers would
    otherwise do on the GUI thread while it draws."""
    format_phone(_EXAMPLE, DEFAULT_REGION)


_EXAMPLE = "+12025550100"


def clean_number(number: str) -> str:
    """The number as it will be shown: outer space trimmed, runs of space collapsed."""
    text = " ".join(number.split())
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    return text


def parse_phone(label: str, number: str) -> Phone:
    """A validated Phone; raises PhoneError naming the number if it is not possible."""
    return parse_phone_tokens(label, number)[0]


def parse_phone_tokens(label: str, number: str) -> tuple[Phone, tuple[str, ...]]:
    """`parse_phone` plus the number's search tokens (one parse for both)."""
    original = clean_number(number)
    result = _normalise(original)
    if result is None:
        raise PhoneError(original)
    return Phone(clean_label(label), original, result[0]), result[1]


@lru_cache(maxsize=1024)
def clean_label(label: str) -> str:
    text = " ".join(label.split()).lower()
    return text[:40] or DEFAULT_LABEL


def normalise(original: str) -> tuple[str, tuple[str, ...]]:
    """(E.164, search tokens) for a cleaned number; raises PhoneError."""
    result = _normalise(original)
    if result is None:
        raise PhoneError(original)
    return result


def search_tokens(phones: tuple[Phone, ...] | list[Phone]) -> str:
    """The `phone_digits` text for a contact: every number's tokens, de-duplicated."""
    seen: dict[str, None] = {}
    for phone in phones:
        for token in normalise(phone.original)[1]:
            seen[token] = None
    return " ".join(seen)


@lru_cache(maxsize=16384)
def _normalise(original: str) -> tuple[str, tuple[str, ...]] | None:
    if not original or len(original) > MAX_NUMBER_LENGTH:
        return None
    fast = _fast(original)
    return fast if fast is not None else _slow(original)


def _fast(original: str) -> tuple[str, tuple[str, ...]] | None:
    """North American numbers in the usual shapes; None means "use the slow path"."""
    m = _NANP.fullmatch(original)
    if m is not None:
        groups = [m.group(1) or m.group(2), m.group(3), m.group(4)]
    else:
        m = _LOCAL.fullmatch(original)
        if m is None:
            return None
        groups = [m.group(1), m.group(2)]
    national = "".join(groups)
    if not _possible_length(1, len(national)):
        return None  # let the slow path give the authoritative answer
    return f"+1{national}", _tokens(f"1{national}", national, groups)


@lru_cache(maxsize=64)
def _possible_length(country_code: int, length: int) -> bool:
    """phonenumbers' possibility check, which by its own documentation "only checks the
    length", asked once per (country code, length) instead of once per number."""
    sample = PhoneNumber(country_code=country_code, national_number=int("2" * length))
    return bool(phonenumbers.is_possible_number(sample))


def _slow(original: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        num = phonenumbers.parse(original, DEFAULT_REGION)
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    num.extension = None  # E.164 has no extension; `original` keeps it for display
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    national_format = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    nsn = phonenumbers.national_significant_number(num)
    return e164, _tokens(e164.lstrip("+"), nsn, _DIGITS.findall(national_format))


def _tokens(e164_digits: str, nsn: str, groups: list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {e164_digits: None, nsn: None}
    for g in groups:
        seen[g] = None
    for i in range(len(groups) - 2, -1, -1):
        seen["".join(groups[i:])] = None
    return tuple(seen)


def slow_normalise(original: str) -> tuple[str, tuple[str, ...]] | None:
    """The reference path alone (tests compare it with the fast path)."""
    return _slow(original)


def fast_normalise(original: str) -> tuple[str, tuple[str, ...]] | None:
    return _fast(original)
