"""A person's exposed data elements, read from a loosely written cell."""

from __future__ import annotations

import pytest

from crisisdesk.domain.data_elements import (
    decode,
    encode,
    involves_ssn,
    letter_list,
    parse_elements,
)


@pytest.mark.parametrize(("cell", "elements"), [
    ("SSN; DOB; Diagnosis", ("ssn", "date_of_birth", "clinical")),
    ("Social Security Number, Driver's License and Health Insurance",
     ("ssn", "drivers_license", "health_insurance")),
    ("name / address | MRN", ("name", "address", "medical_record_number")),
    ("Dx codes; Bank account number", ("other:Dx codes", "financial_account")),
    ("SSN; ssn; S.S.N.", ("ssn",)),
    ("BIOMETRIC DATA", ("other:biometric data",)),
    ("", ()),
])
def test_parse(cell: str, elements: tuple[str, ...]) -> None:
    assert parse_elements(cell) == elements


def test_words_in_english_and_spanish_and_the_ssn_test() -> None:
    found = parse_elements("SSN; DOB; Diagnosis; Pet name")
    assert letter_list(found) == ["Social Security number", "date of birth",
                                  "diagnosis or treatment information", "Pet name"]
    assert letter_list(found[:3], "es") == ["número de Seguro Social", "fecha de nacimiento",
                                            "información sobre su diagnóstico o tratamiento"]
    assert involves_ssn(found)
    assert not involves_ssn(found[1:])
    assert decode(encode(found)) == found


@pytest.mark.parametrize("header", ["PHI", "Data Elements", "Information Involved",
                                    "Data exposed", "Exposed data"])
def test_the_recipients_file_column_is_recognised(header: str) -> None:
    from crisisdesk.domain.recipient_columns import SCHEME

    assert SCHEME.guess(["Name", header]) == {"Name": "name", header: "information"}
