"""Notification clocks: from the rules data and an incident to obligations with due dates.

The rules are data (`resources/rules/notification_rules.toml`), never code: this module parses
the decoded file into `Rule`s (a broken rule is reported by key and skipped, the rest still
work) and `compute_obligations` applies them to an incident. Pure date arithmetic, no I/O.

How a rule becomes an obligation:

* **Applies?** `applies_when` compares a count with a threshold, and the operator is stored
  with it because the laws differ: HHS "500 or more" in *total* (`>= 500`), media "more than
  500 residents of a State" (`> 500`, one obligation per state), CO `>= 500`, CA `> 500`. A rule
  never applies when nobody is counted, except a `from_day_one` rule (the HIPAA individual
  notice, the business-associate notice): its duty runs from discovery whatever the count, so it
  shows while the counts are still unknown. A rule that `requires` a profile flag the
  organisation has not set, or whose `hipaa` field says HIPAA-compliant notice is deemed
  compliance (or the entity is exempt), is kept but marked *advisory* so the team sees it and can
  check it with counsel. `hipaa = "deadline_binds"` (Colorado, California from 2026) runs as a
  dated clock with a *caution* to verify with counsel.
* **Which version?** A key may appear several times, one version per period (`effective_from`,
  `effective_to` = the day the next version took over). The version in force on the incident's
  DISCOVERY date is used; the others are listed by `rules_not_in_force` ("superseded on ...",
  "in force only for breaches discovered from ...") so a team sees why a newer deadline is
  missing. `effective_from_exact = false` marks a date that is only the day a source verified
  the rule, not when it began: earlier discoveries still get it, with a caution.
* **Due when?** `due` counts calendar or business days (Mon-Fri; holidays are not known) from an
  anchor: `discovery`, `year_end` (31 Dec of the discovery year: the HHS annual log, due 1 March
  or 29 February in a leap year), `individual_notice` (the state's own individual notice, else the
  HIPAA one; its done date when done, else its due date) or `hhs_notice`. A list of anchors means
  "whichever comes first". No `due` means no fixed date ("without unreasonable delay").
* **Law-enforcement delay** pushes only the clocks whose law provides one
  (`law_enforcement_delay`): "hipaa" = 45 CFR 164.412 (an oral statement holds at most 30
  days), "state" = the state's own provision (`delay_note`; it has no 30-day oral limit, so the
  period the official gave is used), none = not delayed (the earlier date shows). It pushes
  clocks anchored on discovery or year end. `effect = "until_end"` (the shipped, conservative
  reading): the notice is due on the later of the normal due date and the day the delay ends,
  for a delay that began on or before the due date. `effect = "toll"`: the clock stops while
  the delay holds and the days left run after it.
  An oral delay ends 30 days after the statement unless a written one followed (see incidents).
* **Prompts** for the team, not notices: "counts unknown" while nobody is counted (the HHS and
  media thresholds cannot be decided; record an estimate), and "media notice may be due" when
  people of unknown residence could put a state over 500 residents (45 CFR 164.406).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from crisisdesk.domain.choices import E, choice_list
from crisisdesk.domain.filing_specs import FilingSpec, FilingSpecProblem, parse_filing_spec
from crisisdesk.domain.incidents import US_STATES, Incident, LawEnforcementDelay

FEDERAL = "US"


class Anchor(StrEnum):
    DISCOVERY = "discovery"
    YEAR_END = "year_end"
    INDIVIDUAL_NOTICE = "individual_notice"
    HHS_NOTICE = "hhs_notice"


class CountScope(StrEnum):
    TOTAL = "total"  # everyone affected
    STATE = "state"  # residents of the rule's own state
    EACH_STATE = "each_state"  # one obligation per state whose residents pass the threshold


class HipaaTreatment(StrEnum):
    APPLIES = "applies"  # applies to a HIPAA covered entity as well
    DEADLINE_BINDS = "deadline_binds"  # deemed compliance covers content at most: the date binds
    DEEMED_COMPLIANT = "deemed_compliant"  # HIPAA-compliant notice counts as compliance
    EXEMPT = "exempt"  # HIPAA covered entities are outside this law
    UNKNOWN = "unknown"  # sources disagree: treated as applying, flagged


class DelayEffect(StrEnum):
    UNTIL_END = "until_end"
    TOLL = "toll"


class DelayLaw(StrEnum):
    """Whose law-enforcement delay provision a clock follows."""

    HIPAA = "hipaa"  # 45 CFR 164.412: written period, or an oral statement for at most 30 days
    STATE = "state"  # the state's own provision, on its own terms (the rule's delay_note)
    NONE = "none"  # no delay provision recorded: the clock is not delayed


# Obligations that are prompts to the team rather than notices to anyone.
PROMPT_AUDIENCE = "desk"
COUNTS_UNKNOWN_KEY = "counts_unknown"
MEDIA_POSSIBLE_KEY = "media_possible"


_OPS: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}
_OP_WORDS = {">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most"}


@dataclass(frozen=True)
class Threshold:
    scope: CountScope
    op: str
    value: int

    def passes(self, count: int) -> bool:
        return count >= 1 and _OPS[self.op](count, self.value)

    def describe(self, jurisdiction: str) -> str:
        if self.op == ">=" and self.value <= 1:
            state = US_STATES.get(jurisdiction, jurisdiction)
            return {CountScope.TOTAL: "anyone affected",
                    CountScope.STATE: f"any resident of {state}",
                    CountScope.EACH_STATE: "any state's residents"}[self.scope]
        who = {CountScope.TOTAL: "people affected in total",
               CountScope.STATE: f"residents of {jurisdiction}",
               CountScope.EACH_STATE: "residents of one state"}[self.scope]
        return f"{_OP_WORDS[self.op]} {self.value:,} {who}"


ANY_AFFECTED = Threshold(CountScope.TOTAL, ">=", 1)
ANY_RESIDENT = Threshold(CountScope.STATE, ">=", 1)


@dataclass(frozen=True)
class DueRule:
    anchor: Anchor
    days: int
    business_days: bool = False

    def describe(self) -> str:
        unit = "business days" if self.business_days else "days"
        what = {Anchor.DISCOVERY: "discovery", Anchor.YEAR_END: "the end of the calendar year",
                Anchor.INDIVIDUAL_NOTICE: "the notice to individuals",
                Anchor.HHS_NOTICE: "the notice to HHS"}[self.anchor]
        if self.days == 0:
            return f"no later than {what}"
        return f"{self.days} {unit} after {what}"


@dataclass(frozen=True)
class Rule:
    key: str
    jurisdiction: str  # "US" or a state code
    audience: str  # individuals, media, hhs, regulator, ...
    title: str
    citation: str
    timing: str  # the rule's own words for when, shown on the sheet
    due: tuple[DueRule, ...]  # empty: no fixed date; several: whichever comes first
    applies_when: Threshold = ANY_AFFECTED
    law_enforcement_delay: DelayLaw = DelayLaw.HIPAA
    hipaa: HipaaTreatment = HipaaTreatment.APPLIES
    effective_from: dt.date | None = None
    requires: str = ""
    clock_starts: str = "discovery"
    note: str = ""
    source: str = ""
    confidence: str = ""
    effective_to: dt.date | None = None  # the day the next version took over (not included)
    effective_from_exact: bool = True  # False: only the day a source found it in force
    delay_note: str = ""  # the state's own delay provision, in words
    from_day_one: bool = False  # runs from discovery even before anyone is counted
    filing: FilingSpec | None = None  # to whom and with what content (see filing_specs)

    def in_force(self, day: dt.date) -> bool:
        """Whether this version governs a breach discovered on `day`."""
        if self.effective_to is not None and day >= self.effective_to:
            return False
        return not (self.effective_from_exact and self.effective_from is not None
                    and day < self.effective_from)

    def period(self) -> str:
        """'from 2026-01-01', 'until 2025-12-31', 'from 2020-01-01 until 2023-08-31'."""
        parts = []
        if self.effective_from is not None:
            parts.append(f"from {self.effective_from.isoformat()}")
        if self.effective_to is not None:
            last = self.effective_to - dt.timedelta(days=1)
            parts.append(f"until {last.isoformat()}")
        return " ".join(parts) or "no dates recorded"


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    problems: tuple[str, ...] = ()
    last_reviewed: dt.date | None = None
    verify_note: str = ""
    delay_effect: DelayEffect = DelayEffect.UNTIL_END
    delay_note: str = ""
    flags: Mapping[str, str] = field(default_factory=dict)  # profile flag -> what it means

    def rule(self, key: str, on: dt.date | None = None) -> Rule | None:
        """The version of `key` in force for a discovery on `on` (any: the first listed)."""
        return next((r for r in self.rules if r.key == key
                     and (on is None or r.in_force(on))), None)

    def versions(self, key: str) -> list[Rule]:
        return sorted((r for r in self.rules if r.key == key),
                      key=lambda r: r.effective_from or dt.date.min)


@dataclass(frozen=True)
class Completion:
    """An obligation marked done: when the notice went out, and the proof (portal id, letter)."""

    done_on: dt.date
    reference: str = ""
    note: str = ""
    recorded_by: str = ""
    recorded_at: str = ""


@dataclass(frozen=True)
class OutOfForce:
    """A version of a rule that does not govern this incident's discovery date."""

    rule: Rule
    reason: str  # "superseded on 2026-01-01 ...", "in force only for breaches discovered from"


@dataclass(frozen=True)
class Obligation:
    key: str  # the rule key, plus ".<STATE>" for per-state obligations
    rule: Rule
    jurisdiction: str
    count: int  # the count the threshold was tested on
    nominal_due: dt.date | None  # before any law-enforcement delay
    due: dt.date | None
    basis: tuple[str, ...]  # how the due date was reached, in words
    advisory: str = ""  # why this is shown for checking rather than as a running clock
    done: Completion | None = None
    caution: str = ""  # a running clock the source is less sure of: verify with counsel
    delay_applied: str = ""  # which law-enforcement delay moved (or did not move) this clock

    @property
    def is_prompt(self) -> bool:
        """A reminder to the team (counts unknown, media may be due), not a notice to send."""
        return self.rule.audience == PROMPT_AUDIENCE

    @property
    def title(self) -> str:
        return self.rule.title if self.jurisdiction == self.rule.jurisdiction else (
            f"{self.rule.title} ({US_STATES.get(self.jurisdiction, self.jurisdiction)})")

    @property
    def delayed(self) -> bool:
        return self.due != self.nominal_due

    def days_left(self, today: dt.date) -> int | None:
        return None if self.due is None else (self.due - today).days

    def state(self, today: dt.date) -> str:
        """done, advisory, no_date, overdue, due_today or open."""
        if self.done is not None:
            return "done"
        if self.advisory:
            return "advisory"
        left = self.days_left(today)
        if left is None:
            return "no_date"
        if left < 0:
            return "overdue"
        return "due_today" if left == 0 else "open"


# --- rule parsing -------------------------------------------------------------------------


class RuleProblem(Exception):
    pass


_RULE_FIELDS = {"key", "jurisdiction", "audience", "title", "citation", "timing", "due",
                "applies_when", "law_enforcement_delay", "hipaa", "effective_from", "requires",
                "clock_starts", "note", "source", "confidence", "effective_to",
                "effective_from_exact", "delay_note", "from_day_one", "filing"}


def _text(data: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise RuleProblem(f"'{name}' must be text")
    if required and not value.strip():
        raise RuleProblem(f"'{name}' is missing")
    return value.strip()


def _date(value: object, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RuleProblem(f"'{name}' must be a date like 2026-01-01, not {value!r}")


def _member(enum: type[E], raw: object, name: str) -> E:
    """The member spelled exactly `raw`: rule files are reviewed text, so no loose spellings."""
    try:
        return enum(str(raw))
    except ValueError:
        raise RuleProblem(f"'{name}' must be one of {choice_list(enum)}, not {raw!r}") from None


def _due_one(item: object) -> DueRule:
    if not isinstance(item, Mapping):
        raise RuleProblem("'due' must be a table like { from = \"discovery\", days = 60 }")
    unknown = set(item) - {"from", "days", "unit"}
    if unknown:
        raise RuleProblem(f"'due' has unknown field {sorted(unknown)[0]!r}")
    anchor = _member(Anchor, item.get("from", ""), "due.from")
    days = item.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise RuleProblem(f"'due.days' must be a whole number of days, not {days!r}")
    unit = item.get("unit", "calendar")
    if unit not in ("calendar", "business"):
        raise RuleProblem(f"'due.unit' must be calendar or business, not {unit!r}")
    return DueRule(anchor, days, unit == "business")


def _threshold(value: object) -> Threshold:
    if not isinstance(value, Mapping):
        raise RuleProblem("'applies_when' must be a table like { count = \"total\", op = \">=\", "
                          "value = 500 }")
    unknown = set(value) - {"count", "op", "value"}
    if unknown:
        raise RuleProblem(f"'applies_when' has unknown field {sorted(unknown)[0]!r}")
    scope = _member(CountScope, value.get("count", ""), "applies_when.count")
    op = value.get("op")
    if op not in _OPS:
        raise RuleProblem(f"'applies_when.op' must be one of {', '.join(_OPS)}, not {op!r}")
    number = value.get("value")
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise RuleProblem(f"'applies_when.value' must be a whole number, not {number!r}")
    return Threshold(scope, str(op), number)


def parse_rule(data: Mapping[str, Any]) -> Rule:
    unknown = set(data) - _RULE_FIELDS
    if unknown:
        raise RuleProblem(f"unknown field {sorted(unknown)[0]!r}")
    key = _text(data, "key")
    jurisdiction = _text(data, "jurisdiction").upper()
    if jurisdiction != FEDERAL and jurisdiction not in US_STATES:
        raise RuleProblem(f"'jurisdiction' must be US or a state code, not {jurisdiction!r}")
    raw_due = data.get("due", [])
    due_items = raw_due if isinstance(raw_due, list) else [raw_due]
    due = tuple(_due_one(item) for item in due_items)
    if "applies_when" in data:
        applies = _threshold(data["applies_when"])
    else:  # anyone affected: in total for a federal rule, among the state's residents otherwise
        applies = ANY_AFFECTED if jurisdiction == FEDERAL else ANY_RESIDENT
    if applies.scope is CountScope.STATE and jurisdiction == FEDERAL:
        raise RuleProblem("a federal rule cannot count residents of its own state; "
                          "use count = \"total\" or \"each_state\"")
    delay_note = _text(data, "delay_note", required=False)
    raw_delay = data.get("law_enforcement_delay")
    if raw_delay is True and jurisdiction != FEDERAL and not delay_note:
        raw_delay = False  # an older file's `true` without the state's terms: not delayed
    delay = _delay_law(raw_delay, jurisdiction)
    if delay is DelayLaw.STATE and not delay_note:
        raise RuleProblem("law_enforcement_delay = \"state\" needs a 'delay_note' giving the "
                          "state's own terms")
    flags = {name: data.get(name, default) for name, default in
             (("effective_from_exact", True), ("from_day_one", False))}
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise RuleProblem(f"'{name}' must be true or false")
    hipaa = _member(HipaaTreatment, data.get("hipaa", "applies"), "hipaa")
    effective = data.get("effective_from")
    effective_from = _date(effective, "effective_from") if effective is not None else None
    ends = data.get("effective_to")
    effective_to = _date(ends, "effective_to") if ends is not None else None
    if effective_from and effective_to and effective_to <= effective_from:
        raise RuleProblem("'effective_to' must be after 'effective_from'")
    try:
        filing = parse_filing_spec(data["filing"]) if "filing" in data else None
    except FilingSpecProblem as exc:
        raise RuleProblem(str(exc)) from None
    return Rule(
        key=key, jurisdiction=jurisdiction, audience=_text(data, "audience"),
        title=_text(data, "title"), citation=_text(data, "citation"),
        timing=_text(data, "timing"), due=due, applies_when=applies,
        law_enforcement_delay=delay, hipaa=hipaa, effective_from=effective_from,
        requires=_text(data, "requires", required=False),
        clock_starts=_text(data, "clock_starts", required=False) or "discovery",
        note=_text(data, "note", required=False), source=_text(data, "source", required=False),
        confidence=_text(data, "confidence", required=False), effective_to=effective_to,
        effective_from_exact=bool(flags["effective_from_exact"]), delay_note=delay_note,
        from_day_one=bool(flags["from_day_one"]), filing=filing,
    )


def _delay_law(value: object, jurisdiction: str) -> DelayLaw:
    """"hipaa", "state" or false; absent: HIPAA's for a federal rule, none for a state rule (a
    state clock is delayed only when its own law says so). `true` (older files) means the
    rule's own law: HIPAA for a federal rule, the state's provision for a state one (the caller
    reads it as false when the state's terms are not given)."""
    if value is None:
        return DelayLaw.HIPAA if jurisdiction == FEDERAL else DelayLaw.NONE
    if value is False:
        return DelayLaw.NONE
    if value is True:
        return DelayLaw.HIPAA if jurisdiction == FEDERAL else DelayLaw.STATE
    if value in (DelayLaw.HIPAA.value, DelayLaw.STATE.value):
        law = DelayLaw(str(value))
        if law is DelayLaw.STATE and jurisdiction == FEDERAL:
            raise RuleProblem("a federal rule's delay is \"hipaa\", not \"state\"")
        return law
    raise RuleProblem(f"'law_enforcement_delay' must be \"hipaa\", \"state\" or false, "
                      f"not {value!r}")


def parse_rules(data: Mapping[str, Any]) -> RuleSet:
    """Rules from the decoded rules file. Broken rules are skipped and named in `problems`."""
    problems: list[str] = []
    last_reviewed: dt.date | None = None
    try:
        last_reviewed = _date(data.get("last_reviewed"), "last_reviewed")
    except RuleProblem as exc:
        problems.append(f"file header: {exc}")
    verify_note = data.get("verify_note", "")
    if not isinstance(verify_note, str) or not verify_note.strip():
        problems.append("file header: 'verify_note' is missing")
        verify_note = "Verify every deadline with counsel before relying on it."
    delay_cfg = data.get("law_enforcement_delay", {})
    effect = DelayEffect.UNTIL_END
    delay_note = ""
    if isinstance(delay_cfg, Mapping):
        try:
            effect = DelayEffect(str(delay_cfg.get("effect", "until_end")))
        except ValueError:
            problems.append("law_enforcement_delay: 'effect' must be until_end or toll; "
                            "using until_end")
        delay_note = str(delay_cfg.get("note", ""))
    flags_cfg = data.get("flags", {})
    flags = {str(k): str(v) for k, v in flags_cfg.items()} if isinstance(flags_cfg,
                                                                         Mapping) else {}
    rules: list[Rule] = []
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list):
        problems.append("'rule' must be a list of [[rule]] tables")
        raw_rules = []
    for index, raw in enumerate(raw_rules, start=1):
        name = f"rule #{index}"
        if isinstance(raw, Mapping) and isinstance(raw.get("key"), str) and raw["key"].strip():
            name = f"rule {raw['key'].strip()!r}"
        if not isinstance(raw, Mapping):
            problems.append(f"{name}: not a table")
            continue
        try:
            rule = parse_rule(raw)
        except RuleProblem as exc:
            problems.append(f"{name}: {exc}")
            continue
        except (KeyError, TypeError, ValueError) as exc:  # defensive: never crash on data
            problems.append(f"{name}: {exc}")
            continue
        clash = next((r for r in rules if r.key == rule.key and _overlap(r, rule)), None)
        if clash is not None:
            problems.append(f"{name}: the key is used twice for the same period "
                            f"({clash.period()}); the second one is ignored (give each version "
                            "its effective_from / effective_to)")
            continue
        if rule.requires and rule.requires not in flags:
            problems.append(f"{name}: 'requires' names unknown flag {rule.requires!r}")
        rules.append(rule)
    return RuleSet(tuple(rules), tuple(problems), last_reviewed, verify_note.strip(), effect,
                   delay_note.strip(), flags)


def _overlap(a: Rule, b: Rule) -> bool:
    """Whether two versions of a key claim a common discovery date."""
    a_from, b_from = a.effective_from or dt.date.min, b.effective_from or dt.date.min
    a_to, b_to = a.effective_to or dt.date.max, b.effective_to or dt.date.max
    return a_from < b_to and b_from < a_to


# --- date arithmetic ----------------------------------------------------------------------


def add_business_days(start: dt.date, days: int) -> dt.date:
    """`days` weekdays after `start` (Saturdays and Sundays skipped; holidays are not known)."""
    current = start
    left = days
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def _add(start: dt.date, rule: DueRule) -> dt.date:
    if rule.business_days:
        return add_business_days(start, rule.days)
    return start + dt.timedelta(days=rule.days)


def year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


def apply_delay(start: dt.date, nominal: dt.date, delay_from: dt.date, delay_until: dt.date,
                effect: DelayEffect) -> dt.date:
    """The due date after a law-enforcement delay held from `delay_from` to `delay_until`."""
    if delay_from > nominal:  # asked too late to matter for this clock
        return nominal
    if effect is DelayEffect.UNTIL_END:
        return max(nominal, delay_until)
    if delay_until <= start:
        return nominal
    remaining = nominal - max(delay_from, start)
    return max(delay_until, start) + remaining


# --- the engine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    incident: Incident
    rules: RuleSet
    done: Mapping[str, Completion]
    flags: frozenset[str]


def _advisory(rule: Rule, ctx: _Context) -> str:
    if rule.requires and rule.requires not in ctx.flags:
        meaning = ctx.rules.flags.get(rule.requires, rule.requires)
        return f"applies only if {meaning}"
    if rule.hipaa is HipaaTreatment.EXEMPT:
        return "HIPAA covered entities are exempt (per source); verify with counsel"
    if rule.hipaa is HipaaTreatment.DEEMED_COMPLIANT:
        return ("a HIPAA-compliant notice is deemed compliance (per source); "
                "verify with counsel")
    return ""


def _caution(rule: Rule, ctx: _Context) -> str:
    """Why a running clock still needs counsel's eye (kept beside its date, never instead)."""
    found = []
    if rule.hipaa is HipaaTreatment.DEADLINE_BINDS:
        found.append("binds a HIPAA covered entity too: a HIPAA-compliant notice does not "
                     "replace this deadline (per source); verify with counsel")
    elif rule.hipaa is HipaaTreatment.UNKNOWN:
        found.append("sources disagree whether this binds a HIPAA covered entity: shown as a "
                     "clock to be safe; verify with counsel")
    discovered = ctx.incident.discovered_on
    if (not rule.effective_from_exact and rule.effective_from is not None
            and discovered < rule.effective_from):
        found.append(f"this version is only known in force from "
                     f"{rule.effective_from.isoformat()} (when a source checked it); for a "
                     f"breach discovered on {discovered.isoformat()} check the law then in "
                     "force with counsel")
    return "; ".join(found)


def _anchor_date(anchor: Anchor, jurisdiction: str, ctx: _Context,
                 computed: list[Obligation]) -> tuple[dt.date | None, str]:
    incident = ctx.incident
    if anchor is Anchor.DISCOVERY:
        return incident.discovered_on, f"discovery on {incident.discovered_on.isoformat()}"
    if anchor is Anchor.YEAR_END:
        end = year_end(incident.discovered_on)
        return end, f"the end of {end.year}"
    if anchor is Anchor.INDIVIDUAL_NOTICE:
        running = [o for o in computed if o.rule.audience == "individuals" and not o.advisory]
        found = next((o for o in running if o.jurisdiction == jurisdiction), None)
        found = found or next((o for o in running if o.jurisdiction == FEDERAL), None)
        label = "the notice to individuals"
    else:
        found = next((o for o in computed if o.rule.audience == "hhs" and not o.advisory), None)
        label = "the notice to HHS"
    if found is None:
        return None, label
    if found.done is not None:
        return found.done.done_on, f"{label}, sent {found.done.done_on.isoformat()}"
    if found.due is None:
        return None, label
    return found.due, f"{label}, due {found.due.isoformat()}"


def _delay_end(rule: Rule, delay: LawEnforcementDelay) -> tuple[dt.date, str] | None:
    """When the recorded delay ends for this clock, under the law the clock follows."""
    if rule.law_enforcement_delay is DelayLaw.HIPAA:
        return delay.ends_on, f"the {delay.describe()} (45 CFR 164.412)"
    if rule.law_enforcement_delay is DelayLaw.STATE:
        # The state's own provision has no 30-day limit on an oral request: the period the
        # official gave holds; with none given, the HIPAA end is the only date we have.
        end = delay.until or delay.ends_on
        return end, (f"the law-enforcement delay from {delay.starts_on.isoformat()} until "
                     f"{end.isoformat()} under this state's own provision ({rule.delay_note})")
    return None


def _compute(rule: Rule, jurisdiction: str, count: int, ctx: _Context,
             computed: list[Obligation]) -> Obligation:
    key = rule.key if jurisdiction == rule.jurisdiction else f"{rule.key}.{jurisdiction}"
    candidates: list[tuple[dt.date, dt.date, list[str]]] = []
    delay = ctx.incident.delay
    delay_applied = ""
    for due_rule in rule.due:
        start, label = _anchor_date(due_rule.anchor, jurisdiction, ctx, computed)
        if start is None:
            continue
        nominal = _add(start, due_rule)
        due = nominal
        basis = [f"{due_rule.describe()}: {label} -> {nominal.isoformat()}"]
        if delay is not None and due_rule.anchor in (Anchor.DISCOVERY, Anchor.YEAR_END):
            delay_applied = rule.law_enforcement_delay.value
            ending = _delay_end(rule, delay)
            if ending is None:
                if delay.starts_on <= nominal:
                    basis.append("not delayed: no law-enforcement delay provision is recorded "
                                 "for this law (the 45 CFR 164.412 delay covers HIPAA notices "
                                 "only)")
            else:
                due = apply_delay(start, nominal, delay.starts_on, ending[0],
                                  ctx.rules.delay_effect)
                if due != nominal:
                    basis.append(f"pushed to {due.isoformat()} by {ending[1]}")
        candidates.append((due, nominal, basis))
    if candidates:
        due, nominal, basis = min(candidates, key=lambda c: c[0])
        if len(candidates) > 1:
            basis = [*basis, "whichever comes first"]
        due_date: dt.date | None = due
        nominal_date: dt.date | None = nominal
    else:
        due_date = nominal_date = None
        basis = [rule.timing or "no fixed deadline"]
    return Obligation(key=key, rule=rule, jurisdiction=jurisdiction, count=count,
                      nominal_due=nominal_date, due=due_date, basis=tuple(basis),
                      advisory=_advisory(rule, ctx), done=ctx.done.get(key),
                      caution=_caution(rule, ctx), delay_applied=delay_applied)


def _needs_others(rule: Rule) -> bool:
    return any(d.anchor in (Anchor.INDIVIDUAL_NOTICE, Anchor.HHS_NOTICE) for d in rule.due)


def _passes_somewhere(rule: Rule, incident: Incident) -> bool:
    threshold = rule.applies_when
    if threshold.scope is CountScope.EACH_STATE:
        return any(threshold.passes(n) for n in incident.affected_by_state.values())
    if threshold.scope is CountScope.STATE:
        return threshold.passes(incident.residents(rule.jurisdiction))
    return threshold.passes(incident.total_affected)


def compute_obligations(rules: RuleSet, incident: Incident,
                        done: Mapping[str, Completion] | None = None,
                        flags: Iterable[str] = ()) -> list[Obligation]:
    """Every obligation the incident triggers, running clocks first by due date.

    Only the rule versions in force on the DISCOVERY date count (`rules_not_in_force` lists the
    others). `done` maps obligation keys to completions; `flags` are the organisation's profile
    flags (e.g. "ca_licensed_health_facility") that make conditional rules apply. With nobody
    counted yet, the `from_day_one` clocks run and a "counts unknown" prompt asks for an
    estimate.
    """
    ctx = _Context(incident, rules, done or {}, frozenset(flags))
    computed: list[Obligation] = []
    in_force = [r for r in rules.rules if r.in_force(incident.discovered_on)]
    ordered = sorted(in_force, key=_needs_others)  # anchors first, dependants after
    counted = incident.total_affected > 0
    for rule in ordered:
        threshold = rule.applies_when
        if not counted:
            if rule.from_day_one:
                computed.append(_compute(rule, rule.jurisdiction, 0, ctx, computed))
            continue
        if threshold.scope is CountScope.EACH_STATE:
            for state, count in sorted(incident.affected_by_state.items()):
                if threshold.passes(count):
                    computed.append(_compute(rule, state, count, ctx, computed))
            continue
        if threshold.scope is CountScope.STATE:
            count = incident.residents(rule.jurisdiction)
        else:
            count = incident.total_affected
        if threshold.passes(count):
            computed.append(_compute(rule, rule.jurisdiction, count, ctx, computed))
    if rules.rules:
        computed.extend(_prompts(incident, ctx, computed))
    return sort_obligations(computed)


def _prompt_rule(key: str, title: str, citation: str, timing: str, note: str) -> Rule:
    return Rule(key=key, jurisdiction=FEDERAL, audience=PROMPT_AUDIENCE, title=title,
                citation=citation, timing=timing, due=(DueRule(Anchor.DISCOVERY, 60),),
                note=note, confidence="V")


COUNTS_UNKNOWN_RULE = _prompt_rule(
    COUNTS_UNKNOWN_KEY, "Counts unknown: HHS and media thresholds undecided — record an estimate",
    "45 CFR 164.406, 164.408(b)",
    "HHS with the individual notice if 500 or more in total; media if more than 500 residents "
    "of one state; both no later than 60 days after discovery",
    "Record how many people are affected by state (an estimate is fine: HHS accepts an "
    "estimate and a later addendum). Until then these two notices cannot be decided.")

MEDIA_POSSIBLE_RULE = _prompt_rule(
    MEDIA_POSSIBLE_KEY, "Media notice may be due: people of unknown residence",
    "45 CFR 164.406",
    "more than 500 residents of a State: prominent media outlets, no later than 60 days after "
    "discovery",
    "Find out where the people of unknown residence live: if more than 500 residents of one "
    "state are affected, the media notice for that state is due.")


def media_possible_states(incident: Incident) -> list[str]:
    """States not yet over 500 residents that the unknown-residence count could put over."""
    unknown = incident.affected_unknown_residence
    return [state for state, n in sorted(incident.affected_by_state.items())
            if n <= 500 < n + unknown]


def _prompts(incident: Incident, ctx: _Context, computed: list[Obligation]) -> list[Obligation]:
    found = []
    if incident.total_affected == 0:
        prompt = _compute(COUNTS_UNKNOWN_RULE, FEDERAL, 0, ctx, computed)
        found.append(dataclasses.replace(prompt, basis=(
            *prompt.basis, "no affected counts recorded yet")))
    unknown = incident.affected_unknown_residence
    states = media_possible_states(incident)
    if unknown > 500 or states:
        prompt = _compute(MEDIA_POSSIBLE_RULE, FEDERAL, unknown, ctx, computed)
        where = (", ".join(f"{s} ({incident.residents(s):,} known)" for s in states)
                 if states else "any one state")
        found.append(dataclasses.replace(prompt, basis=(
            f"{unknown:,} people of unknown residence could put {where} over 500 residents",
            *prompt.basis)))
    return found


def rules_not_in_force(rules: RuleSet, incident: Incident) -> list[OutOfForce]:
    """Versions that do not govern this discovery date but would otherwise concern the
    incident (its states, federal rules): superseded ones and ones that began later."""
    discovered = incident.discovered_on
    found = []
    for rule in rules.rules:
        if rule.in_force(discovered):
            continue
        involved = rule.jurisdiction == FEDERAL or incident.residents(rule.jurisdiction) > 0
        if not involved or (incident.total_affected > 0
                            and not _passes_somewhere(rule, incident)):
            continue
        if rule.effective_to is not None and discovered >= rule.effective_to:
            reason = (f"superseded on {rule.effective_to.isoformat()}: applied to breaches "
                      "discovered before then")
        else:
            start = rule.effective_from.isoformat() if rule.effective_from else "?"
            reason = f"in force only for breaches discovered from {start}"
        found.append(OutOfForce(rule, reason))
    return found


def delay_summary(obligations: Iterable[Obligation]) -> list[str]:
    """Which law-enforcement delay applied to which clock, one line per kind, for the views."""
    groups: dict[str, list[str]] = {}
    for o in obligations:
        if o.delay_applied and not o.advisory and not o.is_prompt:
            groups.setdefault(o.delay_applied, []).append(o.title)
    words = {DelayLaw.HIPAA.value: "HIPAA delay (45 CFR 164.412; an oral request holds at "
                                   "most 30 days)",
             DelayLaw.STATE.value: "the state's own delay provision",
             DelayLaw.NONE.value: "not delayed (no delay provision recorded for the law)"}
    return [f"{words[law]}: {'; '.join(titles)}" for law, titles in groups.items()]


def sort_obligations(obligations: Iterable[Obligation]) -> list[Obligation]:
    def key(o: Obligation) -> tuple[int, dt.date, bool, str, str]:
        group = 2 if o.advisory else (1 if o.done else 0)
        return (group, o.due or dt.date.max, o.jurisdiction != FEDERAL, o.jurisdiction, o.key)
    return sorted(obligations, key=key)


def next_due(obligations: Iterable[Obligation], today: dt.date) -> Obligation | None:
    """The running obligation due soonest (overdue ones first): what the dashboard leads with."""
    running = [o for o in obligations if o.state(today) in ("open", "due_today", "overdue")]
    # a notice before a reminder due the same day: the notice is what the law asks for
    return min(running, key=lambda o: (o.due or dt.date.max, o.is_prompt), default=None)
