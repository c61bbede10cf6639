"""The staffing hint's sums against the textbook Erlang C example (10 erlangs: 200 calls an hour
of 3 minutes; 80% answered within 20 seconds)."""

from __future__ import annotations

import pytest

from crisisdesk.domain.staffing import agents_needed, erlang_c, hint, service_level


def test_erlang_c_matches_the_textbook_example() -> None:
    assert erlang_c(11, 10) == pytest.approx(0.6821, abs=5e-5)
    assert erlang_c(14, 10) == pytest.approx(0.1741, abs=5e-5)
    assert service_level(13, 10, 180, 20) == pytest.approx(0.7956, abs=5e-5)
    assert service_level(14, 10, 180, 20) == pytest.approx(0.8884, abs=5e-5)
    assert erlang_c(10, 10) == 1.0  # as many agents as work: the queue never empties


def test_the_fewest_agents_that_meet_the_target() -> None:
    assert agents_needed(200, 180, target_s=20) == 14  # 13 answer only 79.6% in time
    assert agents_needed(0, 180) == 0
    # a quiet line still needs a person, and a busy one is never run above 85% occupancy
    assert agents_needed(1, 60) == 1
    assert agents_needed(3000, 300) >= 3000 * 300 / 3600 / 0.85


def test_large_incidents_stay_exact() -> None:
    needed = agents_needed(6000, 420, max_occupancy=1.0)  # 700 erlangs: hundreds of agents
    assert 700 < needed < 760
    assert service_level(needed, 700, 420, 30) >= 0.8 > service_level(needed - 1, 700, 420, 30)
    assert agents_needed(6000, 420) == 824  # 700 / 0.85 rounded up: people need a breath


def test_the_hint_needs_timed_calls() -> None:
    assert hint(12, []) is None
    found = hint(90, [240, 360] * 15, window_hours=3)
    assert found is not None
    assert (found.calls_per_hour, found.average_handling_s, found.agents) == (30, 300, 5)
    assert found.describe().startswith("5 agents (30.0 calls/hour over the last 3 h, "
                                       "5 min 00 s a call on average")
