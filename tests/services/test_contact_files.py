"""Reading contact files: encodings, delimiters, line numbers and unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as svc
from crisisdesk.services.files import open_source
from crisisdesk.services.files.delimited import sniff_delimiter
from crisisdesk.services.files.source import decode
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from tests.support.letters import HEADER as LETTER_HEADER
from tests.support.letters import adult_rows, letter_desk


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


def test_blank_headers_are_named_and_duplicates_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("Name,Phone,Phone 2,\nDana,212 555 0142,212 555 0143,x\n", encoding="utf-8")
    assert open_source(path).headers == ["Name", "Phone", "Phone 2", "Column 4"]
    plan = svc.plan_import(path)
    assert plan.mapping == {"Name": "name", "Phone": "phone", "Phone 2": "phone"}
    assert plan.ignored_columns == ["Column 4"]
    assert len(plan.sample[0].phones) == 2
    dup = tmp_path / "dup.csv"
    dup.write_text("Name,Phone, phone ,\nDana,212 555 0142,212 555 0143,x\n", encoding="utf-8")
    with pytest.raises(UserError, match="Columns 2 and 3 of dup.csv are both called 'phone'"):
        svc.plan_import(dup)


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


# -- malformed CSV: refused whole, naming the line ----------------------------------------

GOOD = ["Ann Able,212 555 0101,ann@example.org", "Ben Bold,212 555 0102,ben@example.org"]


@pytest.mark.parametrize(("rows", "message"), [
    ([*GOOD, 'Cy "Clear,212 555 0103,cy@example.org', "Di Dash,212 555 0104,"],
     None),  # a quote inside an unquoted cell is just a character
    ([*GOOD, 'Cy Clear,"212 555 0103,cy@example.org', "Di Dash,212 555 0104,"],
     'Line 4 of list.csv opens a quoted cell that is never closed (an unbalanced " quote).'),
    ([*GOOD, 'Cy Clear,"212" 555 0103,cy@example.org'],
     "Line 4 of list.csv cannot be read as CSV"),
    ([*GOOD, "Cy Clear,212 555 0103", "Di Dash,212 555 0104,di@example.org"],
     "Line 4 of list.csv has 2 cells but the header has 3."),
    ([*GOOD, "Cy Clear,212 555 0103,cy@example.org,oops"],
     "Line 4 of list.csv has 4 cells but the header has 3."),
    ([*GOOD, "Cy Clear,212 555 0103,cy@example.org,,,"], None),  # trailing blank cells
])
def test_contact_import_refuses_a_malformed_csv(session: Session, tmp_path: Path,
                                               rows: list[str], message: str | None) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Phone,Email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = len(audit_service.show(session))
    if message is None:
        assert svc.import_contacts(session, path).imported == len(rows)
        return
    for attempt in (lambda: svc.plan_import(path),
                    lambda: svc.import_contacts(session, path, skip_invalid=True)):
        with pytest.raises(UserError) as caught:
            attempt()
        assert str(caught.value).startswith(message)
    assert svc.count_contacts(session) == 0
    assert len(audit_service.show(session)) == before


def test_a_quoted_cell_that_swallowed_rows_is_refused(session: Session,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('Name,Phone,Email,Tags\nAnn Able,"212 555 0101\n'
                    'Ben Bold,212 555 0102,ben@example.org,y\nCy Clear",cy@example.org,z\n',
                    encoding="utf-8")
    with pytest.raises(UserError, match="^Line 2 of list.csv has a quoted cell whose lines"):
        svc.import_contacts(session, path)
    notes = tmp_path / "notes.csv"  # a real two-line cell is fine
    notes.write_text('Name,Phone,Email,Notes\nAnn Able,212 555 0101,,"Night lead,\n'
                     'keys to pharmacy"\n', encoding="utf-8")
    assert svc.import_contacts(session, notes).imported == 1


def test_patient_list_import_refuses_a_malformed_csv(session: Session, tmp_path: Path) -> None:
    letter_desk(session)
    rows = adult_rows(5)
    short = rows[3].rsplit(",", 3)[0]  # line 5 loses its last three (blank) cells
    path = tmp_path / "patients.csv"
    path.write_text(LETTER_HEADER + "\n" + "\n".join([*rows[:3], short, rows[4]]) + "\n",
                    encoding="utf-8")
    with pytest.raises(UserError) as caught:
        letter_service.import_recipients(session, path, set_aside_invalid=True)
    assert str(caught.value) == "Line 5 of patients.csv has 12 cells but the header has 15."
    quoted = tmp_path / "quoted.csv"
    quoted.write_text(LETTER_HEADER + "\n" + "\n".join(
        [*rows[:2], rows[2].replace("Springfield", '"Springfield'), *rows[3:]]) + "\n",
        encoding="utf-8")
    with pytest.raises(UserError, match="^Line 4 of quoted.csv opens a quoted cell"):
        letter_service.plan_recipients(session, quoted)
    good = tmp_path / "good.csv"
    good.write_text(LETTER_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert letter_service.import_recipients(session, good).imported == 5


def test_search_survives_vacuum(session: Session) -> None:
    """The FTS index points at rowids; VACUUM (and VACUUM INTO backups) must keep them."""
    for name in ("Ann Able", "Ben Bold", "Cy Clear", "Di Dash"):
        svc.add_contact(session, ContactDraft(name))
    svc.delete_contact(session, svc.search_contacts(session, "ben")[0].id)
    session.db.execute("VACUUM")
    assert [c.name for c in svc.search_contacts(session, "dash")] == ["Di Dash"]
    session.db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('integrity-check')")
