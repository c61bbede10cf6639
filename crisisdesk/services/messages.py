"""Issuing messages from approved templates, and the communication log.

Issuing renders an approved version (through `templates.require_approved`, the only way in)
and records template, version, audience, channel, time, operator and number of recipients.
That log is the documentation the organisation keeps for six years (45 CFR 164.530(j)); it
exports as spreadsheet-safe CSV and as an HTML report the CLI or GUI turns into a PDF.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.messages import LOG_COLUMNS, LogEntry
from crisisdesk.domain.sms import count_segments
from crisisdesk.domain.templates import Channel
from crisisdesk.domain.times import PAPER_MINUTES, local_minutes, show_utc
from crisisdesk.services import record_origins
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.files.csv_export import csv_text, write_csv
from crisisdesk.services.session import Action, Session
from crisisdesk.store import templates as store

MAX_RECIPIENTS = 10_000_000


@dataclass(frozen=True)
class IssuedMessage:
    entry: LogEntry
    rendered: template_service.Rendered


def issue_message(session: Session, ref: str, *, recipient_count: int,
                  values: Mapping[str, Any] | None = None, version: int | None = None,
                  incident_id: str = "", note: str = "") -> IssuedMessage:
    """Render an approved template with `values` and record it in the communication log."""
    if isinstance(recipient_count, bool) or not 1 <= recipient_count <= MAX_RECIPIENTS:
        raise ValidationError("The number of recipients must be at least 1.",
                              {"recipient_count": "invalid"})
    approved = template_service.require_approved(session, ref, version)
    rendered = template_service.render_approved(session, approved, values or {})
    meta = approved.meta
    summary = (f"Issued {approved.key} version {approved.version} to {recipient_count} "
               f"{meta.audience.value.replace('_', ' ')} by {meta.channel.value.replace('_', ' ')}")
    with session.action("message.issue", "template", approved.template_id, summary) as act:
        entry = record_issue(session, act, rendered, recipient_count=recipient_count,
                             incident_id=incident_id, note=note)
    return IssuedMessage(entry, rendered)


def record_issue(session: Session, act: Action, rendered: template_service.Rendered, *,
                 recipient_count: int, incident_id: str = "", note: str = "") -> LogEntry:
    """Append a rendered approved message to the log inside the caller's open action, so a
    feature that issues a message as part of its own action (a media answer, a statement)
    writes one audit entry, not two."""
    approved, meta = rendered.approved, rendered.approved.meta
    segments = (count_segments(rendered.plain.strip()).segments
                if meta.channel is Channel.SMS else None)
    entry = LogEntry(
        id=str(uuid.uuid4()), issued_at=act.at, operator=session.operator.name,
        template_key=approved.key, template_name=meta.name, version=approved.version,
        template_sha256=approved.sha256, audience=meta.audience.value,
        channel=meta.channel.value, language=meta.language.value,
        recipient_count=recipient_count, incident_id=incident_id.strip(),
        note=" ".join(note.split()),
        content_sha256=hashlib.sha256(rendered.text.encode("utf-8")).hexdigest(),
        sms_segments=segments)
    store.append_log(session.db, entry, template_id=approved.template_id,
                     content=rendered.text)
    return entry


def communication_log(session: Session, *, incident_id: str | None = None,
                      since: str | None = None) -> list[LogEntry]:
    """Issued messages, oldest first."""
    return store.log_entries(session.db, incident_id=incident_id, since=since)


def issued_content(session: Session, entry_id: str) -> str:
    """The exact text that was issued (it may hold patient data: show, never log it)."""
    content = store.log_content(session.db, entry_id)
    if content is None:
        raise NotFound(f"No issued message {entry_id}.")
    return content


def log_csv(entries: Sequence[LogEntry]) -> str:
    """CSV of the log, spreadsheet-safe (`services.files.csv_export`)."""
    return csv_text(LOG_COLUMNS, (entry.row() for entry in entries))


def export_log_csv(session: Session, path: Path, *, incident_id: str | None = None) -> int:
    """Write the log as spreadsheet-safe CSV (`services.files.csv_export`); returns rows."""
    entries = communication_log(session, incident_id=incident_id)
    with session.action("message_log.export", "message_log",
                        summary=f"Exported {len(entries)} communication-log entries as CSV"):
        write_csv(Path(path), LOG_COLUMNS, (entry.row() for entry in entries))
    return len(entries)


def log_report_html(session: Session, entries: Sequence[LogEntry]) -> str:
    """The log as a printable HTML report (every value escaped), for `html_to_pdf`: times in
    the desk's zone and named, incidents by title (an id means nothing on paper)."""
    from crisisdesk.services import incidents as incident_service

    zone = settings_service.zone(session)
    org = settings_service.display_org(session)
    now = local_minutes(session.now(), zone, PAPER_MINUTES)
    titles = {i.id: i.title for i in incident_service.list_incidents(session)}
    head = [("When", 14), ("Template and version", 26), ("Sent to", 15), ("Recipients", 13),
            ("Operator", 10), ("Incident, note", 22)]
    who = record_origins.origins(session, (e.id for e in entries)).who
    rows = []
    for e in entries:
        incident = titles.get(e.incident_id, "another incident") if e.incident_id else ""
        cells = [show_utc(e.issued_at, zone, PAPER_MINUTES),
                 f"{e.template_name} ({e.template_key}) v{e.version}",
                 f"{e.audience.replace('_', ' ')} by {e.channel.replace('_', ' ')}, "
                 f"{e.language}", f"{e.recipient_count:,}", who(e.operator, e.id),
                 "; ".join(x for x in (incident, e.note) if x)]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    body = "".join(rows) or f"<tr><td colspan='{len(head)}'>No messages issued yet.</td></tr>"
    return (
        "<html><head><style>th, td { font-size: 8.5pt; vertical-align: top; } "
        "th { background-color: #e4e4e4; }</style></head><body>"
        f"<h2>Communication log: {escape(org)}</h2>"
        f"<p>Messages issued from approved templates. Printed {escape(now)}; "
        f"{len(entries)} entries. Keep for six years (45 CFR 164.530(j)).</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'><thead><tr>"
        + "".join(f"<th width='{w}%' align='left'>{escape(h)}</th>" for h, w in head)
        + "</tr></thead><tbody>"
        + body + "</tbody></table></body></html>"
    )


def note_export(session: Session, what: str, count: int) -> None:
    """Record an export made by the caller (e.g. a PDF the GUI or CLI wrote)."""
    with session.action("message_log.export", "message_log",
                        summary=f"Exported {count} communication-log entries as {what}"):
        pass
