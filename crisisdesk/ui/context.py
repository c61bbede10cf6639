"""What every screen is handed: the open desk, the worker runner, the prompts, the message bar.

No global registries: the composition root (`crisisdesk.app`) builds one `UiContext` and the
main window passes it to each page. The session is read through `DeskState` at the moment of
use, because locking closes it and unlocking makes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from crisisdesk.domain.errors import UserError
from crisisdesk.services.session import Session
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.prompts import Prompts
from crisisdesk.ui.workers import JobRunner


class DeskLocked(UserError):
    def __init__(self) -> None:
        super().__init__("The desk is locked; unlock it to continue.")


class DeskState(QObject):
    """The unlocked session (or None while locked) and the signals pages listen to.

    `desk_changed` fires when the desk's data changed: after an action in this window
    (`notify_changed()`), or when another connection committed (a worker, or the CLI while the
    app is open), which the main window notices by polling `PRAGMA data_version`.
    """

    desk_changed = Signal()
    session_changed = Signal(object)  # the new Session, or None when locked

    def __init__(self, session: Session | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session

    @property
    def session(self) -> Session:
        if self._session is None:
            raise DeskLocked()
        return self._session

    @property
    def current(self) -> Session | None:
        """The session, or None while locked (for code that must not raise)."""
        return self._session

    @property
    def unlocked(self) -> bool:
        return self._session is not None

    def set_session(self, session: Session | None) -> None:
        old, self._session = self._session, session
        if old is not None and old is not session:
            old.close()
        self.session_changed.emit(session)

    def notify_changed(self) -> None:
        self.desk_changed.emit()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


@dataclass
class UiContext:
    state: DeskState
    runner: JobRunner
    prompts: Prompts
    messages: MessageBar

    @property
    def session(self) -> Session:
        return self.state.session

    def show_error(self, err: BaseException) -> None:
        """A worker's `failed` handler: UserErrors to the bar, anything else to the crash path."""
        if isinstance(err, UserError):
            self.messages.show_user_error(err)
        else:
            from crisisdesk.ui.crash import report_unexpected

            report_unexpected(err)
