"""The render's progress line: letters of this run only, no promise before it has a pace,
and a time left that follows the pace of the last seconds (a fake clock)."""

from __future__ import annotations

import re

from crisisdesk.ui.letters.render_speed import SETTLE_S, WINDOW_S, RenderSpeed


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _rate(text: str) -> int:
    found = re.search(r", ([\d,]+) letters/s, about (.+) left$", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_letters_a_resumed_run_reuses_are_not_counted_as_speed() -> None:
    clock = Clock()
    speed = RenderSpeed("Rendering batch 1", clock)
    assert speed.text(50_000, 100_000) == "Rendering batch 1: 50,000 of 100,000 letters"
    for second in range(1, 11):  # 100 letters a second from now on
        clock.now += 1
        text = speed.text(50_000 + 100 * second, 100_000)
    assert _rate(text) == 100
    assert text.endswith("about 8 min left")  # 49,000 letters at 100 a second


def test_worker_start_up_is_not_counted_and_nothing_is_promised_at_first() -> None:
    clock = Clock()
    speed = RenderSpeed("Rendering batch 2", clock)
    speed.text(0, 10_000)
    clock.now += 5  # the workers start: no letter for five seconds
    assert speed.text(0, 10_000) == "Rendering batch 2: 0 of 10,000 letters"
    clock.now += 0.5
    assert speed.text(20, 10_000).endswith(", estimating the time left…")
    clock.now += SETTLE_S / 2
    assert "estimating" in speed.text(20 + 20 * SETTLE_S, 10_000)
    clock.now += SETTLE_S
    text = speed.text(20 + 60 * SETTLE_S, 10_000)
    assert _rate(text) == 40  # 40 letters a second since the first letter, not since start


def test_the_speed_is_that_of_the_last_seconds() -> None:
    clock = Clock()
    speed = RenderSpeed("Rendering batch 1", clock)
    speed.text(0, 1_000_000)
    done = 0
    for _ in range(int(3 * WINDOW_S)):  # a quiet machine: 1,000 letters a second
        clock.now += 1
        done += 1000
        speed.text(done, 1_000_000)
    for _ in range(int(2 * WINDOW_S)):  # then a busy one: 250 a second
        clock.now += 1
        done += 250
        text = speed.text(done, 1_000_000)
    assert _rate(text) == 250
    assert text.startswith("Rendering batch 1: 70,000 of 1,000,000 letters, 250 letters/s")
