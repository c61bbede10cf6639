"""How many hotline agents the recent calls need: Erlang C, the call centres' standard sum.

The inputs are what the call log holds: calls per hour over the last few hours and the
average handling time (from the lookup to the log). Their product is the work arriving, in
agents' worth of time ("erlangs"): 30 calls an hour of 6 minutes each is 3 agents talking
non-stop. With exactly that many agents the queue grows without end, so more are needed; how
many more depends on how quickly callers should be answered. Erlang C gives, for N agents,
the chance a caller waits at all and the share answered within a target time, assuming calls
arrive at random (a Poisson stream) and nobody hangs up; the hint is the smallest N that
answers `target_share` of callers within `target_seconds` (80% within 30 s by default), and
never lets the agents be busy more than `max_occupancy` of the time (people need a breath
between calls).

Pure: no clock, no desk. The services read the log and pass the numbers in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError

WINDOW_HOURS = 3
TARGET_SHARE = 0.8
TARGET_SECONDS = 30
MAX_OCCUPANCY = 0.85
MAX_AGENTS = 5000


@dataclass(frozen=True)
class StaffingHint:
    calls: int  # in the window
    timed_calls: int  # those with a handling time
    calls_per_hour: float
    average_handling_s: float
    load_erlangs: float  # agents' worth of work arriving
    agents: int  # the hint
    answered_in_target: float  # the share answered within the target with that many agents
    window_hours: int
    target_share: float = TARGET_SHARE
    target_seconds: int = TARGET_SECONDS

    def describe(self) -> str:
        """One line for the Dashboard and `hotline stats`."""
        return (f"{self.agents} agent{'s' if self.agents != 1 else ''} "
                f"({self.calls_per_hour:.1f} calls/hour over the last {self.window_hours} h, "
                f"{_minutes(self.average_handling_s)} a call on average; Erlang C: "
                f"{self.answered_in_target:.0%} answered within {self.target_seconds} s)")


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def erlang_c(agents: int, load: float) -> float:
    """The chance a caller has to wait (all `agents` busy) when `load` erlangs arrive.

    Computed through the Erlang B recursion, B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), then
    C = N·B / (N − A·(1 − B)): no factorials, so it stays exact for hundreds of agents."""
    if load < 0 or agents < 0:
        raise ValueError("agents and load must not be negative")
    if load == 0:
        return 0.0
    if agents <= load:
        return 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return agents * b / (agents - load * (1 - b))


def service_level(agents: int, load: float, handling_s: float, target_s: float) -> float:
    """The share of callers answered within `target_s` seconds:
    1 − C(N, A) · e^(−(N − A) · target / handling time)."""
    if agents <= load:
        return 0.0 if load > 0 else 1.0
    return 1.0 - erlang_c(agents, load) * math.exp(-(agents - load) * target_s / handling_s)


def agents_needed(calls_per_hour: float, handling_s: float, *,
                  target_share: float = TARGET_SHARE, target_s: float = TARGET_SECONDS,
                  max_occupancy: float = MAX_OCCUPANCY) -> int:
    """The fewest agents that answer `target_share` of calls within `target_s` seconds and are
    busy no more than `max_occupancy` of the time (0 with no calls)."""
    if calls_per_hour < 0 or handling_s < 0:
        raise ValidationError("Calls per hour and handling time cannot be negative.",
                              {"staffing": "negative"})
    load = calls_per_hour * handling_s / 3600
    if load == 0:
        return 0
    agents = max(1, math.ceil(load / max_occupancy))
    while service_level(agents, load, handling_s, target_s) < target_share:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValidationError(f"More than {MAX_AGENTS} agents would be needed; check the "
                                  "handling times in the call log.", {"staffing": "too many"})
    return agents


def hint(calls: int, durations: Sequence[int], window_hours: int = WINDOW_HOURS
         ) -> StaffingHint | None:
    """The hint from `calls` in the last `window_hours` and the handling times (seconds) of
    those that were timed; None when no call in the window was timed."""
    timed = [d for d in durations if d > 0]
    if not calls or not timed:
        return None
    rate = calls / window_hours
    handling = sum(timed) / len(timed)
    agents = agents_needed(rate, handling)
    load = rate * handling / 3600
    return StaffingHint(calls, len(timed), rate, handling, load, agents,
                        service_level(agents, load, handling, TARGET_SECONDS), window_hours)
