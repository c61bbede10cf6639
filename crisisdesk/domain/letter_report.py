"""What the counts report for counsel holds: people by state and classification, letters by
how far they got, and the substitute-notice position.

Counsel and the state regulators ask for the same figures in the same shape; keeping them in
one pure structure means the PDF, the CLI and the Letters page cannot disagree. Only counts:
no name, address or code is ever part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from crisisdesk.domain.letters import SubstituteNotice

# (key, heading, short heading for the per-state table) in table order; the keys are
# classification outcomes or letter variants.
PEOPLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("adult", "Adult"), ("minor", "Minor (to parent)"), ("deceased", "Deceased (to next of kin)"),
    ("no_notice", "Deceased, no next-of-kin address"), ("insufficient", "Insufficient address"),
    ("duplicate", "Duplicates merged"), ("unclassified", "Not classified"),
    ("set_aside", "Set aside for review"),
)
SET_ASIDE = "set_aside"  # rows set aside for review: still affected people, still counted
SHORT_HEADINGS: dict[str, str] = {
    "adult": "Adult", "minor": "Minor", "deceased": "Dec. (kin)", "no_notice": "Dec. (none)",
    "insufficient": "No addr.", "duplicate": "Merged", "unclassified": "Uncl.",
    "set_aside": "Aside",
    "letters": "Letters", "printed": "Printed", "mailed": "Mailed", "returned": "Ret.",
    "remailed": "Re-mail",
}
# Each letter counts at every stage it reached: a mailed letter was printed too.
REACHED: dict[str, tuple[str, ...]] = {
    "printed": ("printed", "mailed", "returned", "remailed"),
    "mailed": ("mailed", "returned", "remailed"),
    "returned": ("returned", "remailed"),
    "remailed": ("remailed",),
}
LETTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("letters", "Letters"), ("printed", "Printed"), ("mailed", "Mailed"),
    ("returned", "Returned"), ("remailed", "Re-mailed"),
)


@dataclass
class StateCounts:
    """One state's row (or the total row): people by classification, letters by status."""

    state: str
    people: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)  # latest status -> letters

    def add_people(self, key: str, n: int) -> None:
        self.people[key] = self.people.get(key, 0) + n

    @property
    def rows(self) -> int:
        return sum(self.people.values())

    def letters(self, key: str) -> int:
        if key == "letters":
            return sum(self.statuses.values())
        return sum(self.statuses.get(s, 0) for s in REACHED[key])


def people_key(variant: str, outcome: str) -> str:
    """The report column a classified row belongs to."""
    if outcome == "letter":
        return variant
    return outcome or "unclassified"


@dataclass(frozen=True)
class LetterReport:
    org: str
    incident_title: str
    discovered_on: str
    as_of: dt.date
    states: tuple[StateCounts, ...]  # by state, "??" (unknown) last
    total: StateCounts
    batches: int
    batches_printed: int
    review_open: int
    substitute: SubstituteNotice
    substitute_done: str  # "2026-04-01 (reference ...)" or ""
    counted: int = 0  # affected people the list accounts for: distinct people + set aside
    incident_total: int = 0  # the incident's affected total (by state + unknown residence)
    incident_states: tuple[str, ...] = ()  # the states the incident's counts give
    audit_head: str = ""  # "entry N, hash H" when the report was made (an anchor on paper)
