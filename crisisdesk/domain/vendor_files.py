"""The files exchanged with the credit-monitoring vendor: what goes out (who is eligible) and
how the enrolment file that comes back is read.

Outbound, one row per letter that carries an enrollment code: the letter's reference (the
vendor's key back to us, never the patient's record number), the person's name and address,
date of birth, whether they are a minor (monitoring for a minor is a different product at most
vendors) and the code. Inbound, the vendor's list of who enrolled and when, matched by that
reference: a row CrisisDesk cannot match is named by its line and nothing is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crisisdesk.domain.errors import FileRejected, RowProblem, UserError
from crisisdesk.domain.letters import Letter, parse_reference
from crisisdesk.domain.times import typed_date

ELIGIBILITY_HEADER = ("reference", "name", "address_line1", "address_line2", "city", "state",
                      "zip", "date_of_birth", "minor", "code")
REFERENCE_HEADERS = ("reference", "ref", "member_reference", "client_reference",
                     "letter_reference")
ENROLLED_HEADERS = ("enrolled_on", "enrolled", "enrollment_date", "enrolment_date",
                    "enrolled_date", "date")


def is_minor(birth: dt.date | None, on: dt.date, majority: int) -> bool:
    if birth is None:
        return False
    had_birthday = (on.month, on.day) >= (birth.month, birth.day)
    return on.year - birth.year - (0 if had_birthday else 1) < majority


def eligibility_row(letter: Letter, on: dt.date, majority: int) -> list[object]:
    person, address = letter.person, letter.person.address
    return [letter.reference, person.name, address.line1, address.line2, address.city,
            address.state, address.zip,
            person.birth_date.isoformat() if person.birth_date else "",
            "Y" if is_minor(person.birth_date, on, majority) else "N", letter.code]


@dataclass(frozen=True)
class Enrolment:
    line: int
    reference: str
    enrolled_on: dt.date


class EnrolmentFileRejected(FileRejected):
    """Bad rows in a vendor file: nothing was applied."""


def find_column(headers: Sequence[str], names: Sequence[str], what: str, file: str) -> str:
    folded = {h.strip().lower().replace(" ", "_"): h for h in headers}
    for name in names:
        if name in folded:
            return folded[name]
    raise UserError(f"{file} has no {what} column (looked for: {', '.join(names)}).")


def read_enrolments(rows: Iterable[tuple[int, Mapping[str, str] | str]], ref_column: str,
                    date_column: str, known: Mapping[str, str], file: str,
                    today: dt.date) -> list[Enrolment]:
    """Every row checked before any is used; `known` maps this incident's eligible references
    to their state. Raises EnrolmentFileRejected naming each bad line."""
    found: list[Enrolment] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(RowProblem(line, row))
            continue
        raw = row.get(ref_column, "").strip()
        reference = parse_reference(raw)
        if not reference:
            problems.append(RowProblem(line, f"{raw!r} is not a CrisisDesk letter reference"))
            continue
        if reference not in known:
            problems.append(RowProblem(line, f"unknown reference {reference}: no letter with "
                                             "an enrollment code has it in this incident"))
            continue
        if reference in seen:
            problems.append(RowProblem(line, f"{reference} is listed again (first on line "
                                             f"{seen[reference]})"))
            continue
        text = row.get(date_column, "").strip()
        try:
            day = typed_date(text)
        except ValueError:
            problems.append(RowProblem(line, f"{text!r} is not a date"))
            continue
        if day > today:
            problems.append(RowProblem(line, f"the enrolment date {day} is in the future"))
            continue
        seen[reference] = line
        found.append(Enrolment(line, reference, day))
    if problems:
        raise EnrolmentFileRejected(file, problems)
    if not found:
        raise UserError(f"{file} lists nobody enrolled.")
    return found


@dataclass(frozen=True)
class StateRate:
    state: str
    eligible: int
    enrolled: int

    @property
    def rate(self) -> float:
        return self.enrolled / self.eligible if self.eligible else 0.0


def rates(eligible: Mapping[str, int], enrolled: Mapping[str, int]) -> list[StateRate]:
    """Enrolment rate by state, states in order, plus 'all' last."""
    rows = [StateRate(s or "?", n, enrolled.get(s, 0)) for s, n in sorted(eligible.items())]
    rows.append(StateRate("all", sum(eligible.values()), sum(enrolled.values())))
    return rows


__all__ = ["ELIGIBILITY_HEADER", "ENROLLED_HEADERS", "REFERENCE_HEADERS", "Enrolment",
           "EnrolmentFileRejected", "StateRate", "eligibility_row", "find_column", "is_minor",
           "rates", "read_enrolments"]
