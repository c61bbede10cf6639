"""Live progress of an activation: totals, branches, who needs the coordinator, everyone.

A recorded call updates the totals from the counts the service returned and repaints one row
(`apply_recorded`); the parts that depend on time and on the whole tree (flags, branches,
elapsed time, reassignments) come from a periodic background refresh (`apply_view`), which
also repaints only the rows that changed. Changes of the tree's structure since the start
(here or on another laptop of the team) show in a notice above the totals until a coordinator
marks them as seen: the running activation keeps following its frozen copy.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.call_escalation import Counts, Reassignment
from crisisdesk.services.calling_trees.activations import ActivationView, Recorded
from crisisdesk.services.calling_trees.tree_changes import TreeChanges
from crisisdesk.ui.calling_trees.model import PeopleModel
from crisisdesk.ui.widgets.scheme import WARN_BG, readable_text, shade
from crisisdesk.ui.widgets.tables import read_only_table, standard_table

SHOWN_LINES = 4  # changes listed without scrolling


class ChangesNotice(QFrame):
    """'The calling tree changed since this activation started': each change not yet marked
    seen on this laptop, and *Mark as seen*; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Calling tree changes")
        back = shade(*WARN_BG)
        self.setStyleSheet(f"ChangesNotice {{ background: {back.name()}; }} "
                           f"QLabel {{ color: {readable_text(back).name()}; }}")
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Calling tree changes since the start")
        self.list.setWordWrap(True)
        self.seen_button = QPushButton("Mark as &seen", self)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.seen_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(row)
        layout.addWidget(self.list)
        self.hide()

    def show_changes(self, changes: TreeChanges) -> None:
        unseen = changes.unseen
        if not unseen:
            self.list.clear()
            self.hide()
            return
        many = len(unseen) != 1
        self.title.setText(f"<b>The calling tree changed since this activation started "
                           f"({len(unseen)} change{'s' if many else ''}).</b> "
                           f"{changes.note}")
        lines = [c.line() for c in unseen]
        if [self.list.item(i).text() for i in range(self.list.count())] != lines:
            self.list.clear()
            self.list.addItems(lines)
            # As tall as its lines (up to SHOWN_LINES; more scroll): the progress stays in view.
            rows = sum(self.list.sizeHintForRow(i) for i in range(min(len(lines), SHOWN_LINES)))
            self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 4)
        self.show()


def counts_text(c: Counts) -> str:
    return (f"Reached {c.reached} of {c.total} ({c.percent_reached:.0f}%) · tried, not reached "
            f"{c.attempted} · not called yet {c.not_called} · unavailable {c.unavailable}")


class ProgressView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activation_id = ""
        self.reassignments: list[Reassignment] = []
        self.notice = ChangesNotice(self)
        self.totals = QLabel("No activation selected.", self)
        self.totals.setAccessibleName("Progress totals")
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName("Percent reached")
        self.timing = QLabel(self)
        self.flags = QListWidget(self)
        self.flags.setAccessibleName("Needs the coordinator")
        self.flags.setWordWrap(True)
        self.moved = QListWidget(self)
        self.moved.setAccessibleName("Reassigned calls")
        self.undo_button = QPushButton("Mark caller &available again (undo)", self)
        self.branches = read_only_table(self, "Branches",
                                        ["Branch", "Reached", "Tried", "Not called"])
        self.model = PeopleModel(self)
        self.table = standard_table(self, "Everyone in the activation", self.model,
                                    selection=None, widths=(170, 140, 240, 120, 45, 140))
        left = QWidget(self)
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel("Needs the coordinator:", left))
        side.addWidget(self.flags, 1)
        side.addWidget(QLabel("Reassigned calls:", left))
        side.addWidget(self.moved, 1)
        side.addWidget(self.undo_button)
        side.addWidget(QLabel("Branches:", left))
        side.addWidget(self.branches, 2)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(self.table)
        split.setSizes([330, 700])
        head = QHBoxLayout()
        head.addWidget(self.totals, 1)
        head.addWidget(self.bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notice)
        layout.addLayout(head)
        layout.addWidget(self.timing)
        layout.addWidget(split, 1)

    def selected_reassignment(self) -> Reassignment | None:
        row = self.moved.currentRow()
        if 0 <= row < len(self.reassignments):
            return self.reassignments[row]
        return self.reassignments[0] if self.reassignments else None

    def _set_counts(self, c: Counts) -> None:
        self.totals.setText(counts_text(c))
        self.bar.setRange(0, max(c.total, 1))
        self.bar.setValue(c.reached)

    def apply_recorded(self, rec: Recorded) -> None:
        self._set_counts(rec.counts)
        self.model.update_state(rec.person.contact_id, rec.state)

    label = ""  # the activation as the page names it (local time)

    def apply_view(self, view: ActivationView | None) -> None:
        if view is None:
            self.activation_id = ""
            self.model.set_people([], {}, {}, {})
            self.totals.setText("No activation selected.")
            self.timing.clear()
            for widget in (self.flags, self.moved):
                widget.clear()
            self.branches.setRowCount(0)
            self.notice.show_changes(TreeChanges())
            return
        self.notice.show_changes(view.changes)
        names = {p.contact_id: p.name for p in view.people}
        p = view.progress
        if view.activation.id != self.activation_id:
            self.activation_id = view.activation.id
            self.model.set_people(view.people, view.states, p.callers, names)
        else:
            self.model.set_states(view.states, p.callers)
        self._set_counts(p.counts)
        waiting = (f" · waiting longest: {names.get(p.oldest_waiting[0], '?')}"
                   if p.oldest_waiting else "")
        state = "open" if view.activation.is_open else "closed"
        self.timing.setText(f"{self.label or state} · {p.elapsed_s // 60} min "
                            f"elapsed{waiting}")
        self.flags.clear()
        self.flags.addItems([f"{names.get(f.contact_id, '?')}: {f.text}" for f in p.flags]
                            or ["Nobody, so far."])
        self.moved.clear()
        self.reassignments = list(p.reassignments)
        self.moved.addItems([f"{names.get(r.contact_id, '?')} → "
                             f"{names.get(r.to_caller or '', 'the coordinator')}"
                             for r in p.reassignments])
        self.undo_button.setEnabled(bool(self.reassignments) and view.activation.is_open)
        self.branches.setRowCount(len(p.branches))
        for row, (top, c) in enumerate(p.branches.items()):
            for col, text in enumerate((names.get(top, "?"), f"{c.reached}/{c.total}",
                                        str(c.attempted), str(c.not_called))):
                self.branches.setItem(row, col, QTableWidgetItem(text))
