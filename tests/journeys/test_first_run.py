"""A newcomer's first minutes: no desk yet, so the first-run window; "Create our desk" with the
organisation, the first operator and a passphrase the meter calls good; the recovery key shown
once and saved; then the desk opens on the Dashboard with its "Getting ready" checklist."""

from __future__ import annotations

import pytest

from crisisdesk.services import desk as desk_service
from crisisdesk.ui.dashboard.page import DashboardPage
from tests.journeys.driver import Journey

pytestmark = [pytest.mark.journey, pytest.mark.slow]

PASSPHRASE = "lantern harbour quietly 1987"


def test_first_run_creates_our_desk_and_opens_it(journey: Journey) -> None:
    window = journey.first_run()
    journey.shot("first-run", window)
    journey.step("create our desk")
    journey.click(window.create_choice)
    page = window.create_page
    journey.wait(page.isVisible)
    journey.type(page.org_edit, "Riverside Clinics")
    journey.type(page.operator_edit, "alex")
    journey.type(page.passphrase_edit, PASSPHRASE)
    journey.wait(lambda: page.meter.word in ("Good", "Strong"))
    journey.type(page.confirm_edit, PASSPHRASE)
    journey.shot("first-run-create", window)
    journey.click(page.create_button)
    key_page = window.key_page
    journey.wait(lambda: window.stack.currentWidget() is key_page)

    journey.step("the recovery key, shown once")
    code = key_page.key_edit.text()
    assert not key_page.continue_button.isEnabled()  # not before the key was kept
    saved = journey.tmp_path / "recovery-key.txt"
    journey.prompts.save_path = saved
    journey.click(key_page.save_button)
    journey.wait(lambda: window.job is None)
    assert code in saved.read_text("utf-8")
    journey.click(key_page.kept_check)
    journey.shot("first-run-recovery-key", window)
    journey.click(key_page.continue_button)

    main = journey.settle()
    session = main.state.session
    assert (session.operator.name, session.vault.org) == ("alex", "Riverside Clinics")
    dashboard = main.pages_stack.currentWidget()
    assert isinstance(dashboard, DashboardPage)
    ready = next(p for p in dashboard.panels if p.title() == "Getting ready")
    journey.wait(lambda: any("still to do" in value for _label, value in ready.rows()))
    journey.shot("first-run-dashboard")
    journey.finish()
    # The key on the screen is the desk's real recovery key.
    assert journey.app is not None
    journey.app.shutdown()
    desk_service.unlock_with_recovery(journey.tmp_path / "our-desk", code).close()
