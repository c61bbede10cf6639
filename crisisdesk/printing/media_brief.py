"""The spokesperson brief as one printable page (HTML for QTextDocument; see pdf.html_to_pdf).

Dense on purpose: two columns would be nicer but QTextDocument's table layout is predictable
only for simple tables, so the page is one column of short sections, small type, every value
escaped through `esc`. The print time is at the top, because an old brief in a pocket is a
risk: the spokesperson must see at a glance how old it is.
"""

from __future__ import annotations

from crisisdesk.printing.crisis_paper import esc
from crisisdesk.services.media.brief import BriefData

STYLE = """
p { margin-top: 0; margin-bottom: 1pt; font-size: 8pt; }
p.t { font-size: 13pt; font-weight: bold; margin-bottom: 1pt; }
p.sub { font-size: 7.5pt; color: #333333; margin-bottom: 4pt; }
p.h { font-size: 9.5pt; font-weight: bold; color: #1d3a5c; margin-top: 6pt; margin-bottom: 2pt; }
p.q { font-weight: bold; margin-top: 3pt; }
li { font-size: 8pt; }
td { font-size: 8pt; vertical-align: top; }
td.col { padding-right: 8pt; }
span.alert { font-weight: bold; color: #8a1c1c; }
span.small { font-size: 7pt; color: #444444; }
"""
MAX_STATEMENT = 900


def _list(items: list[str]) -> str:
    return ('<ul style="margin-top: 0; margin-bottom: 0; margin-left: -18px;">'
            + "".join(f"<li>{i}</li>" for i in items) + "</ul>")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _h(text: str) -> str:
    return f'<p class="h">{esc(text)}</p>'


def _said(data: BriefData) -> list[str]:
    parts = [_h("What we have said (approved and issued)")]
    if data.statement is None:
        parts.append('<p><span class="alert">No statement issued yet</span>: say only the key '
                     "messages.</p>")
        return parts
    s = data.statement
    parts.append(f'<p><span class="small">{esc(s.name)}, {esc(s.key)} version {s.version}, '
                 f"issued {esc(s.issued_at)}</span></p>")
    for line in _clip(s.text, MAX_STATEMENT).splitlines():
        if not line.strip():
            continue
        # a statement's own section headings ("What we know") are short lines with no stop
        heading = len(line) <= 40 and not line.rstrip().endswith((".", ":", "?", "!"))
        parts.append(f"<p><b>{esc(line)}</b></p>" if heading else f"<p>{esc(line)}</p>")
    return parts


def _left(data: BriefData) -> str:
    parts = _said(data)
    parts.append(_h("Key messages"))
    parts.append(_list([esc(e.answer) for e in data.key_messages])
                 if data.key_messages else "<p>No approved key messages yet.</p>")
    parts.append(_h("Top questions and approved answers"))
    if not data.top_qa:
        parts.append("<p>No approved answers yet.</p>")
    for e in data.top_qa:
        parts.append(f'<p class="q">{esc(e.question)}</p><p>{esc(_clip(e.answer, 420))}</p>')
    return "".join(parts)


def _right(data: BriefData) -> str:
    parts = [_h("What not to say"), _list([esc(x) for x in data.do_not_say])]
    parts.append(_h("Next updates"))
    if data.updates:
        rows = "".join(
            f"<tr><td>{esc(a)}</td><td>{esc(when)}</td><td>"
            + (f'<span class="alert">{esc(state)}</span>' if state else "") + "</td></tr>"
            for a, when, state in data.updates)
        parts.append(f'<table cellspacing="0" cellpadding="1">{rows}</table>')
    else:
        parts.append("<p>No update cadence set.</p>")
    inquiries = f"{data.open_inquiries} media inquiries open"
    if data.overdue_inquiries:
        inquiries += f', <span class="alert">{data.overdue_inquiries} past their deadline</span>'
    parts.append(f"<p>{inquiries}.</p>")
    parts.append(_h("Who to call"))
    if data.calls:
        rows = "".join(
            f"<tr><td><b>{esc(c.role)}</b><br>{esc(c.name)}"
            + (f' <span class="small">{esc(c.acting)}</span>' if c.acting else "")
            + f"</td><td>{esc(c.phone)}</td></tr>" for c in data.calls)
        parts.append(f'<table cellspacing="0" cellpadding="1" width="100%">{rows}</table>')
    else:
        parts.append("<p>No roles assigned yet.</p>")
    return "".join(parts)


def brief_html(data: BriefData) -> str:
    head = (f'<p class="t">Spokesperson brief: {esc(data.org)}</p>'
            f'<p class="sub"><b>Printed {esc(data.printed)}.</b> Reprint before every '
            f"briefing; check the desk for anything newer. Incident: {esc(data.incident)}"
            + (f" ({esc(data.incident_line)})" if data.incident_line else "") + ".</p>")
    body = ('<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td class="col" width="60%">{_left(data)}</td>'
            f'<td width="40%">{_right(data)}</td></tr></table>')
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Spokesperson brief'
            f"</title><style>{STYLE}</style></head><body>{head}{body}</body></html>")
