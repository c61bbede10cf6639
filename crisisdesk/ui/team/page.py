"""The Team page: this laptop among the team's laptops, and the three ways to exchange work.

Why a page: carrying a USB stick between laptops is what the team does when there is no
network; this page says what this laptop has not sent yet, when each other laptop was last
heard from, and what the last exchange brought. Every exchange (and the status itself, which
rebuilds the replication document) runs in a worker, so the window never freezes; syncing
with the folder can be cancelled between bundles. A desk that is not a team says how to make
it one (`crisisdesk team clone`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWidget

from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.operators import Role
from crisisdesk.domain.times import show_utc
from crisisdesk.services import localtime, team, team_conflicts, team_folder
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.store.team_bundle import SUFFIX
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page
from crisisdesk.ui.team.conflicts_panel import ConflictsPanel
from crisisdesk.ui.widgets.build import note_label
from crisisdesk.ui.widgets.buttons import push_button
from crisisdesk.ui.widgets.layouts import column, hbox
from crisisdesk.ui.widgets.tables import read_only_table, text_item
from crisisdesk.ui.workers import Job, in_thread_session, run_with_progress

BUNDLE_FILTER = f"Team bundles (*{SUFFIX})"
NOT_A_TEAM = ("This desk is not part of a team yet. To work on several laptops, an admin "
              "copies it once for each other laptop with 'crisisdesk team clone --to FOLDER "
              "--name \"Site 2 laptop\"'; each copy then exchanges its work from this page.")
HEADERS = ("Laptop", "Records here", "Last bundle made", "Imported here")


class TeamPage(Page):
    title = "Team"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status: team.TeamStatus | None = None
        self.last_job: Job | None = None
        self.heading = QLabel("Team", self)
        self.heading.setObjectName("pageTitle")
        self.not_team_label = note_label(self, "Not a team desk")
        self.not_team_label.setText(NOT_A_TEAM)
        self.summary_label = note_label(self, "This laptop")
        self.table = read_only_table(self, "The team's laptops", HEADERS)
        self.export_button = push_button(
            self, "&Export for the team…", self.export_bundle,
            "Write one encrypted file with everything this laptop knows, for the others")
        self.import_button = push_button(
            self, "&Import a bundle…", self.import_bundle,
            "Merge a bundle another laptop of the team wrote (any order, as often as you like)")
        self.sync_button = push_button(
            self, "&Sync with folder", self.sync_folder,
            "Import the new bundles in the team exchange folder and leave this laptop's there",
            icon_name="sync")
        self.folder_label = note_label(self, "Team exchange folder")
        self.last_label = note_label(self, "What the last exchange brought")
        self.last_label.setText("Nothing imported since the app was opened.")
        self.buttons: list[QPushButton] = [self.export_button, self.import_button,
                                           self.sync_button]
        self.conflicts_panel = ConflictsPanel(ctx, self)
        # The laptops take the rows they have; the conflicts, when there are any, the rest.
        self.filler = QWidget(self)  # the room below when there is nothing to settle
        column(self, self.heading, self.not_team_label, self.summary_label, self.table,
               hbox(*self.buttons, (QWidget(self), 1)), self.folder_label, self.last_label,
               (self.conflicts_panel, 1), (self.filler, 1), margin=12)
        self._show_team(False)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Team status rebuilds the replication document: read it in a worker."""
        if not team_folder.is_team(self.ctx.session):  # one row of the desk's meta table
            self.status = None
            self._show_team(False)
            return

        def work(twin: Session, **_: Any) -> tuple[team.TeamStatus, list[Any]]:
            return team.team_status(twin), team_conflicts.list_conflicts(twin)

        self._run("team status", work, self._loaded, busy=False)

    def clear(self) -> None:
        self.status = None
        self.table.setRowCount(0)
        self.summary_label.clear()
        self.conflicts_panel.clear()

    def _loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        result, conflicts = result
        assert isinstance(result, team.TeamStatus)
        self.status = result
        self._show_team(True)
        tz = localtime.zone(self.ctx.session)
        self.conflicts_panel.show_conflicts(conflicts, tz)
        self.filler.setVisible(not conflicts)
        unsettled = (f" {count_of(len(conflicts), 'conflict')} to settle below."
                     if conflicts else "")
        waiting = (f"; {count_of(result.waiting, 'record')} waiting for what they refer to"
                   if result.waiting else "")
        unsent = (f"{count_of(result.not_exported, 'record')} written here "
                  f"{'has' if result.not_exported == 1 else 'have'} not been exported yet"
                  if result.not_exported else "Everything written here has been exported")
        self.summary_label.setText(
            f"This laptop: <b>{_html(result.laptop_name)}</b>. {unsent}{waiting}.{unsettled}")
        self.table.setRowCount(len(result.laptops))
        for row, lap in enumerate(result.laptops):
            own = lap.laptop_id == result.laptop_id
            cells = (lap.name + (" (this laptop)" if own else ""), f"{lap.records_here:,}",
                     "—" if own else show_utc(lap.last_bundle_at, tz) or "never",
                     "—" if own else show_utc(lap.imported_at, tz) or "never")
            for col, text in enumerate(cells):
                item = text_item(text)
                if col == 1:  # of which kinds: "2 contacts, 42 call attempts"
                    item.setToolTip(lap.held())
                self.table.setItem(row, col, item)
        fit_height(self.table)
        folder = team_folder.configured_folder(self.ctx.session)
        self.folder_label.setText(
            f"Team exchange folder: {folder}" if folder else
            "No team exchange folder is set: 'Sync with folder' asks for one (a USB stick "
            "or a shared folder).")

    def _show_team(self, is_team: bool) -> None:
        self.not_team_label.setVisible(not is_team)
        if not is_team:
            self.conflicts_panel.clear()
        for widget in (self.summary_label, self.table, self.folder_label, self.last_label,
                       *self.buttons):
            widget.setVisible(is_team)

    # -- the three exchanges ---------------------------------------------------------------
    def export_bundle(self) -> None:
        stamp = self.ctx.session.now_iso()[:10]
        laptop = self.status.laptop_name if self.status is not None else "team"
        suggested = f"{laptop} {stamp}{SUFFIX}"
        path = self.ctx.prompts.save_file(self, "Export for the team", suggested,
                                          BUNDLE_FILTER)
        if path is None:
            return

        def work(twin: Session, **_: Any) -> team.ExportResult:
            return team.export_bundle(twin, path, force=True)

        def done(result: object) -> None:
            assert isinstance(result, team.ExportResult)
            self.ctx.messages.show_info(
                f"Exported {count_of(result.records, 'record')} to {result.path.name}; "
                "carry it to the other laptops and import it there.")
            self.mark_stale()

        self._run("team export", work, done)

    def import_bundle(self) -> None:
        path = self.ctx.prompts.open_file(self, "Import a bundle", BUNDLE_FILTER)
        if path is None:
            return

        def work(twin: Session, **_: Any) -> team.ImportResult:
            return team.import_bundle(twin, path)

        def done(result: object) -> None:
            assert isinstance(result, team.ImportResult)
            again = " (imported before: nothing changed)" if result.already else ""
            self._brought(f"Last import, from {result.sender}: {result.sentence()}{again}.")
            self.ctx.state.desk_changed.emit()

        self._run("team import", work, done)

    def sync_folder(self) -> None:
        fit_height(self.table)
        folder = team_folder.configured_folder(self.ctx.session)
        if folder is None:
            folder = self.ctx.prompts.open_folder(self, "Choose the team exchange folder")
            if folder is None:
                return
            if self.ctx.session.operator.role is Role.ADMIN:  # remembered for next time
                settings_service.set(self.ctx.session, team_folder.SETTING, str(folder))
        chosen = folder

        def work(twin: Session, *, progress: Callable[[int, int], None],
                 is_cancelled: Callable[[], bool]) -> team_folder.FolderSync:
            return team_folder.sync_folder(twin, chosen, progress=progress,
                                           is_cancelled=is_cancelled)

        def done(result: object) -> None:
            assert isinstance(result, team_folder.FolderSync)
            self._brought(f"Last sync with {result.folder}: {result.sentence()}")
            self.ctx.state.desk_changed.emit()

        job = self._job("team sync", work, done)
        job.cancelled.connect(lambda: self.ctx.messages.show_info(
            "Sync stopped; the bundles imported so far stay imported."))
        job.cancelled.connect(lambda: self._busy(False))
        job.cancelled.connect(self.mark_stale)
        run_with_progress(self.ctx.runner, job, self, title="Sync with folder",
                          label=f"Exchanging bundles with {chosen}…")

    # -- plumbing ----------------------------------------------------------------------------
    def _brought(self, text: str) -> None:
        self.last_label.setText(text)
        self.ctx.messages.show_info(text)

    def _busy(self, busy: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not busy)

    def _job(self, name: str, work: Callable[..., object],
             done: Callable[[object], None], busy: bool = True) -> Job:
        job = Job(in_thread_session(self.ctx.session, work), name=name)
        self.last_job = job
        if busy:
            self._busy(True)
            job.finished.connect(lambda _r: self._busy(False))
            job.failed.connect(lambda _e: self._busy(False))
        job.finished.connect(done)
        job.failed.connect(self.ctx.show_error)
        return job

    def _run(self, name: str, work: Callable[..., object], done: Callable[[object], None],
             busy: bool = True) -> None:
        self.ctx.runner.start(self._job(name, work, done, busy))


def fit_height(table: QTableWidget, most_rows: int = 8) -> None:
    """As tall as the header and the rows (a team has a handful of laptops), so the room
    below goes to the conflicts; scrolls past `most_rows`."""
    shown = min(table.rowCount(), most_rows)
    rows = sum(table.rowHeight(r) for r in range(shown)) if shown else \
        table.verticalHeader().defaultSectionSize()
    scroll = table.horizontalScrollBar()
    table.setFixedHeight(table.horizontalHeader().height() + rows + 2 * table.frameWidth()
                         + (scroll.sizeHint().height() if scroll.isVisible() else 0))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
