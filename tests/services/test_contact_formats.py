"""Contact lists as real tools export them: every phone, e-mail, title and organisation arrives.

The fixtures in tests/fixtures/contacts/ follow the published layouts: Google Contacts' "Google
CSV" (the older Type/Value groups and the newer Label/Value ones), Outlook's CSV (Windows-1252,
every cell quoted, Title = honorific), Apple/iCloud vCard 3.0 (itemN.X-ABLabel groups, folded
lines), Android vCard 2.1 and 3.0, and vCard 4.0 (TEL;VALUE=uri:tel:...).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.errors import ValidationError
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as svc
from crisisdesk.services.calling_trees import files as tree_files
from crisisdesk.services.calling_trees import trees as calling_trees
from crisisdesk.services.contact_import import UnreadColumns
from crisisdesk.services.session import Session

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contacts"


def imported(session: Session, name: str | Path) -> dict[str, Contact]:
    report = svc.import_contacts(session, FIXTURES / name)  # an absolute path stays itself
    assert report.skipped == 0
    return {c.name: c for c in svc.list_contacts(session)}


def phones(contact: Contact) -> list[tuple[str, str]]:
    return [(p.label, p.e164) for p in contact.phones]


def test_google_csv_legacy_type_value_groups(session: Session) -> None:
    people = imported(session, "google_legacy.csv")
    assert sorted(people) == ["Dana Reyes", "Lee Ann Park", "Sam Okafor"]
    dana = people["Dana Reyes"]
    assert phones(dana) == [("mobile", "+16175550101"), ("mobile", "+16175550199"),
                            ("work", "+16175550142")]
    assert dana.emails == ["dana.reyes@riverside.example", "dana@home.example"]
    assert dana.job_title == "Charge Nurse"
    assert dana.organisation == "Riverside Health, Emergency Department"
    assert dana.tags == ("Crisis Team",)  # "* myContacts" and "* starred" are Google's own
    assert dana.notes == "Night lead"
    sam = people["Sam Okafor"]
    assert phones(sam) == [("work", "+12125550177"), ("home", "+12125550123"),
                           ("pager", "+12125550166")]
    assert sam.emails == ["sam.okafor@courier.example", "tips@courier.example"]
    assert (sam.job_title, sam.organisation) == ("Health Reporter", "Daily Courier")
    assert sam.tags == ("Media", "On Call")
    lee = people["Lee Ann Park"]  # no Name cell: given, additional and family names
    assert phones(lee) == [("mobile", "+16175550110")]
    assert (lee.emails, lee.job_title, lee.organisation, lee.tags) == ([], "", "", ())


def test_google_csv_lists_no_phone_email_or_organisation_column_as_ignored(
        session: Session) -> None:
    report = svc.import_contacts(session, FIXTURES / "google_legacy.csv")
    for column in report.ignored_columns:
        assert not column.startswith(("Phone", "E-mail")), column
        assert column not in ("Organization 1 - Name", "Organization 1 - Title",
                              "Organization 1 - Department", "Group Membership")
    assert report.sources_text() == (
        "name: 9 from Name, Given Name, Additional Name, Family Name; "
        "job title: 2 from Organization 1 - Title; organisation: 2 from Organization 1 - Name; "
        "department: 1 from Organization 1 - Department; "
        "phones: 6 from Phone 1 - Value, Phone 2 - Value, Phone 3 - Value; "
        "e-mail: 3 from E-mail 1 - Value, E-mail 2 - Value; notes: 1 from Notes; "
        "tags: 3 from Group Membership")
    summary = audit_service.show(session)[-1].summary
    assert summary.startswith("Imported 3 contacts from google_legacy.csv (name: 9 from")
    assert "Reyes" not in summary
    assert "555" not in summary
    assert "@" not in summary


def test_google_csv_current_label_columns(session: Session) -> None:
    people = imported(session, "google_current.csv")
    maria = people["Maria T. Alvarez MD"]
    assert phones(maria) == [("mobile", "+16175550131"), ("work", "+16175550132"),
                             ("work", "+16175550133")]
    assert maria.emails == ["m.alvarez@riverside.example"]
    assert maria.job_title == "Medical Director"
    assert maria.organisation == "Riverside Health, Infection Control"
    assert maria.tags == ("Leadership",)
    tom = people["Tom Becker"]
    assert phones(tom) == [("work", "+16175550150")]
    assert tom.emails == ["tom.becker@health.state.example", "privacy@health.state.example"]
    assert (tom.job_title, tom.organisation, tom.tags) == (
        "Privacy Officer", "State Health Dept", ("Regulators",))


def test_outlook_csv_title_is_the_honorific_not_the_job(session: Session) -> None:
    plan = svc.plan_import(FIXTURES / "outlook.csv")
    assert plan.encoding == "cp1252"
    assert "Title" in plan.ignored_columns
    assert plan.mapping["Job Title"] == "job_title"
    people = imported(session, "outlook.csv")
    renee = people["Renée J. Dubois"]
    assert renee.job_title == "Director of Pharmacy"
    assert renee.organisation == "Riverside Health, Pharmacy"
    assert phones(renee) == [
        ("mobile", "+16175550162"), ("work", "+16175550160"), ("work", "+16175550161"),
        ("home", "+16175550163"), ("work fax", "+16175550165"), ("other", "+16175550164")]
    assert renee.emails == ["renee.dubois@riverside.example", "rdubois@home.example"]
    assert renee.tags == ("Leadership", "On Call")
    assert renee.notes == "Keys to the pharmacy vault"
    ahmed = people["Ahmed Khan Jr."]
    assert (ahmed.job_title, ahmed.organisation) == ("Forensics Lead", "Metro Police")
    assert phones(ahmed) == [("mobile", "+12125550170"), ("pager", "+12125550171")]
    assert ahmed.emails == ["a.khan@police.example", "forensics@police.example"]


def test_apple_icloud_vcard_item_labels_and_folded_lines(session: Session) -> None:
    people = imported(session, "apple_icloud.vcf")
    dana = people["Dana Reyes"]
    assert phones(dana) == [("mobile", "+16175550101"), ("work", "+16175550142"),
                            ("other", "+16175550199"), ("on-call desk", "+16175550188")]
    assert dana.emails == ["dana.reyes@riverside.example", "dana@home.example",
                           "oncall@riverside.example"]
    assert dana.job_title == "Charge Nurse"
    assert dana.organisation == "Riverside Health, Emergency Department"
    assert dana.tags == ("Crisis Team", "Nursing")
    assert dana.notes == ("Night lead for the emergency department; speaks Spanish and "
                          "Portuguese, carries the on-call phone on weekends")
    khan = people["Dr. Ahmed Khan"]
    assert phones(khan) == [("mobile", "+12125550170"), ("mobile", "+12125550172"),
                            ("work fax", "+12125550173")]
    assert khan.emails == ["a.khan@police.example"]
    assert (khan.job_title, khan.organisation) == ("Forensics Lead", "Metro Police")


def test_android_vcard_21_and_30(session: Session) -> None:
    people = imported(session, "android_21.vcf")
    sam = people["Sam Okafor"]
    assert phones(sam) == [("mobile", "+12125550177"), ("work", "+12125550178"),
                           ("home", "+12125550123")]
    assert sam.emails == ["sam.okafor@courier.example", "sam@home.example"]
    assert (sam.job_title, sam.organisation) == ("Health Reporter", "Daily Courier")
    jose = people["José Müller"]  # quoted-printable UTF-8 name
    assert phones(jose) == [("mobile", "+442079460958")]
    assert jose.emails == ["jose.muller@example.org"]
    linh = imported(session, "android_30.vcf")["Linh Nguyen"]
    assert phones(linh) == [("mobile", "+16175550190"), ("work", "+16175550191"),
                            ("radio", "+16175550192")]
    assert linh.emails == ["linh.nguyen@riverside.example", "linh@home.example",
                           "linh.n@other.example"]
    assert (linh.job_title, linh.organisation) == ("IT Security Manager", "Riverside Health")


def test_vcard_40_uri_numbers_quoted_types_and_org_department(session: Session) -> None:
    maria = imported(session, "vcard_40.vcf")["Maria Alvarez"]
    assert phones(maria) == [("mobile", "+16175550131"), ("work", "+16175550132")]
    assert maria.emails == ["m.alvarez@acme.example", "maria@home.example"]
    assert maria.job_title == "Medical Director"
    assert maria.organisation == "Acme Health, Infection Control"
    assert maria.tags == ("Leadership", "Infection Control")


def test_vcard_summary_names_the_vcard_properties(session: Session) -> None:
    report = svc.import_contacts(session, FIXTURES / "vcard_40.vcf")
    assert "phones: 1 from TEL" in report.sources_text()
    assert "e-mail: 1 from EMAIL" in report.sources_text()


def test_xlsx_with_a_phone_stored_as_a_number(session: Session, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Job Title", "Company", "Department", "Mobile", "Work Phone", "E-mail",
               "Tags"])
    ws.append(["Dana Reyes", "Charge Nurse", "Riverside Health", "Emergency", 6175550101,
               2125550177.0, "dana@riverside.example; dana@home.example", "on-call, icu"])
    ws.append(["Sam Okafor", "Reporter", "Daily Courier", None, "+1 (212) 555-0123", None,
               None, None])
    path = tmp_path / "staff.xlsx"
    wb.save(path)
    people = imported(session, path)
    dana = people["Dana Reyes"]
    assert phones(dana) == [("mobile", "+16175550101"), ("work", "+12125550177")]
    assert dana.emails == ["dana@riverside.example", "dana@home.example"]
    assert (dana.job_title, dana.organisation) == ("Charge Nurse", "Riverside Health, Emergency")
    assert dana.tags == ("on-call", "icu")
    sam = people["Sam Okafor"]
    assert phones(sam) == [("mobile", "+12125550123")]
    assert (sam.emails, sam.organisation) == ([], "Daily Courier")


# -- never dropped silently ---------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


UNKNOWN = ("Name,Contact No,Alt,Badge\n"
           "Dana Reyes,617-555-0101,dana@riverside.example,10442\n"
           "Sam Okafor,(212) 555-0177,,10443\n"
           "Lee Park,,lee@riverside.example,10444\n")


def test_unread_phone_and_email_columns_stop_the_import(session: Session,
                                                        tmp_path: Path) -> None:
    path = write(tmp_path / "list.csv", UNKNOWN)
    plan = svc.plan_import(path)
    assert plan.unread == {"Contact No": "phone numbers", "Alt": "e-mail addresses"}
    assert "Contact No" in plan.blocking
    assert "Alt" in plan.blocking
    before = len(audit_service.show(session))
    with pytest.raises(UnreadColumns) as caught:
        svc.import_contacts(session, path)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.columns == {"Contact No": "phone numbers", "Alt": "e-mail addresses"}
    assert str(caught.value) == (
        'Column "Contact No" holds phone numbers; column "Alt" holds e-mail addresses but is '
        "not read: map it to a contact field, or ignore it on purpose.")
    with pytest.raises(UnreadColumns):
        svc.import_contacts(session, path, dry_run=True)
    assert svc.count_contacts(session) == 0
    assert len(audit_service.show(session)) == before


def test_unread_columns_can_be_mapped_or_ignored_on_purpose(session: Session,
                                                            tmp_path: Path) -> None:
    path = write(tmp_path / "list.csv", UNKNOWN)
    report = svc.import_contacts(session, path,
                                 mapping_overrides={"Contact No": "ignore", "Alt": "email"})
    assert report.imported == 3
    people = {c.name: c for c in svc.list_contacts(session)}
    assert people["Dana Reyes"].phones == ()
    assert people["Lee Park"].emails == [
        "lee@riverside.example"]
    assert "Contact No" in report.ignored_columns
    with pytest.raises(UnreadColumns) as caught:  # blank is "not chosen", not "ignore"
        svc.import_contacts(session, path, mapping_overrides={"Contact No": "", "Alt": "-"},
                            dry_run=True)
    assert caught.value.columns == {"Contact No": "phone numbers"}
    dry = svc.import_contacts(session, path, dry_run=True,
                              mapping_overrides={"Contact No": "mobile", "Alt": "ignore"})
    assert dry.sources_text() == "name: 3 from Name; phones: 2 from Contact No"


def test_numbers_that_are_not_phones_do_not_block(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "list.csv",
                 "Name,ZIP,Badge,Extension,Started\n"
                 "Dana Reyes,02115,10442,5550142,2024-01-15\n"
                 "Sam Okafor,10001,10443,5550177,2023-11-02\n")
    plan = svc.plan_import(path)
    assert plan.unread == {}
    assert not plan.blocking
    assert svc.import_contacts(session, path).imported == 2


def test_every_email_survives_export_reimport_and_the_tree_vcard(session: Session,
                                                                 tmp_path: Path) -> None:
    imported(session, "android_30.vcf")
    out = tmp_path / "export.csv"
    assert svc.export_contacts_csv(session, out) == 1
    assert "linh.nguyen@riverside.example, linh@home.example, linh.n@other.example" in \
        out.read_text("utf-8-sig")
    linh = svc.list_contacts(session)[0]
    svc.delete_contact(session, linh.id)
    again = imported(session, out)["Linh Nguyen"]
    assert again.emails == linh.emails
    assert phones(again) == phones(linh)
    tree = calling_trees.create_tree(session, "Night shift")
    calling_trees.add_person(session, tree.id, again.id)
    vcf = tmp_path / "tree.vcf"
    tree_files.export_tree_vcard(session, tree.id, vcf)
    lines = vcf.read_text("utf-8").splitlines()
    assert [ln for ln in lines if ln.startswith("EMAIL")] == [
        "EMAIL:linh.nguyen@riverside.example", "EMAIL:linh@home.example",
        "EMAIL:linh.n@other.example"]
