"""Purging an incident's patient data on a team desk: the purge travels, the data does not.

A purge (`services/letters/batches.purge_recipients`, admins, retention over) is itself a
replicated record of the team ("incident X's patient data purged at T by O", family `purge`,
table `repl_purges`). The laptop that purges, and every laptop that later receives the record,
does the same three things:

1. deletes the incident's rows through the one store function (`recipients.purge_incident`,
   secure delete on; the caller vacuums and empties the WAL after the transaction);
2. takes the incident's team records (the mailing log, hotline calls: `PATIENT_FAMILIES`) out
   of its replication document: map deletes, whose tombstones replicate while the content is
   garbage-collected, and deletes the rows they had become here (a hotline call logged on
   another laptop is found through the incidents its record names, see `patient_incidents`);
3. rewrites its update log from the document (`replication.rewrite_log`), so no old update
   still holds the deleted content; from then on each import rewrites the log instead of
   keeping the bundle's raw update, which may come from a laptop that had not heard of it.

A purge usually arrives together with the deletions its laptop made: those records are gone
from the document once the bundle is merged, and their rows here are deleted too (`vanished`:
a patient record this desk holds that the document no longer has was taken out by a purge).
From then on a record of a purged incident that arrives (from a laptop that had not heard of
the purge, or in an old bundle relayed by a third one) is dropped before it is projected:
never shown, never waiting, never relayed; one whose content the document already deleted is
ignored by the engine itself (a deletion wins). A record written before records named their
incidents cannot be recognised elsewhere; its own laptop deletes it when the purge reaches it,
and that deletion reaches the others the same way. Hotline questions and substitute notice
placements are no patient data and stay, as they do when a single desk purges.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from crisisdesk.store import recipients
from crisisdesk.store import replication as repl

_TABLES = {name: repl.FAMILIES[name].table for name in repl.PATIENT_FAMILIES}
# How the records a purge concerns spell their family (replication's compact JSON): only those
# arriving records are parsed here (an import of 100,000 call attempts parses none).
_WATCHED = tuple(f'"family":"{name}"' for name in (*repl.PATIENT_FAMILIES, "purge"))


@dataclass(frozen=True)
class Purge:
    """One purge record: which incident, who, when, and on which laptop."""

    id: str
    incident_id: str
    by: str
    at: str
    origin: str


@dataclass
class Screened:
    """What screening a merge did: purges applied here now, and records taken out."""

    applied: list[Purge] = field(default_factory=list)
    removed: int = 0  # records deleted from the document and their rows
    dropped: int = 0  # of those, records of a purged incident that had just arrived
    active: bool = False  # this desk has purged an incident: keep its log rewritten

    @property
    def scrub(self) -> bool:
        """Whether the desk file should be vacuumed after the transaction (rows went)."""
        return bool(self.applied or self.removed - self.dropped)


def purged_incidents(db: sqlite_utils.Database) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT incident_id FROM repl_purges")}


def incidents_of(rec: dict[str, Any]) -> set[str]:
    """The purged-with incidents a parsed record names (none for other families)."""
    if rec.get("family") not in repl.PATIENT_FAMILIES:
        return set()
    named = rec.get("incidents")
    out = {str(i) for i in named} if isinstance(named, list) else set()
    row = rec.get("row")
    if isinstance(row, dict) and row.get("incident_id"):
        out.add(str(row["incident_id"]))
    return out


def _is_purge(rec: dict[str, Any]) -> bool:
    row = rec.get("row")
    return (rec.get("family") == "purge" and isinstance(row, dict)
            and bool(row.get("incident_id")))


def _parse(text: str) -> dict[str, Any]:
    try:
        rec = json.loads(text)
    except ValueError:
        return {}
    return rec if isinstance(rec, dict) else {}


def purge_here(db: sqlite_utils.Database, incident_id: str, *, at: str, by: str
               ) -> dict[str, int]:
    """An admin's purge on this desk (inside the action's transaction, secure delete on): the
    rows, the purge record (it travels at the next exchange on a team desk), and on a team desk
    the incident's records out of the engine and its log. Returns what `purge_incident` does,
    with "team_records": records taken out of the engine."""
    ids = recipients.team_record_ids(db, incident_id)
    again = incident_id in purged_incidents(db)
    removed = recipients.purge_incident(db, incident_id)
    if not again or any(removed.values()):  # purging again only to wipe: no new record
        db.execute("INSERT INTO repl_purges (id, incident_id, at, operator) "
                   "VALUES (?, ?, ?, ?)", [str(uuid.uuid4()), incident_id, at, by])
    ident = repl.identity(db)
    if ident is None:
        _forget_rows(db, ids)
        removed["team_records"] = 0
        return removed
    replica = repl.load(db)
    removed["team_records"] = _remove(db, replica, ids | _tagged(replica, {incident_id}))
    repl.ingest(db, replica, ident, at)  # the purge record enters the document
    repl.rewrite_log(db, replica, at)
    return removed


def screen(db: sqlite_utils.Database, replica: repl.Replica) -> Screened:
    """After an update was applied and before its records are projected: apply the purges it
    brought, drop arriving records of purged incidents, and delete the rows of records another
    laptop took out. Inside the import's transaction."""
    out = Screened()
    keys = replica.keys()
    arrived = {key: _parse(text)
               for key, text in replica.records(sorted(keys - repl.known_ids(db)))
               if any(w in text for w in _WATCHED)}
    fresh = sorted((Purge(key, str(rec["row"]["incident_id"]), str(rec.get("by", "")),
                          str(rec.get("at", "")), str(rec.get("origin", "")))
                    for key, rec in arrived.items() if _is_purge(rec)), key=lambda p: p.at)
    gone: set[str] = set()
    if fresh:
        recipients.secure_delete_on(db)
        incidents = {p.incident_id for p in fresh}
        for incident in sorted(incidents):
            gone |= recipients.team_record_ids(db, incident)
            recipients.purge_incident(db, incident)
        gone |= _tagged(replica, incidents)
        out.applied = fresh
    purged = purged_incidents(db) | {p.incident_id for p in fresh}
    out.active = bool(purged)
    dropped = {key for key, rec in arrived.items() if incidents_of(rec) & purged}
    out.dropped = len(dropped - gone)
    gone |= dropped | vanished(db, keys)
    if gone:
        recipients.secure_delete_on(db)
        out.removed = _remove(db, replica, gone, keys)
    return out


def vanished(db: sqlite_utils.Database, keys: set[str]) -> set[str]:
    """Patient records this desk holds that the document no longer has: another laptop took
    them out when it applied a purge (not yet sent records, 'outbox', are not in it yet)."""
    marks = ", ".join("?" for _ in repl.PATIENT_FAMILIES)
    held = {str(r[0]) for r in db.execute(
        f"SELECT id FROM repl_records WHERE family IN ({marks}) AND state != 'outbox'",
        list(repl.PATIENT_FAMILIES))}
    return held - keys


def _tagged(replica: repl.Replica, incidents: set[str]) -> set[str]:
    """Keys of the document's records of these incidents."""
    return {key for key, text in replica.records(replica.keys())
            if incidents_of(_parse(text)) & incidents}


def _remove(db: sqlite_utils.Database, replica: repl.Replica, gone: set[str],
            keys: set[str] | None = None) -> int:
    """Delete these records' rows and notes here and take them out of the document (whose
    keys are `keys` when known); how many records that was."""
    _forget_rows(db, gone)
    replica.forget(sorted(gone & (replica.keys() if keys is None else keys)))
    return len(gone)


def _forget_rows(db: sqlite_utils.Database, keys: Iterable[str]) -> None:
    ids = sorted(keys)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        for table in _TABLES.values():
            db.execute(f"DELETE FROM [{table}] WHERE id IN ({marks})", chunk)
        db.execute(f"DELETE FROM repl_records WHERE id IN ({marks})", chunk)
