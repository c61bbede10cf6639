"""Escalation, flags, progress and the frozen copy of a calling tree: pure rules, no desk."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from crisisdesk.domain.call_escalation import (
    AvailabilityMark,
    FlagReason,
    FrozenPerson,
    Limits,
    assignments,
    effective_caller,
    freeze,
    milestones,
    progress,
    unavailable_callers,
)
from crisisdesk.domain.call_outcomes import Attempt, Outcome, Status, fold
from crisisdesk.domain.calling_trees import TreeNode
from crisisdesk.domain.phones import Phone

START = "2026-03-02T14:00:00Z"


def at(minutes: int) -> str:
    moment = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    return moment.isoformat().replace("+00:00", "Z")


def phone(n: int) -> Phone:
    return Phone("mobile", f"(312) 555-{n:04d}", f"+1312555{n:04d}")


def people_of(nodes: list[TreeNode]) -> list[FrozenPerson]:
    contacts = {cid: (cid.upper(), "", (phone(i),)) for i, cid in
                enumerate(sorted({n.contact_id for n in nodes}))}
    return freeze(nodes, contacts)


# root -> a (backup b) -> a1, a2 ; root -> b -> b1 ; a1 -> x
TREE = [TreeNode("root", None, 0), TreeNode("a", "root", 0, backup_id="b"),
        TreeNode("b", "root", 1), TreeNode("a1", "a", 0), TreeNode("a2", "a", 1),
        TreeNode("b1", "b", 0), TreeNode("x", "a1", 0, backup_id="a2")]


def by_id(nodes: list[TreeNode] = TREE) -> dict[str, FrozenPerson]:
    return {p.contact_id: p for p in people_of(nodes)}


def test_nobody_unavailable_everyone_keeps_their_caller() -> None:
    current, moved = assignments(people_of(TREE), set())
    assert current == {"root": None, "a": "root", "b": "root", "a1": "a", "a2": "a",
                       "b1": "b", "x": "a1"}
    assert moved == []


def test_unavailable_caller_hands_their_people_to_the_backup() -> None:
    people = by_id()
    assert effective_caller(people, "a1", {"a"}) == "b"
    assert effective_caller(people, "a2", {"a"}) == "b"
    assert effective_caller(people, "b1", {"a"}) == "b"  # untouched


def test_without_a_backup_people_go_to_the_caller_above() -> None:
    assert effective_caller(by_id(), "b1", {"b"}) == "root"


def test_backup_also_unavailable_goes_to_the_caller_above() -> None:
    assert effective_caller(by_id(), "a1", {"a", "b"}) == "root"


def test_chain_of_unavailable_callers_reaches_the_coordinator() -> None:
    people = by_id()
    assert effective_caller(people, "x", {"a1", "a2", "a", "b", "root"}) is None
    assert effective_caller(people, "x", {"a1", "a2", "a", "b"}) == "root"
    assert effective_caller(people, "x", {"a1", "a2"}) == "a"  # a1's caller


def test_person_is_never_assigned_to_themselves_as_backup() -> None:
    # a1's backup is a2 in this variant; a2 is one of a1's people: skip to the caller above.
    nodes = [TreeNode("a", None, 0), TreeNode("a1", "a", 0, backup_id="a2"),
             TreeNode("a2", "a1", 0)]
    assert effective_caller(by_id(nodes), "a2", {"a1"}) == "a"


def test_undo_by_marking_available_again() -> None:
    marks = [AvailabilityMark("1", "a", False, at(1)), AvailabilityMark("2", "a", True, at(2))]
    assert unavailable_callers(marks) == set()
    current, moved = assignments(people_of(TREE), unavailable_callers(marks[:1]))
    assert {(m.contact_id, m.to_caller) for m in moved} == {("a1", "b"), ("a2", "b")}
    current, moved = assignments(people_of(TREE), unavailable_callers(marks))
    assert moved == []
    assert current["a1"] == "a"


def test_freeze_is_a_copy_that_drops_deleted_contacts_and_lifts_their_people() -> None:
    contacts = {cid: (cid, "", ()) for cid in ("root", "a", "b", "a1", "a2", "b1", "x")}
    del contacts["a"]
    frozen = {p.contact_id: p for p in freeze(TREE, contacts)}
    assert "a" not in frozen
    assert frozen["a1"].caller_id == "root"
    assert frozen["a1"].depth == 1
    assert frozen["x"].branch_id == "a1"
    assert frozen["x"].depth == 2
    frozen_list = freeze(TREE, {cid: (cid, "", ()) for cid in contacts} | {"a": ("a", "", ())})
    edited = [n if n.contact_id != "b1" else TreeNode("b1", "a", 5) for n in TREE]
    assert [p.caller_id for p in frozen_list if p.contact_id == "b1"] == ["b"]
    assert edited != TREE  # the frozen copy above did not follow the edit


def attempt(cid: str, outcome: Outcome, minute: int, *, number: str = "+13125550000",
            aid: str = "", corrects: str = "") -> Attempt:
    return Attempt(aid or f"{cid}-{minute}-{outcome.value}", cid, outcome, at(minute),
                   number=number, corrects=corrects)


def test_voicemail_is_not_reached_until_a_later_attempt() -> None:
    state = fold([attempt("p", Outcome.VOICEMAIL, 1)])
    assert state.status is Status.ATTEMPTED
    assert state.status.is_open
    state = fold([attempt("p", Outcome.VOICEMAIL, 1), attempt("p", Outcome.REACHED, 9)])
    assert state.status is Status.REACHED
    assert state.reached_at == at(9)


def test_a_correction_replaces_the_mistaken_entry() -> None:
    wrong = attempt("p", Outcome.REACHED, 1, aid="w")
    fixed = attempt("p", Outcome.NO_ANSWER, 1, aid="f", corrects="w")
    state = fold([wrong, fixed])
    assert state.status is Status.ATTEMPTED
    assert state.attempts == 1


def test_flags_after_n_attempts_and_m_minutes() -> None:
    people = people_of(TREE)
    states = {"root": fold([attempt("root", Outcome.REACHED, 0)]),
              "a": fold([attempt("a", Outcome.NO_ANSWER, m) for m in (1, 2, 3)])}
    picture = progress(people, states, [], started_at=START, now=dt.datetime.fromisoformat(
        at(10).replace("Z", "+00:00")), limits=Limits(attempts=3, minutes=30))
    assert [(f.contact_id, f.reason) for f in picture.flags] == [("a", FlagReason.ATTEMPTS)]
    later = progress(people, states, [], started_at=START, now=dt.datetime.fromisoformat(
        at(31).replace("Z", "+00:00")), limits=Limits(attempts=3, minutes=30))
    waiting = {f.contact_id for f in later.flags if f.reason is FlagReason.WAITING}
    assert waiting == {"a", "b"}  # due since root was reached at minute 0; a1 not yet due


def test_every_number_wrong_is_flagged() -> None:
    p = FrozenPerson("p", "P", "", (phone(1), phone(2)), None, None, 0, 0, "p")
    one = fold([attempt("p", Outcome.WRONG_NUMBER, 1, number=phone(1).e164)])
    both = fold([attempt("p", Outcome.WRONG_NUMBER, 1, number=phone(1).e164),
                 attempt("p", Outcome.WRONG_NUMBER, 2, number=phone(2).e164)])
    now = dt.datetime.fromisoformat(at(3).replace("Z", "+00:00"))
    limits = Limits(attempts=9, minutes=60)
    assert progress([p], {"p": one}, [], started_at=START, now=now, limits=limits).flags == []
    flags = progress([p], {"p": both}, [], started_at=START, now=now, limits=limits).flags
    assert [f.reason for f in flags] == [FlagReason.WRONG_NUMBERS]


def test_progress_arithmetic_per_activation_and_branch() -> None:
    people = people_of(TREE)
    states = {"root": fold([attempt("root", Outcome.REACHED, 0)]),
              "a": fold([attempt("a", Outcome.REACHED, 2)]),
              "a1": fold([attempt("a1", Outcome.BUSY, 3)]),
              "b": fold([attempt("b", Outcome.UNAVAILABLE, 4)])}
    picture = progress(people, states, [], started_at=START, now=dt.datetime.fromisoformat(
        at(5).replace("Z", "+00:00")), limits=Limits())
    c = picture.counts
    assert (c.total, c.reached, c.attempted, c.not_called, c.unavailable) == (7, 2, 1, 3, 1)
    assert round(c.percent_reached, 1) == 28.6
    assert c.open == 4
    # one person at the top: the branches are the subtrees of the people they call
    assert {k: (v.total, v.reached) for k, v in picture.branches.items()} == {
        "root": (1, 1), "a": (4, 1), "b": (2, 0)}
    assert picture.elapsed_s == 300
    assert picture.oldest_waiting == ("a1", at(2))  # due since a was reached


def test_milestones_use_the_ceiling_of_each_share() -> None:
    reached = [at(2), at(5), at(7), at(20)]
    assert milestones(reached, 5, START) == {50: 7.0, 90: None, 100: None}  # 3 of 5
    assert milestones([*reached, at(30)], 5, START) == {50: 7.0, 90: 30.0, 100: 30.0}
    assert milestones([], 0, START) == {50: None, 90: None, 100: None}


trees = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(min_value=0, max_value=n), min_size=n,
                                             max_size=n),
                        st.lists(st.integers(min_value=-1, max_value=n - 1), min_size=n,
                                 max_size=n),
                        st.sets(st.integers(min_value=0, max_value=n - 1))))


@settings(max_examples=300, deadline=None)
@given(trees)
def test_escalation_always_lands_on_an_available_caller_above_or_a_backup(spec: tuple) -> None:
    n, parent_picks, backup_picks, down = spec
    nodes = []
    for i in range(n):
        parent = parent_picks[i] % (i + 1) if i else 0  # only earlier people: no loops
        caller = f"p{parent - 1}" if i and parent else None
        backup = f"p{backup_picks[i]}" if backup_picks[i] >= 0 else None
        nodes.append(TreeNode(f"p{i}", caller if caller != f"p{i}" else None, i, backup))
    people = by_id(nodes)
    unavailable = {f"p{i}" for i in down}
    for cid, person in people.items():
        chosen = effective_caller(people, cid, unavailable)
        assert chosen != cid
        if person.caller_id not in unavailable:
            assert chosen == person.caller_id
        elif chosen is not None:
            above = _ancestors(people, cid)
            backups = {people[a].backup_id for a in above if a in people}
            assert chosen not in unavailable
            assert chosen in above or chosen in backups


def _ancestors(people: dict[str, FrozenPerson], cid: str) -> list[str]:
    out, current = [], people[cid].caller_id
    while current is not None:
        out.append(current)
        current = people[current].caller_id
    return out
