"""The paper check: every PDF the desk makes, rendered from one desk, and the rules paper must
keep (nothing that belongs together split by a page break, no machine values, every time with
its zone, page numbers that agree, no empty field).

`render_all` makes each printout exactly as the GUI's and CLI's worker bodies do (the same
service and printing calls), so a printout added to the desk is checked once it is added here.
The checks read the PDF back with pypdf (`tests.support.pdf.read`): text with page and position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.pdf import Text, read

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z\b")
CLOCK = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):[0-5]\d(?![\d:])"
                   r"(?:\s*(?:AM|PM|a\.\s?m\.|p\.\s?m\.))?")
PAGE_X_OF_Y = re.compile(r"(?:Page|Página)\s+(\d+)\s+(?:of|de)\s+(\d+)")
# What a template or form prints where a value belongs but none was given: empty quotes or
# brackets, a space before punctuation ("Dear ,", "report to ."), template syntax, "??".
# Not after a closing bracket: pypdf puts a space between "]" and the next glyph of a
# monospaced script ("[name on your list] ." where the page shows "[name on your list].").
EMPTY_FIELD = re.compile(r'""|\(\s*\)|[^\s\]]\s+[,;.](?:\s|$)|: \.|\{\{|\}\}|\[\s*\]|\bnan\b'
                         r'|\?\?')


@dataclass
class Paper:
    """One PDF read back: its pieces of text with positions, and each page's text."""

    name: str
    path: Path
    texts: list[Text]
    pages: list[str]

    @classmethod
    def load(cls, name: str, path: Path) -> Paper:
        texts, pages = read(path)
        return cls(name, path, texts, pages)

    @property
    def lines(self) -> list[tuple[int, str]]:
        """(page, line) for every non-empty line of extracted text."""
        return [(n, line.strip()) for n, page in enumerate(self.pages)
                for line in page.splitlines() if line.strip()]


def _squash(text: str) -> str:
    """Text without its spaces and line ends: a name wrapped inside its cell ("Byrne-" /
    "Kowalski") is still the one block; only a page break parts it."""
    return "".join(text.split())


def machine_values(paper: Paper) -> list[str]:
    """UUIDs and ISO timestamps (with T or Z) in the printed text."""
    found = []
    for page, text in enumerate(paper.pages):
        joined = text.replace("\n", "")  # an id wrapped over lines is still an id
        for pattern in (UUID, ISO_STAMP):
            for hit in pattern.finditer(text + "\n" + joined):
                found.append(f"{paper.name} p{page + 1}: {hit.group(0)!r}")
    return sorted(set(found))


def times_without_zone(paper: Paper, zone_names: Sequence[str]) -> list[str]:
    """Clock times printed without the desk's zone: each time must be followed by a zone name
    on its line, or its page must say once which zone its times are in ("times are CST")."""
    names = "|".join(re.escape(z) for z in zone_names)
    with_zone = re.compile(rf"{CLOCK.pattern}\s*(?:{names})\b")
    page_says = re.compile(rf"(?:times?|Time)[^.\n]{{0,30}}\((?:{names})\)")
    found = []
    for page, text in enumerate(paper.pages):
        if page_says.search(text):
            continue
        for line in text.splitlines():
            bare = with_zone.sub("", line)
            for hit in CLOCK.finditer(bare):
                found.append(f"{paper.name} p{page + 1}: {hit.group(0)} in {line.strip()!r}")
    return found


def page_numbers_disagree(paper: Paper) -> list[str]:
    """A "Page X of Y" whose Y is not the pages of its letter/document, or X out of order."""
    found = []
    marks = [(n, int(m.group(1)), int(m.group(2))) for n, page in enumerate(paper.pages)
             for m in PAGE_X_OF_Y.finditer(page)]
    if not marks:
        return found
    # Group consecutive runs 1..Y: each run must be Y pages long, one mark per page.
    expected_x = 1
    run_total = None
    for page, x, y in marks:
        if x == 1:
            if run_total is not None and expected_x != run_total + 1:
                found.append(f"{paper.name} p{page + 1}: a run ended at page {expected_x - 1} "
                             f"of {run_total}")
            run_total, expected_x = y, 1
        if x != expected_x or y != run_total:
            found.append(f"{paper.name} p{page + 1}: 'Page {x} of {y}', expected "
                         f"{expected_x} of {run_total}")
        expected_x = x + 1
    if run_total is not None and expected_x != run_total + 1:
        found.append(f"{paper.name}: the last run ended at page {expected_x - 1} of {run_total}")
    return found


def empty_fields(paper: Paper) -> list[str]:
    """Places where a value was due and nothing (or a placeholder) was printed."""
    return [f"{paper.name} p{page + 1}: {line!r}" for page, line in paper.lines
            if EMPTY_FIELD.search(line)]


def split_blocks(paper: Paper, blocks: Iterable[Sequence[str]]) -> list[str]:
    """Blocks that must stay whole (a card, a row, a person with their numbers, a sentence
    holding a code), each given as the pieces of text it is made of, in order: every piece
    must be found, and all on one page."""
    found = []
    page_text = [_squash(p) for p in paper.pages]
    for block in blocks:
        pages: set[int] = set()
        for piece in block:
            where = {n for n, text in enumerate(page_text) if _squash(piece) in text}
            if not where:
                whole = " ".join(page_text)
                where = {-1} if _squash(piece) in whole else set()
                if not where:
                    found.append(f"{paper.name}: {piece!r} not printed whole on any page "
                                 f"(block {block[0]!r})")
                    continue
            pages |= where
        if len(pages) > 1 and not any(all(_squash(p) in page_text[n] for p in block)
                                      for n in pages if n >= 0):
            found.append(f"{paper.name}: block {block[0]!r} split across pages "
                         f"{sorted(n + 1 for n in pages)}")
        if -1 in pages:
            found.append(f"{paper.name}: {block[0]!r} is split across a page break")
    return found


def blank_bands(paper: Paper, *, max_gap_in: float, skip_pages: Iterable[int] = ()) -> list[str]:
    """A page whose text starts further than `max_gap_in` below the first line of text (the
    page's header): a band of empty paper where the content should go on."""
    found = []
    skip = set(skip_pages)
    for n in range(len(paper.pages)):
        if n in skip:
            continue
        tops = sorted(t.top_in for t in paper.texts if t.page == n)
        if len(tops) > 1 and tops[1] - tops[0] > max_gap_in:
            found.append(f"{paper.name} p{n + 1}: an empty band of {tops[1] - tops[0]:.1f} in")
    return found


Check = Callable[[Paper], list[str]]


def render_all(session: object, out: Path) -> dict[str, Path]:
    """Every PDF the desk makes, from the open desk `session`, written into `out`; keyed by a
    short name. Each goes through the same calls as the GUI's and the CLI's worker bodies."""
    from crisisdesk.printing import crisis_reports
    from crisisdesk.printing.binder import make_binder
    from crisisdesk.printing.hhs_report import report_html as hhs_report_html
    from crisisdesk.printing.letter_alignment import alignment_pdf
    from crisisdesk.printing.letter_report import write_pdf as write_counts
    from crisisdesk.printing.letters import open_letter_pdf
    from crisisdesk.printing.media_brief import brief_html
    from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf
    from crisisdesk.printing.role_card import role_card
    from crisisdesk.services import messages as message_service
    from crisisdesk.services import roles as role_service
    from crisisdesk.services.calling_trees import activations as activation_service
    from crisisdesk.services.calling_trees import trees as tree_service
    from crisisdesk.services.letters import batches as batch_service
    from crisisdesk.services.letters import render as letter_render
    from crisisdesk.services.letters.report import counsel_report
    from crisisdesk.services.media.brief import gather_brief
    from crisisdesk.services.session import Session
    from crisisdesk.ui.calling_trees.file_actions import print_paper, report_page
    from crisisdesk.ui.contacts.page import print_phone_list

    assert isinstance(session, Session)
    ensure_gui_app()
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}

    def html(name: str, text: str, title: str) -> None:
        made[name] = out / f"{name}.pdf"
        html_to_pdf(text, made[name], title=title)

    for n, tree in enumerate(tree_service.list_trees(session)):
        for what in ("chart", "sheets", "cards"):
            made[f"tree{n}-{what}"] = out / f"tree{n}-{what}.pdf"
            print_paper(session, tree.tree.id, what, made[f"tree{n}-{what}"])
    for n, act in enumerate(activation_service.list_activations(session)):
        html(f"activation{n}-report", report_page(session, act.id), "Calling tree report")
    html("org-chart", crisis_reports.org_chart(session), "Org chart")
    html("obligations", crisis_reports.obligations(session), "Obligations")
    html("activity-log", crisis_reports.activity_log(session), "Activity log")
    html("systems-board", crisis_reports.systems_board(session), "Systems")
    filled = [s.role.key for s in role_service.roster(session).statuses if s.slots]
    for key in filled[:3]:
        html(f"role-card-{key}", role_card(session, key), "Role card")
    html("communication-log", message_service.log_report_html(
        session, message_service.communication_log(session)), "Communication log")
    made["counts-report"] = out / "counts-report.pdf"
    write_counts(counsel_report(session), made["counts-report"])
    html("spokesperson-brief", brief_html(gather_brief(session)), "Spokesperson brief")
    html("hhs-worksheet", hhs_report_html(session), "HHS breach report")
    batch = batch_service.list_batches(session)[0]
    letters = letter_render.render_batch(session, str(batch.number), out / "letters",
                                         open_letter_pdf)
    for n, path in enumerate(letters.files):
        made[f"letters-{n}"] = path
    made["alignment"] = out / "alignment.pdf"
    alignment_pdf(letter_render.letter_layout(session), made["alignment"])
    made["phone-list"] = out / "phone-list.pdf"
    print_phone_list(session, made["phone-list"])
    made["binder"] = out / "binder.pdf"  # last: printing it is recorded on the desk
    make_binder(session, made["binder"])
    return made
