"""The time a long piece of work has left, as the progress dialogs say it."""

from __future__ import annotations

import pytest

from crisisdesk.domain.dashboard import time_left


@pytest.mark.parametrize(("seconds", "said"), [
    (0, "0 s"), (44.6, "45 s"), (89, "89 s"), (90, "2 min"), (1546, "26 min"),
    (4200, "1 h 10 min"), (-3, "0 s"),
])
def test_time_left_is_said_in_seconds_then_minutes_and_hours(seconds: float, said: str) -> None:
    assert time_left(seconds) == said
