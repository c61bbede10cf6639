"""An approver reviews a colleague's change to the staff text alert and approves it: only
approved templates ever leave the building."""

from __future__ import annotations

import pytest

from crisisdesk.domain.templates import Status
from crisisdesk.services import desk as desk_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.ui.templates.model import KEY
from crisisdesk.ui.templates.page import TemplatesPage
from tests.journeys.driver import Journey
from tests.support.templates_page import SMS, in_review_without_drill_notice

pytestmark = [pytest.mark.journey, pytest.mark.slow]

APPROVER, APPROVER_PASSPHRASE = next((name, passphrase) for name, _role, passphrase
                                     in demo_service.DEMO_OPERATORS if name == "approver")


def test_an_approver_reviews_and_approves_a_template(journey: Journey) -> None:
    colleague = desk_service.unlock(journey.data_dir, demo_service.DEMO_OPERATOR,
                                    demo_service.DEMO_PASSPHRASE)
    try:
        in_review_without_drill_notice(colleague)  # the admin changed it and submitted it
        version = template_service.get_version(colleague, SMS).version
    finally:
        colleague.close()

    window = journey.unlock(APPROVER, APPROVER_PASSPHRASE)
    page = journey.go("Templates")
    assert isinstance(page, TemplatesPage)
    library = page.library
    journey.step("find the template")
    journey.type(library.search_edit, SMS)
    journey.wait(lambda: library.proxy.rowCount() == 1)
    assert library.proxy.data(library.proxy.index(0, KEY)) == SMS
    journey.click_row(library.table, 0)
    journey.click(library.open_button)
    journey.wait(lambda: page.editor.version is not None and page.editor.report is not None
                 and page.editor.checker.idle)
    journey.wait(page.lifecycle.approve_button.isEnabled)
    journey.shot("template-review")
    journey.step("approve")
    journey.click(page.lifecycle.approve_button)  # the warning is acknowledged when asked
    session = window.state.session
    journey.wait(lambda: template_service.get_version(session, SMS).status is Status.APPROVED)
    approved = template_service.get_version(session, SMS)
    assert (approved.version, approved.approved_by) == (version, APPROVER)
    assert any(kind == "confirm" and "drill_notice" in text
               for kind, _title, text in journey.prompts.asked)
    journey.wait(lambda: not page.lifecycle.approve_button.isEnabled())
    journey.shot("template-approved")
    journey.finish()
