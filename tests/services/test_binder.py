"""The downtime binder: `crisisdesk binder --out b.pdf` on the demo desk gives one PDF whose
contents page tells the truth, with a bookmark per section, every caller's sheet, "page X of
Y" on every page, and a record of when it was printed."""

from __future__ import annotations

import datetime as dt
import json
import re
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from crisisdesk.cli import cli
from crisisdesk.domain.breach_assessment import Conclusion, Factor
from crisisdesk.domain.dashboard import binder_age_text
from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.printing.binder import make_binder
from crisisdesk.services import binder as binder_service
from crisisdesk.services import breach_assessment as assessment_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import hhs_report as hhs_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import systems as system_service
from crisisdesk.services.calling_trees import paper as tree_paper
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.crisis import freeze, open_incident
from tests.support.desk import FAST_KDF
from tests.support.paper import (
    Paper,
    empty_fields,
    machine_values,
    page_numbers_disagree,
    split_blocks,
    times_without_zone,
)
from tests.support.pdf import Text, read
from tests.support.templates import approve_library


@dataclass
class Binder:
    data_dir: Path
    path: Path
    summary: dict[str, Any]
    seconds: float
    cpu_seconds: float
    texts: list[Text]
    pages: list[str]


def flat(text: str) -> str:
    return " ".join(text.split())


def demo_session(data_dir: Path) -> Session:
    return desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR, demo_service.DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def binder(tmp_path_factory: pytest.TempPathFactory) -> Binder:
    """The demo desk and its binder, made once for the module by the command line."""
    root = tmp_path_factory.mktemp("binder")
    data_dir = root / "demo"
    demo_service.create_demo(data_dir, kdf=FAST_KDF)
    out = root / "paper" / "b.pdf"
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "binder", "--out", str(out),
                                      "--json"],
                                env={"CRISISDESK_PASSPHRASE": demo_service.DEMO_PASSPHRASE,
                                     "CRISISDESK_OPERATOR": demo_service.DEMO_OPERATOR},
                                catch_exceptions=False)
    seconds = time.perf_counter() - started  # the whole command, for the report
    cpu_seconds = _cpu_seconds() - cpu_started
    assert result.exit_code == 0, result.output
    texts, pages = read(out)
    return Binder(data_dir, out, json.loads(result.output), seconds, cpu_seconds, texts, pages)


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the template worker): unlike the
    wall clock it does not grow when other processes load the machine (xdist, a busy CI)."""
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def contents_rows(b: Binder) -> list[tuple[str, int]]:
    """(title, page) as PRINTED on the contents pages: a line's text at the left and the
    number at the right edge, matched by their baseline."""
    rows: dict[tuple[int, float], list[Text]] = {}
    first = next(i for i, page in enumerate(b.pages) if page.startswith("Contents"))
    end = b.summary["sections"][0]["page"] - 1  # 0-based index of the first section's page
    for t in b.texts:
        if first <= t.page < end and t.top_in < 10.0:  # the foot is the binder's stamp
            rows.setdefault((t.page, round(t.top_in, 1)), []).append(t)
    out = []
    for _key, items in sorted(rows.items()):
        items.sort(key=lambda t: t.x_in)
        if len(items) >= 2 and items[-1].x_in > 6.5 and items[-1].text.strip().isdigit():
            out.append((flat(" ".join(t.text for t in items[:-1])), int(items[-1].text)))
    return out


def test_the_contents_page_numbers_are_right(binder: Binder) -> None:
    """For each line of the printed contents, the page it names starts with that section."""
    sections = binder.summary["sections"]
    printed = contents_rows(binder)
    assert [title for title, _page in printed] == [s["title"] for s in sections]
    headings = {s["title"]: s for s in sections}
    assert len(headings) < len(sections)  # titles repeat across trees: checked in order below
    for (title, page), section in zip(printed, sections, strict=True):
        assert page == section["page"], title
        text = flat(binder.pages[page - 1])
        expected = {"Tree chart": "Calling tree:", "Wallet cards": "Wallet cards:",
                    "Key contacts directory": "Phone list",
                    "Spokesperson brief and top Q&A": "Spokesperson brief",
                    "Role roster and org chart (HICS 207)": "Incident Management Team Chart",
                    "Obligations: due dates and filings owed": "Notification obligations",
                    }.get(title, title)
        if section["group"] == "Role cards":
            expected = f"Role card: {title}"
        assert text.startswith(expected), f"page {page} for {title!r} starts {text[:60]!r}"
        if section["group"].startswith("Calling tree: "):
            assert section["group"].removeprefix("Calling tree: ") in text[:200]


def test_one_bookmark_per_section_pointing_at_its_page(binder: Binder) -> None:
    reader = PdfReader(binder.path)

    def walk(items: list[Any], parent: str = "") -> Iterator[tuple[str, str, int]]:
        last = ""
        for item in items:
            if isinstance(item, list):
                yield from walk(item, last)
            else:
                last = item.title
                yield parent, item.title, reader.get_destination_page_number(item) + 1

    marks = list(walk(reader.outline))
    leaves = [(group, title, page) for group, title, page in marks
              if title not in {s["group"] for s in binder.summary["sections"]}]
    assert leaves[0][1] == "Contents"
    assert leaves[1:] == [(s["group"], s["title"], s["page"]) for s in binder.summary["sections"]]


def test_every_callers_sheet_is_in_the_binder(binder: Binder) -> None:
    session = demo_session(binder.data_dir)
    try:
        expected = [(summary.tree.name, sheet.caller.name)
                    for summary in tree_service.list_trees(session)
                    for sheet in tree_paper.tree_paper(session, summary.tree.id).sheets]
    finally:
        session.close()
    assert len(expected) > 10
    starts = [flat(page) for page in binder.pages]
    for tree, caller in expected:
        assert any(p.startswith(f"Call sheet: {caller}") and tree in p[:300] for p in starts), (
            tree, caller)


def test_cover_page_numbers_and_sections(binder: Binder) -> None:
    total = len(binder.pages)
    assert binder.summary["pages"] == total
    cover = flat(binder.pages[0])
    for needed in ("Downtime binder", demo_service.DEMO_ORG, "DESTROY SECURELY",
                   "CrisisDesk 0.1.0", "America/Chicago"):
        assert needed in cover
    for number, page in enumerate(binder.pages, start=1):
        stamps = re.findall(r"page (\d+) of (\d+)", page)
        assert stamps == [(str(number), str(total))], f"page {number}: {stamps}"
    titles = [s["title"] for s in binder.summary["sections"]]
    assert "Role cards" in {s["group"] for s in binder.summary["sections"]}
    for needed in ("Downtime procedures", "Key contacts directory",
                   "Approved scripts and statements", "General Message (HICS 213)",
                   "Activity Log (HICS 214)", "Obligations: due dates and filings owed",
                   "HHS breach report"):
        assert needed in titles
    assert not any(t.startswith("Breach risk assessment") for t in titles)  # none signed
    procedures = binder.summary["sections"][titles.index("Downtime procedures")]["page"]
    restore = flat(binder.pages[procedures - 1])
    for command in ("backup verify BACKUP.crisisdesk-backup", "backup restore",
                    "BACKUP.crisisdesk-backup --to ~/crisis-desk", "operators recovery-key"):
        assert command in restore
    at = titles.index("Approved scripts and statements")
    first, after = (binder.summary["sections"][i]["page"] for i in (at, at + 1))
    scripts = flat(" ".join(binder.pages[first - 1:after - 1]))  # the whole section
    assert "[THE MESSAGE, WORD FOR WORD:" in scripts
    assert "Holding statement: Media holding statement" in scripts
    assert list(binder.path.parent.iterdir()) == [binder.path]  # no section files left over


def test_the_demo_binder_takes_under_ten_seconds_of_cpu(binder: Binder) -> None:
    assert binder.cpu_seconds < 10, (binder.cpu_seconds, binder.summary["seconds"])


def test_the_print_is_recorded_and_later_changes_counted(binder: Binder) -> None:
    session = demo_session(binder.data_dir)
    try:
        entries = [e for e in audit_store.entries(session.db) if e.action == "binder.print"]
        assert len(entries) == 1
        assert f"{binder.summary['pages']} pages" in entries[0].summary
        status = binder_service.status(session)
        assert (status.printed_at, status.changes_since) == (entries[0].at, 0)
        assert "less than an hour ago, no changes since" in binder_service.status_text(session)
        system_service.add_system(session, "Pneumatic tubes")
        system_service.add_system(session, "Nurse call")
        assert binder_service.status(session).changes_since == 2
        assert "2 changes since" in binder_service.status_text(session)
    finally:
        session.close()


def test_a_desk_never_printed_says_so(session: Session) -> None:
    assert binder_service.status(session).printed_at is None
    assert binder_service.status_text(session) == "The downtime binder has never been printed."


def test_only_approved_scripts_print(new_desk_session: Session) -> None:
    assert binder_service.scripts(new_desk_session) == []  # the library is still in review
    approve_library(new_desk_session)
    kinds = {(s.kind, s.source) for s in binder_service.scripts(new_desk_session)}
    assert ("Call script", "calling-tree-script-en v1") in kinds
    assert all(kind != "Holding statement" for kind, _ in kinds)  # no facts to fill in yet


def test_the_age_in_words() -> None:
    printed = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
    assert binder_age_text(printed, printed + dt.timedelta(days=6, hours=3), 41) == (
        "The binder is 6 days old, 41 changes since.")
    assert binder_age_text(printed, printed + dt.timedelta(hours=5), 1) == (
        "The binder is 5 hours old, 1 change since.")
    assert binder_age_text(printed, printed + dt.timedelta(days=1), 1_200) == (
        "The binder is 1 day old, 1,200 changes since.")


def test_a_new_desk_gets_a_binder_without_the_parts_it_lacks(session: Session,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    result = make_binder(session, out)
    titles = [e.title for e in result.entries]
    assert "Obligations: due dates and filings owed" not in titles  # no incident recorded
    assert "HHS breach report" not in titles
    assert not any(t.startswith("Breach risk assessment") for t in titles)
    assert not any(e.group.startswith("Calling tree") for e in result.entries)
    assert titles[0] == "Downtime procedures"
    assert len(PdfReader(out).pages) == result.pages


def test_cancelling_leaves_nothing(session: Session, tmp_path: Path) -> None:
    out = tmp_path / "out" / "b.pdf"
    asked = []

    def cancel_after_two() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        make_binder(session, out, is_cancelled=cancel_after_two)
    assert list(out.parent.iterdir()) == []  # neither the binder nor any section
    assert binder_service.status(session).printed_at is None


def test_a_folder_that_cannot_be_written_is_one_clear_error(session: Session,
                                                             tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match=r"^Cannot write the binder to .*not-a-folder"):
        make_binder(session, blocker / "b.pdf")
    assert binder_service.status(session).printed_at is None


# --- the incident's records: the signed risk assessment and the HHS report ------------------

FACTS = {Factor.NATURE: "Names, dates of birth and diagnoses of 1,240 patients",
         Factor.PERSON: "A criminal group that demanded a ransom",
         Factor.ACQUIRED: "Firewall logs show 2 GB sent out before the encryption",
         Factor.MITIGATION: "Servers rebuilt from offline backups"}
ASSESSMENT = "Breach risk assessment, version 1"


def _section_pages(session: Session, path: Path, title: str) -> tuple[Paper, list[str]]:
    """The binder read back, and the pages of its section `title` (as its contents say)."""
    result = make_binder(session, path)
    paper = Paper.load("binder", path)
    starts = [e.page for e in result.entries] + [result.pages + 1]
    entry = next(e for e in result.entries if e.title == title)
    end = min(p for p in starts if p > entry.page)
    return paper, [flat(p) for p in paper.pages[entry.page - 1:end - 1]]


def _assessed(session: Session, conclusion: Conclusion = Conclusion.BREACH) -> str:
    freeze(session)
    settings_service.set(session, "timezone", "America/Chicago")
    incident_id = open_incident(session)
    assessment_service.start_version(session)
    for factor, text in FACTS.items():
        assessment_service.add_fact(session, factor, text)
    if conclusion is Conclusion.LOW_PROBABILITY:
        assessment_service.conclude(session, conclusion, "The files taken were encrypted at "
                                    "rest and the key was never on the server.")
    assessment_service.sign(session)
    return incident_id


def test_the_signed_assessment_is_printed_whole_and_a_later_draft_is_not(
        session: Session, tmp_path: Path) -> None:
    incident_id = _assessed(session)
    assessment_service.start_version(session)  # version 2: a draft that may still change
    assessment_service.add_fact(session, Factor.MITIGATION, "Draft: attacker accounts disabled")
    paper, pages = _section_pages(session, tmp_path / "b.pdf", ASSESSMENT)
    text = " ".join(pages)
    assert text.startswith(ASSESSMENT)
    for factor, fact in FACTS.items():
        assert factor.heading in text
        assert fact in text
    assert "Signed by alex as Privacy Officer" in text
    assert "Signature verified" in text
    assert "Draft: attacker accounts disabled" not in " ".join(paper.pages)
    # each fact's row (fact, who, when) on one page; nothing a machine reads; times zoned
    assessed = assessment_service.get(session, version=1)
    rows = [[f.text, f.recorded_by] for f in assessed.facts]
    assert split_blocks(paper, rows) == []
    assert machine_values(paper) == []
    assert times_without_zone(paper, ("CST", "CDT")) == []
    assert page_numbers_disagree(paper) == []
    assert empty_fields(paper) == []
    assert incident_id not in text
    assert assessed.id not in text


def test_the_hhs_report_follows_the_assessment_until_a_version_is_saved(
        session: Session, tmp_path: Path) -> None:
    _assessed(session)
    _paper, pages = _section_pages(session, tmp_path / "draft.pdf", "HHS breach report")
    assert pages[0].startswith("HHS breach report (Notice to the Secretary")
    assert "draft (Initial Breach Report)" in pages[0]
    assert "concludes: Breach presumed" in pages[0]
    assert any(p.startswith("6. Attestation") for p in pages)  # the whole worksheet
    hhs_service.save_version(session)
    _paper, pages = _section_pages(session, tmp_path / "saved.pdf", "HHS breach report")
    assert "version 1 (Initial Breach Report), saved" in pages[0]


def test_a_low_probability_conclusion_leaves_the_hhs_report_out(session: Session,
                                                                tmp_path: Path) -> None:
    _assessed(session, Conclusion.LOW_PROBABILITY)
    titles = [e.title for e in make_binder(session, tmp_path / "b.pdf").entries]
    assert ASSESSMENT in titles
    assert "HHS breach report" not in titles  # nothing is owed to HHS


def test_an_unsigned_assessment_stays_out_of_the_binder(session: Session,
                                                        tmp_path: Path) -> None:
    open_incident(session)
    assessment_service.start_version(session)
    assessment_service.add_fact(session, Factor.NATURE, "Names only")
    titles = [e.title for e in make_binder(session, tmp_path / "b.pdf").entries]
    assert not any(t.startswith("Breach risk assessment") for t in titles)
    assert "HHS breach report" in titles  # the draft report: a breach is presumed
