"""The incident timeline: an activity log in the spirit of HICS 214 (Activity Log).

Entries are append-only. A mistake is fixed by a *correction*: a new entry that points to the
one it corrects; the original stays, marked as corrected, so the log still shows what was known
and written at the time. Other features (activation, approvals, printing, system status) add
entries automatically with a `source` naming the feature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.choices import checked_text, parse_choice

MAX_ENTRY = 4000


class Category(StrEnum):
    DECISION = "decision"
    ACTION = "action"
    COMMUNICATION = "communication"
    CALL = "call"
    MEDIA = "media"
    NOTE = "note"


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    incident_id: str
    at: str  # when it happened, UTC ISO
    recorded_at: str  # when it was written down, UTC ISO
    author: str
    category: Category
    text: str
    position: str = ""  # the HICS position of the author, if given (e.g. "PIO")
    corrects: str = ""  # id of the entry this one corrects
    source: str = "log"  # "log" for typed entries, else the feature that wrote it
    seq: int = 0


@dataclass(frozen=True)
class LogLine:
    """An entry as shown: with the entry that later corrected it, if any."""

    entry: TimelineEntry
    corrected_by: TimelineEntry | None = None

    @property
    def is_corrected(self) -> bool:
        return self.corrected_by is not None


def entry_ids(lines: Iterable[LogLine]) -> list[str]:
    """The ids of the entries `lines` show, corrections included."""
    return [e.id for line in lines
            for e in (line.entry, line.corrected_by) if e is not None]


def clean_text(text: str) -> str:
    cleaned = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return checked_text(cleaned, "text", limit=MAX_ENTRY,
                        missing="A timeline entry needs some text.",
                        too_long=f"A timeline entry is at most {MAX_ENTRY} characters.")


def parse_category(value: str) -> Category:
    return parse_choice(Category, value, "category")


def with_corrections(entries: Sequence[TimelineEntry]) -> list[LogLine]:
    """Pair each entry with its latest correction (entries in time order)."""
    latest: dict[str, TimelineEntry] = {}
    for entry in entries:
        if entry.corrects:
            latest[entry.corrects] = entry
    return [LogLine(e, latest.get(e.id)) for e in entries]


def matches(line: LogLine, *, categories: Iterable[Category] = (), text: str = "",
            since: str = "", until: str = "", author: str = "",
            include_corrected: bool = True) -> bool:
    """The filter the log view and `timeline list` share (times are UTC ISO strings)."""
    entry = line.entry
    cats = set(categories)
    if cats and entry.category not in cats:
        return False
    if since and entry.at < since:
        return False
    if until and entry.at > until:
        return False
    if author and author.casefold() not in entry.author.casefold():
        return False
    if not include_corrected and line.is_corrected:
        return False
    if text:
        needle = text.casefold()
        haystack = f"{entry.text}\n{entry.author}\n{entry.position}".casefold()
        if needle not in haystack:
            return False
    return True
