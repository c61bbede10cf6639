"""Reports that replace a row's values: a system's status on the board, a filing's next step.

Why not edit records (store/replica_edits.py): these rows are reports of what happened ("the
EHR is down since 10:02", "the Texas notice was sent on Monday"), not opinions to reconcile;
the newest report is the truth, and a coordinator asked to choose between two would only pick
the later one. So each change is an immutable record in an append-only table (replicated like
any other, family `system_update` / `filing_event`) naming the columns it set, and the row
shows, column by column, the value of the latest report that set it.

"Latest" must not depend on the order records arrive nor trust a laptop's clock too far: each
report carries `n`, one more than the newest report of that row this desk held when it was
written (a Lamport clock), so a report made after seeing another always wins over it, even
if its laptop's clock is behind; reports made without seeing each other (equal `n`) are ordered
by their time, then their id. A row's `updated_at` / `updated_by` are the latest report's.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Reported:
    """A table of reports (`events`) about the rows of `target`: `keys` pairs each event
    column naming the row with the target's column; `columns`: what a report may set."""

    events: str
    target: str
    keys: tuple[tuple[str, str], ...]
    columns: frozenset[str]


SYSTEMS = Reported("system_updates", "systems", (("system_id", "id"),),
                   frozenset({"status", "since", "procedure", "notes"}))
FILINGS = Reported("filing_events", "filings", (("incident_id", "incident_id"), ("key", "key")),
                   frozenset({"prepared_at", "prepared_by", "count", "template_key",
                              "template_version", "content", "approved_at", "approved_by",
                              "sent_on", "sent_how", "sent_by", "confirmation",
                              "acknowledged_on"}))

Key = tuple[str, ...]


def _where(spec: Reported) -> str:
    return " AND ".join(f"{col} = ?" for col, _ in spec.keys)


def note(db: sqlite_utils.Database, spec: Reported, key: Key, changes: Mapping[str, Any],
         at: str, by: str) -> None:
    """Keep a report of `changes` (only the reported columns; none: nothing is kept). Call
    inside the action that changes the row itself."""
    kept = {c: v for c, v in changes.items() if c in spec.columns}
    if not kept:
        return
    n = int(db.execute(f"SELECT coalesce(max(n), 0) + 1 FROM {spec.events} "
                       f"WHERE {_where(spec)}", list(key)).fetchone()[0])
    cols = [c for c, _ in spec.keys]
    db.execute(f"INSERT INTO {spec.events} (id, {', '.join(cols)}, n, changes, at, operator) "
               f"VALUES (?, {', '.join('?' for _ in cols)}, ?, ?, ?, ?)",
               [str(uuid.uuid4()), *key, n, _JSON.encode(kept), at, by])


def settle(db: sqlite_utils.Database, spec: Reported, keys: Iterable[Key]) -> None:
    """Set each row of `keys` from its reports (after a merge brought some); a row with no
    report is left as it is, a missing one is made (the target's defaults fill the rest)."""
    cols = [t for _, t in spec.keys]
    for key in sorted(set(keys)):
        values: dict[str, Any] = {}
        last: tuple[str, str] = ("", "")
        for changes, at, by in db.execute(
                f"SELECT changes, at, operator FROM {spec.events} WHERE {_where(spec)} "
                "ORDER BY n, at, id", list(key)):
            try:
                found = json.loads(changes)
            except ValueError:
                continue
            if isinstance(found, dict):
                values.update({c: v for c, v in found.items() if c in spec.columns})
            last = (str(at), str(by))
        if not values:
            continue
        values.update({"updated_at": last[0], "updated_by": last[1]})
        sets = ", ".join(f"{c} = ?" for c in values)
        cur = db.execute(f"UPDATE {spec.target} SET {sets} WHERE "
                         f"{' AND '.join(f'{c} = ?' for c in cols)}", [*values.values(), *key])
        if cur.rowcount == 0:
            names = [*cols, *values]
            db.execute(f"INSERT INTO {spec.target} ({', '.join(names)}) "
                       f"VALUES ({', '.join('?' for _ in names)})", [*key, *values.values()])
