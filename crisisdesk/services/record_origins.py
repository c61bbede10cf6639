"""Who recorded something, and on which laptop: "demo on Site 2 laptop".

Why: on a team desk two laptops often share an operator name ("demo", or a coordinator who
works on both), so a list that only says who cannot tell whose laptop wrote a line. Every list
that shows who recorded something asks `origins(session)` once per refresh and then
`who(name, record_id)` per line: records written on this laptop, and every record of a desk
that is not part of a team, show the name alone.

Cheap by design (lists refresh every few seconds on desks of 100,000 records): the map of
records from other laptops is kept per desk file and rebuilt only when the engine's update log
changes (an import or an export); otherwise a refresh costs one indexed query.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from crisisdesk.services.session import Session
from crisisdesk.store import record_origins as store
from crisisdesk.store import replication as repl


@dataclass(frozen=True)
class Origins:
    """record id -> name of the laptop it came from, for records from other laptops only."""

    laptops: Mapping[str, str] = field(default_factory=dict)

    def laptop(self, record_id: str) -> str:
        """The other laptop that wrote `record_id` ("" for this laptop's own records)."""
        return self.laptops.get(record_id, "")

    def who(self, name: str, record_id: str) -> str:
        """"demo on Site 2 laptop" for a record from another laptop, else `name`."""
        laptop = self.laptops.get(record_id, "")
        if not laptop:
            return name
        return f"{name} on {laptop}" if name else f"on {laptop}"


NONE = Origins()
_cache: dict[tuple[str, str], tuple[int, Origins]] = {}
_lock = threading.Lock()


def origins(session: Session) -> Origins:
    """The origins of this desk's records (NONE for a desk that is not part of a team)."""
    db = session.db
    ident = repl.identity(db)
    if ident is None:
        return NONE
    key = (str(session.paths.desk_file), ident.laptop_id)
    now = store.mark(db)
    with _lock:
        held = _cache.get(key)
    if held is not None and held[0] == now:
        return held[1]
    names = store.laptop_names(db)
    found = Origins({rid: names.get(origin) or "another laptop"
                     for rid, origin in store.foreign(db, ident.laptop_id).items()})
    with _lock:
        _cache[key] = (now, found)
    return found
