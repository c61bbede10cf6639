"""A coordinator starts the Leadership calling tree; a caller records each call with one
keystroke and the Progress tab follows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from crisisdesk.domain.call_outcomes import Status
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.ui.calling_trees.model import STATUS
from crisisdesk.ui.calling_trees.page import CallingTreesPage
from tests.journeys.driver import Journey

pytestmark = [pytest.mark.journey, pytest.mark.slow]


def test_activate_a_tree_and_record_calls_with_one_keystroke(journey: Journey) -> None:
    window = journey.unlock()
    page = journey.go("Calling trees")
    assert isinstance(page, CallingTreesPage)
    journey.step("choose the tree")
    journey.choose(page.tree_combo, "Leadership")
    journey.step("start the activation")
    journey.click(page.start_button)
    dialog = page.start_dialog
    journey.wait(dialog.isVisible)
    journey.type(dialog.message_text, "Our computer systems are down at all four sites.")
    journey.type(dialog.action, "Switch to paper downtime forms now.")
    journey.type(dialog.report_to, "the command center, Room 2B")
    journey.shot("activation-start", dialog)
    journey.click(dialog.accept_button)
    journey.wait(lambda: page.activation_id() is not None and not dialog.isVisible())

    journey.click_tab(page.tabs, "My calls")
    calls = page.my_calls
    caller = calls.caller_combo.itemText(1)  # the head of the tree, who calls the others
    journey.choose(calls.caller_combo, caller)
    model = calls.model
    assert model.rowCount() >= 2
    journey.step("record calls")
    journey.click_row(calls.table, 0)
    journey.key(calls.table, Qt.Key.Key_R)  # reached; the next person is selected
    journey.key(calls.table, Qt.Key.Key_V)  # voicemail
    statuses = [model.data(model.index(r, STATUS)) for r in range(2)]
    assert statuses == ["Reached", "Tried, not reached"]
    journey.shot("my-calls")

    journey.click_tab(page.tabs, "Progress")
    journey.wait(lambda: page.progress.totals.text().startswith("Reached 1 of "))
    journey.shot("call-progress")
    act_id = page.activation_id()
    assert act_id is not None
    view = activation_service.view(window.state.session, act_id)
    counts = {status: sum(1 for s in view.states.values() if s.status is status)
              for status in (Status.REACHED, Status.ATTEMPTED)}
    assert counts == {Status.REACHED: 1, Status.ATTEMPTED: 1}
    journey.finish()
