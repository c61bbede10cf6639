"""Notification deadlines for an incident, and marking obligations done.

Public API
----------
load_rules(session=None) -> RuleSet
    The desk's own `notification_rules.toml` (in its data folder) if present, else the shipped
    file. Never raises on a bad file: `RuleSet.problems` names each broken rule (or the parse
    error), and the rules that did parse still work.
deadlines(session, incident_ref=None, *, rules=None) -> DeadlineReport
    Every obligation for the incident (default: the current one) with due dates, as of today,
    under the rule versions in force on its discovery date (`not_in_force` lists the others),
    with the day-one clocks and prompts even before anyone is counted, and which
    law-enforcement delay moved which clock (`delay_lines`).
mark_done(session, obligation_key, done_on, *, reference="", note="", incident_ref=None)
    -> Obligation
mark_not_done(session, obligation_key, *, incident_ref=None) -> Obligation
profile_flags(session) -> frozenset[str]
set_profile_flag(session, flag, on) -> frozenset[str]     (admins; e.g.
    "ca_licensed_health_facility" makes conditional rules run as clocks instead of advisories)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.clocks import (
    Completion,
    Obligation,
    OutOfForce,
    Rule,
    RuleSet,
    compute_obligations,
    delay_summary,
    next_due,
    parse_rules,
    rules_not_in_force,
)
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.incidents import Incident
from crisisdesk.domain.letters import (
    SUBSTITUTE_OBLIGATION_KEY,
    substitute_obligation_title,
)
from crisisdesk.domain.operators import Role
from crisisdesk.domain.timeline import Category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import meta as meta_store
from crisisdesk.store import replica_edits, replica_obligations, rule_files

FLAGS_KEY = "notification_profile_flags"


def load_rules(session: Session | None = None) -> RuleSet:
    return _rules(rule_files.notification_rules(session.data_dir if session else None))


def warm(data_dir: Path | None = None) -> None:
    """Read the desk's rules ahead of the first page that needs them, off the GUI thread (the
    app does it while the unlock dialog waits for a passphrase)."""
    _rules(rule_files.notification_rules(data_dir))


def _rules(loaded: rule_files.LoadedFile) -> RuleSet:
    if loaded.problem:
        return RuleSet((), (loaded.problem,), verify_note="Verify every deadline with counsel.")
    rules = rule_files.parsed(loaded, parse_rules)  # once per content: refreshes reuse it
    if loaded.origin != "/".join(("resources", *rule_files.RULES_RESOURCE)):
        return RuleSet(rules.rules, tuple(f"{loaded.origin}: {p}" for p in rules.problems),
                       rules.last_reviewed, rules.verify_note, rules.delay_effect,
                       rules.delay_note, rules.flags)
    return rules


@dataclass(frozen=True)
class DeadlineReport:
    incident: Incident
    rules: RuleSet
    obligations: tuple[Obligation, ...]
    today: dt.date
    not_in_force: tuple[OutOfForce, ...] = ()
    # Obligations whose status two laptops of the team changed at once (replica_obligations):
    # shown where the deadline is, since what it shows is only the value before both.
    in_team_conflict: frozenset[str] = frozenset()

    @property
    def delay_lines(self) -> list[str]:
        """Which law-enforcement delay applied to which clock ("" lines when no delay)."""
        return delay_summary(self.obligations) if self.incident.delay else []

    @property
    def running(self) -> list[Obligation]:
        return [o for o in self.obligations if not o.advisory and o.done is None]

    @property
    def next_due(self) -> Obligation | None:
        return next_due(self.obligations, self.today)

    @property
    def days_since_discovery(self) -> int:
        return (self.today - self.incident.discovered_on).days

    def find(self, key: str) -> Obligation:
        for obligation in self.obligations:
            if obligation.key == key:
                return obligation
        known = ", ".join(o.key for o in self.obligations) or "none"
        raise NotFound(f"No obligation {key!r} for this incident (it has: {known}).")


def profile_flags(session: Session) -> frozenset[str]:
    value = meta_store.get(session.db, FLAGS_KEY)
    try:
        return frozenset(json.loads(value)) if value else frozenset()
    except ValueError:
        return frozenset()


def set_profile_flag(session: Session, flag: str, on: bool) -> frozenset[str]:
    session.require(Role.ADMIN, "change the organisation's notification profile")
    rules = load_rules(session)
    if flag not in rules.flags:
        raise ValidationError(f"Unknown profile flag {flag!r}; the rules know: "
                              f"{', '.join(rules.flags) or 'none'}.", {"flag": "unknown"})
    flags = set(profile_flags(session))
    flags = flags | {flag} if on else flags - {flag}
    with session.action("deadlines.profile", "desk", session.desk_id,
                        f"{'Set' if on else 'Cleared'} notification profile flag {flag}"):
        meta_store.put(session.db, FLAGS_KEY, json.dumps(sorted(flags)))
    return frozenset(flags)


def deadlines(session: Session, incident_ref: str | None = None, *,
              rules: RuleSet | None = None) -> DeadlineReport:
    incident = incident_service.get_incident(session, incident_ref)
    ruleset = rules if rules is not None else load_rules(session)
    done = incident_store.completions(session.db, incident.id)
    obligations = compute_obligations(ruleset, incident, done, profile_flags(session))
    _add_substitute_notice(session, incident, obligations, done)
    return DeadlineReport(incident, ruleset, tuple(obligations), today(session),
                          tuple(rules_not_in_force(ruleset, incident)),
                          _in_team_conflict(session, incident.id, obligations))


TEAM_CONFLICT = "in conflict between laptops: settle on the Team page"


def _in_team_conflict(session: Session, incident_id: str,
                      obligations: list[Obligation]) -> frozenset[str]:
    """The keys of the obligations whose status is in conflict between laptops."""
    return frozenset(o.key for o in obligations if replica_edits.in_conflict(
        session.db, ("obligation", replica_obligations.entity_id(incident_id, o.key), "done")))


def _add_substitute_notice(session: Session, incident: Incident, obligations: list[Obligation],
                           done: dict[str, Completion]) -> None:
    """Letter recipients without a usable or current address need substitute notice (45 CFR
    164.404(d)(2)): its form switches at 10 people. Shown beside the individual notice, due
    with it, and marked done like any obligation."""
    notice = letter_counts.substitute_position(session, incident.id)
    if not notice.required:
        return
    at = next((i for i, o in enumerate(obligations) if o.rule.key == "hipaa.individuals"), -1)
    base = obligations[at] if at >= 0 else None
    rule = Rule(key=SUBSTITUTE_OBLIGATION_KEY, jurisdiction="US", audience="individuals",
                title=substitute_obligation_title(notice), citation="45 CFR 164.404(d)(2)",
                timing="with the individual notices", due=base.rule.due if base else (),
                note=notice.text)
    basis = (f"{notice.insufficient} letter recipients have no usable or current address "
             f"({notice.breakdown}).", *(base.basis if base else ()))
    obligation = Obligation(SUBSTITUTE_OBLIGATION_KEY, rule, "US", notice.insufficient,
                            base.nominal_due if base else None, base.due if base else None,
                            basis, done=done.get(SUBSTITUTE_OBLIGATION_KEY))
    obligations.insert(at + 1 if base else len(obligations), obligation)


def mark_done(session: Session, obligation_key: str, done_on: dt.date, *, reference: str = "",
              note: str = "", incident_ref: str | None = None) -> Obligation:
    """Record that a notice went out on `done_on`, with its proof (portal id, mailing ref)."""
    report = deadlines(session, incident_ref)
    obligation = report.find(obligation_key.strip())
    if obligation.is_prompt:
        raise ValidationError(f"“{obligation.title}” is a reminder, not a notice: it clears "
                              "itself once the counts it asks for are recorded (an estimate is "
                              "fine).",
                              {"key": "a reminder"})
    if done_on > report.today:
        raise ValidationError(f"The done date {done_on} is in the future.",
                              {"done_on": "in the future"})
    if done_on < report.incident.discovered_on:
        raise ValidationError(f"The done date {done_on} is before the breach was discovered "
                              f"({report.incident.discovered_on}).",
                              {"done_on": "before discovery"})
    completion = Completion(done_on, " ".join(reference.split()), note.strip(),
                            session.operator.name)
    with session.action("deadlines.done", "obligation", obligation.key,
                        f"Marked {obligation.key} done on {done_on.isoformat()}") as act:
        incident_store.put_completion(session.db, report.incident.id, obligation.key,
                                      completion, act.at, session.operator.name)
        ref = f" (reference {completion.reference})" if completion.reference else ""
        timeline_service.record_in_action(
            session, act, f"{obligation.title}: done on {done_on.isoformat()}{ref}.",
            category=Category.COMMUNICATION, source="deadlines", incident_id=report.incident.id)
    return deadlines(session, report.incident.id).find(obligation.key)


def mark_not_done(session: Session, obligation_key: str, *,
                  incident_ref: str | None = None) -> Obligation:
    report = deadlines(session, incident_ref)
    obligation = report.find(obligation_key.strip())
    if obligation.done is None:
        return obligation
    with session.action("deadlines.undone", "obligation", obligation.key,
                        f"Marked {obligation.key} not done") as act:
        incident_store.delete_completion(session.db, report.incident.id, obligation.key,
                                        at=act.at, by=session.operator.name)
        timeline_service.record_in_action(
            session, act, f"{obligation.title}: marked not done (was recorded as done on "
            f"{obligation.done.done_on.isoformat()}).", category=Category.NOTE,
            source="deadlines", incident_id=report.incident.id)
    return deadlines(session, report.incident.id).find(obligation.key)
