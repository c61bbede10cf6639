"""Which rows came from another laptop of the team, and that laptop's name.

Why a module of its own: every list that shows who recorded something (timeline, call log,
media events, communication log, hotline calls, systems board, filings) names the laptop of a
record written elsewhere, and they refresh every few seconds. `repl_records` holds each
replicated record's origin; laptop names live in the engine's document, which is far too slow
to rebuild for a list, so an import keeps them in `meta` (`team_laptop_names`, laptop-local
like the desk's own identity) and `laptop_names` reads them from there.

`mark` is what tells a caller's cache that the answer may have changed: the newest row of the
engine's update log (every import or export appends to it; a rewrite after a purge gets a
higher number too).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import sqlite_utils

from crisisdesk.store import meta

NAMES_KEY = "team_laptop_names"
_CHUNK = 5000


def mark(db: sqlite_utils.Database) -> int:
    """The newest update-log row (0: none): changes whenever records may have arrived."""
    row = db.execute("SELECT max(seq) FROM repl_updates").fetchone()
    return int(row[0] or 0)


def origins_of(db: sqlite_utils.Database, ids: Sequence[str], own: str) -> dict[str, str]:
    """record id -> origin laptop id, for those of `ids` written on a laptop other than `own`
    (one indexed look-up per id: the cost follows the list shown, not the desk's size)."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        found.update((str(r[0]), str(r[1])) for r in db.execute(
            "SELECT id, origin FROM repl_records WHERE id IN (SELECT value FROM json_each(?)) "
            "AND origin != '' AND origin != ?", [json.dumps(ids[start:start + _CHUNK]), own]))
    return found


def laptop_names(db: sqlite_utils.Database) -> dict[str, str]:
    """laptop id -> its name, as last seen in an import ({} before the first one)."""
    try:
        names = json.loads(meta.get(db, NAMES_KEY) or "{}")
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}


def keep_laptop_names(db: sqlite_utils.Database, names: Mapping[str, str]) -> None:
    """Remember the team's laptop names (called by an import, inside its transaction)."""
    meta.put(db, NAMES_KEY, json.dumps(dict(sorted(names.items())), ensure_ascii=False))
