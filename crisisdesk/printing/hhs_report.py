"""The HHS breach report on paper: one page per portal section, every field with its answer
and where the answer came from, the missing ones ruled for a hand-written answer; and the
annual log of breaches affecting fewer than 500 people.

This is the one HHS worksheet the desk prints: it follows the portal's own sections, labels
and categories, so the person filing reads it top to bottom while typing into the portal.

Public API: report_html(session, incident_ref=None, version=None) -> str;
annual_log_html(session, year) -> str. Both complete HTML documents.
"""

from __future__ import annotations

from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.hhs_report import (
    ATTESTATION_TEXT,
    AnnualLog,
    FieldValue,
    HhsReport,
)
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, grid_table
from crisisdesk.services import hhs_report as hhs_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session
from crisisdesk.services.settings import display_org

PAGE_BREAK = '<p style="page-break-before: always; margin: 0;"></p>'
BLANK = "____________________________"


def _options(v: FieldValue) -> str:
    if v.field.kind not in ("choice", "multi"):
        return ""
    chosen = set(v.value.split("; "))
    marks = "   ".join(f"[{'X' if label in chosen else '_'}] {label}"
                     for _key, label in v.field.options)
    return f'<br><span class="small">{esc(marks)}</span>'


def _row(v: FieldValue) -> str:
    if not v.applies:
        answer = '<span class="small">does not apply</span>'
    elif v.value:
        answer = f"<b>{esc(v.text)}</b>"
    elif v.field.optional:
        answer = '<span class="small">(optional)</span>'
    else:
        answer = f'<span class="alert">MISSING</span> {BLANK}'
    return (f"<tr><td>{esc(v.field.label)}</td><td>{answer}{_options(v)}</td>"
            f'<td><span class="small">{esc(v.source)}</span></td></tr>')


def report_body(report: HhsReport) -> str:
    parts = []
    for n, (name, values) in enumerate(report.sections(), start=1):
        if n > 1:
            parts.append(PAGE_BREAK)
        parts.append(f"<h2>{n}. {esc(name)}</h2>")
        if name == "Attestation":
            parts.append(f"<p>{esc(ATTESTATION_TEXT)}</p>")
        parts.append(grid_table((("Portal field", 34), ("Answer", 46), ("From", 20)),
                                "".join(_row(v) for v in values)))
        missing = [v.field.label for v in values if v.missing]
        if missing:
            parts.append(f'<p class="warn">Missing in this section: {esc("; ".join(missing))}'
                         "</p>")
    return "".join(parts)


def _summary(report: HhsReport) -> str:
    notes = "".join(f'<p class="sub">{esc(note)}</p>' for note in report.notes)
    missing = report.missing
    head = (f'<p class="warn">{len(missing)} field(s) missing: '
            f'{esc("; ".join(f.label for f in missing))}</p>' if missing
            else '<p class="sub">Every field has an answer.</p>')
    return notes + head


def report_html(session: Session, incident_ref: str | None = None,
                version: int | None = None) -> str:
    tz = zone(session)
    if version is None:
        report = hhs_service.draft(session, incident_ref)
        what = f"draft ({report.report_type})"
    else:
        found = [r for r in hhs_service.saved_versions(session, incident_ref)
                 if r.version == version]
        if not found:
            raise NotFound(f"version: no saved HHS report version {version}.")
        report = found[0]
        what = (f"version {report.version} ({report.report_type}), saved "
                f"{show_utc(report.saved_at, tz, PAPER_MINUTES)} by {report.saved_by}")
    printed = show_utc(session.now_iso(), tz, PAPER_MINUTES)
    return document(
        "HHS breach report (Notice to the Secretary, 45 CFR 164.408)",
        _summary(report) + report_body(report),
        sub=f"{display_org(session)} · {report.incident_title} · {what}",
        foot=esc(f"Printed {printed} by {session.operator.name}. Enter each answer in the "
                 "HHS OCR breach portal in this order; keep the filed copy for six years."))


def annual_log_body(log: AnnualLog) -> str:
    rows = "".join(
        f"<tr><td>{esc(e.discovered_on.isoformat())}</td><td>{esc(e.title)}</td>"
        f"<td>{esc(e.breach_start)} to {esc(e.breach_end or 'unknown')}</td>"
        f"<td>{e.individuals:,}</td><td>{esc(e.breach_type)}</td><td>{esc(e.location)}</td>"
        f"<td>{esc(e.conclusion)}</td>"
        f"<td>{esc(f'version {e.saved_version}' if e.saved_version else 'not saved')}"
        f"{esc(f'; {e.missing} missing' if e.missing else '')}</td></tr>"
        for e in log.entries)
    return (f'<p class="sub">One entry per breach discovered in {log.year} that affected '
            f"fewer than 500 individuals; each is submitted to HHS as its own report, no later "
            f"than {log.due.isoformat()} (60 days after the end of the year).</p>"
            + grid_table((("Discovered", 10), ("Incident", 20), ("Breach dates", 14),
                          ("People", 7), ("Type", 11), ("Location", 12), ("Assessment", 14),
                          ("HHS report", 12)), rows,
                         empty=f"No breach affecting fewer than 500 people in {log.year}."))


def annual_log_html(session: Session, year: int) -> str:
    log = hhs_service.annual_log(session, year)
    printed = show_utc(session.now_iso(), zone(session), PAPER_MINUTES)
    return document(f"Breaches affecting fewer than 500 individuals: {year}",
                    annual_log_body(log),
                    sub=f"{display_org(session)} · due at HHS by {log.due.isoformat()}",
                    foot=esc(f"Printed {printed} by {session.operator.name}."))
