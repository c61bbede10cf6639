"""Guessing which column of a spreadsheet holds which field, for any kind of list.

Contacts, affected-patient lists, calling trees and enrollment codes are all read from files
whose headers nobody controls, so each declares a `ColumnScheme` (its fields, the header
spellings of each, which fields several columns may feed, second choices) and shares the
guessing here. Headers are compared by a loose
key ("E-mail Address" -> "emailaddress"). A guess is only a proposal: the user's overrides go on
top, and "ignore" drops a column on purpose.

The values count too. A header alone can mislead (Outlook's `Title` holds "Ms." and "Dr.", not
a job), so a field may veto columns whose sampled cells do not fit it; and `sniff` names the
columns whose cells look like phone numbers or e-mail addresses, so that a caller can refuse
to drop such a column unless the user says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from crisisdesk.domain.cells import unneutralise_cell
from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.formatting import shorten

IGNORE = ("", "-", "ignore")
ON_PURPOSE = ("-", "ignore")  # an override that drops a column deliberately
SNIFF_ROWS = 200  # rows sampled to judge a column by its values

CellTest = Callable[[str], bool]
Rows = Iterable[Mapping[str, str]]


def mostly(cells: Iterable[str], test: CellTest) -> bool:
    """True when more than half of the non-blank cells pass `test` (and there is one)."""
    seen = passed = 0
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        seen += 1
        passed += bool(test(cell))
    return seen > 0 and passed * 2 > seen


def unique_headers(cells: list[str], name: str = "the file", *,
                   repeats: bool = False) -> list[str]:
    """Header names made usable as keys: blanks named "Column N".

    Two columns with the same name (ignoring case and spacing) are refused, naming both: which
    of them holds the phone number nobody can tell, and silently reading the first would lose
    the other. Raises UserError. With `repeats` (a list read by one column, whose first line
    may be data) a repeat is numbered instead: "Member", "Member (2)".
    """
    headers: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells, start=1):
        header = " ".join(unneutralise_cell(cell).split())
        first = seen.get(header.casefold()) if header else None
        if first is not None and not repeats:
            raise UserError(f"Columns {first} and {i} of {name} are both called "
                            f"'{shorten(header)}'; rename one so it is clear which to read.")
        base = header or f"Column {i}"
        candidate, n = base, 2
        while candidate.casefold() in seen:  # a real column may be called "Column 4" too
            candidate, n = f"{base} ({n})", n + 1
        seen[candidate.casefold()] = i
        headers.append(candidate)
    return headers


@dataclass(frozen=True)
class ColumnScheme:
    """What one kind of list looks like: its fields and how their headers are spelt."""

    noun: str  # "contact", "recipient": used in messages
    fields: tuple[str, ...]
    synonyms: Mapping[str, tuple[str, ...]]
    multi_fields: frozenset[str] = frozenset()  # fields several columns may feed
    second_choices: Mapping[str, str] = field(default_factory=dict)  # key -> field if free
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()  # header regex -> field, first
    keep_digits: bool = False  # "Address Line 2" differs from line 1 (recipients)
    vetoes: Mapping[str, CellTest] = field(default_factory=dict)  # field -> "cell is not one"
    sniffers: Mapping[str, CellTest] = field(default_factory=dict)  # "phone numbers" -> test
    not_sniffed: frozenset[str] = frozenset()  # header keys whose values repeat another column

    def header_key(self, header: str) -> str:
        """'E-mail Address 2' -> 'emailaddress' (or 'emailaddress2' when digits count)."""
        if self.keep_digits:
            return re.sub(r"[^a-z0-9]", "", header.casefold())
        return re.sub(r"[^a-z]", "", header.casefold().rstrip("0123456789 "))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        return {syn: fld for fld, syns in self.synonyms.items() for syn in syns}

    def guess(self, headers: Iterable[str], rows: Rows = ()) -> dict[str, str]:
        """{header: field} for the headers we recognise, checked against sampled `rows`.

        The first column wins a single-valued field; a second choice (e.g. a contact list's
        "Title" for the job title) is used only when no column claimed that field. A field's
        veto rules a column out when most of its sampled cells fail it.
        """
        headers = list(headers)
        sample = list(rows)
        lookup = self._lookup
        mapping: dict[str, str] = {}
        taken: set[str] = set()

        def fits(header: str, fld: str) -> bool:
            veto = self.vetoes.get(fld)
            return veto is None or not mostly((r.get(header, "") for r in sample), veto)

        def claim(header: str, fld: str | None) -> None:
            if fld is None or (fld in taken and fld not in self.multi_fields):
                return
            if fits(header, fld):
                mapping[header] = fld
                taken.add(fld)

        for header in headers:
            fld = next((f for p, f in self.patterns if p.fullmatch(header.strip())), None)
            claim(header, fld or lookup.get(self.header_key(header)))
        for header in headers:
            if header not in mapping:
                claim(header, self.second_choices.get(self.header_key(header)))
        return {h: mapping[h] for h in headers if h in mapping}

    def apply_overrides(self, headers: list[str], mapping: Mapping[str, str],
                        overrides: Mapping[str, str] | None) -> dict[str, str]:
        """The guess with the user's choices on top ('' / '-' / 'ignore' drops a column)."""
        result = dict(mapping)
        for column, fld in (overrides or {}).items():
            header = self.find_header(headers, column)
            target = fld.strip().lower()
            if target in IGNORE:
                result.pop(header, None)
                continue
            if target not in self.fields:
                raise ValidationError(
                    f'"{fld}" is not a {self.noun} field; use one of {", ".join(self.fields)}.',
                    {"mapping": column})
            if target not in self.multi_fields:  # a single-valued field comes from one column
                result = {h: f for h, f in result.items() if f != target}
            result[header] = target
        return {h: result[h] for h in headers if h in result}

    def ignored_on_purpose(self, headers: list[str],
                           overrides: Mapping[str, str] | None) -> set[str]:
        """The headers the user dropped deliberately ('ignore' or '-')."""
        return {self.find_header(headers, column) for column, fld in (overrides or {}).items()
                if fld.strip().lower() in ON_PURPOSE}

    @staticmethod
    def find_header(headers: list[str], column: str) -> str:
        """The header a user meant by `column` (exact, else ignoring case and outer space)."""
        if column in headers:
            return column
        by_key = {h.casefold().strip(): h for h in headers}
        header = by_key.get(column.casefold().strip())
        if header is None:
            raise ValidationError(f'The file has no column named "{column}".',
                                  {"mapping": column})
        return header

    def sniff(self, headers: Iterable[str], rows: Rows) -> dict[str, str]:
        """{header: what its values look like} for columns that mostly hold, e.g., phone
        numbers; only `sniffers` are tried, and `not_sniffed` header keys are skipped."""
        sample = list(rows)
        found: dict[str, str] = {}
        for header in headers:
            if self.header_key(header) in self.not_sniffed:
                continue
            cells = [r.get(header, "") for r in sample]
            for what, test in self.sniffers.items():
                if mostly(cells, test):
                    found[header] = what
                    break
        return found

    def unread(self, headers: list[str], mapping: Mapping[str, str], rows: Rows,
               overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """Columns whose values need reading (see `sniff`) that the mapping leaves out and
        the user did not drop on purpose: {header: what they hold}."""
        skip = set(mapping) | self.ignored_on_purpose(headers, overrides)
        return self.sniff([h for h in headers if h not in skip], rows)
