"""The counts report for counsel: a one-page summary, then the per-state count table.

The HTML builder is plain Python (tested without Qt); `write_pdf` lays it out with the shared
`html_to_pdf`. Every value goes through `esc`; the report holds counts only.
"""

from __future__ import annotations

from pathlib import Path

from crisisdesk.domain.letter_report import (
    LETTER_COLUMNS,
    PEOPLE_COLUMNS,
    SHORT_HEADINGS,
    LetterReport,
    StateCounts,
)
from crisisdesk.domain.letters import SUBSTITUTE_WEB_TEMPLATE, substitute_obligation_title
from crisisdesk.printing.crisis_paper import document, esc, header_table
from crisisdesk.services.letters.report import UNKNOWN

TITLE = "Patient letters: counts for counsel"
NO_STATE = "No state"  # the row of people whose list entry gives no usable state
_GRID = '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="3">'


def _n(value: int) -> str:
    return f"{value:,}"


def _substitute(report: LetterReport) -> str:
    s = report.substitute
    if not s.required:
        return "<p>Substitute notice: not needed (every person has a usable address).</p>"
    line = substitute_obligation_title(s)
    status = (f"Done {esc(report.substitute_done)}." if report.substitute_done
              else '<span class="alert">Not recorded as done.</span>')
    extra = (f" Proposed template: {esc(SUBSTITUTE_WEB_TEMPLATE)}."
             if s.required == "web_or_media" else "")
    return (f"<p><b>{esc(line)}</b> ({_n(s.insufficient)} people without a usable or current "
            f"address: {esc(s.breakdown)}; 45 CFR 164.404(d)(2).) {status}{extra}</p>")


def _label(state: str) -> str:
    return NO_STATE if state == UNKNOWN else state


def _states_count(report: LetterReport) -> str:
    """'4' or '4, and 1 person with no usable state': the header agrees with the table."""
    known = sum(1 for s in report.states if s.state != UNKNOWN)
    unknown = next((s for s in report.states if s.state == UNKNOWN), None)
    if unknown is None:
        return _n(known)
    people = sum(unknown.people.values())
    who = "person" if people == 1 else "people"
    return f"{_n(known)}, and {_n(people)} {who} with no usable state"


def _outside_incident(report: LetterReport) -> str:
    """A warning when the list has residents of a state the incident's counts leave out: the
    state notices are worked out from the incident's counts, so one of the two is wrong."""
    listed = {s.state for s in report.states if s.state != UNKNOWN}
    extra = sorted(listed - set(report.incident_states)) if report.incident_states else []
    if not extra:
        return ""
    return (f'<p class="warn">The list has residents of {esc(", ".join(extra))}, which the '
            "incident's counts by state do not include: correct the incident's counts (state "
            "notices are worked out from them) or the list.</p>")


def _summary(report: LetterReport) -> str:
    t = report.total
    people = "".join(f"<tr><td>{esc(label)}</td><td align=\"right\">{_n(t.people.get(key, 0))}"
                     "</td></tr>" for key, label in PEOPLE_COLUMNS)
    letters = "".join(f"<tr><td>{esc(label)}</td><td align=\"right\">{_n(t.letters(key))}"
                      "</td></tr>" for key, label in LETTER_COLUMNS)
    body = header_table([("Incident", report.incident_title),
                         ("Discovered", report.discovered_on),
                         ("Counts as of", report.as_of.isoformat()),
                         ("Affected people counted", f"{_n(report.counted)} (incident total "
                                                     f"{_n(report.incident_total)})"),
                         ("States", _states_count(report))])
    body += "<h2>People on the list, by classification</h2>"
    body += (f'{_GRID}<tr><th width="70%">Classification</th><th>People (rows)</th></tr>'
             f'{people}<tr><td><b>All rows</b></td><td align="right"><b>{_n(t.rows)}</b>'
             "</td></tr></table>")
    body += "<h2>Letters</h2>"
    body += (f'{_GRID}<tr><th width="70%">Stage reached</th><th>Letters</th></tr>{letters}'
             f'<tr><td>Batches (printed)</td><td align="right">{_n(report.batches)} '
             f"({_n(report.batches_printed)})</td></tr></table>")
    body += ('<p class="sub">A letter counts at every stage it reached: a mailed letter was '
             "also printed; a re-mailed letter was also returned.</p>")
    body += "<h2>Substitute notice</h2>" + _substitute(report)
    if report.review_open:
        body += (f'<p class="warn">{_n(report.review_open)} rows of the list are set aside for '
                 "review: they are counted above and in the substitute notice until fixed.</p>")
    return body


def _state_row(s: StateCounts, bold: bool = False) -> str:
    cells = [_label(s.state), *(_n(s.people.get(k, 0)) for k, _ in PEOPLE_COLUMNS),
             *(_n(s.letters(k)) for k, _ in LETTER_COLUMNS)]
    wrap = ("<b>", "</b>") if bold else ("", "")
    right = ' align="right"'
    return "<tr>" + "".join(f'<td{"" if i == 0 else right}>{wrap[0]}{esc(c)}{wrap[1]}</td>'
                            for i, c in enumerate(cells)) + "</tr>"


def _states(report: LetterReport) -> str:
    keys = [k for k, _ in PEOPLE_COLUMNS] + [k for k, _ in LETTER_COLUMNS]
    groups = (f'<tr><th rowspan="2" width="10%">State</th>'
              f'<th colspan="{len(PEOPLE_COLUMNS)}">People (rows of the list)</th>'
              f'<th colspan="{len(LETTER_COLUMNS)}">Letters (stage reached)</th></tr>')
    # 13 narrow columns: a smaller heading keeps each word whole ("Printed", not "Printe d")
    head = "".join(f'<th style="font-size: 6.5pt;">{esc(SHORT_HEADINGS[k])}</th>' for k in keys)
    rows = "".join(_state_row(s) for s in report.states) + _state_row(report.total, True)
    legend = "; ".join(f"{SHORT_HEADINGS[k]} = {label.lower()}" for k, label in PEOPLE_COLUMNS
                       if SHORT_HEADINGS[k] != label)
    return (f'<h2 style="page-break-before: always;">People and letters by state of residence'
            f"</h2>{_GRID}<thead>{groups}<tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="sub">{esc(legend)}; Ret. = returned. {NO_STATE}: no usable state on the '
            "list.</p>" + _outside_incident(report))


def letter_report_html(report: LetterReport, *, printed: str = "") -> str:
    """The summary page and the per-state table as one HTML document."""
    foot = (f"{report.org + ' · ' if report.org else ''}Printed "
            f"{printed or report.as_of.isoformat()}. Counts only: no patient names, addresses "
            "or codes." + (f" Audit head: {report.audit_head}." if report.audit_head else ""))
    return document(TITLE, _summary(report) + _states(report),
                    sub="Breach-notification letters (45 CFR 164.404) for counsel and the "
                        "state regulators.", foot=esc(foot))


def write_pdf(report: LetterReport, path: Path) -> None:
    """Lay the report out and write it (needs a Qt GUI application; see `ensure_gui_app`)."""
    from crisisdesk.printing.pdf import html_to_pdf

    html_to_pdf(letter_report_html(report), path, title=TITLE)
