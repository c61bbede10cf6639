"""The role card: what a person taking a crisis role reads first, on screen and on paper.

In the spirit of a HICS Job Action Sheet: the role's title and group, its one-paragraph
description, who holds it in the current operational period, and the first actions as a
checklist with room to tick and note the time. Plain Python returning HTML (QTextDocument lays
it out for the screen, `pdf.html_to_pdf` or a printer for paper); every value goes through
`esc`.

Public API: role_card_body(status, paper=False) -> HTML fragment (the screen's card);
role_card_html(status, *, period, tz, org, incident, printed) -> a complete page;
role_card(session, role_key, period_number=None) -> the complete page from an open desk
    (holders of that period; default the current one).
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.roles import OperationalPeriod, RoleStatus
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, header_table
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session


def _name(status: RoleStatus) -> str:
    role = status.role
    return role.title + (f" ({role.short})" if role.short and role.short != role.title else "")


def _holders(status: RoleStatus) -> str:
    if not status.slots:
        return "<p><i>Nobody is assigned yet.</i></p>"
    acting_rank = status.acting.slot.rank if status.acting else -1
    rows = []
    for slot in status.slots:
        name = esc(slot.person.name)
        if slot.rank == acting_rank:
            name = f"<b>{name}</b> (acting now)"
        if not slot.available:
            name = f'<span class="struck">{name}</span> unavailable'
        rows.append(f"<tr><td>{esc(slot.label.capitalize())}</td><td>{name}</td>"
                    f"<td>{esc(slot.person.phone)}</td></tr>")
    return ('<table class="grid" border="1" cellspacing="0" cellpadding="3" width="100%">'
            "<tr><th>Line-up</th><th>Name</th><th>Phone</th></tr>" + "".join(rows)
            + "</table>")


def _checklist(actions: tuple[str, ...], paper: bool) -> str:
    if not actions:
        return "<p><i>No first actions are written for this role yet.</i></p>"
    if not paper:  # a narrow pane on screen: the list alone, without the tick columns
        return "<ol>" + "".join(f"<li>{esc(action)}</li>" for action in actions) + "</ol>"
    rows = "".join(f'<tr><td width="9%">&#160;</td><td width="5%">{n}.</td>'
                   f'<td>{esc(action)}</td><td width="18%">&#160;</td></tr>'
                   for n, action in enumerate(actions, 1))
    return ('<table class="grid" border="1" cellspacing="0" cellpadding="6" width="100%">'
            "<tr><th>Done</th><th>#</th><th>First action</th><th>Time / initials</th></tr>"
            + rows + "</table>")


def role_card_body(status: RoleStatus, *, paper: bool = False) -> str:
    """The card without the page around it: description, the first-actions list (on paper
    with columns to tick and note the time), who holds the role."""
    role = status.role
    heading = ("" if paper  # on paper the page's title and sub-line say these
               else f'<h2>{esc(_name(status))}</h2><p class="sub">{esc(role.group.label)}</p>')
    return (heading + f"<p>{esc(role.description)}</p>"
            "<h2>First actions</h2>" + _checklist(role.first_actions, paper)
            + "<h2>Who holds it now</h2>" + _holders(status))


def role_card_html(status: RoleStatus, *, period: OperationalPeriod | None, tz: dt.tzinfo,
                   org: str = "", incident: str = "", printed: str = "") -> str:
    when = (f"#{period.number}: {show_utc(period.starts_at, tz, PAPER_MINUTES)} to "
            f"{show_utc(period.ends_at, tz, PAPER_MINUTES)}"
            if period else "not started")
    header = header_table((("Organisation", org), ("Incident", incident),
                           ("Operational period", when)))
    return document(f"Role card: {_name(status)}",
                    header + role_card_body(status, paper=True),
                    sub=f"{status.role.group.label}. Read this first when you take the role.",
                    foot=f"Printed {esc(printed)}" if printed else "")


def role_card(session: Session, role_key: str, period_number: int | None = None) -> str:
    tz = zone(session)
    key = role_service.get_role(session, role_key).key
    roster = role_service.roster(session, period_number)
    status = roster.status(key)
    if status is None:  # pragma: no cover - get_role found it in the same catalogue
        raise NotFound(f"No role {role_key!r}.")
    current = incident_service.current_incident(session)
    printed = f"{show_utc(session.now_iso(), tz, PAPER_MINUTES)} by {session.operator.name}"
    try:
        from crisisdesk.services.settings import display_org

        org = display_org(session)
    except ImportError:  # pragma: no cover - settings not installed
        org = session.org
    return role_card_html(status, period=roster.period, tz=tz,
                          org=org, incident=current.title if current else "",
                          printed=printed)
