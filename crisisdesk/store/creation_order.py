"""Which of two things created on different laptops came second, decided alike on every desk.

Two laptops of a team can create the same thing without seeing each other: a calling tree of
one name, a template of one key, operational period 2. Every desk must keep the same one, so
the order is by creation time, then id (a tie on the clock still orders), never by which
record arrived first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def created_later(row: Mapping[str, Any], other_id: object, other_created_at: object) -> bool:
    """True when `row` was created after the other (so the other keeps the name or number)."""
    mine = (str(row.get("created_at") or ""), str(row["id"]))
    return (str(other_created_at or ""), str(other_id)) < mine
