"""The downtime binder's desk side: the scripts it carries, and when it was last printed.

The binder itself (one PDF of every paper the team needs when the laptop is gone) is laid out by
`printing/binder.py`, which sits above the services. This module keeps what is plain data:

* `scripts(session)`: the approved call scripts, voicemail scripts and holding statements as
  far as the desk can fill them in now, each with blanks in capitals for what is only known on
  the day. Only approved versions print (`templates.require_approved` is the one gate).
* `signed_assessment(session)` and `hhs_report(session)`: the current incident's records the
  binder carries when they exist: the newest SIGNED breach risk assessment (a draft may still
  change, so it stays off paper), and the HHS breach report (the newest saved version, else the
  live draft; none when a signed assessment found a low probability of compromise, as nothing
  is then owed to HHS).
* `record_printed(session, pages=, sections=)`: the one audited action that says the binder
  was printed; the audit sequence number it will carry is kept beside it, so "changes since"
  is a difference of two numbers, however long the log.
* `status(session)` and `dashboard_summary(session)`: "The binder is 6 days old, 41 changes
  since", for Settings and the Dashboard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crisisdesk.domain.breach_assessment import Assessment, Conclusion
from crisisdesk.domain.dashboard import DashboardSummary, binder_age_text
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.hhs_report import HhsReport
from crisisdesk.domain.templates import Channel
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import breach_assessment as assessment_service
from crisisdesk.services import hhs_report as hhs_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees.paper import script_to_complete
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import meta

PRINTED_AT = "binder.printed_at"
PRINTED_SEQ = "binder.audit_seq"
PRINTED_PAGES = "binder.pages"
SCRIPT_CHANNELS = (Channel.PHONE_SCRIPT, Channel.VOICEMAIL, Channel.PRESS_STATEMENT)


@dataclass(frozen=True)
class PaperScript:
    """One approved script or statement as the binder prints it."""

    name: str
    source: str  # "media-holding-statement-en v2"
    kind: str  # "Call script", "Voicemail script", "Holding statement"
    text: str
    blanks: tuple[str, ...] = ()


@dataclass(frozen=True)
class BinderStatus:
    printed_at: str | None  # UTC ISO, None when never printed
    pages: int
    changes_since: int

    def text(self, now: dt.datetime) -> str:
        printed = parse_utc(self.printed_at) if self.printed_at else None
        return binder_age_text(printed, now, self.changes_since)


_KIND = {Channel.PHONE_SCRIPT: "Call script", Channel.VOICEMAIL: "Voicemail script",
         Channel.PRESS_STATEMENT: "Holding statement"}


def scripts(session: Session) -> list[PaperScript]:
    """Every approved script and statement, filled in with what the desk knows now.

    A statement takes the incident's facts and the statement time (as issuing it would); what
    cannot be known yet becomes a blank to fill in by hand. A template that cannot be filled
    either way is left out rather than printed with raw placeholders."""
    out = []
    for channel in SCRIPT_CHANNELS:
        for summary in template_service.list_templates(session, channel=channel.value):
            if summary.approved_version is None:
                continue
            try:
                approved = template_service.require_approved(session, summary.key)
            except UserError:
                continue
            source = f"{approved.key} v{approved.version}"
            known = (statement_service.statement_values(session)
                     if channel is Channel.PRESS_STATEMENT else None)
            text, blanks, _ = script_to_complete(session, summary.key, known)
            if text:
                out.append(PaperScript(summary.name, source, _KIND[channel], text, blanks))
    return out


def signed_assessment(session: Session) -> Assessment | None:
    """The current incident's newest signed breach risk assessment (None: no incident, or
    nothing signed yet)."""
    incident = incident_service.current_incident(session)
    if incident is None:
        return None
    signed = [a for a in assessment_service.versions(session, incident.id) if a.is_signed]
    return signed[-1] if signed else None


def hhs_report(session: Session) -> HhsReport | None:
    """The current incident's HHS breach report: the newest saved version, else the draft as
    the desk would file it now; None without an incident, or when the signed assessment found
    a low probability of compromise and nothing was saved (no notice to HHS is owed)."""
    incident = incident_service.current_incident(session)
    if incident is None:
        return None
    saved = hhs_service.saved_versions(session, incident.id)
    if saved:
        return saved[-1]
    assessed = signed_assessment(session)
    if assessed is not None and assessed.conclusion is Conclusion.LOW_PROBABILITY:
        return None
    return hhs_service.draft(session, incident.id)


def record_printed(session: Session, *, pages: int, sections: int) -> BinderStatus:
    """Record that the binder was printed (people's numbers left the desk on paper)."""
    with session.action("binder.print", "desk", "",
                        f"Printed the downtime binder ({pages} pages, {sections} sections)"
                        ) as act:
        seq = audit_store.last_seq(session.db) + 1  # the entry this action is about to add
        meta.put_many(session.db, {PRINTED_AT: act.at, PRINTED_SEQ: str(seq),
                                   PRINTED_PAGES: str(pages)})
    return BinderStatus(act.at, pages, 0)


def status(session: Session) -> BinderStatus:
    """When the binder was last printed and how many audited changes the desk saw since."""
    printed_at = meta.get(session.db, PRINTED_AT)
    if not printed_at:
        return BinderStatus(None, 0, 0)
    seq = int(meta.get(session.db, PRINTED_SEQ) or 0)
    changes = max(audit_store.last_seq(session.db) - seq, 0)
    return BinderStatus(printed_at, int(meta.get(session.db, PRINTED_PAGES) or 0), changes)


def status_text(session: Session) -> str:
    return status(session).text(session.now())


def dashboard_summary(session: Session) -> DashboardSummary:
    return DashboardSummary.text(status_text(session))


__all__ = ["BinderStatus", "PaperScript", "dashboard_summary", "hhs_report", "record_printed",
           "scripts", "signed_assessment", "status", "status_text"]
