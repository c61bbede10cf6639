"""From an open desk to the HTML of each crisis printout (org chart, obligations, activity log,
systems board). The GUI and the CLI both call these, then `pdf.html_to_pdf` or a printer.

Public API: org_chart(session, period_number=None), obligations(session, incident_ref=None),
activity_log(session, incident_ref=None, **filters), systems_board(session); each returns a
complete HTML document.
"""

from __future__ import annotations

from typing import Any

from crisisdesk.domain.timeline import entry_ids
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.obligations_sheet import obligations_html
from crisisdesk.printing.org_chart import org_chart_html
from crisisdesk.printing.systems_board import systems_html
from crisisdesk.printing.timeline_log import timeline_html
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import filings as filing_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import record_origins
from crisisdesk.services import roles as role_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session


def _org(session: Session) -> str:
    try:
        from crisisdesk.services.settings import display_org
    except ImportError:  # pragma: no cover
        return session.org
    return display_org(session)


def _printed(session: Session) -> str:
    return f"{show_utc(session.now_iso(), zone(session), PAPER_MINUTES)} by {session.operator.name}"


def _period_text(session: Session) -> str:
    period = role_service.current_period(session)
    if period is None:
        return ""
    tz = zone(session)
    return (f"#{period.number}: {show_utc(period.starts_at, tz, PAPER_MINUTES)} to "
            f"{show_utc(period.ends_at, tz, PAPER_MINUTES)}")


def _incident_title(session: Session) -> str:
    current = incident_service.current_incident(session)
    return current.title if current else ""


def org_chart(session: Session, period_number: int | None = None) -> str:
    roster = role_service.roster(session, period_number)
    return org_chart_html(roster.statuses, period=roster.period, tz=zone(session),
                          org=_org(session), incident=_incident_title(session),
                          printed=_printed(session))


def obligations(session: Session, incident_ref: str | None = None) -> str:
    report = clock_service.deadlines(session, incident_ref)
    filings = filing_service.tracker(session, report.incident.id).filings
    reminders = substitute_service.status(session, report.incident.id).reminders
    return obligations_html(report.incident, report.obligations, report.rules,
                            today=report.today, org=_org(session), printed=_printed(session),
                            not_in_force=report.not_in_force, filings=filings,
                            reminders=reminders)


def activity_log(session: Session, incident_ref: str | None = None, *, filters_text: str = "",
                 **filters: Any) -> str:
    incident = incident_service.get_incident(session, incident_ref)
    lines = timeline_service.list_entries(session, incident.id, **filters)
    return timeline_html(lines, incident=incident.title, tz=zone(session), org=_org(session),
                         period=_period_text(session), printed=_printed(session),
                         filters=filters_text,
                         who=record_origins.origins(session, entry_ids(lines)).who)


def systems_board(session: Session) -> str:
    return systems_html(system_service.list_systems(session), tz=zone(session),
                        org=_org(session), incident=_incident_title(session),
                        period=_period_text(session), printed=_printed(session))
