"""The privacy officer classifies the rest of the patient list, makes the next batch of notice
letters and renders it to PDF files for the print shop."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from crisisdesk.services.letters import batches as letter_service
from crisisdesk.ui.letters.page import LettersPage
from tests.journeys.driver import Journey
from tests.support.pdf import read

pytestmark = [pytest.mark.journey, pytest.mark.slow]


def test_classify_make_a_batch_and_render_it(journey: Journey) -> None:
    window = journey.unlock()
    session = window.state.session
    page = journey.go("Letters")
    assert isinstance(page, LettersPage)
    journey.wait(lambda: not page.loading)  # the counts and batches are read in a worker
    batches_before = page.batches.rowCount()
    journey.step("classify")
    journey.click(page.classify_button)
    journey.wait(lambda: journey.message().startswith("Classified 43 recipients"))
    assert letter_service.status_counts(session)["ready"] == 0  # nothing batched yet

    journey.step("new batch")
    journey.click(page.batch_button)
    dialog = page.batch_dialog
    journey.wait(dialog.isVisible)
    journey.shot("letters-new-batch")
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    journey.click(buttons.button(QDialogButtonBox.StandardButton.Ok))
    journey.wait(lambda: "Created batch" in journey.message())
    ready = letter_service.status_counts(session)["ready"]
    assert ready > 0
    assert f"Created batch {batches_before + 1} with {ready} letters" in journey.message()
    journey.wait(lambda: page.batches.rowCount() == batches_before + 1)
    new_row = next(r for r in range(page.batches.rowCount())
                   if page.batches.item(r, 0).text() == str(batches_before + 1))

    journey.step("render")
    journey.click_row(page.batches, new_row)
    out = journey.tmp_path / "print-shop" / f"batch-{batches_before + 1}.pdf"
    out.parent.mkdir()
    journey.prompts.save_path = out
    journey.click(page.render_button)
    journey.wait(lambda: journey.message().startswith("Rendered"), timeout=60_000)
    assert f"Rendered {ready} letters" in journey.message()
    journey.wait(lambda: page.batches.item(new_row, 3).text() != "")
    journey.shot("letters-rendered")
    files = sorted(out.parent.glob("*.pdf"))
    assert files
    text = "\n".join("\n".join(read(f)[1]) for f in files)
    refs = [r[0] for r in session.db.execute(
        "SELECT l.reference FROM letters l JOIN letter_batches b ON b.id = l.batch_id "
        "WHERE b.number = ?", (batches_before + 1,))]
    assert refs
    assert all(ref in text for ref in refs)
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in page.findChildren(QDialog))
    journey.finish()
