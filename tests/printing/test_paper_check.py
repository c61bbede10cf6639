"""The paper check: every PDF the desk makes, from the demo desk, read back as a person would.

The demo desk is built and every printout rendered once for the module (`papers`), then each
rule runs over all of them: nothing that belongs together split by a page break (a wallet card,
a table row, a person with their numbers, the sentence holding an enrollment code), no machine
value (UUID, ISO timestamp), every time with the desk's zone, "Page X of Y" that agrees with the
pages, no empty field. The last tests check the checks on fabricated PDFs that break each rule.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.domain.letter_pages import LetterContent
from crisisdesk.domain.phones import Phone
from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.templates import Channel
from crisisdesk.domain.times import PAPER_CLOCK, show_utc
from crisisdesk.printing.calling_tree_paper import call_sheets_html
from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import paper as tree_paper
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.facts import facts_for
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.media.statements import statement_values
from crisisdesk.services.session import Session
from tests.support.desk import FAST_KDF
from tests.support.paper import (
    Paper,
    blank_bands,
    empty_fields,
    machine_values,
    page_numbers_disagree,
    render_all,
    split_blocks,
    times_without_zone,
)

ZONES = ("CST", "CDT")  # the demo desk's zone, America/Chicago
CODE = re.compile(r"RBH-[0-9A-F]+-\d{3}")
# How the letters' enrollment-code sentence starts and ends, in each language of the demo.
CODE_SENTENCE = {"en": ("To sign up for the free credit monitoring", "Please sign up by"),
                 "es": ("Para la vigilancia de crédito gratis", "Hágalo antes del")}
KINDS = ("chart", "sheets", "cards", "report", "org-chart", "obligations", "activity-log",
         "systems-board", "role-card", "communication-log", "counts-report",
         "spokesperson-brief", "hhs-worksheet", "letters", "alignment", "phone-list", "binder")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Path]]:
    data_dir = tmp_path_factory.mktemp("paper") / "demo"
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    session = desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    try:
        yield session, data_dir
    finally:
        session.close()


@pytest.fixture(scope="module")
def papers(demo: tuple[Session, Path], tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Paper]:
    started = time.monotonic()
    made = render_all(demo[0], tmp_path_factory.mktemp("printouts"))
    read = {name: Paper.load(name, path) for name, path in made.items()}
    print(f"rendered and read {len(read)} PDFs in {time.monotonic() - started:.1f} s")
    return read


def _problems(papers: dict[str, Paper], check: object) -> list[str]:
    return [problem for paper in papers.values() for problem in check(paper)]  # type: ignore[operator]


def test_every_kind_of_printout_is_checked(papers: dict[str, Paper]) -> None:
    missing = [kind for kind in KINDS if not any(kind in name for name in papers)]
    assert missing == []
    assert all(paper.pages for paper in papers.values())


def test_no_uuid_and_no_iso_timestamp_is_printed(papers: dict[str, Paper]) -> None:
    assert _problems(papers, machine_values) == []


def test_every_printed_time_names_the_desks_zone(papers: dict[str, Paper]) -> None:
    assert _problems(papers, lambda p: times_without_zone(p, ZONES)) == []


def test_page_x_of_y_agrees_with_the_pages(papers: dict[str, Paper]) -> None:
    assert _problems(papers, page_numbers_disagree) == []
    letters = [p for name, p in papers.items() if name.startswith("letters")]
    assert letters
    assert all("Page 1 of" in p.pages[1] for p in letters)  # page 0 is the cover sheet


def test_no_field_is_printed_empty(papers: dict[str, Paper]) -> None:
    assert _problems(papers, empty_fields) == []


def _phone_text(phone: Phone) -> str:
    number = phone.shown
    return f"{phone.label}: {number}" if phone.label else number


def test_tree_paper_keeps_each_card_row_and_person_whole(demo: tuple[Session, Path],
                                                         papers: dict[str, Paper]) -> None:
    session = demo[0]
    problems: list[str] = []
    checked = 0
    for n, summary in enumerate(tree_service.list_trees(session)):
        paper = tree_paper.tree_paper(session, summary.tree.id)
        cards = [[f"{s.caller.name}: your calls",
                  *(piece for p in s.people for piece in (p.name, *map(_phone_text, p.phones))),
                  f"Backup: {s.backup.name}" if s.backup else "No backup"]
                 for s in paper.sheets]
        rows = [[p.name, *map(_phone_text, p.phones)]
                + ([f"backup: {p.backup}"] if p.backup else []) for p in paper.chart]
        people = [[p.name, *map(_phone_text, p.phones)] for s in paper.sheets for p in s.people]
        problems += split_blocks(papers[f"tree{n}-cards"], cards)
        problems += split_blocks(papers[f"tree{n}-chart"], rows)
        problems += split_blocks(papers[f"tree{n}-sheets"], people)
        checked += len(cards) + len(rows)
    assert checked > 100
    assert problems == []
    assert len(papers["tree0-cards"].pages) > 1  # the check ran over a page break


def test_the_phone_list_keeps_each_person_with_their_numbers(
        demo: tuple[Session, Path], papers: dict[str, Paper]) -> None:
    contacts = contact_service.list_contacts(demo[0])
    blocks = [[c.name, *map(_phone_text, c.phones)] for c in contacts]
    assert split_blocks(papers["phone-list"], blocks) == []


def test_the_activity_log_keeps_each_entry_whole(demo: tuple[Session, Path],
                                                 papers: dict[str, Paper]) -> None:
    session = demo[0]
    incident = incident_service.current_incident(session)
    assert incident is not None
    entries = timeline_service.list_entries(session, incident.id)
    tz = settings_service.zone(session)
    blocks = [[show_utc(line.entry.at, tz, PAPER_CLOCK), line.entry.text] for line in entries]
    assert len(papers["activity-log"].pages) > 1
    assert split_blocks(papers["activity-log"], blocks) == []


def test_the_obligations_sheet_keeps_each_entry_whole(papers: dict[str, Paper]) -> None:
    paper = papers["obligations"]
    assert len(paper.pages) > 1
    entries = re.findall(r"(\d{4}-\d{2}-\d{2})\n(\d+ days)", "\n".join(paper.pages))
    assert entries
    # each entry's due date, its days and its "Done" boxes sit on one page
    for page in paper.pages:
        assert page.count(" days\n") <= page.count("Date:") + 1


def test_letters_keep_the_code_sentence_whole_and_start_later_pages_at_the_top(
        papers: dict[str, Paper]) -> None:
    letters = [p for name, p in papers.items() if name.startswith("letters")]
    problems: list[str] = []
    codes = 0
    for paper in letters:
        for text in paper.pages:
            for code in CODE.findall(text):
                codes += 1
                start, end = CODE_SENTENCE["es" if "Página" in text else "en"]
                problems += split_blocks(paper, [[start, code, end]])
        later = [n for n, text in enumerate(paper.pages) if re.search(r"Page [2-9] of", text)]
        problems += blank_bands(paper, max_gap_in=1.0,
                                skip_pages=set(range(len(paper.pages))) - set(later))
    assert codes > 5
    assert problems == []


def test_a_long_letter_never_cuts_the_code_sentence(tmp_path: Path, demo: tuple[Session, Path]
                                                    ) -> None:
    """Whatever length the text above it, the sentence with the code is on one page."""
    ensure_gui_app()
    layout = letter_render.letter_layout(demo[0])
    sentence = ("To sign up for the free credit monitoring, go to www.example-monitoring.com/"
                "enroll and use this code: RBH-0A1B2C-{n:03d}. Please sign up by April 1, 2027.")
    path = tmp_path / "long.pdf"
    with open_letter_pdf(path, layout, None) as out:
        for n in range(12):
            filler = "".join(f"<p>Paragraph {i}: we are writing to tell you about a problem "
                             "that may involve some of your information, what we know and "
                             "what we are doing about it.</p>" for i in range(14 + n))
            out.add(LetterContent(f"CD{n:08d}", ("Pat Sample", "1 Example St",
                                                  "Springfield, IL 62701"),
                                  filler + f"<p>{sentence.format(n=n)}</p>"))
    paper = Paper.load("long", path)
    blocks = [["To sign up for the free credit monitoring", f"RBH-0A1B2C-{n:03d}",
               "Please sign up by"] for n in range(12)]
    assert split_blocks(paper, blocks) == []
    assert page_numbers_disagree(paper) == []
    later = [n for n, text in enumerate(paper.pages) if re.search(r"Page [2-9] of", text)]
    assert later
    assert blank_bands(paper, max_gap_in=1.0,
                       skip_pages=set(range(len(paper.pages))) - set(later)) == []


def test_the_counts_report_header_agrees_with_its_table(demo: tuple[Session, Path],
                                                        papers: dict[str, Paper]) -> None:
    text = " ".join(" ".join(papers["counts-report"].pages).split())
    incident = incident_service.current_incident(demo[0])
    assert incident is not None
    listed = re.findall(r"\b([A-Z]{2}) (?:\d[\d,]* ){12}\d", text)
    assert listed
    assert set(listed) <= set(incident.affected_by_state)
    assert f"States {len(set(listed))}" in text
    assert "??" not in text


def test_a_call_sheet_leaves_out_sentences_whose_fact_was_not_given(
        demo: tuple[Session, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(demo[1], copy)
    session = desk_service.unlock(copy, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    try:
        tree = next(t.tree for t in tree_service.list_trees(session)
                    if not activation_service.list_activations(session, t.tree.id,
                                                               only_open=True))
        # only a drill may start with nothing filled in (a real activation is refused)
        activation_service.start_activation(session, tree.id, drill=True, message="", action="",
                                            report_back_to="")
        path = tmp_path / "sheets.pdf"
        html_to_pdf(call_sheets_html(tree_paper.tree_paper(session, tree.id)), path,
                    title="Call sheets")
    finally:
        session.close()
    paper = Paper.load("sheets", path)
    assert empty_fields(paper) == []
    assert "report back to the person who called you" in " ".join(paper.pages[0].split())


def test_the_dashboard_shows_next_updates_in_local_time_with_the_zone(
        demo: tuple[Session, Path]) -> None:
    rows = dict(media_service.dashboard_summary(demo[0]).rows)
    public = rows["Public and media"]
    assert re.search(r"(today|tomorrow|\d{4}-\d{2}-\d{2}) \d{2}:\d{2} (CST|CDT), every 4 h, "
                     r"(due in|overdue by) ", public)
    assert "overdue by" in rows["Staff"]
    assert not [v for v in rows.values() if "day," in v or ":00:00" in v or "." in v]


# --- the demo desk's words agree with its records ------------------------------------------

URL = re.compile(r"\b(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:example|com|org|"
                 r"gov)(?:/[\w/-]*)?", re.I)
PHONE = re.compile(r"(?:\+?1[ .-])?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")
COUNT = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d{4,})\s+(?:people|patients|individuals)")
NO_COUNT = re.compile(r"do not (?:yet )?(?:have a number|know (?:yet )?whether any)", re.I)


# What a notice may give besides the desk's own: the official free credit report service.
NATIONAL_SITES = {"www.annualcreditreport.com"}
NATIONAL_PHONES = {"8773228228"}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)[-10:]


def _contradictions(text: str, *, count: int, website: str, phones: set[str]) -> list[str]:
    found = []
    for hit in COUNT.finditer(text):
        if int(hit.group(1).replace(",", "")) != count:
            found.append(f"says {hit.group(0)!r}, the incident records {count:,}")
    if count and NO_COUNT.search(text):
        found.append(f"says {NO_COUNT.search(text).group(0)!r}, the incident records "  # type: ignore[union-attr]
                     f"{count:,}")
    for hit in URL.finditer(text):
        if "@" in text[max(0, hit.start() - 1):hit.start()]:
            continue  # the domain of an e-mail address
        if hit.group(0).rstrip("/").lower() not in {website.lower(), *NATIONAL_SITES}:
            found.append(f"gives {hit.group(0)!r}, the desk's web address is {website!r}")
    for hit in PHONE.finditer(text):
        if _digits(hit.group(0)) not in phones | NATIONAL_PHONES:
            found.append(f"gives the number {hit.group(0)!r}, not one of the desk's")
    return found


def test_demo_answers_and_statements_agree_with_the_incident(demo: tuple[Session, Path]
                                                             ) -> None:
    session = demo[0]
    incident = incident_service.current_incident(session)
    assert incident is not None
    website = str(settings_service.get(session, "public_website"))
    facts = {**facts_for(session), **statement_values(session)}
    phones = {_digits(str(settings_service.get(session, key)))
              for key in ("public_phone", "staff_hotline")} | {_digits(str(facts[k]))
                                                                for k in facts if "phone" in k}
    rendered = 0
    problems = []
    for channel in (Channel.QA, Channel.PRESS_STATEMENT):
        for summary in template_service.list_templates(session, channel=channel.value):
            if summary.approved_version is None:
                continue
            approved = template_service.require_approved(session, summary.key)
            values = {**approved.meta.sample_values(), **facts}
            text = template_service.render_approved(session, approved, values).plain
            problems += [f"{summary.key}: {p}" for p in _contradictions(
                text, count=incident.total_affected, website=website, phones=phones)]
            rendered += 1
    for issued in statement_service.issued_statements(session):  # what was said, as said
        text = html_to_text(message_service.issued_content(session, issued.id))
        problems += [f"issued {issued.template_key}: {p}" for p in _contradictions(
            text, count=incident.total_affected, website=website, phones=phones)]
        rendered += 1
    assert rendered >= 17
    assert problems == []


def test_the_consistency_check_catches_a_contradiction() -> None:
    bad = ("We do not have a number yet. About 1,200 people may be affected. See "
           "www.other.example/updates or call (217) 555-0199.")
    found = _contradictions(bad, count=17_230, website="www.riverbend-health.example/notice",
                            phones={"8335550142"})
    assert len(found) == 4


# --- the checks catch what they are for ----------------------------------------------------

def test_the_check_finds_a_card_split_across_pages(tmp_path: Path) -> None:
    ensure_gui_app()
    path = tmp_path / "split.pdf"
    filler = "".join(f"<p>line {i}</p>" for i in range(40))
    html_to_pdf(f"<p>{filler}</p><table border='1'><tr><th>Ann Lee: your calls</th></tr>"
                "<tr><td>Bo Chan</td></tr><tr><td>mobile: (312) 555-0101</td></tr>"
                "<tr><td style='page-break-before: always'>work: (312) 555-0102</td></tr>"
                "</table>", path, title="fabricated")
    paper = Paper.load("fabricated", path)
    found = split_blocks(paper, [["Ann Lee: your calls", "Bo Chan", "mobile: (312) 555-0101",
                                  "work: (312) 555-0102"]])
    assert len(found) == 1
    assert "split across pages" in found[0]


def test_the_check_finds_a_printed_uuid_and_timestamp(tmp_path: Path) -> None:
    ensure_gui_app()
    path = tmp_path / "uuid.pdf"
    html_to_pdf("<table width='30%' border='1'><tr><td>Incident</td><td>"
                "e172699a-8701-4399-8257-b6d4364010c1</td></tr><tr><td>At</td><td>"
                "2026-03-02T14:05:00Z</td></tr></table>", path, title="fabricated")
    found = machine_values(Paper.load("fabricated", path))
    assert any("e172699a-8701-4399-8257-b6d4364010c1" in f for f in found)
    assert any("2026-03-02T14:05" in f for f in found)


def test_the_check_finds_a_time_without_zone_and_an_empty_field(tmp_path: Path) -> None:
    ensure_gui_app()
    path = tmp_path / "bare.pdf"
    html_to_pdf('<p>Printed 2026-03-02 14:05 by jo.</p><p>"I am calling." ""</p>'
                "<p>When done, report to .</p><p>Dear , we are writing to you.</p>"
                "<p>Next update 15:00 CST.</p>", path, title="fabricated")
    paper = Paper.load("fabricated", path)
    assert [f.split(": ", 1)[1][:5] for f in times_without_zone(paper, ZONES)] == ["14:05"]
    assert len(empty_fields(paper)) == 3
