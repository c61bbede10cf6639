"""The administrator prints the downtime binder: the paper the team works from when the
computers are down."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from crisisdesk.ui.settings.page import SettingsPage
from tests.journeys.driver import Journey

pytestmark = [pytest.mark.journey, pytest.mark.slow]


def test_print_the_downtime_binder(journey: Journey) -> None:
    journey.unlock()
    page = journey.go("Settings")
    assert isinstance(page, SettingsPage)
    assert page.binder_label.text() == "The downtime binder has never been printed."
    target = journey.tmp_path / "binder" / "downtime-binder.pdf"
    journey.prompts.save_path = target
    journey.step("print the binder")
    journey.click(page.binder_button)
    assert ("save_file", "Save the downtime binder as PDF", "downtime-binder.pdf"
            ) in journey.prompts.asked
    journey.wait(lambda: "Saved the downtime binder" in journey.message(), timeout=120_000)
    pages = len(PdfReader(target).pages)
    assert pages >= 5
    assert f"({pages} pages) to {target}" in journey.message()
    journey.wait(lambda: page.binder_label.text().startswith("The binder was printed"))
    journey.reveal(page.binder_button)
    journey.shot("binder")
    journey.finish()
