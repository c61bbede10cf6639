"""The timeline on paper as a dated activity log, in the style of HICS 214 (Activity Log).

Rows by date and 24-hour time. A corrected entry stays, marked with the time of its
correction; the correction says which entry it corrects, so the paper is as honest as the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from crisisdesk.domain.timeline import LogLine
from crisisdesk.domain.times import PAPER_CLOCK, PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, grid_table, header_table

Who = Callable[[str, str], str]  # (name, record id) -> "demo on Site 2 laptop"


def _own(name: str, _record_id: str) -> str:
    return name


def _row(line: LogLine, by_id: dict[str, LogLine], tz: dt.tzinfo, who_of: Who) -> str:
    entry = line.entry
    text = esc(entry.text).replace("\n", "<br>")
    if entry.corrects:
        original = by_id.get(entry.corrects)
        when = show_utc(original.entry.at, tz, PAPER_CLOCK) if original else "an earlier"
        text = f'<span class="small">Correction of the {esc(when)} entry:</span><br>{text}'
    if line.corrected_by is not None:
        text = (f'<span class="struck">{text}</span><br><span class="small">corrected '
                f"{esc(show_utc(line.corrected_by.recorded_at, tz, PAPER_MINUTES))}</span>")
    who = esc(who_of(entry.author, entry.id))
    if entry.position:
        who += f"<br>{esc(entry.position)}"
    nowrap = '<td style="white-space: nowrap">'
    return (f"<tr>{nowrap}{esc(show_utc(entry.at, tz, '%Y-%m-%d'))}</td>"
            f"{nowrap}{esc(show_utc(entry.at, tz, PAPER_CLOCK))}</td>"
            f"{nowrap}{esc(entry.category.value)}</td>"
            f"<td>{text}</td><td>{who}</td></tr>")


def timeline_html(lines: Sequence[LogLine], *, incident: str, tz: dt.tzinfo, org: str = "",
                  period: str = "", printed: str = "", filters: str = "",
                  who: Who = _own) -> str:
    """A complete HTML page: the log lines (already filtered and in time order). `who` names
    an entry's author, with the laptop it came from on a team desk."""
    by_id = {line.entry.id: line for line in lines}
    rows = "".join(_row(line, by_id, tz, who) for line in lines)
    body = header_table([("1. Incident name", incident), ("2. Operational period", period),
                         ("Facility", org), ("Prepared", printed)])
    if filters:
        body += f'<p class="sub">Showing: {esc(filters)}</p>'
    body += grid_table([("Date", 12), ("Time", 10), ("Category", 14),
                        ("Notable activities", 50), ("By", 14)], rows, empty="No entries.")
    return document("Activity Log (HICS 214)", body,
                    sub=f"{len(lines)} entries; times are local, 24-hour clock.",
                    foot=esc("HICS 214 (Activity Log, formerly Operational Log). Entries are "
                             "append-only; corrections are new entries. Originals to the "
                             "Documentation Unit Leader."))
