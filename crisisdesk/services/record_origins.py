"""Who recorded something, and on which laptop: "demo on Site 2 laptop".

Why: on a team desk two laptops often share an operator name ("demo", or a coordinator who
works on both), so a list that only says who cannot tell whose laptop wrote a line. Every list
that shows who recorded something asks `origins(session, ids)` once per refresh, with the ids
of the records it shows, and then `who(name, record_id)` per line: records written on this
laptop, and every record of a desk that is not part of a team, show the name alone.

Cheap by design (lists refresh every few seconds on desks of 100,000 records): what was looked
up is kept per desk file until the engine's update log changes (an import or an export), so a
refresh of an unchanged list costs one indexed query; after a change only the ids shown are
looked up again, never the whole desk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crisisdesk.services.session import Session
from crisisdesk.store import record_origins as store
from crisisdesk.store import replication as repl


@dataclass(frozen=True)
class Origins:
    """record id -> name of the laptop it came from (records from other laptops only)."""

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


@dataclass
class _Known:
    mark: int
    names: dict[str, str]
    laptops: dict[str, str] = field(default_factory=dict)  # id -> laptop name, "" = this one


_cache: dict[tuple[str, str], _Known] = {}
_lock = threading.Lock()


def origins(session: Session, ids: Iterable[str]) -> Origins:
    """Where the records `ids` came from (NONE on a desk that is not part of a team)."""
    db = session.db
    ident = repl.identity(db)
    if ident is None:
        return NONE
    key = (str(session.paths.desk_file), ident.laptop_id)
    now = store.mark(db)
    wanted = list(dict.fromkeys(ids))
    with _lock:
        known = _cache.get(key)
        if known is None or known.mark != now:
            known = _cache[key] = _Known(now, store.laptop_names(db))
        missing = [i for i in wanted if i not in known.laptops]
    if missing:
        found = store.origins_of(db, missing, ident.laptop_id)
        with _lock:
            for rid in missing:
                origin = found.get(rid)
                known.laptops[rid] = (known.names.get(origin) or "another laptop"
                                      if origin else "")
    return Origins({i: known.laptops[i] for i in wanted if known.laptops.get(i)})
