"""Contact import (CSV, Excel, vCard) against whatever a file can hold: it imports whole or
refuses with a reason and the line, leaving the desk as it was, and never crashes."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.services.contact_import import ImportReport, import_contacts
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from tests.support.importers import (
    BIG_CELLS,
    FEW,
    IMPORTS,
    LITERALS,
    QUOTED,
    Files,
    any_bytes,
    attempt,
    audit_entries,
    cells,
    csv_text,
    encoded,
    module_desk,
    physical_lines,
    tables,
    write_xlsx,
)

HEADERS = st.sampled_from(("Name", "Full Name", "First Name", "Last Name", "Phone", "Mobile",
                           "Work Phone", "E-mail", "Email", "Company", "Job Title", "Title",
                           "Tags", "Notes", "Kind", "=Name", "'=Name", "<b>Name</b>"))
USUAL = st.sampled_from(("Dana Reyes", "José Müller", "O'Brien, Pat", "(212) 555-0142",
                         "+44 20 7946 0958", "mobile: 555 0142; pager: 555 0199",
                         "dana@example.org", "Riverside Clinics", "on-call, nurses", "staff",
                         "Charge Nurse"))
CELLS = cells(USUAL, odd=10)
FIRST = st.sampled_from(("Name", "Full Name", "First Name", "Last Name"))
TABLES = tables(HEADERS, CELLS, first=FIRST)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    yield from module_desk(tmp_path_factory, "contact-props")


def _import(desk: Session, path: Path, last_line: int,
            skip_invalid: bool = False) -> ImportReport | UserError:
    contacts_before, audit_before = contact_store.count(desk.db), audit_entries(desk)
    result = attempt(desk, lambda: import_contacts(desk, path, skip_invalid=skip_invalid),
                     last_line=last_line)
    if isinstance(result, ImportReport):
        assert contact_store.count(desk.db) - contacts_before == result.imported
        assert audit_entries(desk) == audit_before + 1
        if not skip_invalid:
            assert result.imported == result.total_rows
            assert not result.problems
        else:
            assert result.imported + result.skipped == result.total_rows
            for problem in result.problems:
                assert 1 <= problem.line <= last_line
                assert problem.reason.strip()
    return result


@IMPORTS
@given(table=TABLES, delimiter=st.sampled_from(",;\t|"),
       quoted=QUOTED, data=st.data(), skip_invalid=st.booleans())
def test_csv_imports_whole_or_refuses_cleanly(desk: Session, files: Files,
                                              table: list[list[str]], delimiter: str,
                                              quoted: bool, data: st.DataObject,
                                              skip_invalid: bool) -> None:
    _import(desk, *files.write_csv(data, table, delimiter, quoted), skip_invalid)


@IMPORTS
@given(raw=any_bytes(), suffix=st.sampled_from((".csv", ".txt", ".xlsx", ".vcf", ".dat")))
def test_any_bytes_are_refused_or_imported_never_a_crash(desk: Session, files: Files,
                                                         raw: bytes, suffix: str) -> None:
    _import(desk, files.write(raw, suffix), physical_lines(raw))


@IMPORTS
@given(table=TABLES, formulas=st.booleans())
def test_xlsx_imports_whole_or_refuses_cleanly(desk: Session, files: Files,
                                               table: list[list[str]], formulas: bool) -> None:
    path = write_xlsx(files.write(b"", ".xlsx", "sheet"), table, formulas)
    _import(desk, path, len(table))


@IMPORTS
@given(table=TABLES, data=st.data())
def test_damaged_xlsx_is_refused_cleanly(desk: Session, files: Files, table: list[list[str]],
                                         data: st.DataObject) -> None:
    path = write_xlsx(files.write(b"", ".xlsx", "sheet"), table, False)
    raw = path.read_bytes()
    # where, as a share of the file: its length varies (openpyxl stamps the time in it)
    at = (len(raw) - 1) * data.draw(st.integers(0, 1000)) // 1000
    cut = data.draw(st.booleans())
    damaged = raw[:at] if cut else raw[:at] + bytes([raw[at] ^ 0x5A]) + raw[at + 1:]
    _import(desk, files.write(damaged, ".xlsx", "damaged"), len(table))


VCARD_LINES = st.one_of(
    st.sampled_from(("VERSION:3.0", "VERSION:4.0", "VERSION:2.1", "FN:Dana Reyes",
                     "N:Reyes;Dana;;;",
                     "N:;;;;", "N:", "FN:", "TEL;TYPE=CELL:+1 617 555 0101", "TEL:", "TEL;TYPE=:x",
                     "item1.TEL:(212) 555-0142", "item1.X-ABLabel:_$!<Mobile>!$_",
                     "EMAIL;TYPE=INTERNET:dana@example.org", "ORG:Riverside;Nursing",
                     "TITLE:Charge Nurse", "CATEGORIES:on-call,nurses", "NOTE:a\\nb",
                     "PHOTO;ENCODING=b;TYPE=JPEG:AAAA", "BEGIN:VCARD", "END:VCARD",
                     " folded continuation", "\tfolded", "X-JUNK;=;=:", ":", ";;;", "=",
                     "TEL;TYPE=WORK,VOICE;PREF=1:+44 20 7946 0958", "BDAY:--0415",
                     "ADR;TYPE=HOME:;;1 Main St;Springfield;IL;62701;USA",
                     "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=A9;=",
                     "FN;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 =\r\n M=C3=BCller")),
    st.tuples(st.sampled_from(("FN", "TEL", "EMAIL", "ORG", "TITLE", "NOTE", "CATEGORIES", "N",
                               "X-A", "item2.TEL", "TEL;TYPE=CELL")),
              st.one_of(st.sampled_from(LITERALS), CELLS)).map(lambda t: f"{t[0]}:{t[1]}"),
)


@IMPORTS
@given(cards=st.lists(st.lists(VCARD_LINES, max_size=8), min_size=1, max_size=4),
       end=st.booleans(), data=st.data())
def test_vcards_import_whole_or_refuse_cleanly(desk: Session, files: Files,
                                               cards: list[list[str]], end: bool,
                                               data: st.DataObject) -> None:
    text = "".join("BEGIN:VCARD\r\n" + "".join(f"{ln}\r\n" for ln in body)
                   + ("END:VCARD\r\n" if end or i < len(cards) - 1 else "")
                   for i, body in enumerate(cards))
    raw = data.draw(encoded(text))
    _import(desk, files.write(raw, ".vcf", "cards"), physical_lines(raw))


# -- what a spreadsheet would run as a formula, or a browser as markup, is stored as text ----

_n = itertools.count()
NAMES = st.lists(st.sampled_from(LITERALS), min_size=1, max_size=len(LITERALS),
                 unique=True).map(lambda names: [f"{n} {next(_n)}" for n in names])


def _stored(desk: Session, names: list[str]) -> None:
    found = {c.name: c for c in contact_store.iter_all(desk.db)}
    for name in names:
        assert name in found, f"{name!r} was not stored as it was written"
        assert found[name].notes == f"notes: {name}"


@FEW
@given(names=NAMES, encoding=st.sampled_from(("utf-8", "utf-8-sig", "utf-16", "cp1252")),
       delimiter=st.sampled_from(",;\t"))
def test_csv_formula_and_markup_cells_are_stored_literally(desk: Session, files: Files,
                                                           names: list[str], encoding: str,
                                                           delimiter: str) -> None:
    table = [["Name", "Notes", "Mobile"]]
    table += [[n, f"notes: {n}", f"(212) 555-{i:04d}"] for i, n in enumerate(names)]
    path = files.write(csv_text(table, delimiter, True).encode(encoding), ".csv")
    report = _import(desk, path, len(table))
    assert isinstance(report, ImportReport), report
    assert report.imported == len(names)
    _stored(desk, names)


@FEW
@given(names=NAMES)
def test_xlsx_text_cells_that_look_like_formulas_are_stored_literally(
        desk: Session, files: Files, names: list[str]) -> None:
    table = [["Name", "Notes"], *[[n, f"notes: {n}"] for n in names]]
    report = _import(desk, write_xlsx(files.write(b"", ".xlsx", "sheet"), table, False), len(table))
    assert isinstance(report, ImportReport), report
    _stored(desk, names)


def _vcard_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


@FEW
@given(names=NAMES)
def test_vcard_formula_and_markup_are_stored_literally(desk: Session, files: Files,
                                                       names: list[str]) -> None:
    text = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{_vcard_text(n)}\r\n"
                   f"NOTE:{_vcard_text(f'notes: {n}')}\r\nEND:VCARD\r\n" for n in names)
    report = _import(desk, files.write(text.encode(), ".vcf", "cards"), text.count("\n") + 1)
    assert isinstance(report, ImportReport), report
    _stored(desk, names)


@FEW
@given(big=st.sampled_from(BIG_CELLS), column=st.integers(0, 4),
       suffix=st.sampled_from((".csv", ".xlsx")))
def test_a_huge_cell_imports_or_is_refused_without_quoting_it_whole(
        desk: Session, files: Files, big: str, column: int, suffix: str) -> None:
    table = [["Name", "Mobile", "E-mail", "Notes", "Tags"],
             ["Dana Reyes", "(212) 555-0142", "dana@example.org", "", "on-call"],
             ["Sam Lee", "(212) 555-0143", "", "", ""]]
    table[2][column] = big
    if suffix == ".csv":
        path = files.write(csv_text(table, ",", True).encode(), suffix)
    else:
        path = write_xlsx(files.write(b"", suffix, "sheet"), table, formulas=False)
    _import(desk, path, len(table))


@FEW
@given(parameters=st.integers(20, 40), colon=st.booleans(), folded=st.booleans())
def test_a_card_line_crowded_with_parameters_is_refused_at_once(
        desk: Session, files: Files, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture, parameters: int, colon: bool, folded: bool) -> None:
    """vobject's line pattern backtracks exponentially on such a line (24 parameters: about
    ten seconds, 30: minutes); the card is refused before vobject reads it, and nothing of the
    card reaches stderr (vobject logs the lines it skips, text and all)."""
    crowded = "X-SECRET-NOTE" + ";P=1" * parameters + (";:Dana's home 555 0142" if colon
                                                       else "")
    if folded:
        crowded = crowded[:30] + "\r\n " + crowded[30:]
    text = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Lee\r\nEND:VCARD\r\n"
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\n{crowded}\r\nEND:VCARD\r\n")
    started = time.monotonic()
    result = _import(desk, files.write(text.encode(), ".vcf", "cards"), text.count("\n") + 1)
    assert time.monotonic() - started < 5
    assert isinstance(result, ImportRejected), result
    assert [p.line for p in result.problems] == [5]
    assert "SECRET" not in capsys.readouterr().err + caplog.text


@FEW
@given(line=st.sampled_from(("X-A;;:v", "TEL;TYPE=:5550142", "N", "X-B;P=1;:v", ";;;")))
def test_vobject_logs_nothing_of_a_card(desk: Session, files: Files,
                                        caplog: pytest.LogCaptureFixture, line: str) -> None:
    caplog.clear()
    text = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\n{line}\r\nEND:VCARD\r\n"
    with caplog.at_level(logging.DEBUG):
        _import(desk, files.write(text.encode(), ".vcf", "cards"), 5)
    assert [r.getMessage() for r in caplog.records] == []


@pytest.mark.parametrize(("field", "value"), [(10, b"\x63\x00"), (6, b"\x4e\x00"),
                                          (16, b"\x00\x00\x00\x00")])
def test_a_workbook_with_a_damaged_zip_entry_is_unreadable(
        desk: Session, files: Files, field: int, value: bytes) -> None:
    """An unknown compression method or zip version (zipfile: NotImplementedError) and a wrong
    checksum (BadZipFile, raised only once the sheet's rows have been read): found by the
    damaged-workbook property as a flipped byte in the sheet's central directory entry."""
    # enough rows that openpyxl reads past the sheet's first 16 kB only while iterating
    table = [["Name", "Notes"], *([f"Person {i}", "x" * 50] for i in range(2000))]
    path = write_xlsx(files.write(b"", ".xlsx", "sheet"), table, False)
    raw = bytearray(path.read_bytes())
    at = raw.rindex(b"xl/worksheets/sheet1.xml") - 46  # its central directory entry
    assert raw[at:at + 4] == b"PK\x01\x02"
    raw[at + field:at + field + len(value)] = value
    result = _import(desk, files.write(bytes(raw), ".xlsx", "damaged"), len(table))
    assert isinstance(result, UserError), result
    assert "not a readable Excel" in str(result), result
