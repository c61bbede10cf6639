"""The affected-patient import at mail-house scale: one streaming pass with no row limit,
written in batches inside one transaction, so a bad line anywhere or a Cancel leaves nothing.

Batches and the bulk-load threshold are made small here so a few thousand rows exercise the
same paths as a million (several batches written, indexes dropped and rebuilt) before the
failure comes.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.services.files import limits, open_source
from crisisdesk.services.files import source as source_module
from crisisdesk.services.files.source import stream_source
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import recipients as recipient_store
from crisisdesk.store import row_digests
from tests.support.letters import adult_rows, letter_desk, write_list

ROWS = 3000


@pytest.fixture
def incident(session: Session, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(recipient_store, "BATCH_SIZE", 200)
    monkeypatch.setattr(recipient_store, "BULK_MIN_ROWS", 1000)
    monkeypatch.setattr(recipient_store, "BULK_REBUILD_INDEXES", True)  # the riskier path
    return letter_desk(session)


def _people(n: int, start: int = 0) -> list[str]:
    """Distinct adults: people `start` to `start + n - 1`."""
    return adult_rows(n, start)


def _nothing_written(session: Session, audit_before: int, indexes: list[str]) -> None:
    db = session.db
    assert db["recipients"].count == 0
    assert db["recipient_review"].count == 0
    assert db["recipient_imports"].count == 0
    assert len(audit_store.entries(db)) == audit_before
    assert _indexes(session) == indexes  # a rolled-back bulk load puts them back


def _indexes(session: Session) -> list[str]:
    return [str(r[0]) for r in session.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'recipients' "
        "AND sql IS NOT NULL ORDER BY name")]


def test_a_list_longer_than_the_file_limits_imports_whole(
        session: Session, incident: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The row and text-size limits of other imports do not cap the patient list: it is
    read a line at a time, so its length costs no memory."""
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    monkeypatch.setattr(limits, "MAX_TEXT_BYTES", 10_000)
    path = write_list(tmp_path / "long.csv", _people(ROWS))
    indexes = _indexes(session)
    report = letter_service.import_recipients(session, path)
    assert (report.imported, report.total_rows, report.counted) == (ROWS, ROWS, ROWS)
    assert session.db["recipients"].count == ROWS
    assert letter_service.status_counts(session)["recipients"] == ROWS
    assert _indexes(session) == indexes  # dropped for the load, built again, the same
    lines = [r[0] for r in session.db.execute("SELECT line FROM recipients ORDER BY rowid")]
    assert lines == list(range(2, ROWS + 2))


@pytest.mark.parametrize("where", [1, ROWS // 2, ROWS])
def test_a_bad_row_anywhere_refuses_the_whole_list(
        session: Session, incident: str, tmp_path: Path, where: int) -> None:
    """Batches were written before the last row was read; the refusal names the line and
    takes every one of them back."""
    rows = _people(ROWS)
    rows[where - 1] = "Pat,Bad,1970-13-45,,1 Elm St,Springfield,IL,62701,,,,,,,"
    path = write_list(tmp_path / "bad.csv", rows)
    audit_before, indexes = len(audit_store.entries(session.db)), _indexes(session)
    with pytest.raises(ImportRejected) as info:
        letter_service.import_recipients(session, path)
    assert [p.line for p in info.value.problems] == [where + 1]
    assert "birth date" in info.value.problems[0].reason
    _nothing_written(session, audit_before, indexes)


def test_a_malformed_line_at_the_end_refuses_the_whole_list(
        session: Session, incident: str, tmp_path: Path) -> None:
    """A line that does not line up with the header is found only when the walk reaches it,
    after every batch before it was written: one line naming it, nothing kept."""
    path = write_list(tmp_path / "cut.csv", [*_people(ROWS), "Pat,Cut,1970-01-01"])
    audit_before, indexes = len(audit_store.entries(session.db)), _indexes(session)
    with pytest.raises(UserError, match=rf"^Line {ROWS + 2} of cut.csv has 3 cells but the "
                                        "header has 15"):
        letter_service.import_recipients(session, path)
    _nothing_written(session, audit_before, indexes)


def test_cancel_during_a_bulk_load_leaves_nothing(session: Session, incident: str,
                                                  tmp_path: Path) -> None:
    path = write_list(tmp_path / "big.csv", _people(ROWS))
    audit_before, indexes = len(audit_store.entries(session.db)), _indexes(session)
    seen: list[tuple[int, int]] = []

    def cancel_late() -> bool:
        return bool(seen) and seen[-1][0] >= ROWS - 500

    with pytest.raises(UserError, match="Cancelled"):
        letter_service.import_recipients(session, path, is_cancelled=cancel_late,
                                         progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] >= 2000  # several batches had been written
    assert all(total >= done for done, total in seen)
    _nothing_written(session, audit_before, indexes)


def test_set_aside_rows_are_kept_as_the_list_streams(
        session: Session, incident: str, tmp_path: Path) -> None:
    """Bad rows spread through a long list go to the review list, still counted."""
    rows = _people(ROWS)
    bad = list(range(0, ROWS, 4))  # 750 bad rows: more than one batch of review rows
    for i in bad:
        rows[i] = f",,1970-01-01,,{i} Elm St,Springfield,IL,62701,,,,,,,"
    path = write_list(tmp_path / "bad.csv", rows)
    report = letter_service.import_recipients(session, path, set_aside_invalid=True)
    assert (report.imported, report.set_aside) == (ROWS - len(bad), len(bad))
    assert report.counted == ROWS
    assert [r["line"] for r in letter_codes.review_list(session)] == [i + 2 for i in bad]


def test_duplicates_across_imports_keep_the_first_listed(
        session: Session, incident: str, tmp_path: Path) -> None:
    """Marked in SQL over the whole incident: a person listed again in a later file is the
    duplicate, pointing at the row of the first file; nobody is counted twice."""
    first = letter_service.import_recipients(
        session, write_list(tmp_path / "a.csv", _people(1200)))
    assert first.counted == 1200
    again = letter_service.import_recipients(
        session, write_list(tmp_path / "b.csv", _people(10, 1195) + _people(5, 1195)))
    assert again.counted == 1205
    rows = session.db.execute(
        "SELECT r.line, r.import_id, f.import_id, f.line FROM recipients r JOIN recipients f "
        "ON f.id = r.duplicate_of WHERE r.outcome = 'duplicate' ORDER BY r.rowid").fetchall()
    # b.csv lines 2-6 and 12-16 are people 1195-1199, listed on lines 1197-1201 of a.csv
    assert [(r[0], r[1] == again.import_id, r[2] == first.import_id, r[3]) for r in rows] == [
        *((line, True, True, 1195 + line) for line in range(2, 7)),
        *((line, True, True, 1185 + line) for line in range(12, 17))]
    letter_service.classify_recipients(session)  # classifying again finds the same
    assert recipient_store.outcome_counts(session.db, incident).get(
        ("adult", "duplicate")) == 10


def _peak_kib(session: Session, path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        letter_service.import_recipients(session, path)
        return tracemalloc.get_traced_memory()[1] // 1024
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_list(session: Session, incident: str,
                                            tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's peak allocation for a list ten times longer stays within 512 KB: nothing
    holds the file, the rows or one entry per person. What is held is bounded by constants
    (a batch of rows, a chunk of the file scanned for its encoding, a page of the audit's row
    list, SQLite's page cache, not counted here), made small so that 10,000 rows already
    pass every bound, as a million do with the real ones."""
    monkeypatch.setattr(source_module, "SCAN_CHUNK", 16 * 1024)
    monkeypatch.setattr(row_digests, "DIGEST_PAGE", 500)
    small = write_list(tmp_path / "small.csv", _people(1000))
    large = write_list(tmp_path / "large.csv", _people(10_000, 1000))
    _peak_kib(session, write_list(tmp_path / "warm.csv", _people(50, 90_000)))  # imports warm
    small_kib = _peak_kib(session, small)
    large_kib = _peak_kib(session, large)
    assert large_kib - small_kib < 512, (small_kib, large_kib)


FIXTURES = Path(__file__).parent.parent / "fixtures"


def _variants(tmp_path: Path) -> list[Path]:
    """Real exports (Google, Outlook, an EHR) and the same list saved the ways spreadsheets
    save it: CRLF, CR alone (Excel for Mac), UTF-8 with a BOM, UTF-16, cp1252, semicolons,
    a quoted cell over two lines."""
    files = [FIXTURES / "contacts" / n for n in ("google_current.csv", "google_legacy.csv",
                                                 "outlook.csv")]
    files.append(FIXTURES / "letters" / "ehr_patients.csv")
    text = "FIRST,LAST,NOTE\nZoë,Núñez,\"two\nlines\"\nAnn,O'Brien,plain\n\nBo,Lee,\n"
    for name, data in (("crlf.csv", text.replace("\n", "\r\n").encode()),
                       ("cr.csv", text.replace("\n", "\r").encode()),
                       ("bom.csv", b"\xef\xbb\xbf" + text.encode()),
                       ("utf16.csv", text.encode("utf-16")),
                       ("ansi.csv", text.encode("cp1252")),
                       ("semi.csv", text.replace(",", ";").encode())):
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    return files


def test_the_streaming_reader_reads_what_the_whole_file_reader_reads(tmp_path: Path) -> None:
    for path in _variants(tmp_path):
        whole, streamed = open_source(path), stream_source(path)
        assert (streamed.headers, streamed.encoding, streamed.delimiter) == (
            whole.headers, whole.encoding, whole.delimiter), path.name
        assert list(streamed.rows()) == list(whole.rows()), path.name
        assert streamed.total_rows >= whole.total_rows > 0, path.name  # an estimate


def test_the_streaming_reader_refuses_what_the_whole_file_reader_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same one-line messages, naming the same line (a NUL byte, a line too long, an
    unbalanced quote); the streamed file only finds the line when the walk reaches it."""
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 200)
    cases = {"nul.csv": "A,B\n1,2\n3,\x004\n", "long.csv": "A,B\n1,2\n" + "x" * 201 + ",3\n",
             "quote.csv": 'A,B\n1,2\n"3,4\n5,6\n'}
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(UserError) as whole:
            list(open_source(path).rows())
        with pytest.raises(UserError) as streamed:
            list(stream_source(path).rows())
        assert str(streamed.value) == str(whole.value), name
