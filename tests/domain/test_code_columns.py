"""Finding the enrollment-code column in a vendor's file, with or without a header line."""

from __future__ import annotations

from crisisdesk.domain.code_columns import code_column, header_is_a_code


def test_a_named_code_column_is_found_among_others() -> None:
    assert code_column(["Batch", "Activation Code", "Notes"]) == "Activation Code"
    assert code_column(["Member", "PIN"]) == "PIN"


def test_without_a_known_header_the_first_column_holds_the_codes() -> None:
    assert code_column(["Something", "Else"]) == "Something"


def test_a_one_column_file_whose_first_line_is_a_code_has_no_header() -> None:
    assert header_is_a_code(["AB00001-Q"])
    assert not header_is_a_code(["Code"])  # a header, even though it looks like a code
    assert not header_is_a_code(["Codes!"])


def test_a_wider_bare_list_keeps_its_first_code_but_a_word_header_is_a_header() -> None:
    assert header_is_a_code(["AB00001-Q", "AB00002-R"])  # codes hold a digit
    assert not header_is_a_code(["Serial", "Member"])  # words: a header line
    assert not header_is_a_code(["AB00001-Q", "Code"])  # a named code column: a header
