"""Calling trees: who calls whom, and the checks a tree must pass before the real day.

A tree is a set of nodes, one per person (a contact). Each node names its caller (`None`: the
coordinator calls them), its place in that caller's ordered list, and optionally the caller's
own backup: the person who takes over this node's list when this node cannot make the calls.
Identity is the contact id, so a person cannot sit twice in one stored tree; the checks still
report duplicates because imported files can contain them.

Cycles are made impossible rather than reported: every move goes through `check_move`, which
refuses to put a person under themselves or under anyone they (indirectly) call.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crisisdesk.domain.choices import checked_text
from crisisdesk.domain.errors import ValidationError

NAME_MAX = 80
DESCRIPTION_MAX = 500


@dataclass(frozen=True)
class TreeNode:
    contact_id: str
    caller_id: str | None  # None: called by the coordinator
    position: int = 0
    backup_id: str | None = None  # who takes over this person's list when they cannot


@dataclass(frozen=True)
class CallingTree:
    id: str
    name: str
    description: str
    version: int
    updated_at: str
    updated_by: str
    nodes: tuple[TreeNode, ...] = ()

    def node(self, contact_id: str) -> TreeNode | None:
        return next((n for n in self.nodes if n.contact_id == contact_id), None)


@dataclass(frozen=True)
class PersonInfo:
    """What the checks need to know about the contact behind a node."""

    name: str
    callable: bool  # has at least one phone number


@dataclass(frozen=True)
class TreeProblem:
    kind: str  # duplicate, missing_contact, no_phone, fan_out, unreachable, own_backup
    contact_id: str
    message: str


def clean_name(name: str) -> str:
    return checked_text(" ".join(name.split()), "name", limit=NAME_MAX, problem="empty",
                        missing="A calling tree needs a name.",
                        too_long=f"A calling tree's name can be at most {NAME_MAX} characters.")


def clean_description(text: str) -> str:
    return checked_text(" ".join(text.split()), "description", limit=DESCRIPTION_MAX,
                        too_long=f"A description can be at most {DESCRIPTION_MAX} characters.")


def children(nodes: Iterable[TreeNode]) -> dict[str | None, list[TreeNode]]:
    """Caller id (None: the coordinator) -> the people they call, in calling order."""
    out: dict[str | None, list[TreeNode]] = {}
    for node in nodes:
        out.setdefault(node.caller_id, []).append(node)
    for people in out.values():
        people.sort(key=lambda n: (n.position, n.contact_id))
    return out


def in_call_order(nodes: Iterable[TreeNode]) -> list[tuple[TreeNode, int]]:
    """(node, depth) depth-first, in calling order: how the chart and the paper list them."""
    kids = children(nodes)
    out: list[tuple[TreeNode, int]] = []
    stack = [(n, 0) for n in reversed(kids.get(None, []))]
    seen: set[str] = set()
    while stack:
        node, depth = stack.pop()
        if node.contact_id in seen:
            continue
        seen.add(node.contact_id)
        out.append((node, depth))
        stack.extend((k, depth + 1) for k in reversed(kids.get(node.contact_id, [])))
    return out


def ancestors(parents: Mapping[str, str | None], contact_id: str) -> list[str]:
    """The callers above `contact_id`, nearest first (stops at a loop, which cannot persist)."""
    out: list[str] = []
    current = parents.get(contact_id)
    while current is not None and current not in out and current != contact_id:
        out.append(current)
        current = parents.get(current)
    return out


def check_move(nodes: Sequence[TreeNode], contact_id: str, new_caller: str | None) -> None:
    """Refuse a move that would make a loop, or name a caller who is not in the tree."""
    parents = {n.contact_id: n.caller_id for n in nodes}
    if new_caller is None:
        return
    if new_caller == contact_id:
        raise ValidationError("A person cannot be on their own list of calls.",
                              {"caller": "self"})
    if new_caller not in parents:
        raise ValidationError("The new caller is not in this tree; add them first.",
                              {"caller": "not in tree"})
    if contact_id in ancestors(parents, new_caller):
        raise ValidationError("That move would make a loop: the new caller is someone this "
                              "person calls (directly or through others).", {"caller": "loop"})


def check_backup(contact_id: str, backup_id: str | None) -> None:
    if backup_id is not None and backup_id == contact_id:
        raise ValidationError("A caller cannot be their own backup.", {"backup": "self"})


def validate_tree(nodes: Sequence[TreeNode], people: Mapping[str, PersonInfo], *,
                  fan_out_limit: int) -> list[TreeProblem]:
    """Everything that would make the tree fail on the day, one problem per finding."""
    problems: list[TreeProblem] = []

    def name(cid: str) -> str:
        info = people.get(cid)
        return info.name if info else "a deleted contact"

    seen: set[str] = set()
    for node in nodes:
        if node.contact_id in seen:
            problems.append(TreeProblem("duplicate", node.contact_id,
                                        f"{name(node.contact_id)} is in the tree twice."))
        seen.add(node.contact_id)
        if node.contact_id not in people:
            problems.append(TreeProblem("missing_contact", node.contact_id,
                                        "A person in the tree is no longer in Contacts."))
        elif not people[node.contact_id].callable:
            problems.append(TreeProblem("no_phone", node.contact_id,
                                        f"{name(node.contact_id)} has no phone number."))
        if node.backup_id is not None and node.backup_id == node.contact_id:
            problems.append(TreeProblem("own_backup", node.contact_id,
                                        f"{name(node.contact_id)} is their own backup."))
    kids = children(nodes)
    for caller, listed in kids.items():
        if caller is not None and len(listed) > fan_out_limit:
            problems.append(TreeProblem(
                "fan_out", caller, f"{name(caller)} has {len(listed)} people to call; the "
                f"limit is {fan_out_limit}."))
    reachable = {n.contact_id for n, _ in in_call_order(nodes)}
    for node in nodes:
        if node.contact_id not in reachable and node.caller_id not in reachable:
            problems.append(TreeProblem(
                "unreachable", node.contact_id, f"{name(node.contact_id)} is called by "
                "someone who is not in the tree, so nobody will call them."))
    for caller, listed in kids.items():
        if caller is None or (caller in people and people[caller].callable):
            continue
        caller_node = next((n for n in nodes if n.contact_id == caller), None)
        if caller_node is not None and caller_node.backup_id is None:
            problems.append(TreeProblem(
                "unreachable", caller, f"Nobody can pass the message to the {len(listed)} "
                f"people {name(caller)} calls: {name(caller)} cannot be phoned and has no "
                "backup."))
    return problems


def loops(parents: Mapping[str, str | None]) -> list[list[str]]:
    """Every loop of callers (people who, through others, are their own caller): each as its
    people, each followed by their caller, from the smallest id, so a loop reads the same
    anywhere. A tree edited on one desk never has one (`check_move`); moves on two can."""
    walked: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(parents):
        path: list[str] = []
        at: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in parents and node not in walked:
            walked.add(node)
            at[node] = len(path)
            path.append(node)
            node = parents[node]
        if node is not None and node in at:
            cycle = path[at[node]:]
            first = cycle.index(min(cycle))
            found.append(cycle[first:] + cycle[:first])
    return found


def moved_people(old: Iterable[TreeNode], new: Iterable[TreeNode]) -> set[str]:
    """Who was moved from `old` to `new`: a new caller, or a new place among the people who
    stayed in the same list. The others of a list shifting up or down to make room are not
    moved (their order among themselves is the same), so a team desk does not replicate
    those shifts as changes of their own, which would conflict with other laptops' moves."""
    before = {n.contact_id: n for n in old}
    moved = {n.contact_id for n in new
             if n.contact_id in before and before[n.contact_id].caller_id != n.caller_id}
    old_lists = children(before.values())
    for caller, listed in children(new).items():
        stayed = [n.contact_id for n in listed if n.contact_id in before
                  and n.contact_id not in moved]
        was = [n.contact_id for n in old_lists.get(caller, []) if n.contact_id in stayed]
        kept = difflib.SequenceMatcher(a=was, b=stayed, autojunk=False).get_matching_blocks()
        in_order = {cid for block in kept for cid in stayed[block.b:block.b + block.size]}
        moved.update(cid for cid in stayed if cid not in in_order)
    return moved
