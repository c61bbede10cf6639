"""Demo calling trees: three trees over the demo staff, two past drills, one activation running.

Built through the same services a user's actions go through. The two drills are dated in the
past (by running them on a session whose clock is turned back), so the drill report has
earlier drills to compare with; the running activation has a realistic mix of outcomes: people
reached, voicemails, someone not answering three times, a wrong number, and a caller who is
unavailable so that their people moved to the backup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.domain.calling_trees import TreeNode
from crisisdesk.domain.contacts import Contact, ContactKind
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import reports as report_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.session import Session
from crisisdesk.store import calling_trees as tree_store

SCRIPT = {"message": "Some of our computer systems are down because of a cyberattack. "
                     "Patient care goes on using downtime procedures.",
          "action": "Come to your usual unit for your next shift and use the paper downtime "
                    "forms.",
          "report_back_to": "the command center at (217) 555-0120",
          "values": {"staff_hotline": "(217) 555-0120"}}
FAN_OUT = 4


def _layered(people: list[Contact], fan_out: int = FAN_OUT) -> list[TreeNode]:
    """A pyramid in list order: person i is called by person (i - 1) // fan_out; each caller's
    backup is the next person at the same level."""
    nodes = []
    for i, person in enumerate(people):
        caller = people[(i - 1) // fan_out].id if i else None
        nodes.append(TreeNode(person.id, caller, (i - 1) % fan_out if i else 0))
    callers = {n.caller_id for n in nodes if n.caller_id}
    ids = [p.id for p in people]
    out = []
    for node in nodes:
        backup = None
        if node.contact_id in callers:
            i = ids.index(node.contact_id)
            backup = ids[i + 1] if i + 1 < len(ids) and i > 0 else (ids[1] if i == 0 else None)
        out.append(dataclasses.replace(node, backup_id=backup))
    return out


def _tree(session: Session, name: str, description: str, people: list[Contact]) -> str:
    tree = tree_service.create_tree(session, name, description)
    nodes = _layered(people)
    with session.action("tree.import", "calling_tree", tree.id,
                        f"Built demo calling tree {name!r} ({len(nodes)} people)") as act:
        tree_store.save_nodes(session.db, tree.id, (), nodes, at=act.at,
                              by=session.operator.name)
        tree_store.update_tree(session.db, tree.id, at=act.at, by=session.operator.name)
    return tree.id


def _run(session: Session, tree_id: str, start: dt.datetime, rng: random.Random, *,
         drill: bool, share: float, close: bool) -> None:
    """An activation from `start`: calls spread over the next minutes, most people reached."""
    real_clock = session.clock
    session.clock = lambda: start
    try:
        act = activation_service.start_activation(session, tree_id, drill=drill,
                                                  **SCRIPT)  # type: ignore[arg-type]
        people = activation_service.view(session, act.id).people
        minute = 0.0
        for i, person in enumerate(people):
            minute += rng.uniform(0.3, 2.5)
            when = start + dt.timedelta(minutes=minute)
            session.clock = lambda w=when: w  # type: ignore[misc]
            roll = rng.random()
            if i > len(people) * share:
                break
            if roll < 0.12:
                activation_service.record_call(session, act.id, person.contact_id,
                                               Outcome.VOICEMAIL)
                if roll < 0.06:
                    continue
                session.clock = lambda w=when + dt.timedelta(minutes=9): w  # type: ignore[misc]
            activation_service.record_call(session, act.id, person.contact_id, Outcome.REACHED)
        if close:
            end = start + dt.timedelta(minutes=minute + 5)
            session.clock = lambda: end
            report_service.close_activation(session, act.id)
    finally:
        session.clock = real_clock


def seed_calling_trees(session: Session, rng: random.Random) -> str:
    staff = [c for c in contact_service.list_contacts(session, kind=ContactKind.STAFF)]
    by_tag: dict[str, list[Contact]] = {}
    for contact in staff:
        for tag in contact.tags:
            by_tag.setdefault(tag, []).append(contact)
    execs = by_tag.get("executive", [])
    ordered = execs + [c for c in staff if c not in execs]
    all_staff = _tree(session, "All staff", "Everyone, from the CEO down", ordered)
    leaders = execs + [c for c in by_tag.get("incident-command", []) if c not in execs]
    _tree(session, "Leadership", "Executives and incident command", leaders)
    _tree(session, "IT and security", "The people who restore systems",
          by_tag.get("it-security", []) + by_tag.get("privacy-compliance", []))
    now = session.now()
    _run(session, all_staff, now - dt.timedelta(days=200), rng, drill=True, share=0.9,
         close=True)
    _run(session, all_staff, now - dt.timedelta(days=20), rng, drill=True, share=1.0,
         close=True)
    _run_live(session, all_staff, now - dt.timedelta(minutes=50), rng)
    return (f"3 calling trees (All staff: {len(ordered)} people), 2 past drills, "
            "1 activation in progress")


def _run_live(session: Session, tree_id: str, start: dt.datetime, rng: random.Random) -> None:
    """The running activation: part-way through, with something for the coordinator."""
    _run(session, tree_id, start, rng, drill=False, share=0.35, close=False)
    act = activation_service.list_activations(session, tree_id, only_open=True)[0]
    view = activation_service.view(session, act.id)
    open_people = [p for p in view.people if view.states[p.contact_id].status.is_open]
    callers = {p.caller_id for p in view.people if p.caller_id}
    stuck = next(p for p in open_people if p.contact_id not in callers)
    real_clock = session.clock
    try:
        for minute in (20, 28, 36):
            moment = start + dt.timedelta(minutes=minute)
            session.clock = lambda m=moment: m  # type: ignore[misc]
            activation_service.record_call(session, act.id, stuck.contact_id, Outcome.NO_ANSWER)
        wrong = next(p for p in open_people if p is not stuck and p.contact_id not in callers)
        session.clock = lambda: start + dt.timedelta(minutes=40)
        activation_service.record_call(session, act.id, wrong.contact_id, Outcome.WRONG_NUMBER,
                                       number=wrong.phones[0].e164)
        away = next(p for p in open_people if p.contact_id in callers)
        activation_service.record_call(session, act.id, away.contact_id, Outcome.UNAVAILABLE,
                                       note="on leave this week")
    finally:
        session.clock = real_clock
