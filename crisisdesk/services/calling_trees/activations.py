"""Running a calling tree: start it with the approved script, record every call, escalate.

`start_activation` renders the approved calling-tree script with the incident's facts, freezes
a copy of the tree, logs the script in the communication log and adds a timeline entry, all in
one action. `record_call` is one action per call, committed at once, so killing the app loses
nothing; it returns the person's new state and the activation's counts so a screen can update
one row and the totals without reloading 5,000 people. Everything is refused once the
activation is closed. Reports and the Dashboard summary live in `activation_reports`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.call_escalation import (
    AvailabilityMark,
    Counts,
    FrozenPerson,
    Limits,
    Progress,
    assignments,
    freeze,
    progress,
    unavailable_callers,
)
from crisisdesk.domain.call_outcomes import (
    Activation,
    Attempt,
    Outcome,
    PersonState,
    Status,
    fold,
)
from crisisdesk.domain.calling_trees import CallingTree
from crisisdesk.domain.choices import only_match
from crisisdesk.domain.errors import Cancelled, NeedsConfirmation, NotFound, ValidationError
from crisisdesk.domain.messages import LogEntry
from crisisdesk.domain.timeline import Category
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees import tree_changes
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.facts import incident_facts
from crisisdesk.services.localtime import parse_time
from crisisdesk.services.localtime import show as show_local
from crisisdesk.services.session import Session
from crisisdesk.services.timeline import record_in_action
from crisisdesk.store import activations as store
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import templates as template_store

SCRIPT_TEMPLATE = "calling-tree-script-en"
DRILL_NOTICE = "This is a drill."
NOTE_MAX = 500


@dataclass(frozen=True)
class Recorded:
    """What one recorded call changed: that person's state and the activation's counts."""

    attempt: Attempt
    person: FrozenPerson
    state: PersonState
    counts: Counts
    reassigned: int  # people who moved to another caller because of this call


@dataclass(frozen=True)
class ActivationView:
    activation: Activation
    people: list[FrozenPerson]
    states: dict[str, PersonState]
    progress: Progress
    # Structure changes of the tree since the start (the activation still follows its copy).
    changes: tree_changes.TreeChanges = tree_changes.TreeChanges()


def get_activation(session: Session, ref: str) -> Activation:
    return only_match(store.find(session.db, ref.strip()), ref, plural="activations",
                      field_name="activation",
                      not_found=f"No activation {ref!r}; see 'crisisdesk activation status'.")


def list_activations(session: Session, tree_ref: str | None = None, *,
                     only_open: bool = False) -> list[Activation]:
    tree_id = tree_service.get_tree(session, tree_ref).id if tree_ref else None
    return store.list_activations(session.db, tree_id=tree_id, only_open=only_open)


def limits(session: Session) -> Limits:
    return Limits(int(settings_service.get(session, "call_attempts_before_flag")),
                  int(settings_service.get(session, "call_minutes_before_flag")))


def check_start(session: Session, tree_ref: str, *, message: str, action: str,
                report_back_to: str, drill: bool = False, also: bool = False) -> CallingTree:
    """The tree, if `start_activation` would start it with these answers; else the reason.

    A real activation needs what the script tells people (the message, what to do, who to
    report to): a call that says nothing wastes the one minute a caller has. A drill may leave
    them empty (the script then leaves those sentences out). A second live activation of the
    same tree is usually a double click, so it raises `NeedsConfirmation` unless `also`.
    Writes nothing, so a dialog can ask before it starts the (possibly long) work.
    """
    tree = tree_service.get_tree(session, tree_ref)
    if not tree.nodes:
        raise ValidationError(f"Calling tree {tree.name!r} has nobody in it yet.",
                              {"tree": "empty"})
    if drill:
        return tree
    _require_script_fields(message=message, action=action, report_back_to=report_back_to)
    live = [a for a in store.list_activations(session.db, tree_id=tree.id, only_open=True)
            if not a.is_drill]
    if live and not also:
        raise NeedsConfirmation(
            f"Calling tree {tree.name!r} is already running (started "
            f"{show_local(session, live[0].started_at)}); start a second activation only "
            "if that is what you mean.")
    return tree


def start_activation(session: Session, tree_ref: str, *, message: str, action: str,
                     report_back_to: str, drill: bool = False, also: bool = False,
                     values: Mapping[str, Any] | None = None, version: int | None = None,
                     progress_cb: Callable[[int, int], None] | None = None,
                     is_cancelled: Callable[[], bool] | None = None) -> Activation:
    """Start a tree: approved script filled with the incident's facts, frozen copy, log.

    Refused as `check_start` says (missing script answers, a second live activation)."""
    tree = check_start(session, tree_ref, message=message, action=action,
                       report_back_to=report_back_to, drill=drill, also=also)
    approved = template_service.require_approved(session, SCRIPT_TEMPLATE, version)
    incident_id = incident_store.current_id(session.db) or ""
    filled = {**incident_facts(session), "message_summary": " ".join(message.split()),
              "action_requested": " ".join(action.split()),
              "report_back_to": " ".join(report_back_to.split()),
              "drill_notice": DRILL_NOTICE if drill else "", **dict(values or {})}
    declared = {v.name for v in approved.meta.variables}
    rendered = template_service.render_approved(
        session, approved, {k: v for k, v in filled.items() if k in declared})
    contacts = tree_service.contacts_for(session, tree)
    frozen = freeze(tree.nodes, {cid: (c.name, c.job_title, c.phones)
                                 for cid, c in contacts.items()})
    if is_cancelled is not None and is_cancelled():
        raise Cancelled()
    activation_id = str(uuid.uuid4())
    kind = "drill" if drill else "activation"
    with session.action("activation.start", "activation", activation_id,
                        f"Started a {kind} of calling tree {tree.name!r} ({len(frozen)} people) "
                        f"with {approved.key} v{approved.version}") as act:
        log_id = str(uuid.uuid4())
        meta = approved.meta
        template_store.append_log(session.db, LogEntry(
            id=log_id, issued_at=act.at, operator=session.operator.name,
            template_key=approved.key, template_name=meta.name, version=approved.version,
            template_sha256=approved.sha256, audience=meta.audience.value,
            channel=meta.channel.value, language=meta.language.value,
            recipient_count=max(1, len(frozen)), incident_id=incident_id,
            note=f"Calling tree {tree.name} ({kind})",
            content_sha256=hashlib.sha256(rendered.text.encode("utf-8")).hexdigest()),
            template_id=approved.template_id, content=rendered.text)
        activation = Activation(
            activation_id, tree.id, tree.name, tree.version, drill, "open", act.at,
            session.operator.name, incident_id, approved.key, approved.version,
            rendered.plain, log_id, report_back_to=" ".join(report_back_to.split()))
        store.insert_activation(session.db, activation, sha256=approved.sha256, at=act.at,
                                by=session.operator.name)
        store.insert_people(session.db, activation_id, frozen)
        if progress_cb is not None:
            progress_cb(len(frozen), len(frozen))
        record_in_action(session, act, f"Calling tree {tree.name} activated"
                         f"{' (drill)' if drill else ''}: {len(frozen)} people to call",
                         category=Category.COMMUNICATION, source="calling_tree",
                         incident_id=incident_id or None)
    return activation


SCRIPT_FIELDS = {"message": "the message", "action": "what people must do",
                 "report_back_to": "who to report back to"}


def _require_script_fields(**given: str) -> None:
    missing = {name: "needed for a real activation" for name, text in given.items()
               if not text.strip()}
    if missing:
        words = [SCRIPT_FIELDS[name] for name in SCRIPT_FIELDS if name in missing]
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        raise ValidationError(f"A real activation needs {listed}; the call script reads them "
                              "to every person.", missing)


def _open(session: Session, ref: str) -> Activation:
    activation = get_activation(session, ref)
    if not activation.is_open:
        raise ValidationError("This activation is closed; calls can no longer be recorded.",
                              {"activation": "closed"})
    return activation


def people(session: Session, activation_id: str) -> list[FrozenPerson]:
    """Everyone in an activation's frozen copy of the tree, in call order."""
    return store.people(session.db, activation_id)


def _person(session: Session, activation: Activation, contact_id: str) -> FrozenPerson:
    person = store.person(session.db, activation.id, contact_id)
    if person is None:
        raise NotFound("That person is not in this activation's tree.")
    return person


def _counts(session: Session, activation_id: str, total: int | None = None) -> Counts:
    by = store.status_counts(session.db, activation_id)
    return Counts(sum(by.values()) if total is None else total, by.get(Status.REACHED, 0),
                  by.get(Status.ATTEMPTED, 0), by.get(Status.NOT_CALLED, 0),
                  by.get(Status.UNAVAILABLE, 0))


def record_call(session: Session, activation_ref: str, contact_id: str, outcome: Outcome, *,
                number: str | None = None, note: str = "", at: str | None = None,
                caller_id: str | None = None, corrects: str = "") -> Recorded:
    """Record one call attempt (committed at once). A "declined / unavailable" outcome for
    someone who has people to call also marks them unavailable, moving their people on."""
    activation = _open(session, activation_ref)
    person = _person(session, activation, contact_id)
    text = " ".join(note.split())
    if len(text) > NOTE_MAX:
        raise ValidationError(f"A call note can be at most {NOTE_MAX} characters.",
                              {"note": "too long"})
    when = parse_time(session, at, "at")
    if parse_utc(when) > session.now() + \
            dt.timedelta(minutes=5):
        raise ValidationError("A call cannot be recorded in the future.", {"at": "future"})
    numbers = [p.e164 or p.original for p in person.phones]
    dialled = number if number is not None else (numbers[0] if numbers else "")
    if dialled and dialled not in numbers:
        match = [p.e164 for p in person.phones if dialled in (p.original, p.e164)]
        if not match:
            raise ValidationError("That number is not one of this person's numbers.",
                                  {"number": "unknown"})
        dialled = match[0]
    attempt = Attempt(str(uuid.uuid4()), contact_id, outcome, when, session.operator.name,
                      dialled, caller_id, text, corrects)
    verb = "Corrected a call" if corrects else f"Recorded a call ({outcome.value})"
    with session.action("activation.record", "activation", activation.id,
                        f"{verb} in an activation of {activation.tree_name!r}") as act:
        if corrects:
            found = store.get_attempt(session.db, corrects)
            if found is None or found[0] != activation.id or found[1].contact_id != contact_id:
                raise NotFound("The call being corrected is not one of this person's calls.")
        store.insert_attempt(session.db, activation.id, attempt, recorded_at=act.at)
        state = fold(store.attempts(session.db, activation.id, contact_id))
        store.update_state(session.db, activation.id, contact_id, state)
        moved = 0
        if outcome is Outcome.UNAVAILABLE and _has_people(session, activation.id, contact_id):
            moved = _mark(session, act, activation, contact_id, available=False,
                          note="declined or unavailable when called")
        counts = _counts(session, activation.id)
    return Recorded(attempt, person, state, counts, moved)


def _has_people(session: Session, activation_id: str, contact_id: str) -> bool:
    return store.calls_anyone(session.db, activation_id, contact_id)


def _mark(session: Session, act: Any, activation: Activation, contact_id: str, *,
          available: bool, note: str) -> int:
    """Inside an action: add the mark, log it on the timeline; returns people now moved."""
    people = store.people(session.db, activation.id)
    before = unavailable_callers(store.marks(session.db, activation.id))
    mark = AvailabilityMark(str(uuid.uuid4()), contact_id, available, act.at,
                            session.operator.name, note)
    store.insert_mark(session.db, activation.id, mark)
    after = unavailable_callers(store.marks(session.db, activation.id))
    old, _ = assignments(people, before)
    new, _ = assignments(people, after)
    changed = sum(1 for cid in new if new[cid] != old[cid])
    name = next((p.name for p in people if p.contact_id == contact_id), "a caller")
    what = (f"{name} is available again in calling tree {activation.tree_name}" if available
            else f"{name} is unavailable in calling tree {activation.tree_name}")
    record_in_action(session, act, f"{what}: {changed} calls reassigned",
                     category=Category.CALL, source="calling_tree",
                     incident_id=activation.incident_id or None)
    return changed


def mark_caller(session: Session, activation_ref: str, contact_id: str, *, available: bool,
                note: str = "") -> int:
    """Mark a caller unavailable (their people move on) or available again (the undo);
    returns how many people changed caller."""
    activation = _open(session, activation_ref)
    verb = "available again" if available else "unavailable"
    with session.action("activation.mark", "activation", activation.id,
                        f"Marked a caller {verb} in an activation of "
                        f"{activation.tree_name!r}") as act:
        return _mark(session, act, activation, contact_id, available=available,
                     note=" ".join(note.split())[:NOTE_MAX])


def view(session: Session, activation_ref: str) -> ActivationView:
    """Everything a progress screen shows, computed at this moment."""
    activation = get_activation(session, activation_ref)
    people = store.people(session.db, activation.id)
    states = store.states(session.db, activation.id)
    now = session.now() if activation.is_open else parse_utc(activation.closed_at)
    picture = progress(people, states, store.marks(session.db, activation.id),
                       started_at=activation.started_at, now=now, limits=limits(session))
    return ActivationView(activation, people, states, picture,
                          tree_changes.changes_for(session, activation, people))


def mark_tree_changes_seen(session: Session, activation_ref: str) -> int:
    """Hide, on this laptop, the calling-tree changes the activation's view lists now (one
    action); returns how many. A change made later shows again."""
    return tree_changes.mark_seen(session, get_activation(session, activation_ref))


def my_calls(session: Session, activation_ref: str, caller_id: str | None
             ) -> list[tuple[FrozenPerson, PersonState]]:
    """The people `caller_id` must call now (None: the coordinator), in calling order."""
    picture = view(session, activation_ref)
    return [(p, picture.states[p.contact_id]) for p in picture.people
            if picture.progress.callers.get(p.contact_id) == caller_id]


def undo_reassignment(session: Session, activation_ref: str, contact_id: str) -> int:
    """The coordinator's undo: mark available again the caller whose absence moved
    `contact_id`'s call (the nearest unavailable caller above them); returns people moved."""
    activation = _open(session, activation_ref)
    people = {p.contact_id: p for p in store.people(session.db, activation.id)}
    down = unavailable_callers(store.marks(session.db, activation.id))
    person = people.get(contact_id)
    caller = person.caller_id if person is not None else None
    while caller is not None and caller not in down:
        caller = people[caller].caller_id if caller in people else None
    if caller is None:
        raise ValidationError("That call was not moved, so there is nothing to undo.",
                              {"person": "not reassigned"})
    return mark_caller(session, activation.id, caller, available=True,
                       note="reassignment undone by the coordinator")
