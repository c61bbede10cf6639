"""Closing an activation, its report (drill timings compared with earlier drills), the
Dashboard's summary, and the stale-contacts report.

The closing report is computed once, at closing, and kept in the desk with the activation, so
the record of what happened does not change when contacts or settings change later.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from crisisdesk.domain.call_escalation import milestones
from crisisdesk.domain.call_outcomes import Status
from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.timeline import Category
from crisisdesk.domain.times import parse_utc
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session
from crisisdesk.services.timeline import record_in_action
from crisisdesk.store import activations as store
from crisisdesk.store import calling_trees as tree_store
from crisisdesk.store import contacts as contact_store


def _why(status: Status, last: str | None, flagged: list[str]) -> str:
    if status is Status.UNAVAILABLE:
        return "declined or unavailable"
    if status is Status.NOT_CALLED:
        return "never called"
    reasons = [*flagged]
    if last:
        reasons.insert(0, f"last try: {last.replace('_', ' ')}")
    return "; ".join(reasons) or "not reached"


def summarise(session: Session, activation_ref: str) -> dict[str, Any]:
    """The report's figures now: counts, duration, milestones, who was never reached and why."""
    picture = activation_service.view(session, activation_ref)
    act, progress = picture.activation, picture.progress
    flags: dict[str, list[str]] = {}
    for flag in progress.flags:
        flags.setdefault(flag.contact_id, []).append(flag.text)
    never = []
    for person in picture.people:
        state = picture.states[person.contact_id]
        if state.status is not Status.REACHED:
            never.append({"contact_id": person.contact_id, "name": person.name,
                          "status": state.status.value, "attempts": state.attempts,
                          "why": _why(state.status, state.last_outcome.value
                                      if state.last_outcome else None,
                                      flags.get(person.contact_id, []))})
    counts = progress.counts
    reached = [s.reached_at for s in picture.states.values() if s.reached_at]
    return {"activation_id": act.id, "tree": act.tree_name, "tree_version": act.tree_version,
            "drill": act.is_drill, "started_at": act.started_at,
            "duration_minutes": round(progress.elapsed_s / 60, 1), "total": counts.total,
            "reached": counts.reached, "attempted": counts.attempted,
            "not_called": counts.not_called, "unavailable": counts.unavailable,
            "percent_reached": round(counts.percent_reached, 1),
            "reassigned": len(progress.reassignments),
            "milestones": {str(k): v for k, v in milestones(reached, counts.total,
                                                               act.started_at).items()},
            "never_reached": never}


def close_activation(session: Session, activation_ref: str) -> dict[str, Any]:
    """Close an activation and keep its report in the desk; no more calls can be recorded.
    On a team desk the close travels to the other laptops (see `refresh_kept_report`)."""
    activation = activation_service._open(session, activation_ref)
    kind = "drill" if activation.is_drill else "activation"
    with session.action("activation.close", "activation", activation.id) as act:
        store.close(session.db, activation.id, at=act.at, by=session.operator.name,
                    summary={})
        summary = refresh_kept_report(session, activation.id)
        act.summary = (f"Closed a {kind} of calling tree {activation.tree_name!r}: "
                       f"{summary['reached']} of {summary['total']} reached")
        record_in_action(session, act, f"Calling tree {activation.tree_name} {kind} closed: "
                         f"{summary['reached']} of {summary['total']} reached "
                         f"({summary['percent_reached']}%)", category=Category.COMMUNICATION,
                         source="calling_tree", incident_id=activation.incident_id or None)
    return summary


def refresh_kept_report(session: Session, activation_id: str) -> dict[str, Any]:
    """Compute and keep the report of a closed activation, as of its closing time, from every
    call this desk holds (call inside the action that closed it or merged work into it).

    On a team desk the report is recomputed whenever a merge brings calls of the activation or
    a close from another laptop, so every laptop keeps the same report: the earliest close
    wins (its time and closer), and calls recorded on a laptop that had not seen the close yet
    are never lost. Those made after the closing time count like the others (the person was
    called) and `calls_after_close` says how many there were."""
    activation = activation_service.get_activation(session, activation_id)
    summary = summarise(session, activation.id)
    summary["closed_at"] = activation.closed_at
    summary["duration_minutes"] = round(
        (parse_utc(activation.closed_at) - parse_utc(activation.started_at)).total_seconds()
        / 60, 1)
    summary["calls_after_close"] = sum(
        1 for a in store.attempts(session.db, activation.id) if a.at > activation.closed_at)
    store.set_summary(session.db, activation.id, summary)
    return summary


def report(session: Session, activation_ref: str) -> dict[str, Any]:
    """The kept report of a closed activation (or the live figures of an open one), with the
    tree's earlier closed drills for comparison."""
    activation = activation_service.get_activation(session, activation_ref)
    data = (json.loads(activation.summary) if activation.summary
            else summarise(session, activation.id))
    earlier = []
    for other in store.list_activations(session.db, tree_id=activation.tree_id):
        if (other.id != activation.id and other.is_drill and other.summary
                and other.started_at < activation.started_at):
            kept = json.loads(other.summary)
            earlier.append({"activation_id": other.id, "started_at": other.started_at,
                            "percent_reached": kept.get("percent_reached"),
                            "milestones": kept.get("milestones", {})})
    data["earlier_drills"] = earlier
    return data


@dataclass(frozen=True)
class DashboardLine:
    activation_id: str
    text: str
    percent_reached: float
    needs_coordinator: int


def open_activations(session: Session) -> list[DashboardLine]:
    """One line per open activation: reached of total, open calls, flags (Qt-free)."""
    lines = []
    for activation in store.list_activations(session.db, only_open=True):
        picture = activation_service.view(session, activation.id)
        c = picture.progress.counts
        flagged = len({f.contact_id for f in picture.progress.flags})
        minutes = picture.progress.elapsed_s // 60
        kind = "Drill" if activation.is_drill else "Calling tree"
        text = (f"{kind} {activation.tree_name}: {c.reached} of {c.total} reached "
                f"({c.percent_reached:.0f}%), {c.open} open, {minutes} min elapsed"
                + (f"; {flagged} need the coordinator" if flagged else ""))
        lines.append(DashboardLine(activation.id, text, c.percent_reached, flagged))
    return lines


def dashboard_summary(session: Session) -> DashboardSummary:
    """For the Dashboard: one row per open activation ("label: value"), or a line saying none
    is running."""
    rows: dict[str, str] = {}
    for line in open_activations(session):
        label, _, value = line.text.partition(": ")
        rows[label] = value
    if not rows:
        rows["Running now"] = f"none ({len(tree_service.list_trees(session))} trees ready)"
    return DashboardSummary(tuple(rows.items()))


@dataclass(frozen=True)
class StaleNumber:
    contact_id: str
    name: str
    trees: tuple[str, ...]
    number: str
    last_verified: str  # UTC ISO, "" when never


def stale_contacts(session: Session, days: int | None = None) -> list[StaleNumber]:
    """Numbers of people in any tree that no call has confirmed in `days` (the setting)."""
    limit = int(days if days is not None else settings_service.get(session,
                                                                    "stale_contact_days"))
    cutoff = session.now() - dt.timedelta(days=limit)
    verified = store.last_verified(session.db)
    out: list[StaleNumber] = []
    seen: dict[str, list[str]] = {}
    for summary in tree_service.list_trees(session):
        tree = tree_store.get(session.db, summary.tree.id)
        for node in tree.nodes if tree else ():
            seen.setdefault(node.contact_id, []).append(summary.tree.name)
    for contact_id, trees in seen.items():
        contact = contact_store.get(session.db, contact_id)
        if contact is None:
            continue
        for phone in contact.phones:
            when = verified.get((contact_id, phone.e164), "")
            if not when or parse_utc(when) < cutoff:
                out.append(StaleNumber(contact_id, contact.name, tuple(trees),
                                       phone.shown, when))
    out.sort(key=lambda s: (s.last_verified, s.name.casefold()))
    return out


def local(session: Session, iso: str) -> str:
    return show(session, iso) if iso else ""
