"""The engine behind team desks (store/replication.py): deltas by state vector, merges in any
order and any number of times, pieces that arrive before their predecessors kept."""

from __future__ import annotations

import itertools
import json

from crisisdesk.services.session import Session
from crisisdesk.store import replication as repl
from crisisdesk.store.db import write_txn


def _pieces() -> tuple[repl.Replica, list[bytes]]:
    """One writer's four successive updates (each depends on the one before)."""
    writer = repl.Replica()
    pieces = []
    for n in range(4):
        before = writer.state()
        writer.put([(f"r{n}-{i}", json.dumps({"n": n, "i": i})) for i in range(3)])
        pieces.append(writer.delta(before))
    return writer, pieces


def test_updates_merge_the_same_in_every_order_and_twice() -> None:
    writer, pieces = _pieces()
    for order in itertools.permutations(pieces):
        reader = repl.Replica()
        for piece in (*order, *order):
            reader.apply(piece)
        assert reader.keys() == writer.keys()
        assert reader.state() == writer.state()


def test_a_delta_holds_only_what_the_other_side_lacks() -> None:
    writer, pieces = _pieces()
    reader = repl.Replica()
    reader.apply(pieces[0])
    delta = writer.delta(reader.state())
    assert repl.count_records(delta) == 9
    assert len(delta) < len(writer.delta())
    reader.apply(delta)
    assert reader.keys() == writer.keys()


def test_the_log_keeps_pieces_that_came_before_their_predecessors(session: Session) -> None:
    writer, pieces = _pieces()
    db = session.db
    with write_txn(db):
        for piece in reversed(pieces[1:]):  # the first piece arrives last, in a later session
            repl.append(db, piece, source="test", at="2026-03-20T12:00:00Z")
    direct = repl.Replica()
    for piece in reversed(pieces[1:]):
        direct.apply(piece)
    assert repl.load(db).keys() == direct.keys()  # the log holds what was applied
    with write_txn(db):
        repl.append(db, pieces[0], source="test", at="2026-03-20T12:01:00Z")
    assert repl.load(db).keys() == writer.keys()


def test_a_long_log_is_compacted_without_losing_anything(session: Session) -> None:
    db = session.db
    writer = repl.Replica()
    with write_txn(db):
        for n in range(repl.COMPACT_AFTER + 5):
            before = writer.state()
            writer.put([(f"k{n}", "{}")])
            repl.append(db, writer.delta(before), source="test", at="2026-03-20T12:00:00Z")
    rows = db.execute("SELECT count(*) FROM repl_updates").fetchone()[0]
    assert rows < repl.COMPACT_AFTER
    assert repl.load(db).keys() == writer.keys()
