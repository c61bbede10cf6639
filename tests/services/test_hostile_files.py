"""Files made to hurt the importer: zip bombs, odd encodings, NUL bytes, repeated headers,
endless lines. Each is refused (or read) before it costs time or memory, in one line.

The zip bombs are built here from the ZIP format's public description (APPNOTE: local
headers, deflate data, central directory): a real workbook made by openpyxl whose sheet gets
4 GB of spaces inside `sheetData`, as a hostile sender would make it.
"""

from __future__ import annotations

import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from crisisdesk.domain.errors import UserError
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.files import limits, open_source
from crisisdesk.services.files.zips import BoundedZipFile
from crisisdesk.services.letters import imports as letter_imports
from crisisdesk.services.session import Session
from tests.support.importers import write_xlsx
from tests.support.letters import HEADER, adult_rows, letter_desk

T = TypeVar("T")

SHEET = "xl/worksheets/sheet1.xml"
CHUNK = b" " * 1_000_000
BOMB_SPACES = 4000  # x 1 MB: 4 GB of whitespace, still under ZIP64's 4 GiB


def _deflate_spaces() -> bytes:
    """One MB of spaces as self-contained raw deflate blocks (history reset at the end), so
    the same bytes can follow each other any number of times in one deflate stream."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(CHUNK) + packer.flush(zlib.Z_FULL_FLUSH)


def _sheet_bomb(sheet: bytes) -> tuple[bytes, int, int]:
    """(deflated sheet, its CRC-32, its size) with BOMB_SPACES MB of spaces after <sheetData>."""
    head, tail = sheet.split(b"<sheetData>")
    head += b"<sheetData>"
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = _deflate_spaces()
    data = [packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH), block * BOMB_SPACES,
            packer.compress(tail) + packer.flush()]
    crc = zlib.crc32(head)
    for _ in range(BOMB_SPACES):
        crc = zlib.crc32(CHUNK, crc)
    crc = zlib.crc32(tail, crc)
    return b"".join(data), crc, len(head) + len(CHUNK) * BOMB_SPACES + len(tail)


def write_zip(path: Path, parts: list[tuple[str, bytes, int, int, int]]) -> Path:
    """A zip of (name, deflated data, CRC-32, size in the directory, packed size in the
    directory) parts, written by hand so the directory can say what we like."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size, packed in parts:
        raw = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, packed, size,
                             len(raw), 0) + raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                               packed, size, len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central),
                      len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


@pytest.fixture(scope="module")
def bomb_parts(tmp_path_factory: pytest.TempPathFactory
               ) -> list[tuple[str, bytes, int, int, int]]:
    """The parts of a real recipients workbook, its sheet holding 4 GB of spaces."""
    folder = tmp_path_factory.mktemp("bomb")
    table = [HEADER.split(","), *(row.split(",") for row in adult_rows(2))]
    plain = write_xlsx(folder / "plain.xlsx", table, formulas=False)
    parts = []
    with zipfile.ZipFile(plain) as zf:
        for info in zf.infolist():
            content = zf.read(info)
            if info.filename == SHEET:
                data, crc, size = _sheet_bomb(content)
            else:
                packer = zlib.compressobj(9, zlib.DEFLATED, -15)
                data = packer.compress(content) + packer.flush()
                crc, size = zlib.crc32(content), len(content)
            parts.append((info.filename, data, crc, size, len(data)))
    return parts


def measured(call: Callable[[], T]) -> tuple[float, int, BaseException | None]:
    """(seconds, peak bytes allocated by Python, the exception raised) for `call`."""
    tracemalloc.start()
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        call()
    except UserError as exc:
        error = exc
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, error


def test_an_xlsx_zip_bomb_is_refused_at_once_with_flat_memory(
        session: Session, tmp_path: Path, bomb_parts: list[tuple[str, bytes, int, int, int]],
        capsys: pytest.CaptureFixture[str]) -> None:
    letter_desk(session)
    bomb = write_zip(tmp_path / "patients.xlsx", bomb_parts)
    assert bomb.stat().st_size < 5_000_000
    with zipfile.ZipFile(bomb) as zf:  # a real zip: its directory admits to 4 GB
        assert sum(i.file_size for i in zf.infolist()) > 4_000_000_000
    seconds, peak, error = measured(lambda: letter_imports.import_recipients(session, bomb))
    with capsys.disabled():
        print(f"\nxlsx zip bomb ({bomb.stat().st_size:,} bytes, 4 GB inside): refused in "
              f"{seconds * 1000:.0f} ms, peak {peak / 1e3:.0f} kB allocated")
    assert isinstance(error, UserError)
    assert str(error) == ("patients.xlsx holds a part (xl/worksheets/sheet1.xml) that unpacks "
                          f"to more than {limits.MAX_RATIO} times its packed size, the limit "
                          "for a file to import; it is refused unread (a zip bomb?).")
    assert seconds < 0.5
    assert peak < 20_000_000
    assert session.db["recipients"].count == 0


def test_a_zip_whose_directory_lies_is_stopped_while_unpacking(
        tmp_path: Path, bomb_parts: list[tuple[str, bytes, int, int, int]]) -> None:
    """The directory says the sheet unpacks to 200 MB (48 times its packed size: allowed);
    counting while unpacking finds the real ratio within the first megabytes."""
    lying = [(n, d, c, 200_000_000 if n == SHEET else s, p) for n, d, c, s, p in bomb_parts]
    bomb = write_zip(tmp_path / "lying.xlsx", lying)
    seconds, peak, error = measured(lambda: open_source(bomb))
    assert str(error).startswith("lying.xlsx holds a part (xl/worksheets/sheet1.xml) that "
                                 f"unpacks to more than {limits.MAX_RATIO} times")
    assert seconds < 1
    assert peak < 20_000_000


def test_the_total_is_counted_while_unpacking_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        bomb_parts: list[tuple[str, bytes, int, int, int]]) -> None:
    """Were the directory check skipped (or fooled), the running total still stops it."""
    bomb = write_zip(tmp_path / "bomb.xlsx", bomb_parts)
    monkeypatch.setattr(BoundedZipFile, "check_directory", lambda self: None)
    monkeypatch.setattr(limits, "MAX_RATIO", 10 ** 9)
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 8_000_000)
    seconds, peak, error = measured(lambda: open_source(bomb))
    assert str(error).startswith("bomb.xlsx unpacks to more than 8 MB (at least 8 MB)")
    assert seconds < 1
    assert peak < 40_000_000


def test_a_large_honest_workbook_still_imports(session: Session, tmp_path: Path) -> None:
    letter_desk(session)
    table = [HEADER.split(","), *(row.split(",") for row in adult_rows(3000))]
    path = write_xlsx(tmp_path / "big.xlsx", table, formulas=False)
    with BoundedZipFile(path) as zf:  # real sheets compress a few to a few dozen times
        assert max(i.file_size / i.compress_size for i in zf.infolist()) < limits.MAX_RATIO
    report = letter_imports.import_recipients(session, path)
    assert report.imported == 3000


# -- text files ------------------------------------------------------------------------------

def test_utf16_without_a_byte_order_mark_is_read(session: Session, tmp_path: Path) -> None:
    letter_desk(session)
    text = HEADER + "\r\n" + "\r\n".join(adult_rows(3)).replace("Pat0", "Zoë") + "\r\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        source = open_source(path)
        assert (source.encoding, source.total_rows) == (encoding, 3)
        assert next(r for _, r in source.rows())["FIRST"] == "Zoë"  # type: ignore[index]
    report = letter_imports.import_recipients(session, tmp_path / "utf-16-le.csv")
    assert report.imported == 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_in_cyrillic_is_read(tmp_path: Path,
                                                             encoding: str) -> None:
    """Few zero bytes here (only the digits, commas and line breaks have them): still
    UTF-16, not 'NUL bytes' or rows of mojibake each refused as an unknown kind."""
    text = ("Name,Phone,Kind,Notes\r\n"
            "Анна Иванова,+7 495 123 4567,staff,Дежурный врач приёмного отделения\r\n"
            "Борис Петров,+7 495 765 4321,vendor,Поставщик кислорода для всех корпусов\r\n")
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode(encoding))
    plan = contact_service.plan_import(path)
    assert plan.encoding == encoding
    assert [d.name for d in plan.sample] == ["Анна Иванова", "Борис Петров"]


def test_a_nul_byte_is_refused_naming_its_line(session: Session, tmp_path: Path) -> None:
    letter_desk(session)
    rows = adult_rows(4)
    rows[2] = rows[2].replace("Tester2", "Test\0er2")
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"^Line 4 of nul.csv holds a NUL byte"):
        letter_imports.import_recipients(session, path)
    assert session.db["recipients"].count == 0


def test_a_nul_in_a_workbook_is_not_stored(tmp_path: Path) -> None:
    """XML cannot hold NUL: a workbook whose cell says &#0; is unreadable, not imported."""
    path = write_xlsx(tmp_path / "nul.xlsx", [["Name", "Phone"], ["Dana", "1"],
                                              ["Sam", "2"]], formulas=False)
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info).replace(b">Sam<", b">S&#0;am<"))
                 for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            zf.writestr(name, data)
    with pytest.raises(UserError, match=r"^nul.xlsx is not a readable Excel"):
        list(open_source(path).rows())


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_repeated_headers_are_refused_naming_both_columns(
        session: Session, tmp_path: Path, suffix: str) -> None:
    letter_desk(session)
    header = HEADER.split(",")
    header[6] = "zip "  # column 7 spelled like column 8 ("ZIP") in another case
    table = [header, *(row.split(",") for row in adult_rows(2))]
    path = tmp_path / f"dup{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in table) + "\n", encoding="utf-8")
    else:
        write_xlsx(path, table, formulas=False)
    with pytest.raises(UserError) as caught:
        letter_imports.import_recipients(session, path)
    assert str(caught.value) == (f"Columns 7 and 8 of dup{suffix} are both called 'ZIP'; "
                                 "rename one so it is clear which to read.")


def test_repeated_headers_in_a_contacts_file_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("Name,Phone,Email,Phone\nDana,212 555 0142,,212 555 0143\n")
    with pytest.raises(UserError, match="^Columns 2 and 4 of contacts.csv are both called"):
        contact_service.plan_import(path)


def test_an_endless_line_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Name,Phone\nDana,1\n" + "x" * (limits.MAX_LINE_CHARS + 1) + "\n")
    with pytest.raises(UserError, match=r"^Line 3 of long.csv is longer than 1,048,576 "):
        open_source(path)
    card = tmp_path / "long.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana\nNOTE:" + "x" * limits.MAX_LINE_CHARS
                    + "\nEND:VCARD\n")
    with pytest.raises(UserError, match=r"^Line 4 of long.vcf is longer than"):
        open_source(card)


def test_lines_ending_in_cr_alone_are_lines(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel for Mac's "CSV (Macintosh)" ends lines in CR: each is measured on its own."""
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 40)
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Name,Phone\r" + b"".join(b"Dana %d,212 555 0142\r" % i
                                                for i in range(10)))
    assert open_source(path).total_rows == 10
    path.write_bytes(path.read_bytes() + b"Sam," + b"9" * 40 + b"\r")
    with pytest.raises(UserError, match="^Line 12 of mac.csv is longer than 40 characters"):
        open_source(path)


def test_a_huge_cell_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text('Name,Notes\nDana,ok\nSam,"' + "y" * (limits.MAX_FIELD_CHARS + 1) + '"\n')
    with pytest.raises(UserError, match=r"^Line 3 of cell.csv has a cell longer than 131,072"):
        open_source(path)


def test_a_huge_vcard_property_makes_that_card_a_bad_row(tmp_path: Path) -> None:
    note = "NOTE:" + "\n ".join(["z" * 70] * (limits.MAX_FIELD_CHARS // 70 + 1))
    path = tmp_path / "cards.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana\nEND:VCARD\n"
                    f"BEGIN:VCARD\nVERSION:3.0\nFN:Sam\n{note}\nEND:VCARD\n")
    rows = list(open_source(path).rows())
    assert rows[0] == (1, {"name": "Dana"})
    assert rows[1] == (5, "the card could not be read: a line is longer than 131,072 "
                          "characters")


def test_too_many_rows_or_too_big_a_file_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 3)
    path = tmp_path / "rows.csv"
    path.write_text("Name\n" + "".join(f"P{i}\n" for i in range(4)))
    with pytest.raises(UserError, match=r"^rows.csv has more than 3 rows \(line 5 is one too"):
        open_source(path)
    cards = tmp_path / "cards.vcf"
    cards.write_text("BEGIN:VCARD\nFN:A\nEND:VCARD\n" * 4)
    with pytest.raises(UserError, match=r"^cards.vcf has more than 3 rows \(line 10 is"):
        open_source(cards)
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 10)
    with pytest.raises(UserError, match="^rows.csv is larger than 1 MB, the limit"):
        open_source(path)
