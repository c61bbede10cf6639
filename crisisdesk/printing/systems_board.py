"""The systems status board on one page, in the style of HICS 251 (Facility System Status
Report): each system's status in HICS wording, since when, the downtime procedure and notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crisisdesk.domain.systems import SystemRow, SystemStatus
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, grid_table, header_table

_ATTENTION = {SystemStatus.DOWN, SystemStatus.DEGRADED, SystemStatus.UNKNOWN}


def _row(system: SystemRow, tz: dt.tzinfo) -> str:
    status = esc(system.status.hics_251)
    if system.status in _ATTENTION:
        status = f'<span class="alert">{status}</span>'
    return (f"<tr><td><b>{esc(system.name)}</b></td><td>{status}</td>"
            f"<td>{esc(show_utc(system.since, tz, PAPER_MINUTES))}</td>"
            f"<td>{esc(system.procedure)}</td>"
            f"<td>{esc(system.notes)}</td></tr>")


def systems_html(systems: Sequence[SystemRow], *, tz: dt.tzinfo, org: str = "",
                 incident: str = "", period: str = "", printed: str = "") -> str:
    rows = "".join(_row(s, tz) for s in systems)
    down = sum(1 for s in systems if s.status is SystemStatus.DOWN)
    degraded = sum(1 for s in systems if s.status is SystemStatus.DEGRADED)
    body = header_table([("1. Incident name", incident), ("2. Operational period", period),
                         ("3. Facility", org), ("Prepared", printed)])
    body += grid_table([("4. System", 16), ("5. Status", 18), ("Since", 14),
                        ("Downtime procedure in use", 26), ("6. Comments", 26)], rows,
                       empty="No systems.")
    return document("Systems status (HICS 251)", body,
                    sub=f"{down} down, {degraded} partially functional, of {len(systems)}.",
                    foot=esc("HICS 251 (Facility System Status Report). Fully functional: no "
                             "limitations. Partially functional: operable with limitations. "
                             "Nonfunctional: out of commission."))
