"""The shipped notification rules and a small incident to compute deadlines for."""

from __future__ import annotations

import datetime as dt
import tomllib

from crisisdesk.domain.clocks import Obligation, RuleSet, parse_rules
from crisisdesk.domain.incidents import Incident, IncidentKind, IncidentStatus, LawEnforcementDelay
from crisisdesk.paths import shipped


def _shipped() -> RuleSet:
    raw = shipped("rules", "notification_rules.toml").read_bytes()
    return parse_rules(tomllib.loads(raw.decode("utf-8")))


RULES = _shipped()


def incident(discovered: dt.date, counts: dict[str, int], delay: LawEnforcementDelay | None
             = None, unknown: int = 0) -> Incident:
    return Incident("i1", "Test", IncidentKind.RANSOMWARE, IncidentStatus.OPEN, discovered,
                    affected_by_state=counts, affected_unknown_residence=unknown, delay=delay)


def by_key(obligations: list[Obligation]) -> dict[str, Obligation]:
    return {o.key: o for o in obligations}
