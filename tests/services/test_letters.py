"""Letter services on a real encrypted desk: import, classify, codes, batches, mailing log."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook

from crisisdesk.domain.errors import ImportRejected, PermissionDenied, UserError, ValidationError
from crisisdesk.domain.letters import LetterStatus
from crisisdesk.domain.recipients import Address
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.messages import communication_log
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import recipients as recipient_store
from tests.support.letters import (
    HEADER,
    add_codes,
    adult_rows,
    letter_desk,
    spanish_facts,
    write_list,
)

MIXED = [
    "Ann,Smith,1980-05-01,,12 Elm St,Springfield,IL,62701,,,,,,,",
    "José,Núñez-O'Brien Jr.,1975-01-02,,400 Main Street Apt 3,Boston,MA,2134,es,,,,,,",
    "Emma,Jones,2008-04-07,,5 Oak Ave,Dallas,TX,75201,,Robert Jones,,,,,",
    "George,Brown,1940-07-07,2025-12-01,9 Pine Rd,Austin,TX,73301,,,Linda Brown,"
    "77 Birch Ln,Austin,TX,78701",
    "Mary,Gray,1941-02-02,2025-11-01,3 Fir Rd,Austin,TX,73301,,,Tom Gray,,,,",
    "Ann,SMITH,1980-05-01,,12 Elm Street,Springfield,IL,62701,,,,,,,",
    "Nobody,Home,1970-01-01,,,,,,,,,,,,",
]


@pytest.fixture
def incident(session: Session) -> str:
    return letter_desk(session)


def test_import_and_classify_the_table(session: Session, incident: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "affected.csv", MIXED)
    report = letter_service.import_recipients(session, path)
    assert (report.imported, report.zip_repaired) == (7, 1)
    result = letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))
    c = result.counts
    assert (c["letter"], c["adult"], c["minor"], c["deceased"]) == (4, 2, 1, 1)
    assert (c["duplicate"], c["no_notice"], c["insufficient"]) == (1, 1, 1)
    assert result.substitute.required == "alternative"
    incident_now = incident_service.get_incident(session, incident)
    assert dict(incident_now.affected_by_state) == {"IL": 1, "MA": 1, "TX": 3}
    assert incident_now.affected_unknown_residence == 1
    texts = [line.entry.text for line in timeline_service.list_entries(session)]
    assert any("Affected counts updated from the letter list" in t for t in texts)


def test_the_same_columns_are_remembered_with_their_mapping(session: Session, incident: str,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "ehr.csv"
    path.write_text("Surname;Given;DOB;Street;Town;St;Postcode\n"
                    "Smith;Ann;03/04/1990;12 Elm St;Springfield;IL;62701\n", encoding="cp1252")
    plan = letter_service.plan_recipients(session, path)
    assert plan.delimiter == ";"
    assert plan.date_ambiguous
    with pytest.raises(ValidationError, match="--date-format MM/DD/YYYY"):
        letter_service.import_recipients(session, path)
    letter_service.import_recipients(session, path, date_format="DD/MM/YYYY",
                                     mapping_overrides={"Town": "city", "Postcode": "zip"})
    again = letter_service.plan_recipients(session, path)
    assert again.remembered
    assert again.date_format == "DD/MM/YYYY"
    assert again.mapping["Postcode"] == "zip"
    assert again.sample[0].birth_date == \
        dt.date(1990, 4, 3)
    # next week's file from the same system, its headers in another case and spacing
    later = tmp_path / "ehr-later.csv"
    later.write_text("SURNAME;given;dob;Street;TOWN;st;Post code\n"
                     "Jones;Bo;05/04/1990;3 Oak St;Peoria;IL;61602\n", encoding="cp1252")
    plan = letter_service.plan_recipients(session, later)
    assert plan.remembered
    assert not plan.blocking
    assert plan.mapping == {"SURNAME": "last_name", "given": "first_name", "dob": "birth_date",
                            "Street": "address1", "TOWN": "city", "st": "state",
                            "Post code": "zip"}
    assert plan.sample[0].birth_date == dt.date(1990, 4, 5)


def test_bad_rows_are_named_by_line_and_nothing_is_imported(session: Session, incident: str,
                                                            tmp_path: Path) -> None:
    """No name or an unreadable date is a bad row; an unknown state is not (the person is
    imported with insufficient address). Set-aside rows still count in the incident."""
    rows = adult_rows(300)
    rows[9] = "Pat,,1970-13-01,,1 Elm St,Springfield,IL,62701,,,,,,,"
    rows[150] = ",,1970-01-01,,1 Elm St,Springfield,TX,62701,,,,,,,"
    rows[299] = "Pat,X,1970-01-01,,1 Elm St,Springfield,Narnia,62701,,,,,,,"
    path = write_list(tmp_path / "bad.csv", rows)
    with pytest.raises(ImportRejected) as info:
        letter_service.import_recipients(session, path)
    problems = info.value.problems
    assert [p.line for p in problems] == [11, 152]
    assert "birth date" in problems[0].reason
    assert "name is missing" in problems[1].reason
    assert letter_service.status_counts(session)["recipients"] == 0
    report = letter_service.import_recipients(session, path, set_aside_invalid=True)
    assert (report.imported, report.set_aside) == (298, 2)
    assert (report.usable, report.insufficient, report.counted) == (297, 1, 300)
    narnia = recipient_store.listing(session.db, incident, outcome="insufficient")
    assert [(m["line"], f.address.state) for _id, m, f in narnia] == [(301, "")]
    assert "'Narnia' is not a US state" in narnia[0][1]["reason"]
    now = incident_service.get_incident(session, incident)
    assert dict(now.affected_by_state) == {"IL": 298, "TX": 1}  # set aside: IL and TX
    assert now.affected_unknown_residence == 1  # Narnia
    assert letter_service.classification(session).substitute.insufficient == 3
    review = letter_codes.review_list(session)
    assert [r["line"] for r in review] == [11, 152]
    fixed = dict(review[0]["row"])  # type: ignore[call-overload]
    fixed["BIRTHDATE"] = "1970-12-01"
    mapping = letter_service.plan_recipients(session, path).mapping
    letter_codes.fix_review_item(session, str(review[0]["id"]), fixed, mapping=mapping,
                                 date_format="YYYY-MM-DD")
    assert len(letter_codes.review_list(session)) == 1
    assert letter_service.status_counts(session)["recipients"] == 299


def test_xlsx_import(session: Session, incident: str, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["Ann", "Smith", dt.datetime(1980, 5, 1), None, "12 Elm St", "Springfield", "IL",
               62701])
    ws.append(["Bo", "Lee", dt.datetime(1990, 1, 2), None, "9 Main St", "Hartford", "CT", 6103])
    wb.save(tmp_path / "list.xlsx")
    report = letter_service.import_recipients(session, tmp_path / "list.xlsx")
    assert (report.imported, report.zip_repaired) == (2, 1)


def test_cancel_leaves_nothing(session: Session, incident: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A cancel after batches of rows were already written takes them all back."""
    monkeypatch.setattr(recipient_store, "BATCH_SIZE", 100)
    path = write_list(tmp_path / "big.csv", adult_rows(2000))
    audit_before = len(audit_store.entries(session.db))
    in_table: list[int] = []

    def cancel_once_rows_are_written() -> bool:
        in_table.append(session.db["recipients"].count)
        return in_table[-1] > 0

    with pytest.raises(UserError, match="Cancelled"):
        letter_service.import_recipients(session, path, is_cancelled=cancel_once_rows_are_written)
    assert in_table[-1] >= 100  # at least one batch was in the table when the user cancelled
    assert letter_service.status_counts(session)["recipients"] == 0
    assert session.db["recipients"].count == 0
    assert len(audit_store.entries(session.db)) == audit_before


def _ready(session: Session, tmp_path: Path, rows: list[str], codes: int) -> None:
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", rows))
    letter_service.classify_recipients(session)
    if codes:
        add_codes(session, tmp_path, codes)


def test_code_pool_too_small_is_refused_before_anything(session: Session, incident: str,
                                                        tmp_path: Path) -> None:
    _ready(session, tmp_path, adult_rows(5), codes=4)
    before = len(audit_store.entries(session.db))
    with pytest.raises(UserError, match="needs 5 enrollment codes but only 4"):
        letter_service.create_batch(session)
    assert letter_service.list_batches(session) == []
    assert len(audit_store.entries(session.db)) == before


def test_a_bare_list_of_codes_imports_its_first_line_too(session: Session, incident: str,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "bare.csv"
    path.write_text("ZZ00001-Q\nZZ00002-Q\nZZ00003-Q\n")
    report = letter_codes.import_codes(session, path, expires_on=dt.date(2026, 7, 31))
    assert report.imported == 3


def test_duplicate_codes_are_refused_by_line(session: Session, incident: str,
                                             tmp_path: Path) -> None:
    add_codes(session, tmp_path, 3)
    path = tmp_path / "more.csv"
    path.write_text("Code\nNEW0001\nAB00001-Q\nNEW0001\n")
    with pytest.raises(ImportRejected) as info:
        letter_codes.import_codes(session, path, expires_on=dt.date(2026, 7, 31))
    assert [(p.line, p.reason) for p in info.value.problems] == [
        (3, "this code was imported before"), (4, "the same code as line 2")]


def test_each_letter_gets_one_code_and_a_unique_reference(session: Session, incident: str,
                                                          tmp_path: Path) -> None:
    _ready(session, tmp_path, MIXED, codes=10)
    spanish_facts(session)
    batch = letter_service.create_batch(session)
    rows = session.db.execute("SELECT l.reference, l.template_key, c.code FROM letters l LEFT "
                              "JOIN enrollment_codes c ON c.letter_id = l.id").fetchall()
    assert len(rows) == batch.letter_count == 4
    assert len({r[0] for r in rows}) == 4
    with_code = [r for r in rows if r[2]]
    assert len({r[2] for r in with_code}) == len(with_code) == 3  # next-of-kin letter: none
    assert {r[1] for r in rows} == {"patient-notification-en", "patient-notification-es",
                                    "parent-guardian-notification-en",
                                    "next-of-kin-notification-en"}
    with pytest.raises(UserError, match="No classified recipient without a letter"):
        letter_service.create_batch(session)


def test_concurrent_batches_never_share_a_code_or_a_recipient(
        session: Session, incident: str, tmp_path: Path) -> None:
    _ready(session, tmp_path, adult_rows(60, state="IL") + adult_rows(60, 60, "TX", "75201"),
           codes=120)
    results: list[object] = []

    def make(state: str) -> None:
        twin = session.for_thread()
        try:
            results.append(letter_service.create_batch(
                twin, spec=letter_service.BatchSpec(state=state)))
        except Exception as exc:  # reported below
            results.append(exc)
        finally:
            twin.close()

    threads = [threading.Thread(target=make, args=(s,)) for s in ("IL", "TX", "")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    letters = session.db.execute("SELECT count(*), count(DISTINCT recipient_id) FROM "
                                 "letters").fetchone()
    codes = session.db.execute("SELECT count(letter_id), count(DISTINCT letter_id) FROM "
                               "enrollment_codes").fetchone()
    assert letters == (120, 120)
    assert codes == (120, 120)
    numbers = sorted(b.number for b in letter_service.list_batches(session))
    assert numbers == list(range(1, len(numbers) + 1))


def test_mailing_log_states_timeline_and_communication_log(
        session: Session, incident: str, tmp_path: Path) -> None:
    _ready(session, tmp_path, MIXED, codes=10)
    batch = letter_service.create_batch(session)
    with pytest.raises(ValidationError, match="cannot be marked mailed"):
        mailing_log.mark_batch(session, "1", LetterStatus.MAILED)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    texts = [line.entry.text for line in timeline_service.list_entries(session)]
    assert "Letter batch 1 printed: 4 letters." in texts
    logged = [e for e in communication_log(session) if "letter batch 1" in e.note]
    assert sum(e.recipient_count for e in logged) == 4
    assert len(logged) == 4
    mailing_log.mark_batch(session, "1", LetterStatus.MAILED, on_date=dt.date(2026, 3, 21))
    ref = session.db.execute("SELECT reference FROM letters WHERE seq = 1 AND batch_id = ?",
                             [batch.id]).fetchone()[0]
    with pytest.raises(ValidationError, match="check digit"):
        mailing_log.mark_returned(session, ref[:-1] + str((int(ref[-1]) + 1) % 10))
    mailing_log.mark_returned(session, ref.lower())
    with pytest.raises(ValidationError):
        mailing_log.mark_returned(session, ref)
    mailing_log.remail(session, ref, Address("1 New Rd", "", "Peoria", "IL", "61602"))
    totals = mailing_log.totals(session)
    assert totals["ALL"] == {"mailed": 3, "remailed": 1}
    summary = letter_service.status_counts(session)
    assert (summary["mailed"], summary["returned"], summary["ready"]) == (4, 0, 0)


def test_export_is_spreadsheet_safe_and_audit_keeps_no_patient_data(
        session: Session, incident: str, tmp_path: Path) -> None:
    rows = ['"=HYPERLINK(""http://evil"")",<script>,1980-05-01,,+1 Elm St,Springfield,IL,'
            '62701,,,,,,,', *MIXED]
    _ready(session, tmp_path, rows, codes=10)
    letter_service.create_batch(session)
    out = tmp_path / "log.csv"
    assert mailing_log.export_csv(session, out) == 5
    text = out.read_text("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'+1 Elm St" in text
    assert ",=" not in text
    assert ",+" not in text
    summaries = " ".join(e.summary for e in audit_store.entries(session.db))
    for secret in ("HYPERLINK", "Smith", "Núñez", "Elm", "AB0000"):
        assert secret not in summaries


def test_purge_is_for_admins_and_removes_patient_rows(session: Session, incident: str,
                                                      tmp_path: Path) -> None:
    _ready(session, tmp_path, MIXED, codes=10)
    letter_service.create_batch(session)
    letter_service.record_direct_print(session, "1")
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    removed = letter_service.purge_recipients(session, incident)
    assert removed["recipients"] == 7
    assert removed["letters"] == 4
    for table in ("recipients", "letters", "letter_events", "enrollment_codes"):
        assert session.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    session.operator = session.operator.__class__(
        **{**session.operator.__dict__, "role": session.operator.role.__class__("operator")})
    with pytest.raises(PermissionDenied):
        letter_service.purge_recipients(session, incident)
