"""The law as it stood on the discovery day, and the clocks that run from day one.

Table-driven over the shipped rules file: which version of a rule governs a discovery date
(California's 15-day Attorney General deadline exists only from 2026-01-01), state deadlines
that bind a HIPAA covered entity given as dates with the counsel caution, the individual and
business-associate clocks before anyone is counted, law-enforcement delays that move only the
clocks whose law provides them, and the media warning for people of unknown residence.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from crisisdesk.domain.clocks import (
    COUNTS_UNKNOWN_KEY,
    MEDIA_POSSIBLE_KEY,
    DelayLaw,
    Obligation,
    compute_obligations,
    delay_summary,
    next_due,
    parse_rules,
    rules_not_in_force,
)
from crisisdesk.domain.incidents import DelayForm, LawEnforcementDelay, validate_delay
from tests.support.rules import RULES, by_key, incident

D = dt.date


# --- the version in force on the discovery date ------------------------------------------------

CALIFORNIA_CASES = [
    # discovered, CA residents, AG due, CA individuals due (None: no date), not-in-force note
    (D(2025, 6, 1), 800, None, None, "in force only for breaches discovered from 2026-01-01"),
    (D(2025, 12, 31), 800, None, None, "in force only for breaches discovered from 2026-01-01"),
    # 30 days to residents (2026-03-03), then the AG sample copy 15 days after it
    (D(2026, 2, 1), 800, D(2026, 3, 18), D(2026, 3, 3), "superseded on 2026-01-01"),
    (D(2026, 1, 1), 800, D(2026, 2, 15), D(2026, 1, 31), "superseded on 2026-01-01"),
]


@pytest.mark.parametrize(("discovered", "residents", "ag_due", "individuals_due", "note"),
                         CALIFORNIA_CASES)
def test_california_deadlines_follow_the_discovery_date(
        discovered: dt.date, residents: int, ag_due: dt.date | None,
        individuals_due: dt.date | None, note: str) -> None:
    inc = incident(discovered, {"CA": residents})
    found = by_key(compute_obligations(RULES, inc))
    ag = found["state.CA.ag"]  # the sample copy itself was required before 2026 as well
    assert ag.due == ag_due
    assert ag.rule.in_force(discovered)
    people = found["state.CA.individuals"]
    assert people.due == individuals_due
    if individuals_due is None:  # "most expedient time": no date, HIPAA-deemed advisory
        assert people.advisory
        assert "15 calendar days" not in ag.rule.timing
    else:  # a dated clock for a HIPAA covered entity, the counsel note kept beside it
        assert not people.advisory
        assert "verify with counsel" in people.caution
        assert people.state(discovered) == "open"
    shown = [o for o in rules_not_in_force(RULES, inc) if o.rule.key == "state.CA.ag"]
    assert len(shown) == 1
    assert note in shown[0].reason


def test_superseded_versions_stay_in_the_file_one_per_period() -> None:
    versions = RULES.versions("state.CA.ag")
    assert [(v.effective_from, v.effective_to) for v in versions] == [
        (D(2012, 1, 1), D(2026, 1, 1)), (D(2026, 1, 1), None)]
    assert RULES.rule("state.CA.ag", D(2025, 6, 1)) is versions[0]
    assert RULES.rule("state.CA.ag", D(2026, 2, 1)) is versions[1]
    for rule in RULES.rules:  # each version cites its law and says how sure the file is
        assert rule.citation, rule.key
        assert rule.confidence in ("V", "S", "U"), rule.key
        assert rule.effective_from or rule.effective_to, rule.key


def test_overlapping_versions_of_one_key_are_refused_by_name() -> None:
    head = 'last_reviewed = 2026-12-01\nverify_note = "Verify with counsel."\n'
    rule = ('[[rule]]\nkey = "x"\njurisdiction = "US"\naudience = "hhs"\ntitle = "X"\n'
            'citation = "c"\ntiming = "t"\n')
    rules = parse_rules(tomllib.loads(
        head + rule + "effective_to = 2026-01-01\n" + rule + "effective_from = 2026-01-01\n"
        + rule + "effective_from = 2025-06-01\n"))
    assert len(rules.versions("x")) == 2
    assert len(rules.problems) == 1
    assert "'x'" in rules.problems[0]
    assert "same period" in rules.problems[0]


# --- state deadlines that bind a HIPAA covered entity give dates -----------------------------

BINDING_CASES = [
    # discovered, counts, key, due, extra words in the caution
    (D(2026, 3, 2), {"CO": 20}, "state.CO.individuals", D(2026, 4, 1), "HIPAA covered entity"),
    (D(2026, 3, 2), {"CA": 20}, "state.CA.individuals", D(2026, 4, 1), "HIPAA covered entity"),
    # a discovery before the dataset checked the rule: still dated, with a second caution
    (D(2025, 6, 1), {"CO": 20}, "state.CO.individuals", D(2025, 7, 1), "check the law then"),
    (D(2026, 3, 2), {"FL": 20}, "state.FL.individuals", D(2026, 4, 1), "sources disagree"),
]


@pytest.mark.parametrize(("discovered", "counts", "key", "due", "words"), BINDING_CASES)
def test_state_deadlines_binding_hipaa_entities_are_dated_with_the_counsel_note(
        discovered: dt.date, counts: dict[str, int], key: str, due: dt.date,
        words: str) -> None:
    found = by_key(compute_obligations(RULES, incident(discovered, counts)))[key]
    assert found.due == due
    assert not found.advisory
    assert found.state(discovered) == "open"
    assert "verify with counsel" in found.caution or "with counsel" in found.caution
    assert words in found.caution


# --- clocks from day one ----------------------------------------------------------------------

DAY_ONE_CASES = [
    # counts, unknown residence, flags, expected keys (running), absent keys
    ({}, 0, set(), {"hipaa.individuals", COUNTS_UNKNOWN_KEY}, {"hipaa.hhs", "hipaa.hhs_annual"}),
    ({}, 0, {"business_associate"},
     {"hipaa.individuals", "hipaa.business_associate", COUNTS_UNKNOWN_KEY}, {"hipaa.hhs"}),
    ({"GA": 12}, 0, set(), {"hipaa.individuals", "hipaa.hhs_annual"}, {COUNTS_UNKNOWN_KEY}),
]


@pytest.mark.parametrize(("counts", "unknown", "flags", "running", "absent"), DAY_ONE_CASES)
def test_clocks_run_from_discovery_before_anyone_is_counted(
        counts: dict[str, int], unknown: int, flags: set[str], running: set[str],
        absent: set[str]) -> None:
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), counts, unknown=unknown),
                                       flags=flags))
    live = {k for k, o in found.items() if not o.advisory}
    assert running <= live
    assert not absent & set(found)
    assert found["hipaa.individuals"].due == D(2026, 5, 1)
    soonest = next_due(found.values(), D(2026, 3, 3))
    assert soonest is not None
    assert not soonest.is_prompt
    if COUNTS_UNKNOWN_KEY in running:
        prompt = found[COUNTS_UNKNOWN_KEY]
        assert prompt.is_prompt
        assert prompt.due == D(2026, 5, 1)
        assert "estimate" in prompt.title
        assert "HHS and media" in prompt.title


def test_business_associate_clock_is_advisory_without_the_profile_flag() -> None:
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), {})))
    ba = found["hipaa.business_associate"]
    assert ba.advisory.startswith("applies only if")
    assert ba.rule.citation == "45 CFR 164.410"


# --- each law-enforcement delay moves only the clocks whose law provides it --------------------


def oral(starts: dt.date, until: dt.date | None = None) -> LawEnforcementDelay:
    return validate_delay(LawEnforcementDelay("Det. Ana Ruiz", "FBI Denver", DelayForm.ORAL,
                                              starts, until), D(2026, 11, 25))


DELAY_CASES = [
    # delay, key, due, which delay applied
    (None, "hipaa.individuals", D(2026, 5, 1), ""),
    (None, "state.CO.individuals", D(2026, 4, 1), ""),
    # oral on 03-20: the HIPAA clocks hold until 04-19 at most (30 days), well before 05-01
    (oral(D(2026, 3, 20)), "hipaa.individuals", D(2026, 5, 1), DelayLaw.HIPAA),
    # oral on 04-15: HIPAA clocks to 05-15 (30 days from the statement) ...
    (oral(D(2026, 4, 15), D(2026, 7, 1)), "hipaa.individuals", D(2026, 5, 15), DelayLaw.HIPAA),
    (oral(D(2026, 4, 15), D(2026, 7, 1)), "hipaa.hhs", D(2026, 5, 15), DelayLaw.HIPAA),
    # ... Colorado's clock has no delay provision recorded: not moved by a delay that spans it
    (oral(D(2026, 3, 20), D(2026, 7, 1)), "state.CO.individuals", D(2026, 4, 1), DelayLaw.NONE),
    (oral(D(2026, 3, 20), D(2026, 7, 1)), "state.CO.ag", D(2026, 4, 1), DelayLaw.NONE),
    # California's own provision has no 30-day oral limit: the period asked for holds
    (oral(D(2026, 3, 20), D(2026, 7, 1)), "state.CA.individuals", D(2026, 7, 1),
     DelayLaw.STATE),
]


@pytest.mark.parametrize(("delay", "key", "due", "law"), DELAY_CASES)
def test_an_oral_delay_moves_only_the_clocks_whose_law_provides_it(
        delay: LawEnforcementDelay | None, key: str, due: dt.date, law: str) -> None:
    inc = incident(D(2026, 3, 2), {"CO": 600, "CA": 20}, delay)
    found = by_key(compute_obligations(RULES, inc))
    assert found[key].due == due
    assert found[key].delay_applied == law
    if law == DelayLaw.NONE:
        assert any("not delayed" in b for b in found[key].basis)


def test_the_views_are_told_which_delay_applied_to_which_clock() -> None:
    inc = incident(D(2026, 3, 2), {"CO": 600, "CA": 20}, oral(D(2026, 3, 20), D(2026, 7, 1)))
    lines = delay_summary(compute_obligations(RULES, inc))
    hipaa = next(line for line in lines if line.startswith("HIPAA delay"))
    none = next(line for line in lines if line.startswith("not delayed"))
    state = next(line for line in lines if line.startswith("the state's own"))
    assert "Notice to affected individuals" in hipaa
    assert "Colorado: notice to residents" not in hipaa
    assert "Colorado: notice to residents" in none
    assert "California: notice to residents" in state


# --- people of unknown residence and the media threshold -------------------------------------

MEDIA_CASES: list[tuple[dict[str, int], int, str | None]] = [
    # counts, unknown residence, words naming where (None: no warning)
    ({}, 600, "any one state"),
    ({"GA": 10}, 600, "GA (10 known)"),
    ({"GA": 450, "KS": 20}, 60, "GA (450 known)"),  # 450 + 60 could pass 500 in Georgia
    ({"GA": 450}, 50, None),  # at most 500 in Georgia: the media threshold is "more than 500"
    ({"GA": 501}, 600, "any one state"),  # Georgia is already over: its notice runs anyway
    ({"GA": 40}, 400, None),
    ({}, 500, None),
]


@pytest.mark.parametrize(("counts", "unknown", "where"), MEDIA_CASES)
def test_unknown_residence_over_500_warns_that_media_notice_may_be_due(
        counts: dict[str, int], unknown: int, where: str | None) -> None:
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), counts, unknown=unknown)))
    if where is None:
        assert MEDIA_POSSIBLE_KEY not in found
        return
    warning: Obligation = found[MEDIA_POSSIBLE_KEY]
    assert "Media notice may be due" in warning.title
    assert warning.rule.citation == "45 CFR 164.406"
    assert where in warning.basis[0]
    assert warning.due == D(2026, 5, 1)
    assert not warning.advisory


DELAY_FIELD_CASES = [
    # jurisdiction, field text, delay_note, expected (None: the rule is refused)
    ("US", "", "", DelayLaw.HIPAA),
    ("CO", "", "", DelayLaw.NONE),  # a state clock is delayed only when its rule says so
    ("CA", 'law_enforcement_delay = "state"\n', "its own terms", DelayLaw.STATE),
    ("CA", 'law_enforcement_delay = "state"\n', "", None),  # the state's terms are required
    ("CO", "law_enforcement_delay = true\n", "", DelayLaw.NONE),  # older files
    ("US", "law_enforcement_delay = false\n", "", DelayLaw.NONE),
    ("US", 'law_enforcement_delay = "state"\n', "x", None),
]


@pytest.mark.parametrize(("jurisdiction", "field", "note", "expected"), DELAY_FIELD_CASES)
def test_the_delay_field_names_whose_law_provides_the_delay(
        jurisdiction: str, field: str, note: str, expected: DelayLaw | None) -> None:
    text = ('last_reviewed = 2026-12-01\nverify_note = "Verify with counsel."\n'
            f'[[rule]]\nkey = "k"\njurisdiction = "{jurisdiction}"\naudience = "individuals"\n'
            'title = "T"\ncitation = "c"\ntiming = "t"\n' + field
            + (f'delay_note = "{note}"\n' if note else ""))
    rules = parse_rules(tomllib.loads(text))
    if expected is None:
        assert rules.rules == ()
        assert "'k'" in rules.problems[0]
    else:
        assert rules.problems == ()
        assert rules.rules[0].law_enforcement_delay is expected
