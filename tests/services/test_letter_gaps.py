"""Letter gaps closed: review-list form, substitute notice on the deadlines, the counts report
for counsel, and a purge that leaves no patient row in the desk file's free pages or log."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.letter_report import LetterReport
from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY, LetterStatus
from crisisdesk.printing.letter_report import letter_report_html
from crisisdesk.printing.obligations_sheet import obligations_html
from crisisdesk.services import clocks as clock_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.letters import report as letter_report
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list

NO_ADDRESS = "Lost{i},Person{i},1970-01-01,,,,,,,,,,,,"


@pytest.fixture
def incident(session: Session) -> str:
    return letter_desk(session)


def _list(session: Session, tmp: Path, rows: list[str]) -> None:
    letter_service.import_recipients(session, write_list(tmp / "list.csv", rows),
                                     date_format="YYYY-MM-DD", set_aside_invalid=True)
    letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))


# -- review list -----------------------------------------------------------------------------

def test_review_form_lays_the_row_out_by_field_and_fixes_it(session: Session, incident: str,
                                                            tmp_path: Path) -> None:
    rows = [*adult_rows(3), "Pat,Xu,1970-02-31,,1 Elm St,Springfield,IL,62701,,,,,,,"]
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", rows),
                                     date_format="YYYY-MM-DD", set_aside_invalid=True)
    item = letter_codes.review_list(session)[0]
    form = letter_codes.review_form(session, str(item["id"]))
    assert form.line == 5
    assert "birth date" in form.reason
    assert form.values["first_name"] == "Pat"
    assert form.values["birth_date"] == "1970-02-31"
    assert form.values["zip"] == "62701"
    assert form.date_format == "YYYY-MM-DD"
    with pytest.raises(ValidationError) as bad:
        letter_codes.fix_review_form(session, form.review_id, form.values, form.date_format)
    assert "birth_date" in bad.value.fields
    fixed = dict(form.values, birth_date="1970-02-28")
    person = letter_codes.fix_review_form(session, form.review_id, fixed, form.date_format)
    assert person.name == "Pat Xu"
    assert person.birth_date == dt.date(1970, 2, 28)
    assert letter_codes.review_list(session) == []
    with pytest.raises(NotFound):
        letter_codes.review_form(session, form.review_id)


# -- substitute notice -----------------------------------------------------------------------

def test_ten_without_address_put_substitute_notice_on_deadlines_and_sheet(
        session: Session, incident: str, tmp_path: Path) -> None:
    _list(session, tmp_path, [*adult_rows(3), *(NO_ADDRESS.format(i=i) for i in range(10))])
    report = clock_service.deadlines(session)
    sub = report.find(SUBSTITUTE_OBLIGATION_KEY)
    assert sub.title.startswith("Substitute notice required: website posting for 90 days or "
                                "major print/broadcast media, with a toll-free number active "
                                "90 days")
    individuals = report.find("hipaa.individuals")
    assert sub.count == 10
    assert sub.due == individuals.due
    html = obligations_html(report.incident, report.obligations, report.rules,
                            today=report.today)
    assert "Substitute notice required" in html
    assert "10 people without a usable address" in html
    clock_service.mark_done(session, SUBSTITUTE_OBLIGATION_KEY, dt.date(2026, 3, 19),
                            reference="web posting")
    after = clock_service.deadlines(session)
    done = after.find(SUBSTITUTE_OBLIGATION_KEY)
    assert done.done is not None
    assert (done.done.done_on, done.done.reference) == (dt.date(2026, 3, 19), "web posting")
    assert done.state(after.today) == "done"
    sheet = obligations_html(after.incident, after.obligations, after.rules, today=after.today)
    assert "2026-03-19<br>web posting" in sheet


def test_fewer_than_ten_means_alternative_notice_and_none_means_no_line(
        session: Session, incident: str, tmp_path: Path) -> None:
    assert all(o.key != SUBSTITUTE_OBLIGATION_KEY
               for o in clock_service.deadlines(session).obligations)
    _list(session, tmp_path, [*adult_rows(3), *(NO_ADDRESS.format(i=i) for i in range(9))])
    sub = clock_service.deadlines(session).find(SUBSTITUTE_OBLIGATION_KEY)
    assert sub.title == ("Substitute notice: alternative written notice, telephone or other "
                         "means")


# -- counts report for counsel ---------------------------------------------------------------

def _counsel_desk(session: Session, tmp: Path) -> None:
    rows = [*adult_rows(4), *adult_rows(2, start=10, state="TX", zip_code="75201"),
            "Emma,Jones,2015-04-07,,5 Oak Ave,Dallas,TX,75201,,Robert Jones,,,,,",
            "George,Brown,1940-07-07,2025-12-01,9 Pine Rd,Austin,TX,73301,,,Linda Brown,"
            "77 Birch Ln,Austin,TX,78701",
            adult_rows(1)[0],  # a duplicate of the first row
            *(NO_ADDRESS.format(i=i) for i in range(11))]
    _list(session, tmp, rows)
    add_codes(session, tmp, 20)
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED, first=1, last=5)
    ref = session.db.execute("SELECT reference FROM letters WHERE seq = 1").fetchone()[0]
    mailing_log.mark_returned(session, ref)


def test_counsel_report_counts_by_state_and_classification(session: Session, incident: str,
                                                           tmp_path: Path) -> None:
    _counsel_desk(session, tmp_path)
    report = letter_report.counsel_report(session)
    by_state = {s.state: s for s in report.states}
    assert list(by_state) == ["IL", "TX", "??"]
    assert by_state["IL"].people == {"adult": 4, "duplicate": 1}
    assert by_state["TX"].people == {"adult": 2, "minor": 1, "deceased": 1}
    assert by_state["??"].people == {"insufficient": 11}
    t = report.total
    assert (t.letters("letters"), t.letters("printed"), t.letters("mailed"),
            t.letters("returned")) == (8, 8, 5, 1)
    assert report.batches == 1
    assert report.batches_printed == 1
    assert report.substitute.required == "web_or_media"
    assert report.substitute_done == ""
    html = letter_report_html(report)
    for name in ("Pat0", "Tester", "Elm", "Jones", "AB0000"):
        assert name not in html


def test_counsel_pdf_has_the_counts_and_is_audited(session: Session, incident: str,
                                                  tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    from crisisdesk.printing.letter_report import write_pdf
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    _counsel_desk(session, tmp_path)
    path = tmp_path / "counts.pdf"
    report: LetterReport = letter_report.save_counsel_report(session, path, write_pdf)
    reader = pypdf.PdfReader(str(path))
    pages = [unicodedata.normalize("NFKC", p.extract_text()).replace("\t", " ")
             for p in reader.pages]  # NFKC: the PDF sets "ffi" as one ligature glyph
    summary, table = " ".join(pages[0].split()), "\n".join(pages[1:])
    assert "Patient letters: counts for counsel" in summary
    assert "Insufficient address" in summary
    assert "11" in summary
    assert "Duplicates merged" in summary
    assert "Substitute notice required" in summary
    assert "substitute-web-notice-en" in summary
    assert "People and letters by state" not in summary  # the table starts a new page
    assert "People and letters by state" in " ".join(table.split())
    tokens = table.split()
    tx = tokens.index("TX")  # adult minor kin none no-address merged uncl aside, then letters
    assert " ".join(tokens[tx + 1:tx + 14]) == "2 1 1 0 0 0 0 0 4 4 1 0 0"
    unknown = next(i for i, t in enumerate(tokens) if tokens[i:i + 2] == ["No", "state"])
    assert tokens[unknown + 6] == "11"  # the row of people with no usable state
    assert report.total.rows == 20
    last = list(audit_store.iter_entries(session.db))[-1]
    assert last.action == "letters.report"
    assert "counts report" in last.summary


# -- secure purge ----------------------------------------------------------------------------

PAGE, RESERVE = 4096, 80  # SQLCipher 4 defaults: 16-byte IV + 64-byte HMAC per page


def _decrypted(path: Path, key: bytes) -> bytes:
    """Every page of an SQLCipher 4 file decrypted with the raw key (free pages included)."""
    data, out = path.read_bytes(), []
    for at in range(0, len(data) - PAGE + 1, PAGE):
        page = data[at:at + PAGE]
        iv = page[PAGE - RESERVE:PAGE - RESERVE + 16]
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        out.append(dec.update(page[16 if at == 0 else 0:PAGE - RESERVE]) + dec.finalize())
    return b"".join(out)


def test_purge_leaves_no_patient_row_in_free_pages_or_the_log(session: Session, incident: str,
                                                             tmp_path: Path) -> None:
    assert session.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    _list(session, tmp_path, [*adult_rows(40), "Zebedee,Quixote-Vance,1970-01-01,,7 Elm St,"
                              "Springfield,IL,62701,,,,,,,"])
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk = session.paths.desk_file
    key = session._data_key
    before = _decrypted(desk, key)
    assert b"Quixote-Vance" in before
    assert b"CREATE TABLE" in before
    removed = letter_service.purge_recipients(session, incident)
    assert removed["recipients"] == 41
    assert removed["scrubbed"] == 1
    after = _decrypted(desk, key)
    assert b"CREATE TABLE" in after
    assert b"Quixote-Vance" not in after
    assert b"Tester17" not in after
    wal = desk.with_name(desk.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert session.db.execute("SELECT count(*) FROM recipients").fetchone()[0] == 0


def test_purge_with_another_reader_open_still_commits_and_says_not_scrubbed(
        session: Session, incident: str, tmp_path: Path) -> None:
    _list(session, tmp_path, adult_rows(5))
    other = session.for_thread()
    try:
        other.db.execute("BEGIN")
        other.db.execute("SELECT count(*) FROM recipients").fetchone()  # holds a read snapshot
        removed = letter_service.purge_recipients(session, incident)
        assert removed["recipients"] == 5
        assert removed["scrubbed"] == 0
        other.db.execute("COMMIT")
    finally:
        other.close()
    assert letter_service.purge_recipients(session, incident)["scrubbed"] == 1
