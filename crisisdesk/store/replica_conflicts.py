"""Settling edit records and listing conflicts, every kind: the fields one by one
(replica_edits), then what the fields make together (loops in calling trees,
replica_tree_loops), then the people called by someone taken out of their tree move up
(replica_tree_people). The one entry point for imports, resolutions and the inbox, so no kind of
conflict is left out by one of them."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from crisisdesk.store import replica_edits, replica_tree_loops, replica_tree_people


def settle(db: sqlite_utils.Database, keys: Iterable[replica_edits.Key]) -> int:
    """Set the fields `keys` name from their edit records, then the callers of the calling
    trees they touch; returns how many field conflicts and loops there are among them."""
    keys = sorted(set(keys))
    found = replica_edits.settle(db, keys) + replica_tree_loops.settle(db, keys)
    # Whoever a settled move put under a person taken out of the tree moves up.
    replica_tree_people.adopt_orphans(db)
    return found


def conflicts(db: sqlite_utils.Database) -> list[replica_edits.ConflictRecord]:
    """Every open conflict on this desk, oldest first."""
    found = replica_edits.conflicts(db) + replica_tree_loops.loop_conflicts(db)
    return sorted(found, key=lambda c: (c.heads[-1].at, c.id))
