"""Letter rules as a table: who gets which letter, and the fields spreadsheets damage."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain import code128
from crisisdesk.domain.envelopes import STOCKS, parse_window, window_for
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.letters import (
    Outcome,
    Variant,
    age_on,
    classify,
    dedupe_key,
    parse_reference,
    reference_number,
    substitute_notice,
)
from crisisdesk.domain.recipient_columns import SCHEME, missing_columns
from crisisdesk.domain.recipients import (
    Address,
    RecipientFields,
    RecipientReader,
    detect_date_format,
    parse_state,
    parse_zip,
)

NOTICE = dt.date(2026, 4, 6)
HOME = Address("12 Elm St", "", "Springfield", "IL", "62701")
NOK_HOME = Address("77 Birch Ln", "", "Austin", "TX", "78701")


def person(**kw: object) -> RecipientFields:
    args: dict[str, object] = {"name": "Ann Smith", "birth_date": dt.date(1980, 5, 1),
                               "address": HOME}
    args.update(kw)
    return RecipientFields(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(("birth", "variant"), [
    (dt.date(2008, 4, 6), Variant.ADULT),   # 18th birthday on the notice date: adult
    (dt.date(2008, 4, 7), Variant.MINOR),   # one day short of 18
    (dt.date(2008, 4, 5), Variant.ADULT),
    (dt.date(2020, 1, 1), Variant.MINOR),
])
def test_minor_is_decided_on_the_notice_date(birth: dt.date, variant: Variant) -> None:
    result = classify(person(birth_date=birth), NOTICE)
    assert result.variant is variant
    assert result.outcome is Outcome.LETTER
    if variant is Variant.MINOR:
        assert result.addressee == "Parent or Guardian of Ann Smith"


def test_leap_day_birthday_comes_of_age_on_first_of_march() -> None:
    born = dt.date(2008, 2, 29)
    assert age_on(born, dt.date(2026, 2, 28)) == 17
    assert age_on(born, dt.date(2026, 3, 1)) == 18


def test_minor_letter_goes_to_the_named_guardian() -> None:
    result = classify(person(birth_date=dt.date(2015, 1, 1), guardian_name="Robert Jones"),
                      NOTICE)
    assert (result.addressee, result.address) == ("Robert Jones", HOME)


def test_deceased_with_next_of_kin_address_gets_a_letter_to_them() -> None:
    result = classify(person(death_date=dt.date(2025, 12, 1), nok_name="Linda Brown",
                             nok_address=NOK_HOME), NOTICE)
    assert (result.variant, result.outcome) == (Variant.DECEASED, Outcome.LETTER)
    assert (result.addressee, result.address) == ("Linda Brown", NOK_HOME)


def test_deceased_without_next_of_kin_address_gets_no_letter_and_no_substitute() -> None:
    result = classify(person(death_date=dt.date(2025, 12, 1), nok_name="Linda Brown"), NOTICE)
    assert (result.variant, result.outcome) == (Variant.DECEASED, Outcome.NO_NOTICE)
    assert "164.404(d)(2)" in result.reason


@pytest.mark.parametrize("address", [Address(), Address("", "", "Springfield", "IL", "62701"),
                                     Address("12 Elm St")])
def test_unusable_address_is_insufficient(address: Address) -> None:
    assert classify(person(address=address), NOTICE).outcome is Outcome.INSUFFICIENT


@pytest.mark.parametrize(("count", "rule"), [(0, ""), (1, "alternative"), (9, "alternative"),
                                             (10, "web_or_media"), (250, "web_or_media")])
def test_substitute_notice_switches_at_ten(count: int, rule: str) -> None:
    notice = substitute_notice(count)
    assert notice.required == rule
    if rule == "web_or_media":
        assert "90 days" in notice.text


def test_duplicates_match_after_normalisation_but_different_people_do_not() -> None:
    a = person(name="José Núñez", address=Address("400 Main Street Apt 3", "", "Boston", "MA",
                                                  "02134"))
    b = person(name="JOSE NUNEZ", address=Address("400 main st.", "apartment 3", "BOSTON", "MA",
                                                  "02134-1234"))
    assert dedupe_key(a) == dedupe_key(b)
    assert dedupe_key(a) != dedupe_key(person(name="José Núñez", birth_date=dt.date(1981, 5, 1),
                                              address=a.address))


@pytest.mark.parametrize(("raw", "state", "expected"), [
    ("2134", "MA", ("02134", True)), ("02134", "MA", ("02134", False)),
    ("6103-1234", "CT", ("06103-1234", True)), ("62701", "IL", ("62701", False)),
    ("501", "NY", ("00501", True)), ("75201.0", "TX", ("75201", False)),
])
def test_zip_codes_are_repaired_only_when_the_state_makes_it_certain(
        raw: str, state: str, expected: tuple[str, bool]) -> None:
    assert parse_zip(raw, state) == expected


@pytest.mark.parametrize(("raw", "state"), [("7520", "TX"), ("2134", ""), ("ABCDE", "MA"),
                                            ("90210", "MA"), ("0", "MA"), ("00000", "MA"),
                                            ("N/A", "MA")])
def test_zip_codes_that_cannot_be_trusted_are_refused(raw: str, state: str) -> None:
    with pytest.raises(ValidationError):
        parse_zip(raw, state)


def test_states_by_code_or_name() -> None:
    assert [parse_state(s) for s in ("tx", "Massachusetts", "Mass.", "")] == ["TX", "MA", "MA",
                                                                              ""]
    with pytest.raises(ValidationError, match="not a US state"):
        parse_state("Narnia")


def test_date_format_detection_flags_day_month_ambiguity() -> None:
    assert detect_date_format(["1980-05-01", "2012-12-31"]) == ("YYYY-MM-DD", False)
    assert detect_date_format(["03/04/1990", "12/25/1980"]) == ("MM/DD/YYYY", False)
    assert detect_date_format(["25/12/1980", "03/04/1990"]) == ("DD/MM/YYYY", False)
    assert detect_date_format(["03/04/1990"]) == ("MM/DD/YYYY", True)
    assert detect_date_format(["1980-05-01T00:00:00"]) == ("YYYY-MM-DD", False)
    assert detect_date_format(["1980-05-01", "12/25/1980"])[0] == ""


def test_synthea_style_headers_map_and_names_are_kept_exactly() -> None:
    headers = ["Id", "BIRTHDATE", "DEATHDATE", "PREFIX", "FIRST", "LAST", "SUFFIX", "ADDRESS",
               "CITY", "STATE", "COUNTY", "ZIP"]
    mapping = SCHEME.guess(headers)
    assert mapping["FIRST"] == "first_name"
    assert mapping["ZIP"] == "zip"
    assert missing_columns(mapping) == []
    row = dict(zip(headers, ["x1", "1975-01-02", "", "Mr.", "José", "Núñez-O'Brien", "Jr.",
                             "400 Main St", "Boston", "Massachusetts", "Suffolk", "2134"],
                   strict=True))
    fields = RecipientReader(mapping, "YYYY-MM-DD").read(row)
    assert fields.name == "José Núñez-O'Brien Jr."
    assert fields.address == Address("400 Main St", "", "Boston", "MA", "02134")
    assert fields.zip_repaired


def test_a_bad_row_names_every_bad_field() -> None:
    """Only the name and the dates make a row bad; the address never does."""
    mapping = {"N": "name", "B": "birth_date", "S": "state", "Z": "zip", "A": "address1"}
    with pytest.raises(ValidationError) as info:
        RecipientReader(mapping, "YYYY-MM-DD").read({"N": "", "B": "31/31/1980", "S": "XX",
                                                     "Z": "1", "A": "1 Way"})
    assert set(info.value.fields) == {"name", "birth_date"}


READER = RecipientReader({"N": "name", "B": "birth_date", "A": "address1", "C": "city",
                          "S": "state", "Z": "zip", "D": "death_date", "K": "nok_name",
                          "KA": "nok_address1", "KS": "nok_state", "KZ": "nok_zip"},
                         "YYYY-MM-DD")


def _read(**cells: str) -> RecipientFields:
    row = {"N": "Ann Smith", "B": "1980-05-01", "A": "12 Elm St", "C": "Springfield",
           "S": "IL", "Z": "62701", "D": "", "K": "", "KA": "", "KS": "", "KZ": ""}
    row.update(cells)
    return READER.read(row)


@pytest.mark.parametrize(("cells", "state", "why"), [
    ({"Z": ""}, "IL", "no ZIP code"),
    ({"Z": "0"}, "IL", "the ZIP code '0' is a placeholder"),
    ({"Z": "00000"}, "IL", "placeholder"),
    ({"Z": "0.0"}, "IL", "placeholder"),
    ({"Z": "N/A"}, "IL", "placeholder"),
    ({"Z": "NULL"}, "IL", "placeholder"),
    ({"Z": "none"}, "IL", "placeholder"),
    ({"Z": "-"}, "IL", "placeholder"),
    ({"Z": "7520", "S": "TX"}, "TX", "cannot be repaired"),
    ({"Z": "90210"}, "IL", "is not a IL ZIP code"),
    ({"Z": "ABCDE"}, "IL", "malformed"),
    ({"S": "Narnia"}, "", "'Narnia' is not a US state"),
    ({"A": ""}, "IL", "no street line"),
    ({"A": "N/A"}, "IL", "no street line"),
])
def test_an_unusable_address_imports_the_person_as_insufficient(
        cells: dict[str, str], state: str, why: str) -> None:
    fields = _read(**cells)
    assert fields.name == "Ann Smith"
    assert fields.address.state == state
    assert why in fields.address_problem
    result = classify(fields, NOTICE)
    assert result.outcome is Outcome.INSUFFICIENT
    assert why in result.reason


def test_a_good_address_has_no_problem_and_a_bad_next_of_kin_address_means_no_notice() -> None:
    good = _read()
    assert good.address_problem == ""
    assert classify(good, NOTICE).outcome is Outcome.LETTER
    dead = _read(D="2025-12-01", K="Linda Brown", KA="77 Birch Ln", KS="TX", KZ="0")
    assert "next-of-kin address" in dead.nok_address_problem
    assert classify(dead, NOTICE).outcome is Outcome.NO_NOTICE


@pytest.mark.parametrize(("no_address", "returned", "aside", "kind"), [
    (0, 0, 0, "none"), (1, 8, 0, "fewer-than-10"), (1, 9, 0, "10-or-more"),
    (0, 0, 10, "10-or-more"), (400, 0, 0, "10-or-more")])
def test_substitute_notice_counts_returned_mail_and_set_aside_rows(
        no_address: int, returned: int, aside: int, kind: str) -> None:
    notice = substitute_notice(no_address, returned, aside)
    assert notice.kind == kind
    assert notice.insufficient == no_address + returned + aside
    assert notice.no_address == no_address


def test_reference_numbers_carry_a_check_digit() -> None:
    ref = reference_number(17)
    assert parse_reference(ref) == ref
    assert parse_reference(ref.lower().replace("cd", "cd ")) == ref
    typo = ref[:-2] + str((int(ref[-2]) + 1) % 10) + ref[-1]
    assert parse_reference(typo) == ""


def test_code128_checksum_and_length() -> None:
    widths = code128.widths("CD00000018")
    assert sum(widths) == 11 * (1 + 10 + 1) + 13  # start, data, check, stop
    assert len(widths) % 6 == 1  # six elements a symbol, seven for stop
    with pytest.raises(ValidationError):
        code128.widths("é")


def test_envelope_windows() -> None:
    assert window_for("single-window-10") == STOCKS["single-window-10"][1]
    custom = window_for("custom", "0.5, 2, 4, 1")
    assert (custom.left, custom.top, custom.width, custom.height) == (0.5, 2.0, 4.0, 1.0)
    assert custom.inset().width == pytest.approx(3.75)
    with pytest.raises(ValidationError, match="top third"):
        parse_window("0.5,3.5,4,1")
    with pytest.raises(ValidationError, match="LEFT,TOP"):
        parse_window("left")
