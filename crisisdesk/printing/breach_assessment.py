"""The breach risk assessment on paper: the four factors with their facts, the conclusion, the
signature, and what changed from the version it supersedes.

Kept on file for six years as the proof 164.414(b) asks for, so it says who recorded each fact
and when (in the desk's time zone), who signed and whether the signature still verifies, and
never prints a record id or a UTC stamp.

Public API: assessment_html(session, incident_ref=None, version=None) -> str (a complete HTML
document for `pdf.html_to_pdf` or a printer).
"""

from __future__ import annotations

import datetime as dt

from crisisdesk.domain.breach_assessment import (
    SIGNED_AS,
    Assessment,
    Conclusion,
    Diff,
    Factor,
)
from crisisdesk.domain.times import PAPER_MINUTES, show_utc
from crisisdesk.printing.crisis_paper import document, esc, grid_table
from crisisdesk.services import breach_assessment as assessment_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session
from crisisdesk.services.settings import display_org

RANSOMWARE_NOTE = ("Ransomware: when ePHI is encrypted by ransomware, HHS treats it as acquired, "
                   "so the incident is presumed a breach unless this assessment shows a low "
                   "probability of compromise (HHS OCR ransomware fact sheet, July 2016).")


def _factor_html(a: Assessment, factor: Factor, number: int, tz: dt.tzinfo) -> str:
    rows = "".join(
        f"<tr><td>{esc(f.text)}</td><td>{esc(f.recorded_by)}</td>"
        f"<td>{esc(show_utc(f.recorded_at, tz, PAPER_MINUTES))}</td></tr>"
        for f in a.facts_for(factor))
    return (f"<h2>{number}. {esc(factor.heading)}</h2>"
            f'<p class="sub">{esc(factor.question)}</p>'
            + grid_table((("Fact", 62), ("Recorded by", 16), ("When", 22)), rows,
                         empty="No fact recorded for this factor."))


def _signature_html(a: Assessment, problem: str, tz: dt.tzinfo) -> str:
    if a.signed is None:
        return ('<p class="warn">DRAFT: not signed. Facts and the conclusion may still change.'
                "</p>")
    state = ("Signature verified." if not problem
             else f"SIGNATURE PROBLEM: {problem}.")
    css = "sub" if not problem else "warn"
    return (f"<h2>Signature</h2><p>Signed by <b>{esc(a.signed.signer)}</b> as "
            f"{esc(a.signed.signed_as or SIGNED_AS)}, "
            f"{esc(show_utc(a.signed.signed_at, tz, PAPER_MINUTES))}.</p>"
            f'<p class="{css}">{esc(state)} A signed version is never changed; a later '
            "version supersedes it.</p>")


def _signer(a: Assessment) -> str:
    return f"signed by {a.signed.signer}" if a.signed else "not signed"


def diff_html(d: Diff) -> str:
    """The changes between two versions, with both signers."""
    rows = "".join(
        f"<tr><td>{esc(c.what)}</td><td>{esc(c.factor.heading if c.factor else '')}</td>"
        f"<td>{esc(c.before)}</td><td>{esc(c.after)}</td></tr>" for c in d.changes)
    return (f"<h2>Changes from version {d.old.version} ({esc(_signer(d.old))}) to version "
            f"{d.new.version} ({esc(_signer(d.new))})</h2>"
            + grid_table((("Change", 14), ("Factor", 22), (f"Version {d.old.version}", 32),
                          (f"Version {d.new.version}", 32)), rows, empty="No changes."))


def assessment_body(a: Assessment, *, tz: dt.tzinfo, problem: str,
                    previous: Diff | None) -> str:
    parts = []
    if a.ransomware:
        parts.append(f'<p class="warn">{esc(RANSOMWARE_NOTE)}</p>')
    parts.append('<p class="sub">45 CFR 164.402(2): an impermissible use or disclosure of '
                 "PHI is presumed to be a breach unless a documented assessment of at least "
                 "these four factors shows a low probability that the PHI has been "
                 "compromised.</p>")
    parts += [_factor_html(a, factor, n, tz) for n, factor in enumerate(Factor, start=1)]
    parts.append(f"<h2>Conclusion</h2><p><b>{esc(a.conclusion.label)}</b></p>")
    if a.reasons:
        parts.append(f"<p>Reasons: {esc(a.reasons)}</p>")
    elif a.conclusion is Conclusion.BREACH:
        parts.append('<p class="sub">No reasons needed: the presumption stands.</p>')
    parts.append(_signature_html(a, problem, tz))
    if previous is not None:
        parts.append(diff_html(previous))
    return "".join(parts)


def assessment_html(session: Session, incident_ref: str | None = None,
                    version: int | None = None) -> str:
    a = assessment_service.get(session, incident_ref, version)
    incident = incident_service.get_incident(session, a.incident_id)
    tz = zone(session)
    problem = assessment_service.signature_problem(session, a) if a.signed else ""
    previous = (assessment_service.compare(session, a.incident_id, a.version - 1, a.version)
                if a.version > 1 else None)
    printed = show_utc(session.now_iso(), tz, PAPER_MINUTES)
    return document(
        f"Breach risk assessment, version {a.version}",
        assessment_body(a, tz=tz, problem=problem, previous=previous),
        sub=f"{display_org(session)} · {incident.title} · discovered "
            f"{incident.discovered_on.isoformat()}",
        foot=esc(f"Printed {printed} by {session.operator.name}. Keep for six years "
                 "(45 CFR 164.530(j))."))
