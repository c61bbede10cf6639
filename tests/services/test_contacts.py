"""Contacts services on a real encrypted desk: changes, search, import, export."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.errors import (
    Cancelled,
    ImportRejected,
    NotFound,
    UserError,
    ValidationError,
)
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as svc
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store


def audit_count(session: Session) -> int:
    return int(session.db.execute("SELECT count(*) FROM audit").fetchone()[0])


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


HEADER = ["Name", "Title", "Organization", "Mobile", "E-mail", "Tags"]
ROWS = [
    ["Dana Reyes", "Charge Nurse", "Riverside Clinics", "(212) 555-0142", "dana@example.org",
     "on-call, icu"],
    ["José Müller", "Press Officer", "Daily Courier", "+44 20 7946 0958", "", "media"],
    ["Zoë Okafor", "Detective", "Metro Police", "212-555-0199", "", ""],
]


@pytest.fixture
def people(session: Session) -> Session:
    for name, title, org, phone, email, tags in ROWS:
        svc.add_contact(session, ContactDraft(name, title, org, ContactKind.STAFF,
                                              [("mobile", phone)], email, "", tags.split(",")))
    return session


# -- add / update / delete --------------------------------------------------------------------


def test_add_update_delete_each_write_one_audit_entry(session: Session) -> None:
    before = audit_count(session)
    contact = svc.add_contact(session, ContactDraft("Dana Reyes", phones=[("m", "212 555 0142")]))
    assert audit_count(session) == before + 1
    assert contact.phones[0].e164 == "+12125550142"
    assert contact.updated_by == "alex"

    draft = ContactDraft.from_contact(contact)
    draft.job_title = "Charge Nurse"
    updated = svc.update_contact(session, contact.id, draft)
    assert updated.job_title == "Charge Nurse"
    assert audit_count(session) == before + 2
    svc.update_contact(session, contact.id, draft)  # unchanged: nothing to record
    assert audit_count(session) == before + 2

    svc.delete_contact(session, contact.id)
    assert audit_count(session) == before + 3
    with pytest.raises(NotFound):
        svc.get_contact(session, contact.id)
    entries = audit_service.show(session)[-3:]
    assert [e.action for e in entries] == ["contact.add", "contact.update", "contact.delete"]
    assert all("Dana" not in e.summary for e in entries)  # no personal data in the log
    assert entries[0].summary == "Added a staff contact"
    assert entries[1].summary == "Updated a staff contact (job title)"
    assert entries[2].summary == "Deleted a staff contact"
    svc.add_contact(session, ContactDraft("Pat Ng", kind=ContactKind.EXTERNAL))
    assert audit_service.show(session)[-1].summary == "Added an external contact"
    assert audit_service.verify(session).ok


def test_invalid_draft_writes_nothing(session: Session) -> None:
    before = audit_count(session)
    with pytest.raises(ValidationError) as info:
        svc.add_contact(session, ContactDraft("", phones=[("m", "nonsense")]))
    assert set(info.value.fields) == {"name", "phones"}
    assert audit_count(session) == before
    assert svc.count_contacts(session) == 0


def test_missing_contact(session: Session) -> None:
    with pytest.raises(NotFound):
        svc.delete_contact(session, "nope")
    with pytest.raises(NotFound):
        svc.update_contact(session, "nope", ContactDraft("X"))


def test_list_sorted_by_name_ignoring_case_and_by_kind(session: Session) -> None:
    for name, kind in [("bravo", ContactKind.MEDIA), ("Alpha", ContactKind.STAFF),
                       ("charlie", ContactKind.MEDIA)]:
        svc.add_contact(session, ContactDraft(name, kind=kind))
    assert [c.name for c in svc.list_contacts(session)] == ["Alpha", "bravo", "charlie"]
    assert [c.name for c in svc.list_contacts(session, kind=ContactKind.MEDIA)] == [
        "bravo", "charlie"]
    assert [c.name for c in svc.list_contacts(session, limit=1, offset=1)] == ["bravo"]
    assert svc.count_contacts(session) == 3


# -- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("dana", "Dana Reyes"), ("reye", "Dana Reyes"), ("riverside", "Dana Reyes"),
    ("courier", "José Müller"), ("icu", "Dana Reyes"), ("media", "José Müller"),
    ("555 0142", "Dana Reyes"), ("5550142", "Dana Reyes"), ("(212) 555-0142", "Dana Reyes"),
    ("jose", "José Müller"), ("muller", "José Müller"), ("zoe", "Zoë Okafor"),
    ("7946 0958", "José Müller"), ("police detective", "Zoë Okafor"),
])
def test_search(people: Session, query: str, expected: str) -> None:
    assert [c.name for c in svc.search_contacts(people, query)] == [expected]


def test_search_empty_and_nonsense(people: Session) -> None:
    assert len(svc.search_contacts(people, "  ")) == 3
    assert svc.search_contacts(people, '" ( ) * -') == svc.list_contacts(people)
    assert svc.search_contacts(people, '"AND OR (') == []  # words, not operators
    assert svc.search_contacts(people, "nobody-here") == []
    assert len(svc.search_contacts(people, "555", limit=1)) == 1


# -- import -------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ","), ("utf-8", ";"), ("utf-8", "\t"),
])
def test_import_csv_encodings_and_delimiters(session: Session, tmp_path: Path, encoding: str,
                                             delimiter: str) -> None:
    path = write_csv(tmp_path / "staff.csv", [HEADER, *ROWS], encoding=encoding,
                     delimiter=delimiter)
    plan = svc.plan_import(path)
    assert (plan.format, plan.delimiter, plan.total_rows, plan.valid_rows) == (
        "csv", delimiter, 3, 3)
    assert plan.encoding == encoding
    assert plan.mapping["Organization"] == "organisation"
    assert svc.count_contacts(session) == 0  # planning writes nothing
    before = audit_count(session)
    report = svc.import_contacts(session, path)
    assert (report.imported, report.skipped, report.total_rows) == (3, 0, 3)
    assert audit_count(session) == before + 1
    assert audit_service.show(session)[-1].summary == (
        "Imported 3 contacts from staff.csv (name: 3 from Name; job title: 3 from Title; "
        "organisation: 3 from Organization; phones: 3 from Mobile; e-mail: 1 from E-mail; "
        "tags: 2 from Tags)")
    names = {c.name for c in svc.list_contacts(session)}
    assert names == {"Dana Reyes", "José Müller", "Zoë Okafor"}
    assert [c.name for c in svc.search_contacts(session, "muller")] == ["José Müller"]


def test_import_xlsx(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "staff.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Full Name", "Company", "Cell", "Kind"])
    ws.append(["Dana Reyes", "Riverside", 2125550142, "staff"])
    ws.append([None, None, None, None])  # a blank row in between is skipped
    ws.append(["Sam Lee", "Metro Police", "+1 212 555 0100", "Law Enforcement"])
    wb.save(path)
    plan = svc.plan_import(path)
    assert (plan.format, plan.total_rows, plan.valid_rows) == ("xlsx", 2, 2)
    report = svc.import_contacts(session, path)
    assert report.imported == 2
    sam = svc.search_contacts(session, "sam")[0]
    assert sam.kind is ContactKind.LAW_ENFORCEMENT
    assert svc.search_contacts(session, "dana")[0].phones[0].e164 == "+12125550142"


VCARDS = """BEGIN:VCARD
VERSION:3.0
FN:Dana Reyes
N:Reyes;Dana;;;
TITLE:Charge Nurse
ORG:Riverside Clinics;Emergency
TEL;TYPE=CELL:+1 212 555 0142
TEL;TYPE=WORK:(212) 555-0143
EMAIL:dana@example.org
CATEGORIES:on-call,ICU
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Lee;Sam
TEL;HOME:212-555-0100
NOTE:Prefers text
END:VCARD
"""


def test_import_vcard(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "phone.vcf"
    path.write_text(VCARDS, encoding="utf-8")
    report = svc.import_contacts(session, path)
    assert report.imported == 2
    dana = svc.search_contacts(session, "dana")[0]
    assert [(p.label, p.e164) for p in dana.phones] == [
        ("mobile", "+12125550142"), ("work", "+12125550143")]
    assert dana.organisation == "Riverside Clinics, Emergency"
    assert dana.tags == ("on-call", "ICU")
    sam = svc.search_contacts(session, "sam lee")[0]
    assert sam.phones[0].label == "home"
    assert sam.notes == "Prefers text"


def test_bad_vcard_names_its_line(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_text(VCARDS + "BEGIN:VCARD\nVERSION:3.0\nTEL:12\nEND:VCARD\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        svc.import_contacts(session, path)
    assert info.value.problems[0].line == 18  # where its BEGIN:VCARD is


def malformed(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "bad.csv", [
        ["Name", "Phone", "Email"],
        ["Ann Able", "212 555 0101", ""],      # line 2
        ["Ben Bold", "212 555 0102", ""],      # line 3
        ["", "212 555 0103", "nobody@x.org"],  # line 4: no name
        ["Cy Clear", "212 555 0104", ""],      # line 5
        ["Di Dash", "not a phone", ""],        # line 6: bad phone
        ["Ed Even", "212 555 0106", ""],       # line 7
    ])


def test_malformed_file_imports_nothing_and_names_line_4(session: Session,
                                                         tmp_path: Path) -> None:
    before = audit_count(session)
    with pytest.raises(ImportRejected) as info:
        svc.import_contacts(session, malformed(tmp_path))
    assert [p.line for p in info.value.problems] == [4, 6]
    assert "line 4" in str(info.value)
    assert '"not a phone" is not a phone number' in info.value.problems[1].reason
    assert svc.count_contacts(session) == 0
    assert audit_count(session) == before
    plan = svc.plan_import(malformed(tmp_path))
    assert (plan.total_rows, plan.valid_rows, len(plan.problems)) == (6, 4, 2)


def test_skip_invalid_imports_the_rest(session: Session, tmp_path: Path) -> None:
    report = svc.import_contacts(session, malformed(tmp_path), skip_invalid=True)
    assert (report.imported, report.skipped, report.total_rows) == (4, 2, 6)
    assert [p.line for p in report.problems] == [4, 6]
    assert svc.count_contacts(session) == 4
    assert "skipped 2 bad rows" in audit_service.show(session)[-1].summary


def test_dry_run_writes_nothing(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "staff.csv", [HEADER, *ROWS])
    before = audit_count(session)
    report = svc.import_contacts(session, path, dry_run=True)
    assert (report.imported, report.dry_run) == (3, True)
    assert svc.count_contacts(session) == 0
    assert audit_count(session) == before
    with pytest.raises(ImportRejected):
        svc.import_contacts(session, malformed(tmp_path), dry_run=True)


def test_cancel_mid_import_leaves_desk_unchanged(session: Session, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contact_store, "BATCH_SIZE", 100)
    svc.add_contact(session, ContactDraft("Existing Person"))
    rows = [["Name", "Phone"]] + [[f"Person {i}", f"212 555 {i % 10000:04d}"]
                                  for i in range(3000)]
    path = write_csv(tmp_path / "big.csv", rows)
    before = audit_count(session)
    seen: list[tuple[int, int]] = []
    in_table: list[int] = []

    def cancel_on_second_tick() -> bool:
        in_table.append(session.db["contacts"].count)
        return len(seen) >= 2

    with pytest.raises(Cancelled):
        svc.import_contacts(session, path, progress=lambda d, t: seen.append((d, t)),
                            is_cancelled=cancel_on_second_tick)
    assert seen[0] == (500, 3000)
    assert in_table[-1] > 100  # batches of the import were in the table when it was cancelled
    assert svc.count_contacts(session) == 1
    assert audit_count(session) == before
    assert svc.search_contacts(session, "person") == [
        c for c in svc.list_contacts(session) if c.name == "Existing Person"]
    # and a later full import still indexes everything for search
    svc.import_contacts(session, path)
    assert len(svc.search_contacts(session, "person", limit=5000)) == 3001


def test_mapping_overrides_and_ignored_columns(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "odd.csv", [["Who", "Digits", "Shoe size"],
                                            ["Dana Reyes", "212 555 0142", "38"]])
    plan = svc.plan_import(path)
    assert plan.blocking
    assert "no name column" in plan.blocking
    with pytest.raises(ValidationError, match="no name column"):
        svc.import_contacts(session, path)
    overrides = {"Who": "name", "digits": "mobile"}
    plan = svc.plan_import(path, overrides)
    assert (plan.blocking, plan.valid_rows, plan.ignored_columns) == ("", 1, ["Shoe size"])
    assert plan.sample[0].phones == [("mobile", "212 555 0142")]
    report = svc.import_contacts(session, path, mapping_overrides=overrides)
    assert report.ignored_columns == ["Shoe size"]
    with pytest.raises(ValidationError, match="no column named"):
        svc.plan_import(path, {"Nope": "name"})
    with pytest.raises(ValidationError, match="not a contact field"):
        svc.plan_import(path, {"Who": "nickname"})


# -- export -------------------------------------------------------------------------------


def test_export_neutralises_and_round_trips(session: Session, tmp_path: Path) -> None:
    svc.add_contact(session, ContactDraft(
        '=HYPERLINK("http://evil.example","click")', organisation="@SUM(A1:A9)",
        phones=[("mobile", "+1 555 0142"), ("pager", "212 555 0199")], notes="-2 floors",
        tags=["a", "b"]))
    svc.add_contact(session, ContactDraft("Dana Reyes", kind=ContactKind.REGULATOR))
    before = audit_count(session)
    out = tmp_path / "out" / "contacts.csv"
    assert svc.export_contacts_csv(session, out) == 2
    assert audit_count(session) == before + 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells
    assert "'@SUM(A1:A9)" in cells
    assert "'+1 555 0142" in cells
    assert "'-2 floors" in cells
    assert not any(c[:1] in "=+-@\t\r\n" for c in cells if c)

    original = {c.name: c for c in svc.list_contacts(session)}
    for c in svc.list_contacts(session):
        svc.delete_contact(session, c.id)
    assert svc.import_contacts(session, out).imported == 2
    for again in svc.list_contacts(session):
        first = original[again.name]
        assert (again.organisation, again.kind, again.phones, again.notes, again.tags) == (
            first.organisation, first.kind, first.phones, first.notes, first.tags)


def test_export_to_unwritable_place_is_a_user_error(session: Session, tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    before = audit_count(session)
    with pytest.raises(UserError, match="Cannot write"):
        svc.export_contacts_csv(session, tmp_path / "adir")
    assert audit_count(session) == before
