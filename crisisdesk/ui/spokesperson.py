"""The status bar's answer to "who is the spokesperson right now?", on every screen.

During a breach the most damaging mistake is two people talking to the press; the crisis plan
names one spokesperson (the PIO role) and the status bar keeps that name and number in view
whatever page is open. It follows `desk_changed`, so assigning the PIO, or marking them
unavailable (which hands the role to the next backup), shows here at once, and also when the
change came from the CLI or another connection (the main window's data_version poll).

The role service is imported on first use, not at module import: the main window is built
before the section warm-up has loaded the services.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from crisisdesk.domain.errors import UserError
from crisisdesk.ui.context import DeskState


def spokesperson_text(state: DeskState) -> tuple[str, str]:
    """(label text, tooltip) for the open desk; empty while locked."""
    session = state.current
    if session is None:
        return "", ""
    from crisisdesk.services import roles as role_service

    try:
        acting = role_service.spokesperson(session)
    except UserError:  # no PIO role in a broken catalogue: say so, never crash the bar
        return "Spokesperson: (no PIO role)", "The role catalogue has no PIO role."
    if acting is None:
        status = role_service.role_status(session, "pio")
        if status.slots:
            return ("Spokesperson: NONE AVAILABLE",
                    "Everyone assigned as PIO is unavailable; assign a new spokesperson.")
        return "Spokesperson: not assigned", "Assign the PIO role on the Roles page."
    person = acting.slot.person
    phone = f" · {person.phone}" if person.phone else ""
    acting_note = f" (acting, {acting.slot.label})" if acting.is_backup else ""
    tip = "The Public Information Officer: the only person who speaks for the organisation."
    if acting.skipped:
        tip += " Unavailable: " + ", ".join(s.person.name for s in acting.skipped) + "."
    return f"Spokesperson: {person.name}{acting_note}{phone}", tip


class SpokespersonLabel(QLabel):
    def __init__(self, state: DeskState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setObjectName("spokesperson")
        self.setAccessibleName("Spokesperson right now")
        self.setContentsMargins(10, 0, 10, 0)
        state.desk_changed.connect(self.update_text)
        state.session_changed.connect(lambda _s: self.update_text())
        self.update_text()

    def update_text(self) -> None:
        text, tip = spokesperson_text(self.state)
        self.setText(text)
        self.setToolTip(tip)
        self.setAccessibleDescription(text)
