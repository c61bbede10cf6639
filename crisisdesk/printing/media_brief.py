"""The spokesperson brief as one printable page (HTML for QTextDocument; see pdf.html_to_pdf).

Dense on purpose: two columns would be nicer but QTextDocument's table layout is predictable
only for simple tables, so the page is one column of short sections, small type, every value
escaped through `esc`. The print time is at the top, because an old brief in a pocket is a
risk: the spokesperson must see at a glance how old it is.
"""

from __future__ import annotations

from crisisdesk.printing.crisis_paper import esc
from crisisdesk.services.media_brief import BriefData

STYLE = """
body { font-size: 8.5pt; }
h1 { font-size: 13pt; margin-bottom: 0; }
h2 { font-size: 9.5pt; margin-top: 7pt; margin-bottom: 2pt; color: #1d3a5c; }
p { margin-top: 1pt; margin-bottom: 1pt; }
p.sub { font-size: 8pt; color: #333333; }
p.q { font-weight: bold; margin-top: 3pt; }
td { font-size: 8pt; vertical-align: top; }
span.alert { font-weight: bold; color: #8a1c1c; }
span.small { font-size: 7pt; color: #444444; }
"""
MAX_STATEMENT = 900


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def brief_html(data: BriefData) -> str:
    parts = [f"<h1>Spokesperson brief: {esc(data.org)}</h1>",
             f'<p class="sub"><b>Printed {esc(data.printed)}.</b> Reprint before every '
             f"briefing; check the desk for anything newer. Incident: {esc(data.incident)}"
             + (f" ({esc(data.incident_line)})" if data.incident_line else "") + ".</p>"]
    parts.append("<h2>What we have said (approved and issued)</h2>")
    if data.statement is None:
        parts.append('<p><span class="alert">No statement issued yet</span>: say only the key '
                     "messages below.</p>")
    else:
        s = data.statement
        parts.append(f'<p><span class="small">{esc(s.name)}, {esc(s.key)} version {s.version},'
                     f" issued {esc(s.issued_at)}</span></p>")
        parts += [f"<p>{esc(line)}</p>" for line in
                  _clip(s.text, MAX_STATEMENT).splitlines() if line.strip()]
    parts.append("<h2>Key messages</h2>")
    parts.append(_list([f"{esc(e.answer)}" for e in data.key_messages])
                 if data.key_messages else "<p>No approved key messages yet.</p>")
    parts.append("<h2>Top questions and approved answers</h2>")
    if not data.top_qa:
        parts.append("<p>No approved answers yet.</p>")
    for e in data.top_qa:
        parts.append(f'<p class="q">{esc(e.question)}</p><p>{esc(_clip(e.answer, 420))}</p>')
    parts.append("<h2>What not to say</h2>")
    parts.append(_list([esc(x) for x in data.do_not_say]))
    parts.append("<h2>Next updates</h2>")
    if data.updates:
        rows = "".join(
            f"<tr><td>{esc(a)}</td><td>{esc(when)}</td><td>"
            + (f'<span class="alert">{esc(state)}</span>' if state else "") + "</td></tr>"
            for a, when, state in data.updates)
        parts.append('<table cellspacing="0" cellpadding="2"><tr><th align="left">Audience</th>'
                     f'<th align="left">Next update due</th><th></th></tr>{rows}</table>')
    else:
        parts.append("<p>No update cadence set.</p>")
    inquiries = f"{data.open_inquiries} media inquiries open"
    if data.overdue_inquiries:
        inquiries += f', <span class="alert">{data.overdue_inquiries} past their deadline</span>'
    parts.append(f"<p>{inquiries}.</p>")
    parts.append("<h2>Who to call</h2>")
    if data.calls:
        rows = "".join(
            f"<tr><td><b>{esc(c.role)}</b></td><td>{esc(c.name)}"
            + (f' <span class="small">{esc(c.acting)}</span>' if c.acting else "")
            + f"</td><td>{esc(c.phone)}</td></tr>" for c in data.calls)
        parts.append(f'<table cellspacing="0" cellpadding="2" width="100%">{rows}</table>')
    else:
        parts.append("<p>No roles assigned yet.</p>")
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Spokesperson brief'
            f"</title><style>{STYLE}</style></head><body>" + "".join(parts) + "</body></html>")
