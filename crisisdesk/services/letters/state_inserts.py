"""The state inserts rules file, read once per process (see domain/state_inserts.py)."""

from __future__ import annotations

import functools

from crisisdesk.domain.state_inserts import StateInsert, parse_inserts
from crisisdesk.store import rule_files

RESOURCE = ("rules", "state_inserts.toml")


@functools.cache
def _load() -> tuple[tuple[StateInsert, ...], tuple[str, ...]]:
    loaded = rule_files.shipped(*RESOURCE)
    if loaded.problem:
        return (), (loaded.problem,)
    inserts, problems = parse_inserts(loaded.data)
    return tuple(inserts), tuple(problems)


def rules() -> tuple[StateInsert, ...]:
    """Every state insert rule (all versions; pick one with `in_force`)."""
    return _load()[0]


def problems() -> tuple[str, ...]:
    """Why an entry (or the whole file) could not be read ('' list when all is well)."""
    return _load()[1]
