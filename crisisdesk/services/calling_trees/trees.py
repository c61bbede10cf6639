"""Calling trees: create, edit (add, remove, move, reorder, backups), check, import, export.

Every edit is one action (one transaction, one audit entry) that bumps the tree's version, so
paper and activations can say which version they show. Edits are computed on the domain's node
list and only the rows that changed are written. Audit summaries name the tree and what kind
of change, never a person: the audit log cannot be edited, so it keeps no personal details.
Running activations use their own frozen copy, so nothing here can disturb a call in progress.
Activations live in `services.calling_trees.activations`; the Dashboard's summary in
`services.calling_trees.reports`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from crisisdesk.domain.calling_trees import (
    CallingTree,
    PersonInfo,
    TreeNode,
    TreeProblem,
    check_backup,
    check_move,
    children,
    clean_description,
    clean_name,
    validate_tree,
)
from crisisdesk.domain.choices import only_match
from crisisdesk.domain.contacts import Contact
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from crisisdesk.store import calling_trees as store
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import replica_creations, replica_tree_people

__all__ = [
    "TreeDetails", "TreeSummary", "add_person", "contacts_for", "create_tree",
    "delete_tree", "details", "get_tree", "list_trees", "move_person",
    "remove_person", "rename_tree", "set_backup", "validate",
]


BULK_LOOKUP = 200


@dataclass(frozen=True)
class TreeSummary:
    tree: CallingTree
    people: int


def get_tree(session: Session, ref: str) -> CallingTree:
    """A tree by id, id prefix (4+ characters) or name (ignoring case)."""
    return only_match(store.find(session.db, ref.strip()), ref, plural="calling trees",
                      field_name="tree",
                      not_found=f"No calling tree {ref!r}; see 'crisisdesk tree list'.")


def list_trees(session: Session) -> list[TreeSummary]:
    return [TreeSummary(t, n) for t, n in store.list_trees(session.db)]


def create_tree(session: Session, name: str, description: str = "") -> CallingTree:
    clean, about = clean_name(name), clean_description(description)
    if store.name_taken(session.db, clean):
        raise ValidationError(f"There is already a calling tree named {clean!r}.",
                              {"name": "taken"})
    tree_id = str(uuid.uuid4())
    with session.action("tree.create", "calling_tree", tree_id,
                        f"Created calling tree {clean!r}") as act:
        store.insert_tree(session.db, tree_id, clean, about, at=act.at, by=session.operator.name)
    return get_tree(session, tree_id)


def rename_tree(session: Session, ref: str, name: str, description: str | None = None
                ) -> CallingTree:
    tree = get_tree(session, ref)
    clean = clean_name(name)
    about = clean_description(description) if description is not None else None
    if store.name_taken(session.db, clean, except_id=tree.id):
        raise ValidationError(f"There is already a calling tree named {clean!r}.",
                              {"name": "taken"})
    with session.action("tree.rename", "calling_tree", tree.id,
                        f"Renamed calling tree {tree.name!r} to {clean!r}") as act:
        store.update_tree(session.db, tree.id, at=act.at, by=session.operator.name, name=clean,
                          description=about)
    return get_tree(session, tree.id)


def delete_tree(session: Session, ref: str) -> None:
    """Remove a tree from the list (its past activations and their calls are kept)."""
    tree = get_tree(session, ref)
    with session.action("tree.delete", "calling_tree", tree.id,
                        f"Removed calling tree {tree.name!r}") as act:
        store.update_tree(session.db, tree.id, at=act.at, by=session.operator.name, removed=True)
        replica_creations.note_removal(session.db, "calling_tree", tree.id,
                                       operator=session.operator.name, at=act.at)


def _renumber(nodes: list[TreeNode]) -> list[TreeNode]:
    """Positions 0..n-1 within each caller's list, keeping the order."""
    out: list[TreeNode] = []
    for listed in children(nodes).values():
        out.extend(replace(n, position=i) for i, n in enumerate(listed))
    return out


def _place(nodes: list[TreeNode], node: TreeNode, position: int | None) -> list[TreeNode]:
    """Put `node` into its caller's list at `position` (None: at the end)."""
    others = [n for n in nodes if n.contact_id != node.contact_id]
    siblings = children(others).get(node.caller_id, [])
    at = len(siblings) if position is None else max(0, min(position, len(siblings)))
    ordered = siblings[:at] + [node] + siblings[at:]
    rank = {n.contact_id: i for i, n in enumerate(ordered)}
    rest = [n for n in others if n.caller_id != node.caller_id]
    return _renumber(rest + [replace(n, position=rank[n.contact_id]) for n in ordered])


def _save(session: Session, tree: CallingTree, new: list[TreeNode], name: str,
          summary: str) -> CallingTree:
    with session.action(name, "calling_tree", tree.id, summary) as act:
        current = store.nodes(session.db, tree.id)
        if current != tree.nodes:
            raise ValidationError("Someone else changed this tree meanwhile; look at it again.",
                                  {"tree": "changed"})
        store.save_nodes(session.db, tree.id, current, new, at=act.at, by=session.operator.name)
        store.update_tree(session.db, tree.id, at=act.at, by=session.operator.name)
    return get_tree(session, tree.id)


def _contact(session: Session, contact_id: str, what: str = "person") -> Contact:
    contact = contact_store.get(session.db, contact_id)
    if contact is None:
        raise NotFound(f"The {what} is not in Contacts; they may have been deleted.")
    return contact


def add_person(session: Session, ref: str, contact_id: str, *, caller_id: str | None = None,
               position: int | None = None, backup_id: str | None = None) -> CallingTree:
    """Add a contact to the tree, called by `caller_id` (None: by the coordinator)."""
    tree = get_tree(session, ref)
    _contact(session, contact_id)
    if tree.node(contact_id) is not None:
        raise ValidationError("That person is already in this tree.", {"person": "duplicate"})
    if backup_id is not None:
        _contact(session, backup_id, "backup")
    check_backup(contact_id, backup_id)
    node = TreeNode(contact_id, caller_id, 0, backup_id)
    check_move([*tree.nodes, node], contact_id, caller_id)
    siblings = children(tree.nodes).get(caller_id, [])
    if position is None and replica_tree_people.tree_travels(session.db, tree.id):
        # At the end, nobody else's place changed (a team desk does not send such shifts).
        last = max((n.position for n in siblings), default=-1)
        new = [*tree.nodes, replace(node, position=last + 1)]
    else:
        new = _place(list(tree.nodes), node, position)
    return _save(session, tree, new, "tree.add", f"Added a person to calling tree {tree.name!r}")


def remove_person(session: Session, ref: str, contact_id: str) -> CallingTree:
    """Take a person out; the people they called move up to their caller, in the same order
    (on a team desk: at the removed person's place, by contact id, as every laptop of the team
    does on receiving the removal: store/replica_tree_people.py)."""
    tree = get_tree(session, ref)
    gone = tree.node(contact_id)
    if gone is None:
        raise NotFound("That person is not in this tree.")
    if replica_tree_people.removal_travels(session.db, tree.id, contact_id):
        kept = [replace(n, backup_id=None) if n.backup_id == contact_id else n
                for n in tree.nodes if n.contact_id != contact_id]
        return _save(session, tree, kept, "tree.remove",
                     f"Removed a person from calling tree {tree.name!r}")
    kids = children(tree.nodes).get(contact_id, [])
    listed: list[TreeNode] = []
    for sibling in children(tree.nodes).get(gone.caller_id, []):
        if sibling.contact_id == contact_id:
            listed.extend(replace(k, caller_id=gone.caller_id) for k in kids)
        else:
            listed.append(sibling)
    moved = {n.contact_id for n in listed} | {contact_id}
    new = [n for n in tree.nodes if n.contact_id not in moved]
    new += [replace(n, position=i) for i, n in enumerate(listed)]
    new = [replace(n, backup_id=None) if n.backup_id == contact_id else n for n in new]
    return _save(session, tree, new, "tree.remove",
                 f"Removed a person from calling tree {tree.name!r}")


def move_person(session: Session, ref: str, contact_id: str, *, caller_id: str | None,
                position: int | None = None) -> CallingTree:
    """Give a person a new caller and/or place in the list (refused if it would make a loop)."""
    tree = get_tree(session, ref)
    node = tree.node(contact_id)
    if node is None:
        raise NotFound("That person is not in this tree.")
    check_move(tree.nodes, contact_id, caller_id)
    if node.caller_id == caller_id and position is not None:
        siblings = children(tree.nodes).get(caller_id, [])
        position = max(0, min(position, len(siblings) - 1))
    new = _place(list(tree.nodes), replace(node, caller_id=caller_id), position)
    return _save(session, tree, new, "tree.move",
                 f"Moved a person within calling tree {tree.name!r}")


def set_backup(session: Session, ref: str, contact_id: str, backup_id: str | None
               ) -> CallingTree:
    """Name who takes over this person's list when they cannot make the calls (None: nobody)."""
    tree = get_tree(session, ref)
    node = tree.node(contact_id)
    if node is None:
        raise NotFound("That person is not in this tree.")
    check_backup(contact_id, backup_id)
    if backup_id is not None:
        _contact(session, backup_id, "backup")
    new = [replace(n, backup_id=backup_id) if n.contact_id == contact_id else n
           for n in tree.nodes]
    what = "Set a backup caller" if backup_id else "Cleared a backup caller"
    return _save(session, tree, new, "tree.backup", f"{what} in calling tree {tree.name!r}")


def contacts_for(session: Session, tree: CallingTree) -> dict[str, Contact]:
    """The contacts behind a tree's people and backups (deleted ones are simply absent)."""
    wanted = {n.contact_id for n in tree.nodes} | {n.backup_id for n in tree.nodes
                                                   if n.backup_id}
    if len(wanted) > BULK_LOOKUP:  # one pass over the table beats thousands of lookups
        return {c.id: c for c in contact_store.iter_all(session.db) if c.id in wanted}
    found = {}
    for cid in wanted:
        contact = contact_store.get(session.db, cid)
        if contact is not None:
            found[cid] = contact
    return found


@dataclass(frozen=True)
class TreeDetails:
    """A tree with what its editor shows besides the nodes: the contacts and the checks."""

    tree: CallingTree
    contacts: dict[str, Contact]
    problems: list[TreeProblem]


def details(session: Session, ref: str | CallingTree) -> TreeDetails:
    """Read a tree (or take one just read) with its contacts and checks, in one pass: the
    editor runs this in a worker for a big tree (5,000 people take a few hundred ms)."""
    tree = ref if isinstance(ref, CallingTree) else get_tree(session, ref)
    contacts = contacts_for(session, tree)
    people = {cid: PersonInfo(c.name, bool(c.phones)) for cid, c in contacts.items()}
    limit = int(settings_service.get(session, "tree_fan_out_limit"))
    return TreeDetails(tree, contacts, validate_tree(tree.nodes, people, fan_out_limit=limit))


def validate(session: Session, ref: str) -> list[TreeProblem]:
    """What would make this tree fail on the day (the editor's validation panel)."""
    return details(session, ref).problems
