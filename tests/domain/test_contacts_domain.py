"""Contacts domain: validation, phone numbers, column mapping, cell escaping, search syntax."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crisisdesk.domain.contact_columns import SCHEME
from crisisdesk.domain.contacts import (
    FIELDS,
    Contact,
    ContactDraft,
    ContactKind,
    Phone,
    contact_to_row,
    fts_query,
    neutralise_cell,
    parse_kind,
    row_to_draft,
    unneutralise_cell,
    validate_draft,
)
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.phones import (
    PhoneError,
    fast_normalise,
    parse_phone,
    search_tokens,
    slow_normalise,
)

# -- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "e164"), [
    ("(212) 555-0142", "+12125550142"),
    ("212.555.0142", "+12125550142"),
    ("+1 212 555 0142", "+12125550142"),
    ("1-212-555-0142", "+12125550142"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+44 (0)20 7946 0958", "+442079460958"),
    ("tel:+1-212-555-0142", "+12125550142"),
    ("555-0142", "+15550142"),  # a local number (no area code) is possible, not complete
])
def test_phone_normalised_to_e164(typed: str, e164: str) -> None:
    phone = parse_phone("Mobile", typed)
    assert phone.e164 == e164
    assert phone.label == "mobile"
    assert phone.original == typed.removeprefix("tel:")


def test_phone_extension_kept_for_display_not_in_e164() -> None:
    phone = parse_phone("work", "212-555-0142 ext. 12")
    assert phone.e164 == "+12125550142"
    assert phone.original == "212-555-0142 ext. 12"


@pytest.mark.parametrize("garbage", ["call me", "12", "+999 123 456", "x" * 100, "555"])
def test_garbage_phone_is_an_error_naming_it(garbage: str) -> None:
    with pytest.raises(PhoneError) as info:
        parse_phone("phone", garbage)
    assert garbage[:20] in str(info.value)


def test_phone_search_tokens_cover_groups_and_tails() -> None:
    tokens = search_tokens([parse_phone("m", "(212) 555-0142")]).split()
    for token in ("12125550142", "2125550142", "212", "555", "0142", "5550142"):
        assert token in tokens
    uk = search_tokens([parse_phone("m", "+44 20 7946 0958")]).split()
    assert {"442079460958", "2079460958", "020", "7946", "0958", "02079460958"} <= set(uk)


nanp = st.builds(
    lambda pre, a, paren, s1, b, s2, c: (
        f"{pre}{'(' + a + ')' if paren else a}{s1}{b}{s2}{c}"),
    st.sampled_from(["", "1", "+1", "+1 ", "1-", "1 "]),
    st.from_regex(r"\d{3}", fullmatch=True), st.booleans(),
    st.sampled_from(["", " ", "-", "."]), st.from_regex(r"\d{3}", fullmatch=True),
    st.sampled_from(["", " ", "-", "."]), st.from_regex(r"\d{4}", fullmatch=True),
)


@given(nanp)
def test_fast_path_agrees_with_phonenumbers(number: str) -> None:
    fast = fast_normalise(number)
    if fast is not None:
        assert fast == slow_normalise(number)


# -- drafts ---------------------------------------------------------------------------------


def test_validate_draft_normalises() -> None:
    fields = validate_draft(ContactDraft(
        name="  Dana   Reyes ", job_title=" Charge  Nurse", organisation="Riverside",
        kind=ContactKind.MEDIA, phones=[("Mobile", " (212) 555-0142 "), ("work", "  ")],
        email=" dana@example.org ", tags=["on-call", " ICU ", "On-Call", "a, b", ""]))
    assert fields.name == "Dana Reyes"
    assert fields.job_title == "Charge Nurse"
    assert fields.phones == (Phone("mobile", "(212) 555-0142", "+12125550142"),)
    assert fields.email == "dana@example.org"
    assert fields.tags == ("on-call", "ICU", "a", "b")
    assert "5550142" in fields.phone_digits.split()


def test_validate_draft_names_every_bad_field() -> None:
    with pytest.raises(ValidationError) as info:
        validate_draft(ContactDraft(name=" ", email="not-an-email", phones=[("m", "call me")]))
    assert set(info.value.fields) == {"name", "email", "phones"}
    assert '"call me" is not a phone number' in str(info.value)


def test_parse_kind_accepts_labels_and_rejects_others() -> None:
    assert parse_kind("Law Enforcement") is ContactKind.LAW_ENFORCEMENT
    assert parse_kind("law-enforcement") is ContactKind.LAW_ENFORCEMENT
    assert parse_kind(" MEDIA ") is ContactKind.MEDIA
    assert parse_kind("") is ContactKind.STAFF
    with pytest.raises(ValidationError, match="not one of"):
        parse_kind("astronaut")


def test_several_email_addresses_are_each_checked_and_kept() -> None:
    fields = validate_draft(ContactDraft(
        "Dana", email="dana@riverside.example; dana@home.example,\nDANA@home.example"))
    assert fields.email == "dana@riverside.example, dana@home.example"
    with pytest.raises(ValidationError) as info:
        validate_draft(ContactDraft("Dana", email="dana@riverside.example, dana-at-home"))
    assert info.value.fields["email"] == '"dana-at-home" does not look like an email address'
    contact = Contact("id", "Dana", "", "", ContactKind.STAFF, (), fields.email, "", (),
                      "t", "t", "alex")
    assert contact.emails == ["dana@riverside.example", "dana@home.example"]
    assert contact.as_dict()["emails"] == contact.emails


def test_google_multi_values_labels_and_system_groups() -> None:
    mapping = SCHEME.guess(["Name", "Group Membership", "Phone 1 - Type", "Phone 1 - Value",
                             "E-mail 1 - Label", "E-mail 1 - Value", "Phone 2 - Value"])
    assert mapping["Phone 1 - Type"] == "label"
    assert mapping["E-mail 1 - Label"] == "label"
    draft = row_to_draft({
        "Name": "Dana", "Group Membership": "Crisis Team ::: * myContacts ::: * starred",
        "Phone 1 - Type": "* Work", "Phone 1 - Value": "617-555-0101 ::: 617-555-0199",
        "E-mail 1 - Value": "a@x.org ::: b@y.org", "Phone 2 - Value": "617-555-0142",
    }, mapping)
    assert draft.phones == [("work", "617-555-0101"), ("work", "617-555-0199"),
                            ("phone", "617-555-0142")]
    assert draft.email == "a@x.org, b@y.org"
    assert draft.tags == ["Crisis Team"]


# -- column mapping -----------------------------------------------------------------------


def test_guess_mapping_common_spellings() -> None:
    headers = ["Full Name", "First", "Last Name", "Title", "Company", "Mobile", "Cell",
               "Work Phone", "E-mail", "Tags", "Favourite Colour"]
    mapping = SCHEME.guess(headers)
    assert mapping == {
        "Full Name": "name", "First": "first_name", "Last Name": "last_name",
        "Title": "job_title", "Company": "organisation", "Mobile": "mobile", "Cell": "mobile",
        "Work Phone": "work_phone", "E-mail": "email", "Tags": "tags",
    }
    assert set(mapping.values()) <= set(FIELDS)


def test_guess_mapping_outlook_headers_and_department_fallback() -> None:
    mapping = SCHEME.guess(["First Name", "Last Name", "Organization", "Business Phone",
                             "Business Phone 2", "E-mail Address", "Categories", "Dept"])
    assert mapping["Organization"] == "organisation"
    assert mapping["Business Phone 2"] == "work_phone"
    assert mapping["E-mail Address"] == "email"
    assert mapping["Categories"] == "tags"
    assert mapping["Dept"] == "department"
    both = row_to_draft({"Name": "Dana", "Org": "Riverside Health", "Dept": "Pharmacy"},
                        {"Name": "name", "Org": "organisation", "Dept": "department"})
    assert both.organisation == "Riverside Health, Pharmacy"
    alone = row_to_draft({"Name": "Dana", "Dept": "Pharmacy"},
                         {"Name": "name", "Dept": "department"})
    assert alone.organisation == "Pharmacy"


def test_title_is_the_job_unless_a_job_title_column_exists_or_it_holds_honorifics() -> None:
    assert SCHEME.guess(["Name", "Title"])["Title"] == "job_title"
    outlook = SCHEME.guess(["Title", "First Name", "Job Title"])
    assert outlook["Job Title"] == "job_title"
    assert "Title" not in outlook
    rows = [{"Name": "A", "Title": "Ms."}, {"Name": "B", "Title": "Dr."},
            {"Name": "C", "Title": ""}, {"Name": "D", "Title": "Mr"}]
    assert "Title" not in SCHEME.guess(["Name", "Title"], rows)
    jobs = [{"Name": "A", "Title": "Charge Nurse"}, {"Name": "B", "Title": "Dr."}]
    assert SCHEME.guess(["Name", "Title"], jobs)["Title"] == "job_title"


def test_row_to_draft_first_last_and_labelled_phones() -> None:
    mapping = {"First": "first_name", "Last": "last_name", "Phone": "phone", "Cell": "mobile",
               "Kind": "kind", "Tags": "tags"}
    draft = row_to_draft({"First": "Zoë", "Last": "Müller", "Phone": "pager: 555 0199; 555-0100",
                          "Cell": "'+1 212 555 0142", "Kind": "Vendor", "Tags": "a;b"}, mapping)
    assert draft.name == "Zoë Müller"
    assert draft.kind is ContactKind.VENDOR
    assert draft.phones == [("mobile", "+1 212 555 0142"), ("pager", "555 0199"),
                            ("phone", "555-0100")]
    assert validate_draft(draft).tags == ("a", "b")


def test_row_without_name_is_rejected() -> None:
    with pytest.raises(ValidationError, match="no name"):
        row_to_draft({"Name": "  ", "Email": "a@b.org"}, {"Name": "name", "Email": "email"})


# -- spreadsheet cells --------------------------------------------------------------------


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_neutralise_each_trigger(trigger: str) -> None:
    value = f"{trigger}SUM(A1)"
    assert neutralise_cell(value) == "'" + value
    assert unneutralise_cell(neutralise_cell(value)) == value


@pytest.mark.parametrize("safe", ["Dana", "", "'quoted", "O'Brien", "555-0142", " =x"])
def test_safe_cells_untouched(safe: str) -> None:
    assert neutralise_cell(safe) == safe
    assert unneutralise_cell(safe) == safe


def test_export_row_puts_labels_in_the_right_columns() -> None:
    contact = Contact("id", "Dana", "", "", ContactKind.STAFF,
                      (Phone("mobile", "+1 212 555 0142", "+12125550142"),
                       Phone("pager", "555 0199", "+15550199")),
                      "", "", ("a", "b"), "t", "t", "alex")
    row = contact_to_row(contact)
    assert row[4] == "+1 212 555 0142"  # Mobile
    assert row[7] == "pager: 555 0199"  # Phone
    assert row[9] == "a, b"


# -- search syntax ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fts_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(name, organisation, phone_digits, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('José O''Brien', 'Riverside Clinics', "
               "'12125550142 2125550142 212 555 0142 5550142')")
    return db


def _matches(db: sqlite3.Connection, text: str) -> int:
    query = fts_query(text)
    if not query:
        return -1
    return int(db.execute("SELECT count(*) FROM t WHERE t MATCH ?", [query]).fetchone()[0])


@pytest.mark.parametrize("text", ["jose", "JOSÉ", "o'brien", "brie", "river clin",
                                  "555 0142", "5550142", "(212) 555-0142", "+1 212 555"])
def test_fts_query_finds(fts_db: sqlite3.Connection, text: str) -> None:
    assert _matches(fts_db, text) == 1


def test_fts_query_empty_and_syntax_only() -> None:
    assert fts_query("") == ""
    assert fts_query('  " * ( ) - ') == ""


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_fts_query_is_always_accepted(fts_db: sqlite3.Connection, text: str) -> None:
    query = fts_query(text)
    if query:
        fts_db.execute("SELECT count(*) FROM t WHERE t MATCH ?", [query]).fetchone()


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet='"*:^()-+ ANDORNOTNEAR{}0123456789\x00\\', max_size=40))
def test_fts_query_survives_fts_syntax(fts_db: sqlite3.Connection, text: str) -> None:
    query = fts_query(text)
    if query:
        fts_db.execute("SELECT count(*) FROM t WHERE t MATCH ?", [query]).fetchone()


@settings(max_examples=300)
@given(st.text(max_size=40) | st.from_regex(r"[+(]?[0-9 ().\-]{3,20}(ext\.? ?[0-9]{1,4})?"))
def test_any_text_is_a_phone_or_a_phone_error(text: str) -> None:
    try:
        phone = parse_phone("x", text)
    except PhoneError:
        return
    assert phone.e164.startswith("+")
    assert phone.e164[1:].isdigit()


@pytest.mark.parametrize(("typed", "shown"), [
    ("+1 815 555 0164", "(815) 555-0164"), ("847.555.0180", "(847) 555-0180"),
    ("(312) 555-0115", "(312) 555-0115"), ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("312-555-0100 x204", "312-555-0100 x204")])
def test_every_number_is_shown_one_way_and_kept_as_typed(typed: str, shown: str) -> None:
    phone = parse_phone("work", typed)
    assert phone.shown == shown
    assert phone.original == typed  # what the person typed stays for editing
