"""Which spreadsheet column holds which contact field, and turning one row into a draft.

The lists a crisis team receives come from Google Contacts, Outlook, HR systems and hand-made
spreadsheets, so the scheme below knows their spellings: Google's numbered groups
("Phone 1 - Type" / "Phone 1 - Value", "Organization 1 - Title", "Group Membership", or the newer
"Phone 1 - Label" and "Organization Name"), Outlook's ("Job Title", "Business Phone 2",
"E-mail 3 Address"; its "Title" is the honorific, so a Title column of "Ms." and "Dr." is not
read as the job). A cell may hold several values separated by " ::: " (Google). The guess is
only a proposal: callers pass overrides. The export writes headers this guess maps straight
back, so an exported file re-imports unchanged.

The guessing itself is the shared `ColumnScheme`'s (`SCHEME.guess`, `SCHEME.apply_overrides`);
columns whose values look like phone numbers or e-mail addresses are named by `SCHEME.unread`
when no field reads them, so an import can refuse to drop them silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import phonenumbers

from crisisdesk.domain.cells import unneutralise_cell
from crisisdesk.domain.column_scheme import ColumnScheme
from crisisdesk.domain.contact_types import (
    EMAIL_SEPARATOR,
    Contact,
    ContactDraft,
    ContactKind,
    looks_like_email,
    parse_kind,
    split_emails,
)
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.phones import DEFAULT_REGION, MAX_NUMBER_LENGTH, clean_number

FIELDS: tuple[str, ...] = (
    "name", "first_name", "middle_name", "last_name", "suffix", "job_title", "organisation",
    "department", "kind", "phone", "mobile", "work_phone", "home_phone", "label", "email",
    "notes", "tags",
)
NAME_FIELDS = ("name", "first_name", "last_name")
# phone field -> label given to numbers found in it
PHONE_FIELDS = {"mobile": "mobile", "work_phone": "work", "home_phone": "home", "phone": "phone"}
# fields that may be fed by several columns (their values are combined)
MULTI_FIELDS = frozenset({*PHONE_FIELDS, "email", "notes", "tags", "label"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "displayname", "contactname", "contact", "person"),
    "first_name": ("firstname", "first", "givenname", "given", "forename"),
    "middle_name": ("middlename", "middle", "additionalname", "middleinitial"),
    "last_name": ("lastname", "last", "surname", "familyname", "family"),
    "suffix": ("suffix", "namesuffix"),
    "job_title": ("jobtitle", "position", "role", "job", "designation", "organizationtitle",
                  "organisationtitle", "companytitle"),
    "organisation": ("organisation", "organization", "org", "company", "employer", "agency",
                     "companyname", "organisationname", "organizationname"),
    "department": ("department", "dept", "organizationdepartment", "organisationdepartment",
                   "division", "unit"),
    "kind": ("kind", "type", "contacttype", "contactkind"),
    "phone": ("phone", "telephone", "tel", "phonenumber", "number", "primaryphone",
              "otherphone", "phones", "telephonenumber", "phonevalue", "pager", "fax",
              "businessfax", "homefax", "otherfax", "assistantsphone", "carphone",
              "companymainphone", "callback", "radiophone", "ttytddphone", "isdn", "telex"),
    "mobile": ("mobile", "cell", "cellphone", "mobilephone", "mobilenumber", "cellular",
               "cellnumber"),
    "work_phone": ("workphone", "work", "office", "officephone", "businessphone",
                   "worknumber", "direct", "directline", "deskphone"),
    "home_phone": ("homephone", "home", "homenumber"),
    "email": ("email", "emailaddress", "mail", "workemail", "emailvalue", "emails",
              "emailaddresses"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "tags": ("tags", "tag", "labels", "groups", "categories", "category", "groupmembership"),
}
# used only when no better column exists ("Title" is Outlook's honorific, checked by value)
_SECOND_CHOICE = {"title": "job_title", "occupation": "job_title", "profession": "job_title"}
# Google's "Phone 1 - Type" / "E-mail 2 - Label": the label of the value in the same group
_LABEL_COLUMN = re.compile(r"(?i)((?:phone|e-?mail)\s*\d*)\s*-\s*(?:type|label)")
_VALUE_COLUMN = re.compile(r"(?i)(.*?)\s*-\s*value")
# the label of numbers in a "phone" column named like this (by header key)
_HEADER_LABELS = {
    "pager": "pager", "fax": "fax", "businessfax": "work fax", "homefax": "home fax",
    "otherfax": "fax", "assistantsphone": "assistant", "carphone": "car",
    "companymainphone": "main", "callback": "callback", "radiophone": "radio",
    "ttytddphone": "tty", "isdn": "isdn", "telex": "telex", "otherphone": "other",
}
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev",
                         "fr", "sr", "sra", "srta", "herr", "frau", "mme", "mlle", "m"})
_PHONE_SHAPE = re.compile(r"(?i)(tel:)?\+?[\d\s().\-/]{7,}((ext\.?|x|#)\s*\d{1,6})?")
_PHONE_SPLIT = re.compile(r"\n|;(?!\s*ext)")
_LABELLED = re.compile(r"([A-Za-z][\w /\-]{0,30}?)\s*:\s*(.+)")
MULTI_VALUE = re.compile(r"\s+:::\s+")  # Google's separator inside one cell
PHONES = "phone numbers"
EMAILS = "e-mail addresses"

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"), ("Job Title", "job_title"), ("Organisation", "organisation"),
    ("Kind", "kind"), ("Mobile", "mobile"), ("Work Phone", "work_phone"),
    ("Home Phone", "home_phone"), ("Phone", "phone"), ("Email", "email"), ("Tags", "tags"),
    ("Notes", "notes"),
)


def is_honorific(cell: str) -> bool:
    """'Ms.', 'Dr', 'Mrs.' (what Outlook's Title column holds)."""
    return cell.strip().rstrip(".").casefold() in _HONORIFICS


def looks_like_phone(cell: str) -> bool:
    """Every value in the cell is a whole phone number (country code or area code included)."""
    values = [v for v in MULTI_VALUE.split(cell.strip()) if v]
    return bool(values) and all(_one_phone(v) for v in values)


def _one_phone(text: str) -> bool:
    text = clean_number(text)
    if len(text) > MAX_NUMBER_LENGTH or _PHONE_SHAPE.fullmatch(text) is None:
        return False
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def _looks_like_emails(cell: str) -> bool:
    values = split_emails(cell)
    return bool(values) and all(looks_like_email(v) for v in values)


SCHEME = ColumnScheme(
    "contact", FIELDS, _SYNONYMS, MULTI_FIELDS, _SECOND_CHOICE,
    patterns=((_LABEL_COLUMN, "label"),),
    vetoes={"job_title": is_honorific},
    sniffers={PHONES: looks_like_phone, EMAILS: _looks_like_emails},
    not_sniffed=frozenset({"emaildisplayname"}),  # Outlook: repeats the address
)


def has_name_column(mapping: Mapping[str, str]) -> bool:
    return any(f in NAME_FIELDS for f in mapping.values())


def split_phone_cell(cell: str, default_label: str) -> list[tuple[str, str]]:
    """'mobile: 555 0142; pager: 555 0199' -> [(mobile, ...), (pager, ...)]."""
    if ";" not in cell and ":" not in cell and "\n" not in cell:
        return [(default_label, cell)]  # the usual case: one plain number
    found: list[tuple[str, str]] = []
    for piece in _PHONE_SPLIT.split(cell):
        piece = piece.strip()
        if not piece:
            continue
        m = _LABELLED.fullmatch(piece)
        if m is not None and m.group(1).lower() != "tel":
            found.append((m.group(1), m.group(2)))
        else:
            found.append((default_label, piece))
    return found


def label_text(cell: str) -> str:
    """A Google Type/Label cell as our label: '* Work' -> 'work' ('* ' marks the primary)."""
    return " ".join(cell.strip().lstrip("*").split()).lower()


def _clean(cell: str | None) -> str:
    if not cell:
        return ""
    return unneutralise_cell(cell).strip()


def _cells(row: Mapping[str, str], headers: tuple[str, ...]) -> list[str]:
    """The non-blank cells of `headers`, with our export's leading apostrophe removed."""
    out: list[str] = []
    for header in headers:
        cell = _clean(row.get(header))
        if cell:
            out.append(cell)
    return out


def _values(cells: Iterable[str]) -> list[str]:
    """Cells split at Google's ' ::: '."""
    return [v for cell in cells for v in MULTI_VALUE.split(cell) if v.strip()]


# what the import summary calls each field, and the fields reported together
SUMMARY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("name", "first_name", "middle_name", "last_name", "suffix")),
    ("job title", ("job_title",)), ("organisation", ("organisation",)),
    ("department", ("department",)), ("kind", ("kind",)),
    ("phones", tuple(PHONE_FIELDS)), ("e-mail", ("email",)), ("notes", ("notes",)),
    ("tags", ("tags",)),
)


@dataclass(frozen=True)
class FieldSource:
    """For the import summary: how many cells filled a field, and from which columns."""

    field: str  # as in SUMMARY_GROUPS ("phones", "e-mail", ...)
    cells: int
    columns: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.field}: {self.cells} from {', '.join(self.columns)}"


class RowReader:
    """A mapping compiled once, for reading many rows quickly (see `row_to_draft`)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        by_field: dict[str, tuple[str, ...]] = {}
        for header, fld in mapping.items():
            by_field[fld] = (*by_field.get(fld, ()), header)
        self._by_field = by_field
        labels = {m.group(1).casefold().replace(" ", ""): h for h in by_field.get("label", ())
                  if (m := _LABEL_COLUMN.fullmatch(h.strip())) is not None}
        # (column, its label column or None, the default label), in mapping order
        self._phones: list[tuple[str, str | None, str]] = []
        for header, fld in mapping.items():
            if fld not in PHONE_FIELDS:
                continue
            default = PHONE_FIELDS[fld]
            if fld == "phone":
                default = _HEADER_LABELS.get(SCHEME.header_key(header), default)
            self._phones.append((header, _label_column(header, labels), default))
        order = list(PHONE_FIELDS)  # mobile numbers first, then work, home, the rest
        self._phones.sort(key=lambda p: order.index(mapping[p[0]]))
        self.counts: dict[str, int] = {}
        self._groups = [(name, tuple(h for f in flds for h in by_field.get(f, ())))
                        for name, flds in SUMMARY_GROUPS]
        self._tallied = tuple(h for _, headers in self._groups for h in headers)

    def draft(self, row: Mapping[str, str]) -> ContactDraft:
        by_field = self._by_field

        def get(fld: str) -> tuple[str, ...]:
            return by_field.get(fld, ())

        name = " ".join(_cells(row, get("name"))) or " ".join(_cells(
            row, get("first_name") + get("middle_name") + get("last_name") + get("suffix")))
        if not name.strip():
            raise ValidationError("The row has no name.", {"name": "the row has no name"})
        phones: list[tuple[str, str]] = []
        for header, label_header, default in self._phones:
            cell = _clean(row.get(header))
            if not cell:
                continue
            labels = [label_text(v) for v in MULTI_VALUE.split(_clean(row.get(label_header)))
                      ] if label_header else []
            values = MULTI_VALUE.split(cell) if ":::" in cell else (cell,)
            for i, value in enumerate(values):
                if not value.strip():
                    continue
                label = (labels[i] if i < len(labels) else labels[0]) if labels else ""
                phones.extend(split_phone_cell(value.strip(), label or default))
        organisation = " ".join(_cells(row, get("organisation")))
        department = " ".join(_cells(row, get("department")))
        if department and department.casefold() != organisation.casefold():
            organisation = f"{organisation}, {department}" if organisation else department
        kinds = _cells(row, get("kind"))
        return ContactDraft(
            name=name,
            job_title=" ".join(_cells(row, get("job_title"))),
            organisation=organisation,
            kind=parse_kind(kinds[0]) if kinds else ContactKind.STAFF,
            phones=phones,
            email=EMAIL_SEPARATOR.join(split_emails(EMAIL_SEPARATOR.join(
                _cells(row, get("email"))))),
            notes="\n".join(_cells(row, get("notes"))),
            tags=[t for t in _values(_cells(row, get("tags"))) if not t.startswith("*")],
        )

    def tally(self, row: Mapping[str, str]) -> None:
        """Count the row's non-blank cells per column (for `sources`)."""
        counts = self.counts
        for header in self._tallied:
            cell = row.get(header)
            if cell and cell.strip() not in ("", "'"):
                counts[header] = counts.get(header, 0) + 1

    def sources(self) -> list[FieldSource]:
        """What each field was filled from in the rows tallied: the columns that had a value
        and how many cells; fields no cell filled are left out."""
        found = []
        for name, headers in self._groups:
            used = tuple(h for h in headers if self.counts.get(h))
            if used:
                found.append(FieldSource(name, sum(self.counts[h] for h in used), used))
        return found


def _label_column(header: str, labels: Mapping[str, str]) -> str | None:
    """'Phone 2 - Value' -> the 'Phone 2 - Type' (or '- Label') column, when mapped."""
    m = _VALUE_COLUMN.fullmatch(header.strip())
    return labels.get(m.group(1).casefold().replace(" ", "")) if m else None


def row_to_draft(row: Mapping[str, str], mapping: Mapping[str, str]) -> ContactDraft:
    """One row as a draft; raises ValidationError (e.g. no name, unknown kind).

    A leading apostrophe in front of = + - @ Tab CR LF is removed from every cell: that is
    what our export adds to keep spreadsheets from running cells as formulas.
    """
    return RowReader(mapping).draft(row)


def contact_to_row(contact: Contact) -> list[str]:
    """The export row for `contact`, in EXPORT_COLUMNS order (not yet neutralised)."""
    phones: dict[str, list[str]] = {fld: [] for fld in PHONE_FIELDS}
    columns = {label: fld for fld, label in PHONE_FIELDS.items()}
    for phone in contact.phones:
        fld = columns.get(phone.label, "phone")
        labelled = fld == "phone" and phone.label != PHONE_FIELDS["phone"]
        phones[fld].append(f"{phone.label}: {phone.original}" if labelled else phone.original)
    cells = {
        "name": contact.name, "job_title": contact.job_title,
        "organisation": contact.organisation, "kind": contact.kind.value,
        "email": contact.email, "tags": ", ".join(contact.tags), "notes": contact.notes,
        **{fld: "; ".join(nums) for fld, nums in phones.items()},
    }
    return [cells[fld] for _, fld in EXPORT_COLUMNS]

