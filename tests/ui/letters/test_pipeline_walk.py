"""The Letters page's guided pipeline, walked with its own buttons on a small desk: each step's
state and count change after each action, a blocked step says why, and the header's "Next:"
line follows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QDialogButtonBox, QPushButton
from pytestqt.qtbot import QtBot

from crisisdesk.services.letters.pipeline import STEP_TITLES
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.letters.page import LettersPage
from crisisdesk.ui.page import NextStepLine
from tests.support.letters import letter_desk
from tests.support.ui import RecordingPrompts, show_page

EHR_LIST = Path(__file__).parents[2] / "fixtures" / "letters" / "ehr_patients.csv"


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> LettersPage:
    letter_desk(session)
    page = show_page(qtbot, LettersPage(ctx), (1280, 900))
    settle(qtbot, page)
    return page


def settle(qtbot: QtBot, page: LettersPage) -> None:
    """Wait for the counts read in the worker to be on screen."""
    qtbot.waitUntil(lambda: page.overview is not None and not page.loading, timeout=30_000)


def row(page: LettersPage, key: str) -> tuple[str, str, bool]:
    """(state words, count, button enabled) of one step as the person sees them."""
    words = QTextDocumentFragment.fromHtml(page.pipeline.states[key].text()).toPlainText()
    return words, page.pipeline.counts[key].text(), page.pipeline.buttons[key].isEnabled()


def states(page: LettersPage) -> list[str]:
    return [row(page, key)[0].split(" ", 1)[1].split(" ")[0] for key in STEP_TITLES]


def next_line(page: LettersPage) -> str:
    line = page.findChild(NextStepLine, "nextStep")
    assert line is not None
    return line.label.text() if line.isVisible() else ""


def ok(dialog: object) -> QPushButton:
    buttons = dialog.findChild(QDialogButtonBox)  # type: ignore[attr-defined]
    assert buttons is not None
    return buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_walk_the_pipeline_from_import_to_mailed(
        qtbot: QtBot, page: LettersPage, prompts: RecordingPrompts, tmp_path: Path) -> None:
    assert states(page) == ["Ready", "Waiting", "Waiting", "Waiting", "Waiting", "Waiting",
                            "Waiting"]
    assert row(page, "classify") == ("… Waiting on the import", "", False)
    assert next_line(page) == ("<b>Next:</b> Import the patient list: No patient list "
                               "imported yet")

    # 1. import the EHR export through the wizard the Import button opens
    prompts.open_path = shutil.copy(EHR_LIST, tmp_path / "ehr.csv")
    page.import_button.click()
    wizard = page.wizard
    assert wizard is not None
    wizard.browse()
    qtbot.waitUntil(lambda: wizard.plan is not None and not wizard.busy, timeout=10_000)
    wizard.import_button.click()
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10_000)
    wizard.close_button.click()
    qtbot.waitUntil(lambda: row(page, "import")[0] == "✓ Done", timeout=10_000)
    settle(qtbot, page)
    assert row(page, "import") == ("✓ Done", "9 recipients imported, 1 needs an address", True)
    # the import classified the list: one person has no address, one letter goes to a next of
    # kin; the batch is blocked until there are codes, and says so
    assert row(page, "classify") == ("✓ Done", "8 letters (7 adult, 0 to parents or guardians, "
                                     "1 to next of kin); 0 duplicates merged", True)
    assert row(page, "codes") == ("▶ Ready", "No codes imported; the letters not in a batch "
                                  "yet need 7", True)
    assert row(page, "batch") == ("✕ Blocked", "8 letters not in a batch yet — they need 7 "
                                  "enrollment codes and 0 are unused: import codes first", False)
    assert "Next:</b> Enrollment codes: No codes imported" in next_line(page)

    # 2. classify again (after fixing rows set aside, say): same counts, its own message
    assert page.classify_button.text() == "&Classify again"
    page.classify_button.click()
    qtbot.waitUntil(lambda: page.ctx.messages.label.text().startswith("Classified 9"),
                    timeout=10_000)
    settle(qtbot, page)
    assert row(page, "classify")[0] == "✓ Done"
    assert page.pipeline.states["batch"].toolTip() == ("Blocked: they need 7 enrollment codes "
                                                       "and 0 are unused: import codes first")

    # 3. codes, through the codes dialog
    codes = tmp_path / "vendor.csv"
    codes.write_text("Activation Code\n" + "\n".join(f"ZX{i:05d}-Q" for i in range(10)) + "\n")
    prompts.open_path = codes
    page.codes_button.click()
    page.codes_dialog.url_edit.setText("www.vendor.example/enroll")
    ok(page.codes_dialog).click()
    settle(qtbot, page)
    assert row(page, "codes") == ("✓ Done", "10 codes imported, 10 unused", True)
    assert row(page, "batch") == ("▶ Ready", "No batches yet; 8 letters not in a batch yet",
                                  True)

    # 4. a batch, through the batch dialog
    page.batch_button.click()
    ok(page.batch_dialog).click()
    settle(qtbot, page)
    assert row(page, "batch")[:2] == ("✓ Done", "1 batch of 8 letters; every letter is in a "
                                      "batch")
    assert row(page, "codes")[1] == "10 codes imported, 3 unused"
    assert row(page, "render") == ("▶ Ready", "Batch 1: 8 letters to render", True)
    assert row(page, "print")[0] == "… Waiting on rendering"
    assert page.pipeline.buttons["render"].text() == "Render batch 1…"

    # 5. render, into the file named in the save dialog
    prompts.save_path = tmp_path / "out" / "first-mailing.pdf"
    (tmp_path / "out").mkdir()
    page.pipeline.buttons["render"].click()
    qtbot.waitUntil(lambda: row(page, "render")[0] == "✓ Done", timeout=60_000)
    settle(qtbot, page)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["first-mailing.pdf"]
    assert row(page, "render")[1] == "1 batch rendered"
    assert row(page, "print") == ("▶ Ready", "Batch 1 is rendered: print its files, then mark "
                                  "it printed", True)
    assert page.batches.item(0, 3).text() == "2026-03-20"
    assert page.batches.item(0, 4).text() == ""

    # 6. printed
    page.pipeline.buttons["print"].click()
    settle(qtbot, page)
    assert page.ctx.messages.label.text() == "Marked 8 letters of batch 1 printed."
    assert row(page, "print") == ("✓ Done", "1 batch printed", True)
    assert row(page, "mailed") == ("▶ Ready", "8 printed letters not mailed yet", True)
    assert page.batches.item(0, 4).text() == "2026-03-20"
    assert "Next:</b> Mail: 8 printed letters" in next_line(page)

    # 7. mailed: every step done, nothing left for the header to suggest
    page.pipeline.buttons["mailed"].click()
    settle(qtbot, page)
    assert row(page, "mailed")[:2] == ("✓ Done", "8 letters mailed, 0 returned with no new "
                                       "address, 0 re-mailed")
    assert states(page) == ["Done"] * 7
    assert next_line(page) == ""


def test_without_an_incident_the_first_step_is_blocked_and_says_why(
        qtbot: QtBot, session: Session, ctx: UiContext) -> None:
    page = show_page(qtbot, LettersPage(ctx))
    settle(qtbot, page)
    assert row(page, "import") == ("✕ Blocked", "No patient list yet — there is no current "
                                   "incident: open one on the Dashboard first", False)
    assert not page.import_button.isEnabled()
    assert "Next:</b> Import the patient list: there is no current incident" in next_line(page)


def test_the_counts_are_read_off_the_gui_thread(
        qtbot: QtBot, page: LettersPage, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from crisisdesk.services.letters import pipeline

    threads: list[bool] = []
    real = pipeline.overview

    def spy(session: Session) -> pipeline.LettersOverview:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(session)

    monkeypatch.setattr(pipeline, "overview", spy)
    page.ctx.state.notify_changed()
    settle(qtbot, page)
    assert threads == [False]

