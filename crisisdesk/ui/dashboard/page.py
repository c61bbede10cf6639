"""The Dashboard: the one screen the incident commander keeps open.

Overview: the current incident (chooser, status, affected counts, law-enforcement delay), each
notification clock with its days left coloured as it nears, who holds each role now with a
phone number, the latest timeline entries, and the panels of calling trees, letters and the
next public update (see `panels.py`). The Deadlines and
Systems tabs hold the obligations table and the HICS 251 board; they are built when first
shown (or first asked for), which is most of the page's build, and until then keep only the
latest data a refresh gave them. Everything is read from the
services on refresh (a few milliseconds on a crisis-sized desk); every change goes through one
service call and then `notify_changed()`, which refreshes this and every other page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crisisdesk.domain.incidents import Incident
from crisisdesk.printing import crisis_reports
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import incident_translations as translation_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import next_steps, record_origins
from crisisdesk.services import roles as role_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.clocks import DeadlineReport
from crisisdesk.services.localtime import today, zone
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.dashboard import deadlines as dl
from crisisdesk.ui.dashboard.deadlines import DeadlinesView, ObligationsModel
from crisisdesk.ui.dashboard.filings_panel import FilingsPanel
from crisisdesk.ui.dashboard.incident_dialog import IncidentDialog
from crisisdesk.ui.dashboard.panels import PANELS, SummaryPanel
from crisisdesk.ui.dashboard.systems import SystemRow, SystemsBoard
from crisisdesk.ui.dashboard.translations_dialog import TranslationsDialog
from crisisdesk.ui.page import NextStepHook, Page
from crisisdesk.ui.printouts import print_preview, save_pdf
from crisisdesk.ui.roles import model as roster
from crisisdesk.ui.widgets.build import note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.errors import user_errors
from crisisdesk.ui.widgets.keyboard import make_keyboard_ready
from crisisdesk.ui.widgets.layouts import vbox
from crisisdesk.ui.widgets.table_model import SortProxy, time_formatter
from crisisdesk.ui.widgets.tables import Selection, standard_table
from crisisdesk.ui.workers import Job, in_thread_session

LATEST = 8
DEADLINES_TAB, SYSTEMS_TAB = 1, 2
TAB_LABELS = {DEADLINES_TAB: "&Deadlines", SYSTEMS_TAB: "&Systems board"}
# The panels' worker starts this long after a refresh (refreshes in a burst start it once).
# The first refresh comes as the window is first drawn; a worker running Python meanwhile
# slows that drawing, since every widget callback into Python waits for the interpreter lock.
PANELS_AFTER_MS = 150


def _compact_table(parent: QWidget, name: str, keep: tuple[int, ...], columns: int) -> QTableView:
    table = standard_table(parent, name, selection=Selection.NoSelection, rows=False)
    table.setProperty("keep", keep)
    table.setProperty("columns", columns)
    return table


def _hide_columns(table: QTableView, keep: tuple[int, ...], columns: int) -> None:
    for column in range(columns):
        table.setColumnHidden(column, column not in keep)


def incident_line(incident: Incident, days: int) -> str:
    states = ", ".join(f"{s} {n:,}" for s, n in incident.affected_by_state.items())
    unknown = (f", unknown residence {incident.affected_unknown_residence:,}"
               if incident.affected_unknown_residence else "")
    return (f"{incident.kind.label.capitalize()} · {incident.status.value.upper()} · discovered "
            f"{incident.discovered_on.isoformat()} (day {days}) · "
            f"{incident.total_affected:,} people affected"
            + (f" ({states}{unknown})" if states or unknown else ""))


class DashboardPage(Page):
    title = "Dashboard"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.incident: Incident | None = None
        self.dialog: IncidentDialog | None = None
        self.last_job: Job | None = None

        self.incident_combo = QComboBox(self)
        self.incident_combo.setAccessibleName("Current incident")
        self.incident_combo.setMinimumWidth(280)
        self.incident_combo.activated.connect(self._incident_chosen)
        self.edit_button = push_button(self, "&Incident…", self.edit_incident,
                                       "Edit the current incident's record (Ctrl+E)")
        self.new_button = push_button(self, "&New incident…", self.new_incident)
        self.spanish_button = push_button(self, "Es&pañol…", self.edit_spanish,
                                          "The Spanish wording of the incident's facts, "
                                          "for Spanish letters")
        self.translations_dialog: TranslationsDialog | None = None
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.status_label = note_label(self, "Incident status")
        self.next_label = note_label(self, "Next deadline")

        self.clocks_model = ObligationsModel(self)
        self.clocks_proxy = SortProxy(self.clocks_model, self)
        self.clocks = _compact_table(self, "Notification clocks", (dl.DUE, dl.LEFT, dl.NOTICE),
                                     len(dl.HEADERS))
        self.clocks.setModel(self.clocks_proxy)
        self.clocks.setSortingEnabled(True)
        self.clocks.sortByColumn(dl.DUE, Qt.SortOrder.AscendingOrder)
        _hide_columns(self.clocks, (dl.DUE, dl.LEFT, dl.NOTICE), len(dl.HEADERS))
        self.clocks.setColumnWidth(dl.DUE, 90)
        self.clocks.setColumnWidth(dl.LEFT, 150)
        self.holders_model = roster.RosterModel(self)
        self.holders = _compact_table(self, "Role holders now",
                                      (roster.ROLE, roster.ACTING, roster.PHONE),
                                      len(roster.HEADERS))
        self.holders.setModel(self.holders_model)
        _hide_columns(self.holders, (roster.ROLE, roster.ACTING, roster.PHONE),
                      len(roster.HEADERS))
        self.holders.setColumnWidth(roster.ROLE, 200)
        self.holders.setColumnWidth(roster.ACTING, 200)
        for table in (self.clocks, self.holders):
            table.setMinimumHeight(170)
            table.horizontalHeader().setStretchLastSection(False)
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for table, modes in ((self.clocks, {dl.DUE: fit, dl.LEFT: fit, dl.NOTICE: stretch}),
                             (self.holders, {roster.ROLE: stretch, roster.ACTING: stretch,
                                             roster.PHONE: fit})):
            for column, mode in modes.items():
                table.horizontalHeader().setSectionResizeMode(column, mode)
        self.latest = QListWidget(self)
        self.latest.setAccessibleName("Latest timeline entries")
        self.latest.setWordWrap(True)
        self.panels = [SummaryPanel(title, summary, self) for title, summary in PANELS]
        self.panels.insert(0, FilingsPanel(self))
        self._panel_generation = 0
        self.panel_job: Job | None = None
        self._panels_timer = QTimer(self)
        self._panels_timer.setSingleShot(True)
        self._panels_timer.setInterval(PANELS_AFTER_MS)
        self._panels_timer.timeout.connect(self._start_panels_job)

        overview = QWidget(self)
        grid = QGridLayout(overview)
        grid.setContentsMargins(4, 4, 4, 4)
        for row, col, title, widget in ((0, 0, "Notification clocks", self.clocks),
                                        (0, 1, "Who holds each role now", self.holders),
                                        (1, 0, "Latest timeline entries", self.latest)):
            box = QGroupBox(title, overview)
            QVBoxLayout(box).addWidget(widget)
            grid.addWidget(box, row, col)
        side = QWidget(overview)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for panel in self.panels:
            side_layout.addWidget(panel)
        side_layout.addStretch(1)
        scroll = QScrollArea(overview)  # the other features' panels never squeeze the clocks
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(side)
        grid.addWidget(scroll, 1, 1)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self._deadlines: DeadlinesView | None = None
        self._systems: SystemsBoard | None = None
        # What the last refresh gave a tab not built yet: (report,) and (rows, show).
        self._report: tuple[DeadlineReport | None] | None = None
        self._board: tuple[list[SystemRow], Any] | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(overview, "&Overview")
        for index in (DEADLINES_TAB, SYSTEMS_TAB):
            self.tabs.addTab(QWidget(self.tabs), TAB_LABELS[index])
        self.tabs.currentChanged.connect(self._tab_shown)

        top = QHBoxLayout()
        top.addWidget(QLabel("Incident:", self))
        top.addWidget(self.incident_combo)
        top.addStretch(1)
        top.addWidget(self.edit_button)
        top.addWidget(self.spanish_button)
        top.addWidget(self.new_button)
        vbox(self, top, self.title_label, self.status_label, self.next_label, (self.tabs, 1),
               margins=4)
        shortcut = QShortcut(QKeySequence("Ctrl+E"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.edit_incident)

    # -- the tabs built on first view -----------------------------------------------------
    @property
    def deadlines(self) -> DeadlinesView:
        """The Deadlines tab, built now if it was not yet."""
        if self._deadlines is None:
            view = self._deadlines = DeadlinesView(self.ctx, self)
            view.changed.connect(self.ctx.state.notify_changed)
            self.sheet_button = push_button(self, "Obligations sheet &PDF…",
                                            self.print_obligations)
            self.sheet_button.setEnabled(self.incident is not None)
            sheet_row = QHBoxLayout()
            sheet_row.addStretch(1)
            sheet_row.addWidget(self.sheet_button)
            view.layout().addLayout(sheet_row)  # type: ignore[union-attr]
            if self._report is not None:
                view.show_report(self._report[0])
                self._report = None
            self._put_tab(DEADLINES_TAB, view)
        return self._deadlines

    @property
    def systems(self) -> SystemsBoard:
        """The Systems board tab, built now if it was not yet."""
        if self._systems is None:
            board = self._systems = SystemsBoard(self.ctx, self)
            board.changed.connect(self.ctx.state.notify_changed)
            self.board_button = push_button(self, "Board P&DF (one page)…", self.print_board)
            self.board_print = push_button(
                self, "Pr&int board…",
                lambda: print_preview(self.ctx, self, crisis_reports.systems_board,
                                      title="Systems status board"))
            board_row = QHBoxLayout()
            board_row.addStretch(1)
            board_row.addWidget(self.board_button)
            board_row.addWidget(self.board_print)
            board.layout().addLayout(board_row)  # type: ignore[union-attr]
            if self._board is not None:
                board.show_systems(*self._board)
                self._board = None
            self._put_tab(SYSTEMS_TAB, board)
        return self._systems

    def _put_tab(self, index: int, widget: QWidget) -> None:
        """Swap the placeholder at `index` for the built tab, staying on the same tab."""
        current = self.tabs.currentIndex()
        placeholder = self.tabs.widget(index)
        self.tabs.blockSignals(True)  # no currentChanged for the swap itself
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, TAB_LABELS[index])
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(False)
        if placeholder is not None:
            placeholder.deleteLater()
        if self.isVisible():  # its tables give Tab back, its buttons get Alt+letters
            make_keyboard_ready(self)

    def _tab_shown(self, index: int) -> None:
        if index == DEADLINES_TAB:
            _ = self.deadlines
        elif index == SYSTEMS_TAB:
            _ = self.systems

    # -- Page -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.ctx.session
        show = time_formatter(zone(session))
        incidents = incident_service.list_incidents(session)
        self.incident = incident_service.current_incident(session)
        self.incident_combo.clear()
        for incident in incidents:
            self.incident_combo.addItem(f"{incident.title} ({incident.status.value})",
                                        incident.id)
        if self.incident is not None:
            self.incident_combo.setCurrentIndex(self.incident_combo.findData(self.incident.id))
        else:
            self.incident_combo.addItem("No incident yet", "")
        self.edit_button.setEnabled(self.incident is not None)
        self.spanish_button.setEnabled(self.incident is not None)
        if self._deadlines is not None:
            self.sheet_button.setEnabled(self.incident is not None)
        self._show_incident(show)
        self.holders_model.show = show
        self.holders_model.set_rows(role_service.roster(session).statuses)
        self.latest.clear()
        if self.incident is not None:
            entries = timeline_service.latest_entries(session, self.incident.id, LATEST)
            who = record_origins.origins(session, (e.id for e in entries)).who
            for entry in sorted(entries, key=lambda e: (e.at, e.seq), reverse=True):
                self.latest.addItem(f"{show(entry.at)}  [{entry.category.value}] "
                                    f"{who(entry.author, entry.id)}: "
                                    f"{' '.join(entry.text.split())}")
        systems = system_service.list_systems(session)
        if self._systems is not None:
            self._systems.show_systems(systems, show)
        else:
            self._board = (systems, show)
        self._refresh_panels()

    def _refresh_panels(self) -> None:
        """The other features' summaries load in a worker: importing and querying them takes
        hundreds of milliseconds on a big desk, too long for the GUI thread."""
        self._panel_generation += 1  # what a job started earlier brings is out of date
        self._panels_timer.start()

    def _start_panels_job(self) -> None:
        session = self.ctx.state.current
        if session is None or session.closed:
            return  # locked or closed meanwhile
        generation, panels = self._panel_generation, list(self.panels)

        def work(twin: Session, **_: object) -> list[list[tuple[str, str]]]:
            return [panel.compute(twin) for panel in panels]

        job = Job(in_thread_session(session, work), name="dashboard panels")
        job.finished.connect(lambda rows: self._show_panels(generation, rows))
        job.failed.connect(self.ctx.show_error)
        self.panel_job = job
        self.ctx.runner.start(job)

    def _show_panels(self, generation: int, rows: list[list[tuple[str, str]]]) -> None:
        if generation != self._panel_generation or not self.ctx.state.unlocked:
            return  # a newer refresh is on its way, or the desk locked meanwhile
        for panel, panel_rows in zip(self.panels, rows, strict=True):
            panel.show_rows(panel_rows)

    def _show_incident(self, show: object) -> None:
        session = self.ctx.session
        if self.incident is None:
            self.title_label.setText("No incident recorded yet")
            self.status_label.setText("Record the incident (New incident…) to start the "
                                      "notification clocks and the timeline.")
            self.next_label.clear()
            self.clocks_model.set_rows([])
            self._show_report(None)
            return
        report = clock_service.deadlines(session, self.incident.id)
        self.title_label.setText(self.incident.title)
        text = incident_line(self.incident, report.days_since_discovery)
        if self.incident.delay is not None:
            text += f"\nLaw-enforcement delay: {self.incident.delay.describe()}."
        self.status_label.setText(text)
        nxt = report.next_due
        self.next_label.setText(
            f"Next deadline: {nxt.title}, due {nxt.due} "
            f"({dl.days_left_text(nxt, report.today)})." if nxt is not None and nxt.due
            else "No open deadline with a fixed date.")
        self.clocks_model.today = report.today
        self.clocks_model.set_rows(report.running + [o for o in report.obligations
                                                     if o.done is not None])
        self._show_report(report)

    def _show_report(self, report: DeadlineReport | None) -> None:
        if self._deadlines is not None:
            self._deadlines.show_report(report)
        else:
            self._report = (report,)

    def next_step(self) -> NextStepHook:
        step = next_steps.dashboard(self.ctx.session)
        return (step, self.new_incident) if step else None

    def clear(self) -> None:
        self._panel_generation += 1  # a summary still loading must not show after locking
        self._panels_timer.stop()
        if self.dialog is not None:
            self.dialog.reject()
        self.incident = None
        self.incident_combo.clear()
        for label in (self.title_label, self.status_label, self.next_label):
            label.clear()
        self.clocks_model.set_rows([])
        self.holders_model.set_rows([])
        self._report = self._board = None
        if self._deadlines is not None:
            self._deadlines.model.set_rows([])
        if self._systems is not None:
            self._systems.model.set_rows([])
        self.latest.clear()
        for panel in self.panels:
            panel.clear()
        self._stale = True

    # -- incident ---------------------------------------------------------------------------
    def _incident_chosen(self, _index: int) -> None:
        incident_id = self.incident_combo.currentData()
        if not incident_id or (self.incident and self.incident.id == incident_id):
            return
        with user_errors(self.ctx.messages):
            chosen = incident_service.set_current_incident(self.ctx.session, incident_id)
            self.ctx.messages.show_info(f"The current incident is now {chosen.title}.")
            self.ctx.state.notify_changed()

    def _open(self, incident: Incident | None) -> None:
        def save(values: dict[str, object]) -> Incident:
            if incident is None:
                return incident_service.create_incident(self.ctx.session, **values)  # type: ignore[arg-type]
            return incident_service.update_incident(self.ctx.session, incident.id, **values)

        dialog = IncidentDialog(save, today(self.ctx.session), incident, self)
        dialog.submitted.connect(lambda i: self._saved(i, new=incident is None))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def edit_incident(self) -> None:
        if self.incident is not None:
            self._open(self.incident)

    def new_incident(self) -> None:
        self._open(None)

    def edit_spanish(self) -> None:
        if self.incident is None:
            return
        session, incident_id = self.ctx.session, self.incident.id
        dialog = TranslationsDialog(
            translation_service.listing(session, "es", incident_id=incident_id),
            lambda texts: translation_service.set_translations(
                session, "es", texts, incident_id=incident_id), self)
        dialog.submitted.connect(lambda n: self.ctx.messages.show_info(
            f"Saved the Spanish wording of {n} fact{'s' if n != 1 else ''}."))
        dialog.finished.connect(lambda _r: setattr(self, "translations_dialog", None))
        self.translations_dialog = dialog
        dialog.open()

    def _saved(self, incident: Incident, *, new: bool) -> None:
        self.ctx.messages.show_info(f"{'Recorded' if new else 'Saved'} {incident.title}.")
        self.ctx.state.notify_changed()

    # -- paper ------------------------------------------------------------------------------
    def print_obligations(self) -> None:
        if self.incident is None:
            return
        incident_id = self.incident.id
        self.last_job = save_pdf(self.ctx, self,
                                 lambda s: crisis_reports.obligations(s, incident_id),
                                 title="Obligations sheet", suggested="obligations.pdf",
                                 button=self.sheet_button)

    def print_board(self) -> None:
        self.last_job = save_pdf(self.ctx, self, crisis_reports.systems_board,
                                 title="Systems status board", suggested="systems-board.pdf",
                                 button=self.board_button)


__all__ = ["DashboardPage"]
