"""What the render's progress dialog says: letters done of all, the speed, the time left.

The speed is what this run writes now, so the time left neither starts absurd nor jumps.
Letters in files a resumed run reuses arrive in its first count at once (counted as letters
per second they made a 50-minute render look 8 seconds from done); the seconds the worker
processes take to start would make the first estimate hours long; and a machine that gets
busier (or quieter) during a long render changes its pace. So the clock starts at the first
letter this run writes, nothing is promised in the first `SETTLE_S` seconds, and the speed is
measured over the last `WINDOW_S` seconds only. Qt-free.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from crisisdesk.domain.dashboard import time_left

SETTLE_S = 3.0  # no time left is shown before this run has written for this long
WINDOW_S = 20.0  # the speed is that of the last this many seconds


class RenderSpeed:
    """Turns (done, total) counts of one render into the line the person reads."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what  # "Rendering batch 3"
        self.clock = clock
        self.base: int | None = None  # letters already done (reused) at the first count
        self.samples: deque[tuple[float, int]] = deque()  # (when, done), from the first letter
        self.started = 0.0

    def text(self, done: int, total: int) -> str:
        now = self.clock()
        if self.base is None:
            self.base = done
        counted = f"{self.what}: {done:,} of {total:,} letters"
        if done <= self.base:
            return counted
        if not self.samples:
            self.started = now
        self.samples.append((now, done))
        while len(self.samples) > 2 and self.samples[1][0] <= now - WINDOW_S:
            self.samples.popleft()
        first_at, first_done = self.samples[0]
        if now - self.started < SETTLE_S or now <= first_at:
            return f"{counted}, estimating the time left…"
        rate = (done - first_done) / (now - first_at)
        if rate <= 0:
            return f"{counted}, estimating the time left…"
        return (f"{counted}, {rate:,.0f} letters/s, "
                f"about {time_left((total - done) / rate)} left")
