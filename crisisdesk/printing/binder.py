"""The downtime binder: every paper the team needs when the laptop is gone, as ONE PDF.

Cover, table of contents, then the sections: how to restore the desk, the role chart and a
card per role, each calling tree (chart, one call sheet per caller, wallet cards), the phone
list, the approved scripts and statements, the spokesperson brief, the obligations sheet, the
signed breach risk assessment and the HHS breach report (each only when the desk has one: see
`services.binder`), and blank HICS 213/214 forms. Each section is the printout the desk already
makes (the same HTML builders), laid out on its own by `pdf.html_to_pdf`, so its page breaks
are exactly those of the printout on its own (keep-together tables included) and a section
always starts on a fresh page. The pieces are joined with pypdf, which also adds a bookmark per
section; the table of contents is laid out last, when every section's first page is known, and
every page is stamped "page X of Y" (over the section's own page number, so a page carries one
number only).

`sections(session)` is the one list of what the binder holds; `scripts/render_paper.py` renders
the same list for the reviewers' images. `make_binder` is the worker body for the GUI and the
CLI; the print is recorded by `services.binder.record_printed`.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPdfWriter

from crisisdesk import __version__
from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.domain.times import PAPER_MINUTES
from crisisdesk.printing import crisis_reports
from crisisdesk.printing.blank_forms import activity_log_form_html, message_form_html
from crisisdesk.printing.breach_assessment import assessment_html
from crisisdesk.printing.calling_tree_paper import call_sheets_html, chart_html, wallet_cards_html
from crisisdesk.printing.crisis_paper import GRID, document, esc
from crisisdesk.printing.fonts import print_family
from crisisdesk.printing.hhs_report import report_html
from crisisdesk.printing.media_brief import brief_html
from crisisdesk.printing.pdf import (
    KEEP_TABLES_TOGETHER,
    PRINT_MARGIN_CM,
    RESOLUTION_DPI,
    html_to_pdf,
    page_layout,
)
from crisisdesk.printing.phone_list import phone_list_html
from crisisdesk.printing.role_card import role_card
from crisisdesk.services import audit as audit_service
from crisisdesk.services import binder as binder_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import paper as tree_paper
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.localtime import show, zone
from crisisdesk.services.media.brief import gather_brief
from crisisdesk.services.session import Session
from crisisdesk.store.files import atomic_path

TITLE = "Downtime binder"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Section:
    """One part of the binder: a complete printout, its line in the contents and bookmarks."""

    title: str
    html: str
    group: str = ""  # the bookmark it sits under ("Calling tree: All staff"), "" at the top

    @property
    def heading(self) -> str:
        """The text the section's first page starts with (its first heading)."""
        return first_heading(self.html)


@dataclass(frozen=True)
class Entry:
    title: str
    group: str
    page: int  # 1-based, as stamped and as the contents say
    heading: str


@dataclass(frozen=True)
class BinderResult:
    path: Path
    pages: int
    entries: tuple[Entry, ...]
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "pages": self.pages, "seconds": round(self.seconds, 2),
                "sections": [{"title": e.title, "group": e.group, "page": e.page}
                             for e in self.entries]}


def first_heading(html: str) -> str:
    """The text of a printout's first heading (or first paragraph, for a page with none)."""
    body = html.split("<body>", 1)[-1]
    found = re.search(r"<(h1|h2|p)\b[^>]*>(.*?)</\1>", body, re.S | re.I)
    text = re.sub(r"<[^>]+>", "", found.group(2)) if found else ""
    return " ".join(unescape(text).split())


# --- what goes in --------------------------------------------------------------------------

def _printed(session: Session) -> str:
    """The print time in the desk's zone, with the zone named (paper travels)."""
    tz = zone(session)
    name = getattr(tz, "key", None) or session.now().astimezone(tz).tzname() or ""
    shown = show(session, session.now_iso(), PAPER_MINUTES)
    return f"{shown} ({name})" if name else shown


def procedures_html(org: str) -> str:
    """How to get the desk back on another laptop: the real commands (see the README)."""
    steps = [
        ("Find the latest backup and the recovery key.",
         "The backup is a <b>.crisisdesk-backup</b> file (USB stick in the safe, or the "
         "backup folder set on the Settings page). The recovery key is the printed sheet kept "
         "apart from the laptop; nobody can open the desk without it or an operator's "
         "passphrase."),
        ("Install CrisisDesk on the other laptop (no network needed once installed).",
         "<pre>make run        # from the CrisisDesk folder: installs and opens the demo\n"
         "pip install crisisdesk-*.whl   # or from the wheel on the USB stick</pre>"),
        ("Check the backup opens, with the recovery key typed into a file.",
         "<pre>crisisdesk --recovery-key-file key.txt backup verify BACKUP.crisisdesk-backup"
         "</pre>It checks integrity, the page MACs and the audit chain; it must say OK."),
        ("Restore it into a new, empty folder (never over a desk).",
         "<pre>crisisdesk --recovery-key-file key.txt backup restore \\\n"
         "    BACKUP.crisisdesk-backup --to ~/crisis-desk</pre>"),
        ("Open it and check it.",
         "<pre>crisisdesk --data-dir ~/crisis-desk   # unlock: choose \"recovery key\"\n"
         "crisisdesk --data-dir ~/crisis-desk --recovery-key-file key.txt audit verify\n"
         "crisisdesk --data-dir ~/crisis-desk --recovery-key-file key.txt doctor</pre>"),
        ("Give every operator a new passphrase and replace the recovery key.",
         "<pre>crisisdesk --data-dir ~/crisis-desk operators passwd NAME\n"
         "crisisdesk --data-dir ~/crisis-desk operators recovery-key</pre>"
         "Print the new key, store it apart from the laptop, and shred the old one "
         "securely."),
        ("Type in what happened on paper meanwhile.",
         "Call sheet outcomes into the calling tree, HICS 214 activity logs into the "
         "timeline, HICS 213 messages into the communication log. Then print a new binder "
         "(Settings, Downtime binder, or <b>crisisdesk binder --out binder.pdf</b>) and shred "
         "this one."),
    ]
    pre = "<pre style='font-size: 8pt; white-space: pre-wrap'>"
    rows = "".join(f"<tr><td width='5%'><b>{n}</b></td><td><b>{esc(step)}</b>"
                   + (how.replace("<pre>", pre) if how.startswith("<pre>") else f"<br>{how}")
                   + "</td></tr>" for n, (step, how) in enumerate(steps, start=1))
    body = (f"<p>When the laptop running CrisisDesk fails, is stolen or is lost, the team "
            f"carries on from this binder. To bring the desk back for {esc(org)}:</p>"
            f"{GRID}{rows}</table>"
            "<p><b>While the desk is down:</b> use the call sheets and wallet cards in this "
            "binder, the approved scripts and statements only (nothing else goes out), the "
            "obligations sheet for the deadlines, and the blank forms at the back.</p>")
    return document("Downtime procedures: restoring the desk", body,
                    sub="The commands below are typed in a terminal on the other laptop.")


def scripts_html(scripts: Sequence[binder_service.PaperScript]) -> str:
    """The approved scripts and statements, each kept whole on a page, blanks standing out."""
    parts = []
    for script in scripts:
        text = esc(script.text)
        for blank in script.blanks:
            text = text.replace(esc(blank), f"<b><u>{esc(blank)}</u></b>")
        parts.append(
            f"{GRID}<tr><th>{esc(script.kind)}: {esc(script.name)} "
            f"<span class='small'>({esc(script.source)}, approved)</span></th></tr>"
            f"<tr><td><pre style='white-space: pre-wrap'>{text}</pre></td></tr></table>"
            "<p>&#160;</p>")
    body = "".join(parts) or "<p>No approved script or statement yet.</p>"
    note = ("Only approved versions are printed. Fill in every <b><u>[BLANK IN CAPITALS]</u>"
            "</b> before use; a statement's dates are those of the day the binder was printed: "
            "write the real release time and next update.")
    return KEEP_TABLES_TOGETHER + document("Approved scripts and statements",
                                           f"<p class='sub'>{note}</p>{body}")


def _trees(session: Session) -> list[Section]:
    out = []
    for summary in tree_service.list_trees(session):
        paper = tree_paper.tree_paper(session, summary.tree.id)
        group = f"Calling tree: {paper.tree_name}"
        out.append(Section("Tree chart", chart_html(paper), group))
        for sheet in paper.sheets:
            one = dataclasses.replace(paper, sheets=(sheet,))
            out.append(Section(f"Call sheet: {sheet.caller.name}", call_sheets_html(one), group))
        out.append(Section("Wallet cards", wallet_cards_html(paper), group))
    return out


def _role_cards(session: Session) -> list[Section]:
    """One card per crisis role (its first actions to tick off by hand), in roster order."""
    return [Section(status.role.title, role_card(session, status.role.key), "Role cards")
            for status in role_service.roster(session).statuses]


def _obligations(session: Session) -> list[Section]:
    try:
        html = crisis_reports.obligations(session)
    except UserError:  # no incident yet: nothing is owed
        return []
    return [Section("Obligations: due dates and filings owed", html)]


def _records(session: Session) -> list[Section]:
    """The signed breach risk assessment and the HHS breach report, those the desk has."""
    out = []
    signed = binder_service.signed_assessment(session)
    if signed is not None:
        out.append(Section(f"Breach risk assessment, version {signed.version}",
                           assessment_html(session, signed.incident_id, signed.version)))
    report = binder_service.hhs_report(session)
    if report is not None:
        out.append(Section("HHS breach report", report_html(session, report.incident_id,
                                                            report.version or None)))
    return out


def sections(session: Session) -> list[Section]:
    """Everything the binder holds, in order (each a printout the desk already makes)."""
    org = settings_service.display_org(session)
    printed = f"{_printed(session)} by {session.operator.name}"
    return [
        Section("Downtime procedures", procedures_html(org)),
        Section("Role roster and org chart (HICS 207)", crisis_reports.org_chart(session)),
        *_role_cards(session),
        *_trees(session),
        Section("Key contacts directory", phone_list_html(
            contact_service.list_contacts(session), org=org, printed=printed)),
        Section("Approved scripts and statements", scripts_html(binder_service.scripts(session))),
        Section("Spokesperson brief and top Q&A", brief_html(gather_brief(session))),
        *_obligations(session),
        *_records(session),
        Section("General Message (HICS 213)", message_form_html(org=org), "Blank forms"),
        Section("Activity Log (HICS 214)", activity_log_form_html(org=org), "Blank forms"),
    ]


# --- cover and contents --------------------------------------------------------------------

def front_html(session: Session, entries: Sequence[Entry]) -> str:
    """The cover, then the table of contents (on its own page)."""
    org = settings_service.display_org(session)
    cover = (f"<p style='font-size: 20pt; font-weight: bold'>{esc(org)}</p>"
             "<p style='font-size: 12pt'>Everything the crisis team needs on paper when the "
             "desk is down: who does what, whom to call, what may be said, what is owed.</p>"
             f"{GRID}<tr><td width='30%'>Printed</td><td>{esc(_printed(session))} by "
             f"{esc(session.operator.name)}</td></tr>"
             f"<tr><td>Desk version</td><td>CrisisDesk {esc(__version__)}</td></tr>"
             f"<tr><td>Audit head</td><td>{esc(audit_service.head(session).text())}</td></tr>"
             "</table>"
             "<p style='font-size: 14pt; font-weight: bold; color: #8a1c1c'>CONFIDENTIAL: "
             "staff phone numbers. Keep locked away. DESTROY SECURELY (cross-cut shred) when "
             "a new binder replaces it.</p>"
             "<p>Paper goes stale: check the print date above. A new binder comes from "
             "Settings, Downtime binder, or <b>crisisdesk binder --out binder.pdf</b>.</p>")
    rows, group = [], None
    for entry in entries:
        if entry.group and entry.group != group:
            rows.append(f"<tr><td><b>{esc(entry.group)}</b></td><td></td></tr>")
        group = entry.group
        pad = "padding-left: 18px; " if entry.group else ""
        rows.append(f"<tr><td style='{pad}'>{esc(entry.title)}</td>"
                    f"<td align='right'>{entry.page}</td></tr>")
    contents = ("<h1 style='page-break-before: always'>Contents</h1>"
                "<table width='100%' cellspacing='0' cellpadding='2'>"
                "<thead><tr><th align='left'>Section</th><th align='right' width='12%'>Page"
                "</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return document(TITLE, cover + contents)


# --- assembling ----------------------------------------------------------------------------

def _pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def _stamp_pdf(path: Path, pages: int, label: str) -> None:
    """A PDF of `pages` empty pages to lay over the binder's: each foot says `label` (left)
    and "page X of Y" (right), over a white patch that hides the section's own page number,
    so a page carries one number only: its place in the binder."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(page_layout())
    font = QFont(print_family())
    font.setPointSizeF(8.0)
    painter = QPainter(writer)
    try:
        painter.setFont(font)
        metrics = QFontMetrics(font, writer)
        width, height = float(writer.width()), float(writer.height())
        margin = PRINT_MARGIN_CM / 2.54 * RESOLUTION_DPI
        baseline = height - margin + metrics.ascent() + 5 * RESOLUTION_DPI / 72.0
        patch = QRectF(width / 2, height - margin + 2, width / 2 - margin / 4, margin * 0.6)
        for number in range(1, pages + 1):
            if number > 1:
                writer.newPage()
            painter.fillRect(patch, QColor("white"))
            painter.drawText(QPointF(margin, baseline), label)
            text = f"page {number} of {pages}"
            painter.drawText(QPointF(width - margin - metrics.horizontalAdvance(text), baseline),
                             text)
    finally:
        painter.end()
    del writer


def make_binder(session: Session, path: Path, *, progress: Progress | None = None,
                is_cancelled: Callable[[], bool] | None = None) -> BinderResult:
    """Build the binder from the open desk and write it to `path` atomically; record it.

    Cancelling (between sections) raises `Cancelled` and leaves nothing at `path`."""
    started = time.perf_counter()
    report = progress or (lambda _done, _total: None)
    parts = sections(session)
    total = len(parts) + 3
    report(0, total)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    except OSError as exc:
        raise UserError(f"Cannot write the binder to {path}: {exc.strerror}.") from None
    try:
        files: list[Path] = []
        for i, part in enumerate(parts):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled("Cancelled: no binder was written.")
            files.append(work / f"{i:03d}.pdf")
            html_to_pdf(part.html, files[-1], title=part.title)
            report(i + 1, total)
        front, entries = _front(session, parts, [_pages(f) for f in files], work / "front.pdf")
        report(len(parts) + 1, total)
        writer = _merge(front, files, parts, entries)
        pages = len(writer.pages)
        printed = show(session, session.now_iso(), PAPER_MINUTES)
        _stamp(writer, work / "stamp.pdf", f"{TITLE} · {settings_service.display_org(session)}"
                                           f" · printed {printed}")
        report(len(parts) + 2, total)
        writer.add_metadata({"/Title": f"{TITLE}: {settings_service.display_org(session)}",
                             "/Creator": "CrisisDesk"})
        try:
            with atomic_path(path) as tmp, open(tmp, "wb") as fh:
                writer.write(fh)
        except OSError as exc:
            raise UserError(f"Cannot write the binder to {path}: {exc.strerror}.") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    binder_service.record_printed(session, pages=pages, sections=len(parts))
    report(total, total)
    return BinderResult(path, pages, tuple(entries), time.perf_counter() - started)


def _front(session: Session, parts: Sequence[Section], counts: Sequence[int],
           target: Path) -> tuple[Path, list[Entry]]:
    """Cover and contents, laid out until the contents' own length stops moving the page
    numbers it prints (twice in practice: once to learn its length, once to confirm)."""
    front_pages, entries = 0, list[Entry]()
    for _ in range(4):
        entries, page = [], front_pages + 1
        for part, count in zip(parts, counts, strict=True):
            entries.append(Entry(part.title, part.group, page, part.heading))
            page += count
        html_to_pdf(front_html(session, entries), target, title=TITLE)
        if _pages(target) == front_pages:
            return target, entries
        front_pages = _pages(target)
    raise RuntimeError("the binder's contents did not settle on a length")


def _stamp(writer: PdfWriter, scratch: Path, label: str) -> None:
    """Lay "label · page X of Y" over every page of `writer`."""
    _stamp_pdf(scratch, len(writer.pages), label)
    for page, overlay in zip(writer.pages, PdfReader(scratch).pages, strict=True):
        page.merge_page(overlay)


def _merge(front: Path, files: Sequence[Path], parts: Sequence[Section],
           entries: Sequence[Entry]) -> PdfWriter:
    """The front pages then every section, with a bookmark per section (grouped)."""
    writer = PdfWriter()
    for source in (front, *files):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    writer.add_outline_item(title="Contents", page_number=1 if len(writer.pages) > 1 else 0)
    groups: dict[str, object] = {}
    for part, entry in zip(parts, entries, strict=True):
        parent = None
        if part.group:
            if part.group not in groups:
                groups[part.group] = writer.add_outline_item(title=part.group,
                                                             page_number=entry.page - 1)
            parent = groups[part.group]
        writer.add_outline_item(title=part.title, page_number=entry.page - 1,
                                parent=parent)  # type: ignore[arg-type]
    return writer


__all__ = ["BinderResult", "Entry", "Section", "first_heading", "front_html", "make_binder",
           "procedures_html", "scripts_html", "sections"]
