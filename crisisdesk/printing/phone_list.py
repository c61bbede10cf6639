"""The printable phone list: every contact with title, organisation and phone numbers.

Plain Python that returns HTML (no Qt), so it is testable in milliseconds and reusable by a CLI
command. Every value goes through `html.escape`: contact data is typed or imported by people and
must never become markup. The HTML keeps to what QTextDocument supports (tables with attributes,
simple CSS); `<thead>` makes Qt repeat the header row on every page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crisisdesk.domain.contacts import Contact

_STYLE = """
h1 { font-size: 15pt; margin-bottom: 2pt; }
p.sub { font-size: 8.5pt; color: #444444; margin-top: 0; }
table.list { border-collapse: collapse; }
th { background-color: #e4e4e4; text-align: left; font-size: 8.5pt; }
td { font-size: 8.5pt; vertical-align: top; }
span.name { font-weight: bold; }
td.phones { white-space: nowrap; }
span.label { color: #555555; }
p.foot { font-size: 8pt; color: #444444; }
"""


def _phones(contact: Contact) -> str:
    lines = []
    for phone in contact.phones:
        number = phone.shown
        label = f'<span class="label">{escape(phone.label)}:</span> ' if phone.label else ""
        lines.append(f"{label}{escape(number)}")
    return "<br>".join(lines) if lines else "&#8212;"


def _row(contact: Contact) -> str:
    org = contact.organisation
    kind = str(getattr(contact.kind, "value", contact.kind)).replace("_", " ")
    return (
        "<tr>"
        f'<td><span class="name">{escape(contact.name)}</span><br>'
        f'<span class="label">{escape(kind)}</span></td>'
        f"<td>{escape(contact.job_title)}</td>"
        f"<td>{escape(org)}</td>"
        f'<td class="phones">{_phones(contact)}</td>'
        "</tr>"
    )


def phone_list_html(contacts: Iterable[Contact], *, org: str = "", printed: str = "") -> str:
    """A complete HTML document listing `contacts` sorted by name.

    `org` heads the page; `printed` (e.g. "2025-11-25 14:02 by alex") says when the paper was
    made, because a phone list goes stale and people need to know how stale.
    """
    people = sorted(contacts, key=lambda c: (c.name.casefold(), c.organisation.casefold()))
    title = f"Phone list — {org}" if org else "Phone list"
    sub = f"{len(people)} contacts"
    if printed:
        sub += f" · printed {printed}"
    rows = "\n".join(_row(c) for c in people)
    if not people:
        rows = '<tr><td colspan="4">No contacts yet.</td></tr>'
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="sub">{escape(sub)}. Confidential: staff and partner contact details.</p>'
        '<table class="list" width="100%" border="1" cellspacing="0" cellpadding="3">'
        '<thead><tr><th width="25%">Name</th><th width="22%">Title</th>'
        '<th width="25%">Organisation</th><th width="28%">Phones</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<p class="foot">Keep this list with the crisis binder; shred old copies.</p>'
        "</body></html>"
    )
