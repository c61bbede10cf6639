"""Reading contact files: encodings, delimiters, line numbers and unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.services import contacts as svc
from crisisdesk.services.contact_files import decode, open_source, sniff_delimiter
from crisisdesk.services.session import Session


def test_decode_order(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    assert decode("Zoë".encode(), path) == ("Zoë", "utf-8")
    assert decode("\ufeffZoë".encode(), path) == ("Zoë", "utf-8-sig")
    assert decode("Zoë".encode("cp1252"), path) == ("Zoë", "cp1252")
    assert decode("Zoë".encode("utf-16"), path) == ("Zoë", "utf-16")
    with pytest.raises(UserError, match="neither UTF-8 nor Windows-1252"):
        decode(b"\x81\x8d\x8f", path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniff_delimiter(delimiter: str) -> None:
    text = delimiter.join(["Name", "Phone", "Email"]) + "\n" + delimiter.join(
        ["Müller, Anna", "212 555 0142", "a@b.org"]) + "\n"
    if delimiter == ",":
        text = 'Name,Phone,Email\n"Müller, Anna",212 555 0142,a@b.org\n'
    assert sniff_delimiter(text) == delimiter


def test_single_column_file_defaults_to_comma() -> None:
    assert sniff_delimiter("Name\nDana\nSam\n") == ","


def test_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('Name,Notes\nDana,"two\nlines"\n\n,"no name"\n', encoding="utf-8")
    source = open_source(path)
    assert source.total_rows == 2
    assert [line for line, _ in source.rows()] == [2, 5]


def test_duplicate_and_blank_headers_are_named(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("Name,Phone,Phone,\nDana,212 555 0142,212 555 0143,x\n", encoding="utf-8")
    source = open_source(path)
    assert source.headers == ["Name", "Phone", "Phone (2)", "Column 4"]
    plan = svc.plan_import(path)
    assert plan.mapping == {"Name": "name", "Phone": "phone", "Phone (2)": "phone"}
    assert plan.ignored_columns == ["Column 4"]
    assert len(plan.sample[0].phones) == 2


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"\n \n", "is empty"),
    ("fake.xlsx", b"PK not really a zip", "not a readable Excel"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old-style Excel"),
    ("none.vcf", b"hello\n", "no vCards"),
])
def test_unreadable_files_are_user_errors(tmp_path: Path, name: str, content: bytes,
                                          message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        svc.plan_import(path)


def test_missing_file_and_header_only(session: Session, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="There is no file"):
        svc.plan_import(tmp_path / "nope.csv")
    header_only = tmp_path / "header.csv"
    header_only.write_text("Name,Phone\n", encoding="utf-8")
    assert svc.plan_import(header_only).total_rows == 0
    with pytest.raises(UserError, match="no contacts"):
        svc.import_contacts(session, header_only)


def test_damaged_vcard_is_a_bad_row(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana Reyes\nEND:VCARD\n"
                    "BEGIN:VCARD\nthis is not a vcard line\nEND:VCARD\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        svc.import_contacts(session, path)
    assert info.value.problems[0].line == 5
    assert svc.import_contacts(session, path, skip_invalid=True).imported == 1


def test_search_survives_vacuum(session: Session) -> None:
    """The FTS index points at rowids; VACUUM (and VACUUM INTO backups) must keep them."""
    for name in ("Ann Able", "Ben Bold", "Cy Clear", "Di Dash"):
        svc.add_contact(session, ContactDraft(name))
    svc.delete_contact(session, svc.search_contacts(session, "ben")[0].id)
    session.db.execute("VACUUM")
    assert [c.name for c in svc.search_contacts(session, "dash")] == ["Di Dash"]
    session.db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('integrity-check')")
