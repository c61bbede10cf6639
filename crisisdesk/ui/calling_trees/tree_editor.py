"""Editing a calling tree: the tree itself, drag and drop, keyboard moves, and the checks.

Every edit calls one `services.calling_trees` function (one audited action) and the tree is
redrawn from the desk, so what the screen shows is always what was saved. Drag and drop is
Qt's internal move, but the drop is turned into a service call instead of being applied to
the widget. Keyboard: Ctrl+Up/Down reorder, Ctrl+Right puts a person under the one above,
Ctrl+Left moves them up a level, Delete removes, Insert adds, B sets a backup. The service
refuses any move that would make a loop, so the widget never has to. A big tree's people and
checks are read in a worker (`load`, `show_tree`), so switching to it never blocks the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.calling_trees import CallingTree, TreeNode, children
from crisisdesk.domain.contacts import Contact
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.calling_trees.trees import TreeDetails
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.workers import Job, in_thread_session

ID_ROLE = Qt.ItemDataRole.UserRole
BIG_TREE = 1000  # above this many people, a tree is read, started and followed in a worker


Row = tuple[list[str], str, int]  # the columns' texts, the contact id, the parent's row or -1


def tree_rows(found: TreeDetails) -> list[Row]:
    """The editor's rows, callers before their people (Qt-free: a worker makes them)."""
    contacts = found.contacts
    kids = children(found.tree.nodes)
    rows: list[Row] = []

    def name(cid: str | None) -> str:
        return contacts[cid].name if cid and cid in contacts else ("" if not cid else "?")

    # depth first without recursion: an imported tree may be a chain thousands deep
    stack: list[tuple[int, TreeNode]] = [(-1, n) for n in reversed(kids.get(None, []))]
    while stack:
        parent, node = stack.pop()
        contact = contacts.get(node.contact_id)
        phones = "  ·  ".join(p.shown for p in contact.phones) if contact else ""
        rows.append(([name(node.contact_id) or "(deleted contact)",
                      contact.job_title if contact else "", phones, name(node.backup_id)],
                     node.contact_id, parent))
        here = len(rows) - 1
        stack.extend((here, n) for n in reversed(kids.get(node.contact_id, [])))
    return rows


class DropTree(QTreeWidget):
    """A tree whose drops become requests: `moved(contact_id, new_caller, position)`.

    A drop takes Qt's own route: `dropEvent` turns the drop indicator into a parent and a row
    and hands them to the model's `dropMimeData`, which QTreeWidget passes on to
    `dropMimeData` below; the items themselves are never moved (the editor redraws from the
    desk). Qt's row counts the dragged person where they still are, while the service's
    position counts the list without them, so a move down within one caller is one less.
    """

    moved = Signal(str, object, int)

    def dropEvent(self, event: QDropEvent) -> None:
        target = self.itemAt(event.position().toPoint())
        where = self.dropIndicatorPosition()
        Position = QAbstractItemView.DropIndicatorPosition
        if target is None or where == Position.OnViewport:
            parent, row = QModelIndex(), self.topLevelItemCount()
        elif where == Position.OnItem:
            parent, row = self.indexFromItem(target), -1
        else:
            index = self.indexFromItem(target)
            parent = index.parent()
            row = index.row() + (1 if where == Position.BelowItem else 0)
        handled = self.model().dropMimeData(event.mimeData(), Qt.DropAction.MoveAction, row,
                                            -1 if row < 0 else 0, parent)
        event.setDropAction(Qt.DropAction.IgnoreAction)  # nothing for Qt to remove afterwards
        if handled:
            event.accept()
        else:
            event.ignore()

    def dropMimeData(self, parent: QTreeWidgetItem | None, index: int,
                     data: QMimeData, action: Qt.DropAction) -> bool:
        """The dragged (current) person goes to `parent` (None: the top) at row `index`."""
        dragged = self.currentItem()
        if dragged is None or action != Qt.DropAction.MoveAction:
            return False
        caller = parent.data(0, ID_ROLE) if parent is not None else None
        was = dragged.parent()
        if (was.data(0, ID_ROLE) if was is not None else None) == caller:
            old = was.indexOfChild(dragged) if was is not None else \
                self.indexOfTopLevelItem(dragged)
            if old < index:
                index -= 1
            if old == index:
                return False  # dropped where it already is
        self.moved.emit(str(dragged.data(0, ID_ROLE)), caller, index)
        return True


class TreeEditor(QWidget):
    changed = Signal()
    loaded = Signal()  # a tree was drawn (after a worker, for a big tree)

    def __init__(self, ctx: UiContext, pick_contact: Callable[[str], Contact | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.pick_contact = pick_contact
        self.tree: CallingTree | None = None
        self.loading: Job | None = None
        self._generation = 0
        self.view = DropTree(self)
        self.view.setHeaderLabels(["Person (under their caller)", "Title", "Phones", "Backup"])
        self.view.setAccessibleName("Calling tree")
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, width in enumerate((260, 170, 240)):
            self.view.setColumnWidth(column, width)
        self.view.moved.connect(self.move_to)
        self.problems = QListWidget(self)
        self.problems.setAccessibleName("Problems with this tree")
        self.problems.setMaximumHeight(110)
        buttons = QHBoxLayout()
        actions: list[tuple[str, str, Callable[[], None]]] = [
            ("&Add person…", "Insert", self.add), ("&Remove", "Delete", self.remove),
            ("Set &backup…", "B", self.set_backup), ("&Up", "Ctrl+Up", lambda: self.shift(-1)),
            ("Do&wn", "Ctrl+Down", lambda: self.shift(1)),
            ("&Indent", "Ctrl+Right", self.indent), ("&Outdent", "Ctrl+Left", self.outdent)]
        for label, keys, slot in actions:
            button = QPushButton(label, self)
            button.setToolTip(f"{label.replace('&', '').rstrip('…')} ({keys})")
            button.clicked.connect(slot)
            buttons.addWidget(button)
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(QLabel("Checks:", self))
        layout.addWidget(self.problems)

    def load(self, tree_id: str | None, people: int) -> None:
        """Show the tree `tree_id` of `people` people: at once when small; a big one is read
        and checked in a worker (5,000 people take ~0.4 s), and a result for a tree that is
        no longer wanted is dropped."""
        if tree_id is None or people <= BIG_TREE:
            self.show_tree(tree_service.get_tree(self.ctx.session, tree_id) if tree_id
                           else None)
            return
        if self.tree is None or self.tree.id != tree_id:
            self._blank("Loading the tree…")  # nobody edits the old tree meanwhile
        self._fetch(lambda s: tree_service.details(s, tree_id))

    def show_tree(self, tree: CallingTree | None) -> None:
        """Show a tree already read (e.g. the result of an edit); a big one's contacts and
        checks are read in a worker while the old drawing stays up."""
        self._generation += 1  # whatever was loading is out of date now
        if tree is None:
            self._blank()
        elif len(tree.nodes) > BIG_TREE:
            self.tree = tree  # the next edit starts from this version
            self._fetch(lambda s: tree_service.details(s, tree))
        else:
            self.fill(tree_service.details(self.ctx.session, tree))

    def _take_all(self) -> None:
        """Empty the view. Taking the items out is quick; deleting thousands of them is not,
        so that happens in a later turn of the event loop."""
        old = [self.view.takeTopLevelItem(0) for _ in range(self.view.topLevelItemCount())]
        if old:
            QTimer.singleShot(0, old.clear)

    def _blank(self, note: str = "") -> None:
        self.tree = None
        self._take_all()
        self.problems.clear()
        if note:
            self.problems.addItem(note)

    def _fetch(self, read: Callable[[Session], TreeDetails]) -> None:
        self._generation += 1
        generation = self._generation
        def work(session: Session, **_: object) -> tuple[TreeDetails, list[Row]]:
            found = read(session)
            return found, tree_rows(found)

        job = Job(in_thread_session(self.ctx.session, work), name="load calling tree")
        job.finished.connect(lambda found: self._fetched(generation, found))
        job.failed.connect(lambda err: self._failed(generation, err))
        self.loading = job
        self.ctx.runner.start(job)

    def _fetched(self, generation: int, result: tuple[TreeDetails, list[Row]]) -> None:
        if generation == self._generation:
            self.loading = None
            self.fill(*result)

    def _failed(self, generation: int, err: BaseException) -> None:
        if generation == self._generation:
            self.loading = None
            self._blank()
            self.ctx.show_error(err)

    def fill(self, found: TreeDetails, rows: list[Row] | None = None) -> None:
        """Draw a tree with its contacts and checks, keeping the selected person. The rows
        come ready-made from the worker for a big tree; the items are built detached and
        attached at once, which costs the view one insertion instead of thousands."""
        selected = self.selected_id()
        self.tree = found.tree
        self._take_all()
        self.problems.clear()
        items: dict[str, QTreeWidgetItem] = {}
        built: list[QTreeWidgetItem] = []
        top: list[QTreeWidgetItem] = []
        for texts, contact_id, parent in (tree_rows(found) if rows is None else rows):
            item = QTreeWidgetItem(texts)
            item.setData(0, ID_ROLE, contact_id)
            for column, text in enumerate(texts):
                if text:
                    item.setToolTip(column, text)  # the whole text of a narrow column
            built.append(item)
            items[contact_id] = item
            if parent < 0:
                top.append(item)
            else:
                built[parent].addChild(item)
        self.view.addTopLevelItems(top)
        self.view.expandAll()
        if selected in items:
            self.view.setCurrentItem(items[selected])
        self.problems.addItems([p.message for p in found.problems] or ["No problems found."])
        self.loaded.emit()

    def selected_id(self) -> str | None:
        item = self.view.currentItem()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    def _do(self, work: Callable[[CallingTree], CallingTree], message: str) -> None:
        if self.tree is None:
            return
        with user_errors(self.ctx.messages):
            tree = work(self.tree)
            self.ctx.messages.show_info(message)
            self.show_tree(tree)
            self.changed.emit()

    def add(self) -> None:
        contact = self.pick_contact("Add a person to the tree")
        if contact is None:
            return
        caller = self.selected_id()
        self._do(lambda t: tree_service.add_person(self.ctx.session, t.id, contact.id,
                                                   caller_id=caller),
                 f"Added {contact.name}.")

    def remove(self) -> None:
        cid = self.selected_id()
        if cid is not None:
            self._do(lambda t: tree_service.remove_person(self.ctx.session, t.id, cid),
                     "Removed; their people moved up to their caller.")

    def set_backup(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return
        contact = self.pick_contact("Choose the backup caller")
        if contact is not None:
            self._do(lambda t: tree_service.set_backup(self.ctx.session, t.id, cid, contact.id),
                     f"{contact.name} is now the backup.")

    def move_to(self, cid: str, caller: str | None, position: int) -> None:
        self._do(lambda t: tree_service.move_person(self.ctx.session, t.id, cid,
                                                    caller_id=caller, position=position),
                 "Moved.")
        item = self._item(cid)
        if item is not None:
            self.view.setCurrentItem(item)

    def _item(self, cid: str) -> QTreeWidgetItem | None:
        for item in self.view.findItems("*", Qt.MatchFlag.MatchWildcard |
                                        Qt.MatchFlag.MatchRecursive):
            if item.data(0, ID_ROLE) == cid:
                return item
        return None

    def _place(self) -> tuple[str, str | None, int] | None:
        item = self.view.currentItem()
        if item is None:
            return None
        parent = item.parent()
        index = (parent.indexOfChild(item) if parent is not None
                 else self.view.indexOfTopLevelItem(item))
        return (str(item.data(0, ID_ROLE)),
                parent.data(0, ID_ROLE) if parent is not None else None, index)

    def shift(self, step: int) -> None:
        place = self._place()
        if place is not None and place[2] + step >= 0:
            self.move_to(place[0], place[1], place[2] + step)

    def indent(self) -> None:
        item = self.view.currentItem()
        place = self._place()
        if item is None or place is None:
            return
        sibling_parent: QTreeWidgetItem | None = self.view.itemAbove(item)
        while sibling_parent is not None and sibling_parent.parent() is not item.parent():
            sibling_parent = sibling_parent.parent()
        if sibling_parent is not None:
            self.move_to(place[0], str(sibling_parent.data(0, ID_ROLE)),
                      sibling_parent.childCount())

    def outdent(self) -> None:
        item = self.view.currentItem()
        parent = item.parent() if item is not None else None
        if item is None or parent is None:
            return
        grand = parent.parent()
        index = (grand.indexOfChild(parent) if grand is not None
                 else self.view.indexOfTopLevelItem(parent))
        self.move_to(str(item.data(0, ID_ROLE)),
                  grand.data(0, ID_ROLE) if grand is not None else None, index + 1)
