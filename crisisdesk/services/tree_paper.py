"""What goes on a calling tree's paper: the chart, the call sheets and the wallet cards.

This gathers plain data (no HTML, no Qt) that `printing/calling_tree_paper.py` lays out. When
the tree has an open activation, the paper shows that activation's frozen copy and its approved
script, so the sheets match the calls being recorded; otherwise it shows the tree as it is now,
with room to write the script given at activation. Every sheet carries the tree version and
the print date, because paper goes stale and people need to know how stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.call_escalation import FrozenPerson, freeze
from crisisdesk.domain.phones import Phone
from crisisdesk.services import activations as activation_service
from crisisdesk.services import calling_trees as tree_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session

COORDINATOR = "The coordinator"


@dataclass(frozen=True)
class PaperPerson:
    name: str
    job_title: str
    phones: tuple[Phone, ...]
    depth: int = 0
    backup: str = ""


@dataclass(frozen=True)
class CallerSheet:
    caller: PaperPerson
    backup: PaperPerson | None
    people: tuple[PaperPerson, ...]


@dataclass(frozen=True)
class TreePaper:
    org: str
    tree_name: str
    version: int
    printed: str
    script: str
    activation: str  # "" for the tree itself, else e.g. "Drill started 2026-03-02 14:05"
    chart: tuple[PaperPerson, ...]
    sheets: tuple[CallerSheet, ...]


def _paper(p: FrozenPerson, backup: str = "") -> PaperPerson:
    return PaperPerson(p.name, p.job_title, p.phones, p.depth, backup)


def tree_paper(session: Session, tree_ref: str) -> TreePaper:
    """Paper data for a tree (the open activation's frozen copy and script if there is one)."""
    tree = tree_service.get_tree(session, tree_ref)
    running = activation_service.list_activations(session, tree.id, only_open=True)
    contacts = tree_service.contacts_for(session, tree)
    if running:
        act = running[0]
        people = activation_service.view(session, act.id).people
        version, script = act.tree_version, act.script
        kind = "Drill" if act.is_drill else "Activation"
        heading = f"{kind} started {show(session, act.started_at)}"
    else:
        people = freeze(tree.nodes, {cid: (c.name, c.job_title, c.phones)
                                     for cid, c in contacts.items()})
        version, script, heading = tree.version, "", ""
    by_id = {p.contact_id: p for p in people}

    def backup_of(p: FrozenPerson) -> PaperPerson | None:
        if not p.backup_id:
            return None
        if p.backup_id in by_id:
            return _paper(by_id[p.backup_id])
        contact = contacts.get(p.backup_id)
        return PaperPerson(contact.name, contact.job_title, contact.phones) if contact else None

    chart = tuple(_paper(p, backup.name if (backup := backup_of(p)) else "") for p in people)
    kids: dict[str | None, list[FrozenPerson]] = {}
    for p in people:
        kids.setdefault(p.caller_id, []).append(p)
    sheets = []
    top = kids.get(None, [])
    if top:
        sheets.append(CallerSheet(PaperPerson(COORDINATOR, "", ()), None,
                                  tuple(_paper(p) for p in top)))
    for p in people:
        if p.contact_id in kids:
            sheets.append(CallerSheet(_paper(p), backup_of(p),
                                      tuple(_paper(k) for k in kids[p.contact_id])))
    printed = f"{show(session, session.now_iso())} by {session.operator.name}"
    return TreePaper(settings_service.display_org(session), tree.name, version, printed, script,
                     heading, chart, tuple(sheets))


def note_printed(session: Session, tree_ref: str, what: str) -> None:
    """Record that paper was made (people's numbers left the desk on it)."""
    tree = tree_service.get_tree(session, tree_ref)
    with session.action("tree.print", "calling_tree", tree.id,
                        f"Printed the {what} of calling tree {tree.name!r} "
                        f"(version {tree.version})"):
        pass


__all__ = ["COORDINATOR", "CallerSheet", "PaperPerson", "TreePaper", "note_printed",
           "tree_paper"]
