"""The app's collector runs on the GUI thread in short pauses, and leaks nothing past a lock.

A full collection over every object of a built window took ~75 ms on the GUI thread; what
survives one is frozen so later ones examine only newer objects, and locking the desk looks at
everything again (crisisdesk/app.py, GuiThreadGc).
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest

from crisisdesk.app import CrisisDeskApp, GuiThreadGc


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # only the cyclic collector can free these
    return weakref.ref(a)


@pytest.fixture
def pacer(desk_app: CrisisDeskApp) -> Iterator[GuiThreadGc]:
    pacer = GuiThreadGc(desk_app, interval_ms=60_000)  # checked by hand below
    try:
        yield pacer
    finally:
        gc.unfreeze()


def _check_when_a_full_collection_is_due(pacer: GuiThreadGc) -> None:
    """The pacer's timer, as after a hundred young collections: it collects everything."""
    t0, _, t2 = gc.get_threshold()
    for _ in range(t2 + 1):
        gc.collect(1)
    young: list[_Node] = []  # new objects, so the check collects (kept until it has)
    while gc.get_count()[0] <= t0:
        young.append(_Node())
    pacer.check()


def _in_the_old_generation() -> tuple[list[_Node], weakref.ref[_Node]]:
    """A cycle held by a list, moved to the oldest generation (as a page's objects are)."""
    node = _Node()
    node.other = node
    holder = [node]
    gc.collect(1)  # survivors of the young collections move to the oldest generation
    return holder, weakref.ref(node)


def test_no_full_collection_until_the_window_has_warmed_up(
        pacer: GuiThreadGc, desk_app: CrisisDeskApp) -> None:
    """While modules load (the person typing, the warm-up) a full collection would stall the
    window for ~100 ms: only the young generations are collected then."""
    holder, ref = _in_the_old_generation()
    holder.clear()  # garbage now, in the oldest generation
    _check_when_a_full_collection_is_due(pacer)
    assert ref() is not None
    desk_app.warmed_up.emit()  # everything frozen as it is, unexamined
    assert pacer.settled
    _check_when_a_full_collection_is_due(pacer)
    assert ref() is not None
    desk_app.locked.emit()  # nobody is working: everything examined
    assert ref() is None


def test_after_a_full_collection_the_next_one_examines_only_newer_objects(
        pacer: GuiThreadGc, desk_app: CrisisDeskApp) -> None:
    desk_app.warmed_up.emit()
    frozen_before = gc.get_freeze_count()
    many = [_Node() for _ in range(200_000)]  # built after the warm-up: a page's objects
    _check_when_a_full_collection_is_due(pacer)
    assert gc.get_freeze_count() >= frozen_before + len(many)
    started = time.perf_counter()
    gc.collect(2)
    frozen_ms = (time.perf_counter() - started) * 1000
    gc.unfreeze()
    started = time.perf_counter()
    gc.collect(2)
    thawed_ms = (time.perf_counter() - started) * 1000
    assert frozen_ms < thawed_ms / 4, (frozen_ms, thawed_ms)


def test_a_frozen_cycle_dropped_later_is_freed_when_the_desk_locks(
        pacer: GuiThreadGc, desk_app: CrisisDeskApp) -> None:
    desk_app.warmed_up.emit()
    ref = _cycle()
    _check_when_a_full_collection_is_due(pacer)  # a cycle nothing else holds: freed here
    assert ref() is None
    holder, late = _in_the_old_generation()
    _check_when_a_full_collection_is_due(pacer)  # survives (still held): frozen
    holder.clear()  # now garbage, but frozen
    _check_when_a_full_collection_is_due(pacer)
    assert late() is not None  # waits for the lock...
    desk_app.locked.emit()
    assert late() is None  # ...and is freed there
