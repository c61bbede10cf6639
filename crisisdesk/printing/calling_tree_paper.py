"""Calling-tree paper as HTML: the indented chart, one call sheet per caller, wallet cards, and
the closing report. Qt-free builders (tested in milliseconds); `pdf.html_to_pdf` lays them out.

Paper is the fallback when the laptop fails, so a call sheet stands alone: the script, each
person with every number, tick boxes for the outcome of three tries with time columns, and the
caller's backup. Each caller's sheet starts on a new page (`page-break-before`, which
QTextDocument honours), and every page names the tree version and the print date.
Every value goes through `html.escape`.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.pdf import KEEP_TABLES_TOGETHER

if TYPE_CHECKING:
    from crisisdesk.services.calling_trees.paper import CallerSheet, PaperPerson, TreePaper

_STYLE = """
h1 { font-size: 14pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-bottom: 2pt; }
p.sub { font-size: 8pt; color: #444444; margin-top: 0; }
td, th { font-size: 8.5pt; vertical-align: top; }
th { background-color: #e4e4e4; text-align: left; }
pre.script { font-size: 8.5pt; white-space: pre-wrap; }
p.blanks { font-size: 8.5pt; }
span.name { font-weight: bold; }
td.big { font-size: 10pt; }
td.nums { font-size: 10pt; white-space: nowrap; }
td.ticks { font-size: 7.5pt; }
"""
TICKS = "&#9744;reached &#9744;VM &#9744;no answer &#9744;busy &#9744;wrong # &#9744;unavail."


_TABLE = "<table width='100%' border='1' cellspacing='0' cellpadding='3'>"


def _doc(title: str, body: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
            f"{KEEP_TABLES_TOGETHER}{body}</body></html>")


def _row_tables(head: str, rows: list[str]) -> str:
    """One small table per row (the first with the column heads): QTextDocument splits a tall
    row across pages, but keeps a table that fits whole (`KEEP_TABLES_TOGETHER`), so a person
    is never parted from their numbers or backup."""
    if not rows:
        return f"{_TABLE}<thead>{head}</thead></table>"
    return "".join(f"{_TABLE}{f'<thead>{head}</thead>' if i == 0 else ''}<tbody>{row}</tbody>"
                   "</table>" for i, row in enumerate(rows))


def _stamp(paper: TreePaper) -> str:
    parts = [f"{paper.tree_name}, version {paper.version}", f"printed {paper.printed}"]
    if paper.activation:
        parts.insert(1, paper.activation)
    return escape(" · ".join(parts))


def _phones(person: PaperPerson, sep: str = "<br>") -> str:
    shown = [f"{escape(p.label)}: {escape(p.shown)}" if p.label
             else escape(p.shown) for p in person.phones]
    return sep.join(shown) or "no number"


def chart_html(paper: TreePaper) -> str:
    """The whole tree, indented by who calls whom, with numbers and backups."""
    rows = []
    for person in paper.chart:
        backup = f"backup: {escape(person.backup)}" if person.backup else ""
        rows.append(f"<tr><td width='45%' style=\"padding-left: {4 + 14 * person.depth}px\">"
                    f"<span class=\"name\">{escape(person.name)}</span><br>"
                    f"<span>{escape(person.job_title)}</span></td>"
                    f"<td width='35%'>{_phones(person)}</td><td width='20%'>{backup}</td></tr>")
    rows = rows or ["<tr><td colspan='3'>Nobody is in this tree yet.</td></tr>"]
    head = ("<tr><th width='45%'>Person (indented under their caller)</th>"
            "<th width='35%'>Phones</th><th width='20%'>Backup caller</th></tr>")
    return _doc(f"Calling tree {paper.tree_name}", (
        f"<h1>Calling tree: {escape(paper.tree_name)}</h1>"
        f"<p class=\"sub\">{escape(paper.org)} · {_stamp(paper)} · {len(paper.chart)} people. "
        "Confidential: staff phone numbers.</p>" + _row_tables(head, rows)))


def _script(paper: TreePaper) -> str:
    """The script; printed before the tree is started, its blanks stand out and a line says
    they are to be filled in when the coordinator starts the tree."""
    text = escape(paper.script)
    if not paper.blanks:
        return f"<pre class=\"script\">{text}</pre>"
    for blank in paper.blanks:
        text = text.replace(escape(blank), f"<b><u>{escape(blank)}</u></b>")
    source = f" ({escape(paper.script_source)})" if paper.script_source else ""
    return ("<p class=\"blanks\"><b>SCRIPT TO COMPLETE:</b> no activation was running when "
            f"this was printed. The approved script{source} is below; fill in every "
            "<b><u>[BLANK IN CAPITALS]</u></b> with what the coordinator gives out when the "
            f"tree is started, before your first call.</p><pre class=\"script\">{text}</pre>")


def _sheet(paper: TreePaper, sheet: CallerSheet, first: bool) -> str:
    brk = "" if first else " style=\"page-break-before: always\""
    script = (_script(paper) if paper.script else
              "<p>Script: write down the message you were given, word for word, and read it "
              "to each person.</p><p>&nbsp;</p><p>&nbsp;</p>")
    backup = (f"<p><b>Your backup</b> (takes over if you cannot finish): "
              f"{escape(sheet.backup.name)}, {_phones(sheet.backup, ' · ')}</p>"
              if sheet.backup else "<p><b>Your backup:</b> none; tell your own caller if you "
                                   "cannot finish.</p>")
    rows = []
    for i, person in enumerate(sheet.people, start=1):
        rows.append(f"<tr><td width='3%'>{i}</td><td width='22%' class=\"big\">"
                    f"<span class=\"name\">{escape(person.name)}</span><br>"
                    f"{escape(person.job_title)}</td>"
                    f"<td width='25%' class=\"nums\">{_phones(person)}</td>"
                    f"<td width='50%' class=\"ticks\">1st __:__ {TICKS}<br><br>"
                    f"2nd __:__ {TICKS}<br><br>"
                    f"3rd __:__ {TICKS}</td>"
                    "</tr>")
    own = f" ({_phones(sheet.caller, ' · ')})" if sheet.caller.phones else ""
    return (f"<div{brk}><h1>Call sheet: {escape(sheet.caller.name)}{own}</h1>"
            f"<p class=\"sub\">{escape(paper.org)} · {_stamp(paper)}</p>"
            f"{backup}{script}"
            + _row_tables("<tr><th width='3%'>#</th><th width='22%'>Call</th>"
                          "<th width='25%'>Numbers</th><th width='50%'>Tries: time and "
                          "outcome</th></tr>", rows)
            + "<p class=\"sub\">A voicemail is not reached: try again. When your list is done, "
            "report back. Type these results into CrisisDesk afterwards.</p></div>")


def call_sheets_html(paper: TreePaper) -> str:
    """One page (or more) per caller, in calling order."""
    body = "".join(_sheet(paper, s, i == 0) for i, s in enumerate(paper.sheets))
    return _doc(f"Call sheets {paper.tree_name}", body or "<p>Nobody is in this tree yet.</p>")


def wallet_cards_html(paper: TreePaper) -> str:
    """Small cards (two per row) with each caller's own list, to cut out and carry."""
    cards = []
    for sheet in paper.sheets:
        people = "".join(f"<tr><td>{escape(p.name)}</td><td>{_phones(p, ' · ')}</td></tr>"
                         for p in sheet.people)
        backup = f"Backup: {escape(sheet.backup.name)}" if sheet.backup else "No backup"
        cards.append(
            "<table border='1' cellspacing='0' cellpadding='2' width='100%'>"
            f"<tr><th colspan='2'>{escape(sheet.caller.name)}: your calls</th></tr>{people}"
            f"<tr><td colspan='2'>{backup} · {escape(paper.tree_name)} v{paper.version} · "
            f"{escape(paper.printed.split(' by ')[0])}</td></tr></table>")
    pairs = []  # one table per pair of cards, so no card is cut by a page break
    for i in range(0, len(cards), 2):
        pair = cards[i:i + 2] + [""] * (2 - len(cards[i:i + 2]))
        pairs.append("<table width='100%' cellspacing='6' cellpadding='0'><tr>"
                     + "".join(f"<td width='50%'>{c}</td>" for c in pair) + "</tr></table>")
    return _doc(f"Wallet cards {paper.tree_name}", (
        f"<h2>Wallet cards: {escape(paper.tree_name)}</h2><p class=\"sub\">{_stamp(paper)}. "
        "Cut out, fold, keep with your ID badge.</p>" + "".join(pairs)))


def report_html(data: dict[str, Any], *, org: str, printed: str,
                tz: dt.tzinfo | None = None) -> str:
    """The closing report: counts, duration, drill timings vs earlier drills, never reached.
    Earlier drills' start times are shown in `tz` (the desk's zone), named."""
    kind = "Drill" if data.get("drill") else "Activation"
    ms = data.get("milestones", {})

    def mins(value: Any) -> str:
        return "not reached" if value is None else f"{value} min"

    rows = "".join(f"<tr><td>{escape(str(p['name']))}</td><td>{escape(str(p['why']))}</td>"
                   f"<td>{p['attempts']}</td></tr>" for p in data.get("never_reached", []))
    earlier = "".join(
        f"<tr><td>{escape(show_utc(str(d['started_at']), tz, PAPER_MINUTES))}</td>"
        f"<td>{d.get('percent_reached')}%</td>"
        + "".join(f"<td>{mins(d.get('milestones', {}).get(k))}</td>" for k in ("50", "90", "100"))
        + "</tr>" for d in data.get("earlier_drills", []))
    compare = ("<h2>Earlier drills of this tree</h2><table border='1' cellspacing='0' "
               "cellpadding='3'><tr><th>Started</th><th>Reached</th><th>50%</th>"
               f"<th>90%</th><th>100%</th></tr>{earlier}</table>") if earlier else ""
    after = int(data.get("calls_after_close") or 0)
    late = (f"<p>{count_of(after, 'call was', 'calls were')} made after the closing time, on a "
            "laptop that had not seen the close yet; they count above.</p>") if after else ""
    return _doc("Calling tree report", (
        f"<h1>{kind} report: {escape(str(data.get('tree', '')))}</h1>"
        f"<p class=\"sub\">{escape(org)} · tree version {data.get('tree_version')} · printed "
        f"{escape(printed)}</p>"
        f"<p>Reached <b>{data.get('reached')} of {data.get('total')}</b> "
        f"({data.get('percent_reached')}%) in {data.get('duration_minutes')} minutes. "
        f"Tried but not reached: {data.get('attempted')}; never called: "
        f"{data.get('not_called')}; unavailable: {data.get('unavailable')}; calls reassigned: "
        f"{data.get('reassigned')}.</p>{late}"
        f"<p>Time to reach 50%: {mins(ms.get('50'))}; 90%: {mins(ms.get('90'))}; 100%: "
        f"{mins(ms.get('100'))}.</p>{compare}"
        "<h2>Never reached</h2><table width='100%' border='1' cellspacing='0' cellpadding='3'>"
        "<tr><th>Person</th><th>Why</th><th>Tries</th></tr>"
        + (rows or "<tr><td colspan='3'>Everyone was reached.</td></tr>") + "</table>"))


BUILDERS = {"chart": (chart_html, "Calling tree chart"),
            "sheets": (call_sheets_html, "Call sheets"),
            "cards": (wallet_cards_html, "Wallet cards")}


def paper_html(paper: TreePaper, what: str) -> tuple[str, str]:
    """(html, title) for `what`: "chart", "sheets" or "cards"."""
    build, title = BUILDERS[what]
    return build(paper), f"{title}: {paper.tree_name}"
