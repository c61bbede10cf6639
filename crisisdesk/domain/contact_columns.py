"""Which spreadsheet column holds which contact field, and turning one row into a draft.

Headers are matched loosely ("E-mail Address", "Mobile Phone", "Organization" and "Company"
all work), because the lists a crisis team receives come from HR systems, Outlook and hand-made
spreadsheets. A guess is only a proposal: callers pass overrides. The export writes headers
this guess maps straight back, so an exported file re-imports unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from crisisdesk.domain.cells import unneutralise_cell
from crisisdesk.domain.contact_types import Contact, ContactDraft, ContactKind, parse_kind
from crisisdesk.domain.errors import ValidationError

FIELDS: tuple[str, ...] = (
    "name", "first_name", "last_name", "job_title", "organisation", "kind", "phone", "mobile",
    "work_phone", "home_phone", "email", "notes", "tags",
)
NAME_FIELDS = ("name", "first_name", "last_name")
# phone field -> label given to numbers found in it
PHONE_FIELDS = {"mobile": "mobile", "work_phone": "work", "home_phone": "home", "phone": "phone"}
# fields that may be fed by several columns (their values are combined)
MULTI_FIELDS = frozenset({*PHONE_FIELDS, "notes", "tags"})
IGNORE = ("", "-", "ignore")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "displayname", "contactname", "contact", "person"),
    "first_name": ("firstname", "first", "givenname", "given", "forename"),
    "last_name": ("lastname", "last", "surname", "familyname", "family"),
    "job_title": ("jobtitle", "title", "position", "role", "job", "designation"),
    "organisation": ("organisation", "organization", "org", "company", "employer", "agency",
                     "companyname", "organisationname", "organizationname"),
    "kind": ("kind", "type", "contacttype", "contactkind"),
    "phone": ("phone", "telephone", "tel", "phonenumber", "number", "primaryphone",
              "otherphone", "phones", "telephonenumber"),
    "mobile": ("mobile", "cell", "cellphone", "mobilephone", "mobilenumber", "cellular",
               "cellnumber"),
    "work_phone": ("workphone", "work", "office", "officephone", "businessphone",
                   "worknumber", "direct", "directline", "deskphone"),
    "home_phone": ("homephone", "home", "homenumber"),
    "email": ("email", "emailaddress", "mail", "workemail"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
    "tags": ("tags", "tag", "labels", "groups", "categories", "category"),
}
_LOOKUP = {syn: fld for fld, syns in _SYNONYMS.items() for syn in syns}
# used for `organisation` only when no better column exists
_SECOND_CHOICE = {"department": "organisation", "dept": "organisation", "unit": "organisation",
                  "division": "organisation"}
_PHONE_SPLIT = re.compile(r"\n|;(?!\s*ext)")
_LABELLED = re.compile(r"([A-Za-z][\w /\-]{0,30}?)\s*:\s*(.+)")

EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Name", "name"), ("Job Title", "job_title"), ("Organisation", "organisation"),
    ("Kind", "kind"), ("Mobile", "mobile"), ("Work Phone", "work_phone"),
    ("Home Phone", "home_phone"), ("Phone", "phone"), ("Email", "email"), ("Tags", "tags"),
    ("Notes", "notes"),
)


def header_key(header: str) -> str:
    """'E-mail Address 2' -> 'emailaddress': lower case, letters only, trailing digits gone."""
    return re.sub(r"[^a-z]", "", header.casefold().rstrip("0123456789 "))


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """{header: field} for the headers we recognise; unknown headers are left out."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    headers = list(headers)
    for header in headers:
        fld = _LOOKUP.get(header_key(header))
        if fld is None or (fld in taken and fld not in MULTI_FIELDS):
            continue
        mapping[header] = fld
        taken.add(fld)
    for header in headers:
        fld = _SECOND_CHOICE.get(header_key(header))
        if fld is not None and fld not in taken and header not in mapping:
            mapping[header] = fld
            taken.add(fld)
    return mapping


def apply_overrides(headers: list[str], mapping: dict[str, str],
                    overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The guess with the user's choices on top ('' / '-' / 'ignore' drops a column)."""
    result = dict(mapping)
    by_key = {h.casefold().strip(): h for h in headers}
    for column, fld in (overrides or {}).items():
        header = column if column in headers else by_key.get(column.casefold().strip())
        if header is None:
            raise ValidationError(f'The file has no column named "{column}".',
                                  {"mapping": column})
        target = fld.strip().lower()
        if target in IGNORE:
            result.pop(header, None)
            continue
        if target not in FIELDS:
            raise ValidationError(
                f'"{fld}" is not a contact field; use one of {", ".join(FIELDS)}.',
                {"mapping": column})
        if target not in MULTI_FIELDS:  # a single-valued field comes from one column only
            result = {h: f for h, f in result.items() if f != target}
        result[header] = target
    return {h: result[h] for h in headers if h in result}


def unique_headers(cells: list[str]) -> list[str]:
    """Header names made usable as keys: blanks named "Column N", repeats numbered."""
    headers: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(cells, start=1):
        name = " ".join(unneutralise_cell(cell).split()) or f"Column {i}"
        candidate, n = name, 2
        while candidate.casefold() in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate.casefold())
        headers.append(candidate)
    return headers


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


def _cells(row: Mapping[str, str], headers: tuple[str, ...]) -> list[str]:
    """The non-blank cells of `headers`, with our export's leading apostrophe removed."""
    out: list[str] = []
    for header in headers:
        cell = row.get(header)
        if cell:
            if cell[0] == "'":
                cell = unneutralise_cell(cell)
            cell = cell.strip()
            if cell:
                out.append(cell)
    return out


class RowReader:
    """A mapping compiled once, for reading many rows quickly (see `row_to_draft`)."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        by_field: dict[str, tuple[str, ...]] = {}
        for header, fld in mapping.items():
            by_field[fld] = (*by_field.get(fld, ()), header)
        self._by_field = by_field
        self._phones = [(by_field[f], label) for f, label in PHONE_FIELDS.items()
                        if f in by_field]

    def draft(self, row: Mapping[str, str]) -> ContactDraft:
        by_field = self._by_field

        def get(fld: str) -> tuple[str, ...]:
            return by_field.get(fld, ())

        name = " ".join(_cells(row, get("name"))) or " ".join(
            _cells(row, get("first_name") + get("last_name")))
        if not name.strip():
            raise ValidationError("The row has no name.", {"name": "the row has no name"})
        phones: list[tuple[str, str]] = []
        for headers, label in self._phones:
            for cell in _cells(row, headers):
                phones.extend(split_phone_cell(cell, label))
        kinds = _cells(row, get("kind"))
        return ContactDraft(
            name=name,
            job_title=" ".join(_cells(row, get("job_title"))),
            organisation=" ".join(_cells(row, get("organisation"))),
            kind=parse_kind(kinds[0]) if kinds else ContactKind.STAFF,
            phones=phones,
            email=" ".join(_cells(row, get("email"))),
            notes="\n".join(_cells(row, get("notes"))),
            tags=_cells(row, get("tags")),
        )


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
