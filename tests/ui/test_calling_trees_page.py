"""The Calling trees page: record calls with one keystroke, see progress change, print paper."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from crisisdesk.domain.call_outcomes import Outcome, Status
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.session import Session
from crisisdesk.store import activations as activation_store
from crisisdesk.ui.calling_trees.model import NAME, STATUS
from crisisdesk.ui.calling_trees.page import CallingTreesPage
from crisisdesk.ui.context import UiContext
from tests.support.crisis import staff
from tests.support.ui import RecordingPrompts, show_page

NAMES = ["Lee Lead", "Ann Able", "Bo Baker", "Cy Cole", "Di Dunn"]


@pytest.fixture
def page(qtbot: QtBot, session: Session, ctx: UiContext) -> Iterator[CallingTreesPage]:
    ids = {n: staff(session, n, phone=f"(312) 555-01{i:02d}").id for i, n in enumerate(NAMES)}
    tree = tree_service.create_tree(session, "All staff")
    tree_service.add_person(session, tree.id, ids["Lee Lead"])
    for name in ("Ann Able", "Bo Baker"):
        tree_service.add_person(session, tree.id, ids[name], caller_id=ids["Lee Lead"])
    for name in ("Cy Cole", "Di Dunn"):
        tree_service.add_person(session, tree.id, ids[name], caller_id=ids["Ann Able"])
    widget = show_page(qtbot, CallingTreesPage(ctx), size=(1100, 700))
    yield widget
    widget.timer.stop()


def start(page: CallingTreesPage) -> None:
    """Start the tree as a coordinator would: Start…, fill in the script's blanks, Start."""
    page.start_button.click()
    dialog = page.start_dialog
    assert dialog.isModal()
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Start calling tree: " + page.tree_combo.currentText()
    dialog.message_text.setPlainText("Systems are down.")
    dialog.action.setText("Use paper.")
    dialog.report_to.setText("the command center")
    dialog.hotline.setText("312-555-0199")
    assert dialog.accept_button.text() == "&Start"
    dialog.accept_button.click()
    assert page.activation_id() is not None
    assert page.tabs.currentWidget() is page.my_calls


def choose_caller(page: CallingTreesPage, name: str) -> None:
    combo = page.my_calls.caller_combo
    combo.setCurrentIndex(combo.findText(name))


def queue(page: CallingTreesPage) -> list[tuple[str, str]]:
    m = page.my_calls.model
    return [(m.data(m.index(r, NAME)), m.data(m.index(r, STATUS))) for r in range(m.rowCount())]


def test_record_outcomes_with_the_keyboard_and_progress_follows(
        qtbot: QtBot, page: CallingTreesPage, session: Session) -> None:
    start(page)
    choose_caller(page, "Ann Able")
    assert queue(page) == [("Cy Cole", "Not called yet"), ("Di Dunn", "Not called yet")]
    resets: list[int] = []
    changed: list[int] = []
    page.my_calls.model.modelReset.connect(lambda: resets.append(1))
    page.progress.model.modelReset.connect(lambda: resets.append(1))
    page.progress.model.dataChanged.connect(lambda a, b: changed.append(a.row()))
    table = page.my_calls.table
    table.setFocus()
    qtbot.waitUntil(table.hasFocus, timeout=2000)
    qtbot.keyClick(table, Qt.Key.Key_V)  # Cy: voicemail, still open; move on to Di
    assert queue(page)[0] == ("Cy Cole", "Tried, not reached")
    assert page.my_calls.selected().name == "Di Dunn"  # type: ignore[union-attr]
    qtbot.keyClick(table, Qt.Key.Key_R)  # Di reached; back round to Cy, still open
    assert queue(page)[1] == ("Di Dunn", "Reached")
    assert page.my_calls.selected().name == "Cy Cole"  # type: ignore[union-attr]
    assert page.progress.totals.text().startswith("Reached 1 of 5 (20%)")
    assert page.progress.bar.value() == 1
    qtbot.keyClick(table, Qt.Key.Key_N)
    assert queue(page)[0] == ("Cy Cole", "Tried, not reached")
    assert page.my_calls.model.state(page.my_calls.model.person_at(0).contact_id).attempts == 2
    assert resets == []
    assert changed
    # each keystroke was committed at once: another connection sees all three calls
    other = session.for_thread()
    try:
        act_id = page.activation_id()
        assert act_id is not None
        states = activation_store.states(other.db, act_id)
        assert sorted(s.status for s in states.values()) == sorted(
            [Status.REACHED, Status.ATTEMPTED] + [Status.NOT_CALLED] * 3)
        assert len(activation_store.attempts(other.db, act_id)) == 3
    finally:
        other.close()


def test_unavailable_caller_moves_their_queue_and_undo(qtbot: QtBot,
                                                       page: CallingTreesPage) -> None:
    start(page)
    choose_caller(page, "Lee Lead")
    assert [n for n, _ in queue(page)] == ["Ann Able", "Bo Baker"]
    page.my_calls.table.selectRow(0)
    page.my_calls.buttons[next(o for o in page.my_calls.buttons
                               if o.value == "unavailable")].click()
    choose_caller(page, "Lee Lead")
    names = [n for n, _ in queue(page)]
    assert names == ["Ann Able", "Cy Cole", "Di Dunn", "Bo Baker"]  # calling order
    page.progress.apply_view(activation_service.view(page.ctx.session, page.activation_id()
                                                     or ""))
    assert page.progress.moved.count() == 2
    page.progress.moved.setCurrentRow(0)
    page.progress.undo_button.click()
    choose_caller(page, "Ann Able")
    assert [n for n, _ in queue(page)] == ["Cy Cole", "Di Dunn"]


def test_closed_activation_refuses_calls(page: CallingTreesPage,
                                         prompts: RecordingPrompts) -> None:
    start(page)
    page.close_button.click()
    assert prompts.asked[-1][0] == "confirm"
    assert not page.close_button.isEnabled()
    choose_caller(page, "Coordinator (top of the tree)")
    page.my_calls.table.selectRow(0)
    page.my_calls.record(next(iter(page.my_calls.buttons)))
    assert "closed" in page.ctx.messages.label.text()


def test_call_sheets_pdf_has_each_callers_people_on_their_page(
        qtbot: QtBot, page: CallingTreesPage, prompts: RecordingPrompts,
        tmp_path: Path) -> None:
    start(page)
    prompts.save_path = tmp_path / "sheets.pdf"
    page.paper_actions[1].trigger()
    qtbot.waitUntil(lambda: prompts.save_path is not None and prompts.save_path.exists(),
                    timeout=15_000)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(prompts.save_path).pages]
    by_caller = {}
    for text in pages:
        if "Call sheet: " in text:
            head = text.split("Call sheet: ", 1)[1].split(" Riverside Clinics", 1)[0]
            caller = head.split(" (", 1)[0]
            by_caller[caller] = text
    assert set(by_caller) == {"The coordinator", "Lee Lead", "Ann Able"}
    expected = {"The coordinator": ["Lee Lead"], "Lee Lead": ["Ann Able", "Bo Baker"],
                "Ann Able": ["Cy Cole", "Di Dunn"]}
    for caller, people in expected.items():
        body = by_caller[caller].split("Tries: time and outcome", 1)[1]
        for name in NAMES:
            assert (name in body) == (name in people), (caller, name)
        assert "Systems are down." in by_caller[caller]
        assert "version" in by_caller[caller]
        assert "printed" in by_caller[caller]


def test_tree_editor_keyboard_moves_refuse_loops_and_show_checks(
        qtbot: QtBot, page: CallingTreesPage, session: Session) -> None:
    editor = page.editor

    def caller_of(name: str) -> str | None:
        tree = tree_service.get_tree(session, "All staff")
        ids = {c.name: c.id for c in tree_service.contacts_for(session, tree).values()}
        names = {v: k for k, v in ids.items()}
        node = tree.node(ids[name])
        assert node is not None
        return names.get(node.caller_id or "")

    def item_named(name: str) -> QTreeWidgetItem:
        found = editor.view.findItems(name, Qt.MatchFlag.MatchExactly |
                                      Qt.MatchFlag.MatchRecursive)
        assert len(found) == 1
        return found[0]

    item = item_named("Cy Cole")
    assert item is not None
    editor.view.setCurrentItem(item)
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus, timeout=2000)
    qtbot.keyClick(editor.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert caller_of("Cy Cole") == "Lee Lead"
    cy = editor.selected_id()
    editor.view.moved.emit(item_named("Lee Lead").data(0, 256), cy, 0)  # drop Lee under Cy
    assert "loop" in page.ctx.messages.label.text()
    from crisisdesk.services import settings as settings_service

    settings_service.set(session, "tree_fan_out_limit", 2)
    editor.show_tree(tree_service.get_tree(session, "All staff"))
    texts = [editor.problems.item(i).text() for i in range(editor.problems.count())]
    assert texts == ["Lee Lead has 3 people to call; the limit is 2."]
    editor.view.setCurrentItem(item_named("Cy Cole"))
    qtbot.keyClick(editor.view, Qt.Key.Key_Delete)
    assert "Cy Cole" not in {c.name for c in tree_service.contacts_for(
        session, tree_service.get_tree(session, "All staff")).values()}


def test_drop_moves_a_person_down_and_up_within_their_caller(
        qtbot: QtBot, page: CallingTreesPage, session: Session) -> None:
    """Drive the drop as the view does (the model's mimeData, then dropMimeData with Qt's row,
    which still counts the dragged person): each person lands exactly where dropped."""
    editor = page.editor
    tree = tree_service.get_tree(session, "All staff")
    ids = {c.name: c.id for c in tree_service.contacts_for(session, tree).values()}
    ed = staff(session, "Ed Eng").id
    editor.show_tree(tree_service.add_person(session, tree.id, ed, caller_id=ids["Lee Lead"]))
    model = editor.view.model()

    def item(name: str) -> QTreeWidgetItem:
        found = editor.view.findItems(name, Qt.MatchFlag.MatchExactly |
                                      Qt.MatchFlag.MatchRecursive)
        assert len(found) == 1
        return found[0]

    def under(name: str) -> list[str]:
        parent = item(name)
        return [parent.child(i).text(0) for i in range(parent.childCount())]

    def drop(name: str, row: int, parent_name: str) -> bool:
        dragged = item(name)
        editor.view.setCurrentItem(dragged)  # pressing to drag selects the person
        mime = model.mimeData([editor.view.indexFromItem(dragged)])
        parent = editor.view.indexFromItem(item(parent_name))
        return model.dropMimeData(mime, Qt.DropAction.MoveAction, row, -1 if row < 0 else 0,
                                  parent)

    assert under("Lee Lead") == ["Ann Able", "Bo Baker", "Ed Eng"]
    assert drop("Ann Able", 2, "Lee Lead")  # below Bo Baker (Qt's row 1 + 1)
    assert under("Lee Lead") == ["Bo Baker", "Ann Able", "Ed Eng"]
    assert drop("Ed Eng", 0, "Lee Lead")  # above Bo Baker
    assert under("Lee Lead") == ["Ed Eng", "Bo Baker", "Ann Able"]
    assert drop("Ed Eng", 3, "Lee Lead")  # below the last one
    assert under("Lee Lead") == ["Bo Baker", "Ann Able", "Ed Eng"]
    assert drop("Ann Able", -1, "Lee Lead")  # onto their own caller: to the end
    assert under("Lee Lead") == ["Bo Baker", "Ed Eng", "Ann Able"]
    version = tree_service.get_tree(session, tree.id).version
    assert not drop("Ed Eng", 2, "Lee Lead")  # just below itself: where it already is
    assert not drop("Ed Eng", 1, "Lee Lead")  # just above itself
    assert tree_service.get_tree(session, tree.id).version == version  # no empty edit saved
    assert drop("Cy Cole", 1, "Lee Lead")  # to another caller, between Bo and Ed
    assert under("Lee Lead") == ["Bo Baker", "Cy Cole", "Ed Eng", "Ann Able"]
    assert under("Ann Able") == ["Di Dunn"]
    saved = tree_service.get_tree(session, tree.id)
    names = {v: k for k, v in ids.items()} | {ed: "Ed Eng"}
    lee = [names[n.contact_id] for n in sorted(saved.nodes, key=lambda n: n.position)
           if n.caller_id == ids["Lee Lead"]]
    assert lee == under("Lee Lead")  # the screen shows what was saved


def test_new_tree_asks_for_a_name_through_prompts(page: CallingTreesPage,
                                                  prompts: RecordingPrompts) -> None:
    prompts.text_answer = None  # cancelled: nothing happens
    page.new_button.click()
    assert prompts.asked[-1] == ("ask_text", "New calling tree", "Name of the tree:")
    assert page.tree_combo.count() == 1
    prompts.text_answer = ""  # empty: refused in the message bar
    page.new_button.click()
    assert page.tree_combo.count() == 1
    assert page.ctx.messages.label.text()
    prompts.text_answer = "Leadership"
    page.new_button.click()
    assert page.tree_combo.count() == 2
    assert page.tree_combo.currentText().startswith("Leadership (0 people")


def test_switching_to_a_big_tree_reads_it_in_a_worker(
        qtbot: QtBot, page: CallingTreesPage, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree above BIG_TREE people is read and checked off the GUI thread; the editor fills
    when the job ends, and a result for a tree no longer chosen is dropped."""
    from crisisdesk.ui.calling_trees import page as page_module
    from crisisdesk.ui.calling_trees import tree_editor

    monkeypatch.setattr(tree_editor, "BIG_TREE", 5)  # "All staff" (5) stays small
    monkeypatch.setattr(page_module, "BIG_TREE", 5)
    big = tree_service.create_tree(session, "Big")
    top = staff(session, "Top Person").id
    tree_service.add_person(session, big.id, top)
    for i in range(5):
        tree_service.add_person(session, big.id, staff(session, f"Big {i}").id, caller_id=top)
    page.refresh()
    threads: list[bool] = []
    real = tree_service.details

    def spy(s: Session, ref: object) -> tree_service.TreeDetails:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(s, ref)  # type: ignore[arg-type]

    monkeypatch.setattr(tree_service, "details", spy)
    combo = page.tree_combo
    with qtbot.waitSignal(page.editor.loaded, timeout=10_000):
        combo.setCurrentIndex(combo.findData(big.id))
        assert page.editor.tree is None
        assert page.editor.view.topLevelItemCount() == 0
        assert page.editor.problems.item(0).text() == "Loading the tree…"
    assert threads == [False]
    assert page.editor.tree is not None
    assert page.editor.tree.id == big.id
    top_item = page.editor.view.topLevelItem(0)
    assert top_item.text(0) == "Top Person"
    assert top_item.childCount() == 5
    assert page.editor.problems.item(0).text() == "No problems found."
    # chosen and left at once: the small tree shows, the big tree's late result is dropped
    small = combo.findText("All staff", Qt.MatchFlag.MatchStartsWith)
    combo.setCurrentIndex(small)
    combo.setCurrentIndex(combo.findData(big.id))
    job = page.editor.loading
    combo.setCurrentIndex(small)
    assert job is not None
    qtbot.waitUntil(lambda: job.done, timeout=10_000)
    qtbot.wait(50)
    assert page.editor.tree is not None
    assert page.editor.tree.name == "All staff"
    assert page.editor.view.topLevelItem(0).text(0) == "Lee Lead"


def test_a_big_trees_activation_is_read_in_a_worker_and_the_refresh_brings_other_calls(
        qtbot: QtBot, page: CallingTreesPage, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Above BIG_TREE people the chosen activation is read off the GUI thread, when it is
    chosen and on the timed refresh, which shows a call recorded on another laptop."""
    from crisisdesk.ui.calling_trees import page as page_module

    monkeypatch.setattr(page_module, "BIG_TREE", 3)  # "All staff" (5 people) counts as big
    tree_id = page.tree_id()
    assert tree_id is not None
    act = activation_service.start_activation(session, tree_id, message="Systems are down.",
                                              action="Use paper.",
                                              report_back_to="the command center",
                                              values={"staff_hotline": "312-555-0199"})
    threads: list[bool] = []
    real = activation_service.view

    def spy(s: Session, ref: str) -> activation_service.ActivationView:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(s, ref)

    monkeypatch.setattr(activation_service, "view", spy)
    page.refresh()
    assert page.activation_id() == act.id
    assert page.view_data is None
    qtbot.waitUntil(lambda: page.view_data is not None, timeout=10_000)
    choose_caller(page, "Ann Able")
    assert queue(page) == [("Cy Cole", "Not called yet"), ("Di Dunn", "Not called yet")]
    cy = page.my_calls.model.person_at(0).contact_id
    other = session.for_thread()
    try:
        activation_service.record_call(other, act.id, cy, Outcome.REACHED)
    finally:
        other.close()
    resets: list[int] = []
    page.my_calls.model.modelReset.connect(lambda: resets.append(1))
    page.refresh_activation()
    assert queue(page)[0] == ("Cy Cole", "Not called yet")  # the worker has not answered yet
    qtbot.waitUntil(lambda: queue(page)[0] == ("Cy Cole", "Reached"), timeout=10_000)
    assert page.progress.totals.text().startswith("Reached 1 of 5")
    assert len(threads) == 2
    assert not any(threads)
    assert resets == []  # the queue was updated in place: selection and scroll stay


def preview_dialog(qtbot: QtBot) -> QPrintPreviewDialog:
    found: list[QPrintPreviewDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QPrintPreviewDialog) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=15_000)
    return found[0]


def test_print_paper_and_report_through_the_preview(
        qtbot: QtBot, page: CallingTreesPage, session: Session) -> None:
    """Print… builds the paper in a worker and opens Qt's print preview (its Print button goes
    to a printer); printing tree paper is recorded like a saved PDF, a closed preview is not."""
    from crisisdesk.store import audit as audit_store

    def printed() -> list[str]:
        return [e.summary for e in audit_store.entries(session.db) if e.action == "tree.print"]

    start(page)
    assert [a.text() for a in page.print_actions] == [
        "Print tree c&hart…", "Print call sh&eets…", "Print wallet c&ards…"]
    page.print_actions[1].trigger()
    dialog = preview_dialog(qtbot)
    assert dialog.windowTitle() == "Print call sheets"
    dialog.reject()  # looked, did not print
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert printed() == []
    page.print_actions[0].trigger()
    dialog = preview_dialog(qtbot)
    assert dialog.windowTitle() == "Print calling tree chart"
    dialog.accept()  # what the dialog does after sending the pages to the printer
    qtbot.waitUntil(lambda: bool(printed()), timeout=5000)
    version = tree_service.get_tree(session, "All staff").version
    assert printed() == [f"Printed the chart of calling tree 'All staff' (version {version})"]
    assert page.ctx.messages.label.text() == "Printed the calling tree chart."
    assert page.print_report_button.isEnabled()
    page.print_report_button.click()
    dialog = preview_dialog(qtbot)
    assert dialog.windowTitle() == "Print calling tree report"
    dialog.reject()


def test_start_dialog_puts_what_was_typed_into_the_script_and_cancel_starts_nothing(
        page: CallingTreesPage, session: Session) -> None:
    page.start_button.click()
    page.start_dialog.reject()  # a coordinator who changed their mind
    assert not page.start_dialog.isVisible()
    assert page.activation_id() is None
    start(page)
    act = activation_service.get_activation(session, str(page.activation_id()))
    assert not act.is_drill
    for typed in ("Systems are down.", "Use paper.", "report to the command center"):
        assert typed in act.script


def test_a_real_activation_with_no_message_keeps_the_dialog_open_and_says_what_is_missing(
        page: CallingTreesPage, session: Session) -> None:
    page.start_button.click()
    dialog = page.start_dialog
    dialog.action.setText("Use paper.")
    dialog.hotline.setText("312-555-0199")
    dialog.accept_button.click()
    assert dialog.isVisible()  # nothing typed is lost
    assert "Needed for a real activation" in dialog.errors.text("message")
    assert "Needed for a real activation" in dialog.errors.text("report_back_to")
    assert dialog.errors.text("action") == ""
    assert activation_service.list_activations(session) == []
    dialog.drill.setChecked(True)  # a drill may go without them
    dialog.accept_button.click()
    assert not dialog.isVisible()
    assert activation_service.list_activations(session)[0].is_drill


def test_starting_a_running_tree_again_asks_first(page: CallingTreesPage, session: Session,
                                                  prompts: RecordingPrompts) -> None:
    start(page)
    prompts.confirm_answer = False
    page.start_button.click()
    dialog = page.start_dialog
    dialog.message_text.setPlainText("Systems are down.")
    dialog.action.setText("Use paper.")
    dialog.report_to.setText("the command center")
    dialog.hotline.setText("312-555-0199")
    dialog.accept_button.click()
    assert prompts.asked[-1][1] == "Start a second activation?"
    assert "already running" in prompts.asked[-1][2]
    assert dialog.isVisible()
    assert len(activation_service.list_activations(session)) == 1
    prompts.confirm_answer = True
    dialog.accept_button.click()
    assert not dialog.isVisible()
    assert len(activation_service.list_activations(session)) == 2
