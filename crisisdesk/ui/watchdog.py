"""How long the GUI thread was too busy to answer: the longest event-loop stall.

A timer asks to fire every 10 ms; when the GUI thread is busy (a slow click handler, a long
import, a big model reset) the tick comes late, and how late is how long a person's click or
keystroke would have waited. The watchdog keeps the worst lateness and what was happening
then (`note`), so the journeys and `make bench` can say how responsive the window stayed.

In the app it is off; set CRISISDESK_STALL_WATCHDOG=1 to have `crisisdesk` print the longest
stall on stderr when it exits (a debug aid: nothing is written to disk).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Qt, QTimer

ENV_VAR = "CRISISDESK_STALL_WATCHDOG"
INTERVAL_MS = 10


class StallWatchdog(QObject):
    """Records the longest time (ms) a 10 ms tick came late while running."""

    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.longest_ms = 0.0
        self.longest_note = ""
        self._note = ""
        self._previous_note = ""
        self._note_set_at = 0.0
        self.by_note: dict[str, float] = {}  # the longest stall seen during each note
        self.ticks = 0
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @property
    def note(self) -> str:
        """What the caller says is happening (a journey's current step)."""
        return self._note

    @note.setter
    def note(self, value: str) -> None:
        self._previous_note, self._note = self._note, value
        self._note_set_at = time.perf_counter()

    def _note_of_stall(self, began: float, ended: float) -> str:
        """The step a stall belongs to: the note in force for most of it. A step set just
        before its click stalls under the new note; a stall that ended just before the caller
        moved on (its wait saw the window, then the late tick came) is the old step's."""
        changed = self._note_set_at
        if began < changed < ended and changed - began > ended - changed:
            return self._previous_note
        return self._note

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._last = None

    def reset(self) -> None:
        self.longest_ms, self.longest_note, self.ticks = 0.0, "", 0
        self.by_note.clear()
        if self._last is not None:
            self._last = time.perf_counter()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Leave out time that is not the app's (a test saving a screenshot)."""
        running = self._timer.isActive()
        self.stop()
        try:
            yield
        finally:
            if running:
                self.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            late = (now - self._last) * 1000 - self.interval_ms
            note = self._note_of_stall(self._last, now)
            if late > self.longest_ms:
                self.longest_ms, self.longest_note = late, note
            if late > self.by_note.get(note, 0.0):
                self.by_note[note] = late
        self._last = now
        self.ticks += 1

    def summary(self) -> str:
        where = f" ({self.longest_note})" if self.longest_note else ""
        return f"longest event-loop stall: {self.longest_ms:.0f} ms{where}"
