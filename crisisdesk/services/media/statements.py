"""Holding statements and press releases: rendered from approved templates, logged, timed.

A statement is a template with channel `press_statement` (audience media). Issuing it passes
the one gate (`templates.require_approved`), fills it with the incident's facts as the desk
holds them (`services.facts.incident_facts`), the statement time and the next update time
(one public/media cadence interval from now, when a cadence is set), then records it in the
communication log with its version, on the timeline, and as the public/media update that
resets the cadence clock: all in one action.

Public API
----------
statement_templates(session) -> list[TemplateSummary]      press statements, approved or not
statement_values(session) -> dict                          the facts a statement is filled with
missing_values(session, ref, version=None) -> list[Variable]   what the user must still give
preview_statement(session, ref, values=None, version=None) -> Rendered   (nothing recorded)
issue_statement(session, ref, *, values=None, version=None, recipient_count=1, note="")
    -> IssuedStatement
issued_statements(session) -> list[LogEntry]               newest last
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.cadence import CadenceAudience
from crisisdesk.domain.cadence import fold as fold_cadence
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.messages import LogEntry
from crisisdesk.domain.templates import Channel, Variable
from crisisdesk.domain.timeline import Category
from crisisdesk.services import messages as message_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.facts import incident_facts
from crisisdesk.services.localtime import zone
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import media as media_store


@dataclass(frozen=True)
class IssuedStatement:
    entry: LogEntry
    rendered: template_service.Rendered
    cadence_reset: bool


def statement_templates(session: Session) -> list[template_service.TemplateSummary]:
    return template_service.list_templates(session, channel=Channel.PRESS_STATEMENT.value)


def statement_values(session: Session) -> dict[str, Any]:
    """Facts, plus the statement's own times in the desk's zone (aware, so a printed time
    names its zone)."""
    tz = zone(session)
    now = session.now().astimezone(tz)
    values: dict[str, Any] = dict(incident_facts(session))
    values.setdefault("statement_time", now.replace(second=0, microsecond=0))
    values.setdefault("release_date", now.date())
    cadence = fold_cadence(CadenceAudience.PUBLIC_MEDIA, media_store.cadence_events(session.db))
    if cadence.interval is not None:
        nxt = (session.now() + cadence.interval).astimezone(tz)
        values.setdefault("next_update_time", nxt.replace(second=0, microsecond=0))
    return values


def _approved(session: Session, ref: str, version: int | None
              ) -> template_service.ApprovedTemplate:
    approved = template_service.require_approved(session, ref, version)
    if approved.meta.channel is not Channel.PRESS_STATEMENT:
        raise ValidationError(f"{approved.key} is not a press statement (its channel is "
                              f"{approved.meta.channel.value}).", {"template": "not a statement"})
    return approved


def missing_values(session: Session, ref: str, version: int | None = None) -> list[Variable]:
    """The variables of the approved statement the desk cannot fill in itself (to ask for)."""
    approved = _approved(session, ref, version)
    known = statement_values(session)
    return [v for v in approved.meta.variables if known.get(v.name) in (None, "", [])]


def preview_statement(session: Session, ref: str, values: Mapping[str, Any] | None = None,
                      version: int | None = None) -> template_service.Rendered:
    approved = _approved(session, ref, version)
    return template_service.render_approved(
        session, approved, {**statement_values(session), **dict(values or {})})


def issue_statement(session: Session, ref: str, *, values: Mapping[str, Any] | None = None,
                    version: int | None = None, recipient_count: int = 1,
                    note: str = "") -> IssuedStatement:
    if isinstance(recipient_count, bool) or recipient_count < 1:
        raise ValidationError("The number of outlets must be at least 1.",
                              {"recipient_count": "invalid"})
    approved = _approved(session, ref, version)
    rendered = template_service.render_approved(
        session, approved, {**statement_values(session), **dict(values or {})})
    with session.action("statement.issue", "template", approved.template_id,
                        f"Issued statement {approved.key} version {approved.version} to "
                        f"{recipient_count} outlet(s)") as act:
        entry = message_service.record_issue(
            session, act, rendered, recipient_count=recipient_count,
            incident_id=incident_store.current_id(session.db) or "", note=note)
        timeline_service.record_in_action(
            session, act, f"Issued {approved.meta.name} ({approved.key} version "
            f"{approved.version}) to the media", category=Category.MEDIA, source="statements")
        reset = cadence_service.record_update_in_action(
            session, act, CadenceAudience.PUBLIC_MEDIA, f"statement {approved.key}")
    return IssuedStatement(entry, rendered, reset)


def issued_statements(session: Session) -> list[LogEntry]:
    return [e for e in message_service.communication_log(session)
            if e.channel == Channel.PRESS_STATEMENT.value]

