"""Calling-tree structure changes made while an activation of the tree is open.

An activation follows the copy of the tree frozen when it started; a move or a backup change,
or a person added or taken out, afterwards (on this laptop, or on another one and brought by a
team bundle: store/replica_tree_people.py), changes the tree but not the running activation.
`changes_for` lists them for the progress screen and `activation status`, each with its
laptop, operator and time in the desk's zone, so every coordinator running the activation sees
what the others changed (a person taken out: with where the people they called moved up to;
store/tree_changes.py says where each comes from). An edit record dated before the start (a
laptop whose clock is behind, or a move made before the start and brought after it) still
shows when it put the person somewhere else than the frozen copy, as that difference, named
with the edit's laptop. `mark_seen` is one action: it hides the changes listed at that moment
on this laptop; a later change shows again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crisisdesk.domain.call_escalation import FrozenPerson
from crisisdesk.domain.call_outcomes import Activation
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.services.localtime import show as show_local
from crisisdesk.services.session import Session
from crisisdesk.services.team_conflict_values import person
from crisisdesk.store import activations as activation_store
from crisisdesk.store import replica_tree_people as people_store
from crisisdesk.store import replication as repl
from crisisdesk.store import tree_changes as store

FOLLOWS_FROZEN = ("The running activation still follows the tree as it was when it started; "
                  "these changes apply to the next activation.")


@dataclass(frozen=True)
class TreeChange:
    id: str
    text: str  # "Ann Able moved under Bo Baker (place 2)"
    laptop: str  # the laptop's name ("this laptop" on a desk that is not part of a team)
    operator: str
    at: str  # UTC, as that laptop's clock said ('' when unknown)
    when: str  # `at` in the desk's zone
    seen: bool

    def line(self) -> str:
        who = f" by {self.operator}" if self.operator else ""
        when = f", {self.when}" if self.when else ""
        return f"{self.text} — on {self.laptop}{who}{when}"

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "change": self.text, "laptop": self.laptop,
                "operator": self.operator, "at": self.at, "when": self.when,
                "seen": self.seen}


@dataclass(frozen=True)
class TreeChanges:
    """Every change since the activation started (oldest first); `unseen`: not yet marked
    seen on this laptop."""

    changes: tuple[TreeChange, ...] = ()
    note: str = FOLLOWS_FROZEN
    unseen: tuple[TreeChange, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {"changes": [c.as_dict() for c in self.changes], "unseen": len(self.unseen),
                "note": self.note if self.changes else ""}


def _caller_text(name: str, caller: str, value: dict[str, Any]) -> str:
    place = f" (place {int(value.get('position') or 0) + 1})" if "position" in value else ""
    return f"{name} moved under {caller}{place}" if caller else \
        f"{name} moved to be called by the coordinator{place}"


def _backup_text(name: str, backup: str) -> str:
    return f"{name}'s backup is now {backup}" if backup else f"{name} no longer has a backup"


def changes_for(session: Session, act: Activation,
                people: Iterable[FrozenPerson] | None = None) -> TreeChanges:
    """The structure changes of an open activation's tree since it started (none once it is
    closed: the notice is for the coordinators running it). `people`: its frozen copy, when
    the caller has read it already."""
    db = session.db
    if not act.is_open:
        return TreeChanges()
    frozen = {p.contact_id: p for p in (people if people is not None
                                        else activation_store.people(db, act.id))}
    names = {cid: p.name for cid, p in frozen.items()}

    def name(contact_id: str) -> str:
        if not contact_id:
            return ""
        if contact_id not in names:
            names[contact_id] = person(db, contact_id)
        return names[contact_id]

    ident = repl.identity(db)
    here = ident.laptop_name if ident else "this laptop"
    laptops: dict[str, str] = {ident.laptop_id: ident.laptop_name} if ident else {}
    found: list[tuple[str, str, str, str, str]] = []  # (id, text, laptop id, by, at)
    every = store.edits_since(db, act.tree_id, "")
    edits = [e for e in every if e.at >= act.started_at]
    latest = {(e.contact_id, e.field): e for e in every}  # (oldest first: the last one stays)
    if ident and any(e.origin not in laptops for e in every):
        laptops = store.laptop_names(db, ident)

    def made(contact_id: str, what: str, node: store.NodeNow) -> tuple[str, str, str]:
        """(laptop id, by, at) of the change that put the person where they are now: its
        edit record (made before the start, brought after it), else this laptop's row."""
        e = latest.get((contact_id, what))
        return (e.origin, e.operator, e.at) if e else ("", node.updated_by, node.updated_at)

    edited = set()
    for e in edits:
        edited.add((e.contact_id, e.field))
        if e.field == "caller":
            text = _caller_text(name(e.contact_id), name(str(e.value.get("caller_id") or "")),
                                e.value)
        else:
            text = _backup_text(name(e.contact_id), name(str(e.value.get("backup_id") or "")))
        found.append((e.id, text, laptops.get(e.origin, e.origin[:8]), e.operator, e.at))
    now = store.nodes_now(db, act.tree_id)
    added_by = people_store.origins(db, act.tree_id) if ident else {}
    taken_out = people_store.removals(db, act.tree_id) if ident else {}
    if any(o[0] not in laptops for o in [*added_by.values(), *taken_out.values()]) and ident:
        laptops = store.laptop_names(db, ident)
    for cid, node in now.items():  # what no edit record says: added here, or a solo desk
        was = frozen.get(cid)
        if was is None:
            caller = name(node.caller_id)
            origin, by, at = added_by.get(cid, ("", node.updated_by, node.created_at))
            found.append((f"added:{cid}", f"{name(cid)} added to the tree, "
                          f"{'called by ' + caller if caller else 'called by the coordinator'}",
                          origin, by, at))
            continue
        if (was.caller_id or "") in taken_out and (was.caller_id or "") not in now \
                and (cid, "caller") not in edited:
            continue  # moved up because their caller was taken out: that removal says so
        if (was.caller_id or "") != node.caller_id and (cid, "caller") not in edited:
            found.append((f"moved:{cid}:{node.caller_id}", _caller_text(
                name(cid), name(node.caller_id), {}), *made(cid, "caller", node)))
        if (was.backup_id or "") != node.backup_id and (cid, "backup") not in edited:
            found.append((f"backup:{cid}:{node.backup_id}", _backup_text(
                name(cid), name(node.backup_id)), *made(cid, "backup", node)))
    gone = sorted((cid for cid in frozen if cid not in now), key=lambda c: names[c])
    removal = store.last_removal(db, act.tree_id, act.started_at) \
        if len(gone) == 1 and store.removals_since(db, act.tree_id, act.started_at) == 1 \
        else None
    for cid in gone:
        at, by = removal or ("", "")
        origin = ""
        text = f"{names[cid]} taken out of the tree"
        if cid in taken_out:
            origin, by, at, caller_then = taken_out[cid]
            if any((p.caller_id or "") == cid for p in frozen.values()) or any(
                    e.field == "caller" and e.value.get("caller_id") == cid for e in every):
                up = name(caller_then)
                text += ("; the people they called move up to " + up if up else
                         "; the people they called are called by the coordinator")
        found.append((f"removed:{cid}", text, origin, by, at))
    seen = store.seen(db, act.id)
    out = tuple(TreeChange(cid, text, laptops.get(lid, lid) if lid else here, by, at,
                           show_local(session, at) if at else "", cid in seen)
                for cid, text, lid, by, at in sorted(found, key=lambda f: (f[4] or "~", f[0])))
    return TreeChanges(out, unseen=tuple(c for c in out if not c.seen))


def mark_seen(session: Session, act: Activation) -> int:
    """Mark the changes listed now as seen on this laptop (one action); returns how many were
    new. Refused when there is nothing unseen."""
    listed = changes_for(session, act)
    if not listed.unseen:
        raise UserError("No calling-tree changes to mark as seen in this activation.")
    n = len(listed.unseen)
    with session.action("activation.tree_changes_seen", "activation", act.id,
                        f"Marked {count_of(n, 'calling-tree change')} as seen in an "
                        f"activation of {act.tree_name!r}"):
        store.mark_seen(session.db, act.id, {c.id for c in listed.unseen})
    return n
