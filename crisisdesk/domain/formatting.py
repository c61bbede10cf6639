"""How dates, times, money, numbers and phone numbers are written in letters and messages.

US conventions in English and US Spanish: 'March 3, 2026' / '3 de marzo de 2026', '$1,234.50'
in both, phone numbers as people here dial them. The template filters in `templating.py` call
these; a value of the wrong kind raises `FilterError` saying what was expected.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import phonenumbers


class FilterError(ValueError):
    """A filter was given a value it cannot format (the renderer adds the line)."""


MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
DATE_STYLES = ("long", "short", "iso", "weekday")


def format_date(value: object, style: str = "long", language: str = "en") -> str:
    """A calendar date in the desk's US conventions: 'March 3, 2026' / '3 de marzo de 2026'."""
    if not isinstance(value, dt.date):
        raise FilterError(f"|date needs a date, not {kind_of(value)} {shorten(value)!r}")
    d = value.date() if isinstance(value, dt.datetime) else value
    month = MONTHS[language][d.month - 1]
    if style == "iso":
        return d.isoformat()
    if style == "short":
        return (f"{d.month:02d}/{d.day:02d}/{d.year}" if language == "en"
                else f"{d.day:02d}/{d.month:02d}/{d.year}")
    long = f"{month} {d.day}, {d.year}" if language == "en" else f"{d.day} de {month} de {d.year}"
    if style == "long":
        return long
    if style == "weekday":
        return f"{WEEKDAYS[language][d.weekday()]}, {long}"
    raise FilterError(f"|date style must be one of {', '.join(DATE_STYLES)}, not {style!r}")


def format_time(value: object, language: str = "en") -> str:
    if not isinstance(value, dt.datetime | dt.time):
        raise FilterError(f"|time needs a date and time, not {kind_of(value)} {shorten(value)!r}")
    hour = value.hour % 12 or 12
    suffix = ("AM" if value.hour < 12 else "PM") if language == "en" else (
        "a. m." if value.hour < 12 else "p. m.")
    zone = value.tzname() if value.tzinfo is not None else None
    # A time that knows its zone says it: a reader in another state must not guess.
    return f"{hour}:{value.minute:02d} {suffix}" + (f" {zone}" if zone else "")


def format_datetime(value: object, language: str = "en") -> str:
    if not isinstance(value, dt.datetime):
        raise FilterError(f"|datetime needs a date and time, not {kind_of(value)} "
                            f"{shorten(value)!r}")
    joiner = " at " if language == "en" else ", a las "
    return format_date(value, "long", language) + joiner + format_time(value, language)


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise FilterError(f"{what} needs a number, not {kind_of(value)} {shorten(value)!r}")
    try:
        number = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise FilterError(f"{what} needs a number, not {shorten(value)!r}") from None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        raise FilterError(f"{what} needs a reasonable number, not {shorten(value)!r}")
    return number


def format_money(value: object, language: str = "en") -> str:
    """US dollars, as US English and US Spanish both write them: '$1,234.50'."""
    amount = _decimal(value, "|money").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def format_number(value: object, language: str = "en") -> str:
    number = _decimal(value, "|number")
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number:,}"


def format_phone(value: object, region: str = "US") -> str:
    """A phone number as people dial it here: '(800) 555-0199', foreign ones internationally."""
    if not isinstance(value, str | int):
        raise FilterError(f"|phone needs a phone number, not {kind_of(value)}")
    try:
        parsed = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        raise FilterError(f"|phone: {shorten(value)!r} is not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise FilterError(f"|phone: {shorten(value)!r} is not a phone number")
    same_region = phonenumbers.region_code_for_number(parsed) == region or (
        parsed.country_code == phonenumbers.country_code_for_region(region))
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if same_region
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return str(phonenumbers.format_number(parsed, fmt))


def kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def shorten(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def count_of(n: int, noun: str, plural: str = "") -> str:
    """'1 letter', '2 letters', '1,000 people' (pass the plural when it is not noun + s)."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"
