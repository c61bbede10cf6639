"""The role roster as an org chart on paper, in the style of HICS 207 (HIMT Chart).

Boxes in rows: the Incident Commander, the command staff, the section chiefs, then the breach
roles. Each box gives the role, who is acting now and a phone number, who else is lined up,
and whether they acknowledged. A role whose primary is unavailable says who is acting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crisisdesk.domain.roles import INCIDENT_COMMANDER, OperationalPeriod, RoleGroup, RoleStatus
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, header_table

PER_ROW = 4


def _box(status: RoleStatus, tz: dt.tzinfo, width: str = f"{100 // PER_ROW}%") -> str:
    role = status.role
    lines = [f'<span class="role">{esc(role.title)}</span>']
    if not status.slots:
        lines.append('<span class="alert">unassigned</span>')
    elif status.acting is None:
        lines.append('<span class="alert">UNCOVERED: everyone assigned is unavailable</span>')
    else:
        slot = status.acting.slot
        person = slot.person
        lines.append(f'<span class="name">{esc(person.name)}</span>')
        if person.phone:
            lines.append(esc(person.phone))
        if status.acting.is_backup:
            lines.append(f'<span class="alert">acting ({esc(slot.label)})</span>')
        if slot.acknowledged_at:
            acknowledged = esc(show_utc(slot.acknowledged_at, tz, PAPER_MINUTES))
            lines.append(f'<span class="small">acknowledged {acknowledged}</span>')
        else:
            lines.append('<span class="small">not yet acknowledged</span>')
    others = [s for s in status.slots
              if status.acting is None or s.rank != status.acting.slot.rank]
    for slot in others:
        text = f"{slot.label}: {slot.person.name}"
        if slot.person.phone:
            text += f", {slot.person.phone}"
        if not slot.available:
            lines.append(f'<span class="small"><span class="struck">{esc(text)}</span> '
                         "(unavailable)</span>")
        else:
            lines.append(f'<span class="small">{esc(text)}</span>')
    return f'<td class="box" width="{width}">' + "<br>".join(lines) + "</td>"


def _rows(statuses: Sequence[RoleStatus], tz: dt.tzinfo) -> str:
    out = []
    for start in range(0, len(statuses), PER_ROW):
        chunk = statuses[start:start + PER_ROW]
        cells = "".join(_box(s, tz) for s in chunk)
        cells += "<td></td>" * (PER_ROW - len(chunk))
        out.append(f"<tr>{cells}</tr>")
    return ('<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="3">'
            + "".join(out) + "</table>")


def org_chart_html(statuses: Sequence[RoleStatus], *, period: OperationalPeriod | None,
                   tz: dt.tzinfo, org: str = "", incident: str = "", printed: str = "") -> str:
    """A complete HTML page: the HICS 207-style chart of `statuses` (catalogue order)."""
    ic = [s for s in statuses if s.role.key == INCIDENT_COMMANDER]
    groups = [(group, [s for s in statuses
                       if s.role.group is group and s.role.key != INCIDENT_COMMANDER])
              for group in RoleGroup]
    period_text = "no operational period yet"
    if period is not None:
        period_text = (f"#{period.number}: {show_utc(period.starts_at, tz, PAPER_MINUTES)} to "
                       f"{show_utc(period.ends_at, tz, PAPER_MINUTES)}")
    body = header_table([("1. Incident name", incident), ("2. Operational period", period_text),
                         ("Facility", org), ("Prepared", printed)])
    if ic:
        body += ('<h2>Incident Commander</h2><table width="100%" cellspacing="0"><tr>'
                 '<td width="33%"></td><td width="34%">'
                 '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="3">'
                 f"<tr>{_box(ic[0], tz, '100%')}</tr>"
                 '</table></td><td width="33%"></td></tr></table>')
    for group, members in groups:
        if members:
            body += f"<h2>{esc(group.label)}</h2>" + _rows(members, tz)
    acting = [s for s in statuses if s.state in ("backup_acting", "uncovered")]
    foot = ("HICS 207 (HIMT Chart, formerly Organization Chart). Complete at the start of each "
            "operational period and when changes occur; originals to the Documentation Unit "
            "Leader.")
    if acting:
        foot = (f"{len(acting)} role(s) held by a backup or uncovered this period. " + foot)
    return document("Incident Management Team Chart (HICS 207)", body,
                    sub="Who holds each crisis role now, with backups.", foot=esc(foot))
