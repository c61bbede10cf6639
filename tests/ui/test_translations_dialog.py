"""The Dashboard's Spanish wording dialog, clicked like a user would."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from crisisdesk.services import incident_translations
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard.page import DashboardPage
from crisisdesk.ui.dashboard.translations_dialog import TranslationsDialog
from tests.support.dashboard import seed
from tests.support.ui import show_page


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> DashboardPage:
    seed(session)
    incident_service.update_incident(session, None, summary="someone got into our network")
    widget = show_page(qtbot, DashboardPage(ctx))
    widget.refresh()
    return widget


def test_the_spanish_wording_is_typed_beside_the_english_and_saved(
        qtbot: QtBot, page: DashboardPage, session: Session) -> None:
    assert page.spanish_button.isEnabled()
    page.spanish_button.click()
    dialog = page.translations_dialog
    assert isinstance(dialog, TranslationsDialog)
    assert dialog.isVisible()
    dialog.edits["summary"].setPlainText("alguien entró en nuestra red")
    dialog.edits["hours"].setPlainText("x" * 2001)
    dialog.accept_button.click()
    assert dialog.isVisible()  # refused: nothing saved, the error is under the field
    assert "longer than 2000 characters" in dialog.errors.text("hours")
    assert incident_translations.wording(session, page.incident.id, "es") == {}  # type: ignore[union-attr]
    dialog.edits["hours"].setPlainText("De 8 a. m. a 8 p. m.")
    dialog.accept_button.click()
    assert not dialog.isVisible()
    listed = {w.field: w for w in incident_translations.listing(session, "es")}
    assert listed["summary"].text == "alguien entró en nuestra red"
    assert listed["hours"].text == "De 8 a. m. a 8 p. m."
    assert listed["signer_title"].text == ""
    assert "Saved the Spanish wording of 2 facts" in page.ctx.messages.label.text()
