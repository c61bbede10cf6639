"""What a letter must add or leave out for a resident of a given state, on a given day.

Several states add content to the federal notice (Massachusetts: police-report right and a free
security freeze, and *no* description of the breach; California: fixed headings and credit
bureau contacts; New York, Maryland, North Carolina, Oregon, DC: agency contacts) and some set a
minimum length of free credit monitoring when Social Security numbers were involved. The rules
are data (resources/rules/state_inserts.toml), each with a citation and effective dates: the
version in force on the discovery date applies. The text itself is an approved template per
state; this module only decides which one and what it changes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.incidents import US_STATES


@dataclass(frozen=True)
class StateInsert:
    state: str
    template: str  # key without "-<language>"
    citation: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    omit_sections: tuple[str, ...] = ()
    ssn_monitoring_months: int = 0
    required_headings: tuple[str, ...] = ()
    note: str = ""
    confidence: str = "U"

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None
                                              or on <= self.effective_to)

    def template_key(self, language: str) -> str:
        return f"{self.template}-{language}"


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"{where}: a date is required (YYYY-MM-DD)")


def parse_inserts(data: Mapping[str, Any]) -> tuple[list[StateInsert], list[str]]:
    """The entries of a state_inserts.toml, and a problem line for each one skipped."""
    found: list[StateInsert] = []
    problems: list[str] = []
    for n, raw in enumerate(data.get("insert", []), start=1):
        where = f"insert {n}"
        try:
            state = str(raw["state"]).upper()
            if state not in US_STATES:
                raise ValueError(f"{where}: {state!r} is not a US state code")
            template = str(raw["template"])
            if not re.fullmatch(r"[a-z0-9-]+", template):
                raise ValueError(f"{where}: the template key {template!r} is not valid")
            start = _date(raw.get("effective_from"), where)
            end = _date(raw["effective_to"], where) if "effective_to" in raw else None
            if end is not None and end < start:
                raise ValueError(f"{where}: effective_to is before effective_from")
            months = int(raw.get("ssn_monitoring_months", 0))
            if not 0 <= months <= 120:
                raise ValueError(f"{where}: ssn_monitoring_months must be 0-120")
            found.append(StateInsert(
                state, template, str(raw.get("citation", "")), start, end,
                tuple(str(s) for s in raw.get("omit_sections", ())), months,
                tuple(str(h) for h in raw.get("required_headings", ())),
                str(raw.get("note", "")), str(raw.get("confidence", "U"))))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(str(exc) if isinstance(exc, ValueError)
                            else f"{where}: missing or wrong field {exc}")
    return found, problems


def in_force(inserts: Iterable[StateInsert], state: str, on: dt.date) -> StateInsert | None:
    """The state's rule in force on `on` (the discovery date), or None."""
    matches = [i for i in inserts if i.state == state.upper() and i.in_force(on)]
    return max(matches, key=lambda i: i.effective_from) if matches else None


def monitoring_months(inserts: Iterable[StateInsert], states: Iterable[str], on: dt.date, *,
                      ssn_involved: bool, offered: int = 0) -> int:
    """Months of free monitoring to offer: what is offered, raised to the strictest rule in
    force in any of `states` when a Social Security number was involved."""
    if not ssn_involved:
        return offered
    items = list(inserts)
    required = [r.ssn_monitoring_months for s in set(states)
                if (r := in_force(items, s, on)) is not None]
    return max([offered, *required])


def missing_headings(text: str, headings: Iterable[str]) -> list[str]:
    """Headings from `headings` that the plain text of a letter lacks (case-insensitive)."""
    folded = " ".join(text.split()).casefold()
    return [h for h in headings if h.casefold() not in folded]
