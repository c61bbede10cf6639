"""Notification clock arithmetic, table-driven, over the shipped rules file.

Each row is a situation a privacy officer could face and the due date they must see. The
boundaries are the ones the law draws: 499/500/501 people in total for HHS, 500/501 residents
of one state for the media, the calendar year end and the leap-year annual log, an oral
law-enforcement delay expiring after 30 days, and delays that span (or miss) a due date.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from crisisdesk.domain.clocks import (
    Completion,
    DelayEffect,
    RuleSet,
    add_business_days,
    compute_obligations,
    next_due,
    parse_rules,
)
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.incidents import (
    DelayForm,
    Incident,
    LawEnforcementDelay,
    validate_delay,
)
from tests.support.rules import RULES, by_key, incident

D = dt.date


def due_of(inc: Incident, key: str, rules: RuleSet = RULES, **kw: object) -> dt.date | None:
    found = by_key(compute_obligations(rules, inc, **kw))  # type: ignore[arg-type]
    return found[key].due if key in found else None


def test_shipped_rules_parse_cleanly_and_carry_the_counsel_note() -> None:
    assert RULES.problems == ()
    assert RULES.last_reviewed is not None
    assert "counsel" in RULES.verify_note.lower()
    assert {"hipaa.individuals", "hipaa.media", "hipaa.hhs", "hipaa.hhs_annual"} <= {
        r.key for r in RULES.rules}
    # every fixed-deadline state of the fact sheet is present
    for state in ("AL", "AZ", "CA", "CO", "CT", "DE", "FL", "IN", "LA", "ME", "MD", "NM", "NY",
                  "OH", "OR", "RI", "SD", "TN", "TX", "VT", "WA", "WI"):
        assert RULES.rule(f"state.{state}.individuals") is not None, state


# --- HHS: 500 or more in total (GA and KS have no state rules, so only federal ones apply) --

HHS_CASES = [
    # counts, expect contemporaneous HHS notice, expect annual log
    ({"GA": 499}, False, True),
    ({"GA": 250, "KS": 250}, True, False),  # exactly 500 in total: "500 or more"
    ({"GA": 251, "KS": 250}, True, False),
    ({"GA": 1}, False, True),
    ({"GA": 400}, True, False),  # with 100 of unknown residence: 500
]


@pytest.mark.parametrize(("counts", "contemporaneous", "annual"), HHS_CASES)
def test_hhs_threshold_is_500_or_more_in_total(counts: dict[str, int], contemporaneous: bool,
                                                annual: bool) -> None:
    unknown = 100 if counts == {"GA": 400} else 0
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), counts, unknown=unknown)))
    assert ("hipaa.hhs" in found) is contemporaneous
    assert ("hipaa.hhs_annual" in found) is annual
    if contemporaneous:
        assert found["hipaa.hhs"].due == D(2026, 5, 1)


# --- Media: more than 500 residents of one state ------------------------------------------

MEDIA_CASES = [
    ({"GA": 500}, []),
    ({"GA": 501}, ["GA"]),
    ({"GA": 500, "KS": 500}, []),  # 1,000 in total, but no state above 500
    ({"GA": 501, "KS": 502, "MI": 12}, ["GA", "KS"]),  # one notice per state
]


@pytest.mark.parametrize(("counts", "states"), MEDIA_CASES)
def test_media_notice_needs_more_than_500_residents_of_one_state(
        counts: dict[str, int], states: list[str]) -> None:
    found = compute_obligations(RULES, incident(D(2026, 3, 2), counts))
    media = sorted(o.jurisdiction for o in found if o.rule.key == "hipaa.media")
    assert media == states
    for o in found:
        if o.rule.key == "hipaa.media":
            assert o.due == D(2026, 5, 1)
            assert o.key == f"hipaa.media.{o.jurisdiction}"


# --- 60 days from discovery, and the annual log across the year end -----------------------

DATE_CASES = [
    # discovered, key, counts, due
    (D(2026, 3, 2), "hipaa.individuals", {"GA": 10}, D(2026, 5, 1)),
    (D(2026, 11, 15), "hipaa.individuals", {"GA": 10}, D(2027, 1, 14)),  # across year end
    (D(2026, 12, 31), "hipaa.individuals", {"GA": 10}, D(2027, 3, 1)),
    (D(2025, 6, 30), "hipaa.hhs_annual", {"GA": 10}, D(2026, 3, 1)),
    (D(2026, 1, 1), "hipaa.hhs_annual", {"GA": 10}, D(2027, 3, 1)),
    (D(2026, 12, 31), "hipaa.hhs_annual", {"GA": 10}, D(2027, 3, 1)),  # discovered on Dec 31
    (D(2027, 1, 1), "hipaa.hhs_annual", {"GA": 10}, D(2028, 2, 29)),  # leap year: Feb 29
    (D(2027, 12, 31), "hipaa.hhs_annual", {"GA": 10}, D(2028, 2, 29)),
    (D(2028, 2, 29), "hipaa.hhs_annual", {"GA": 10}, D(2029, 3, 1)),
    (D(2028, 2, 29), "hipaa.individuals", {"GA": 10}, D(2028, 4, 29)),
]


@pytest.mark.parametrize(("discovered", "key", "counts", "due"), DATE_CASES)
def test_due_dates_from_discovery_and_year_end(discovered: dt.date, key: str,
                                               counts: dict[str, int], due: dt.date) -> None:
    assert due_of(incident(discovered, counts), key) == due


# --- law-enforcement delay (45 CFR 164.412) -------------------------------------------------


def oral(starts: dt.date, until: dt.date | None = None,
         written_on: dt.date | None = None) -> LawEnforcementDelay:
    return LawEnforcementDelay("Det. Ana Ruiz", "FBI Chicago", DelayForm.ORAL, starts, until,
                               written_on)


def written(starts: dt.date, until: dt.date) -> LawEnforcementDelay:
    return LawEnforcementDelay("SA Jon Bell", "FBI Chicago", DelayForm.WRITTEN, starts, until)


DELAY_CASES = [
    # delay, individual notice due (nominal: 2026-05-01)
    (None, D(2026, 5, 1)),
    # oral, no written follow-up: holds 30 days, here ending 2026-04-09, before the due date
    (oral(D(2026, 3, 10), D(2026, 6, 30)), D(2026, 5, 1)),
    # oral expiring at 30 days pushes a due date it spans: 04-15 + 30 = 05-15
    (oral(D(2026, 4, 15)), D(2026, 5, 15)),
    (oral(D(2026, 4, 15), D(2026, 7, 31)), D(2026, 5, 15)),  # asked for longer: still 30 days
    (oral(D(2026, 4, 15), D(2026, 5, 5)), D(2026, 5, 5)),  # asked for less than 30 days
    # written statement received within the 30 days: its period applies
    (oral(D(2026, 4, 15), D(2026, 6, 30), written_on=D(2026, 5, 10)), D(2026, 6, 30)),
    (oral(D(2026, 4, 15), D(2026, 6, 30), written_on=D(2026, 5, 15)), D(2026, 6, 30)),  # day 30
    # written delay spanning the due date
    (written(D(2026, 4, 20), D(2026, 5, 20)), D(2026, 5, 20)),
    (written(D(2026, 4, 20), D(2026, 5, 1)), D(2026, 5, 1)),  # ends on the due date
    (written(D(2026, 4, 20), D(2026, 5, 2)), D(2026, 5, 2)),  # ends the day after
    (written(D(2026, 5, 1), D(2026, 5, 20)), D(2026, 5, 20)),  # asked on the due date
    (written(D(2026, 5, 2), D(2026, 5, 20)), D(2026, 5, 1)),  # asked after it: too late
]


@pytest.mark.parametrize(("delay", "due"), DELAY_CASES)
def test_law_enforcement_delay_pushes_the_clocks(delay: LawEnforcementDelay | None,
                                                 due: dt.date) -> None:
    if delay is not None:
        delay = validate_delay(delay, D(2026, 11, 25))
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), {"GA": 600}, delay)))
    # every federal clock anchored on discovery moves together
    for key in ("hipaa.individuals", "hipaa.hhs", "hipaa.media.GA"):
        assert found[key].due == due, key
        assert found[key].nominal_due == D(2026, 5, 1)
        assert found[key].delayed is (due != D(2026, 5, 1))
    if due != D(2026, 5, 1):
        assert any("law-enforcement delay" in b for b in found["hipaa.individuals"].basis)


def test_written_statement_after_the_oral_delay_expired_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        validate_delay(oral(D(2026, 4, 15), D(2026, 6, 30), written_on=D(2026, 5, 16)),
                       D(2026, 11, 25))
    assert "delay_written_on" in err.value.fields


def test_toll_reading_stops_the_clock_while_the_delay_holds() -> None:
    tolling = RuleSet(RULES.rules, (), RULES.last_reviewed, RULES.verify_note, DelayEffect.TOLL)
    # 30 days held from day 10: the 50 days left run from the end of the delay
    delay = written(D(2026, 3, 12), D(2026, 4, 11))
    assert due_of(incident(D(2026, 3, 2), {"GA": 10}, delay), "hipaa.individuals",
                  tolling) == D(2026, 5, 31)
    # a delay after the due date changes nothing
    late = written(D(2026, 5, 2), D(2026, 6, 1))
    assert due_of(incident(D(2026, 3, 2), {"GA": 10}, late), "hipaa.individuals",
                  tolling) == D(2026, 5, 1)


# --- state deadlines and thresholds (fact sheet section 2) -----------------------------------

NO_DATE = "applies, no fixed date"

STATE_CASES: list[tuple[dt.date, dict[str, int], str, dt.date | str | None]] = [
    # discovered, counts, key, due (None: the obligation must not exist)
    (D(2026, 3, 2), {"TX": 249}, "state.TX.ag", None),
    (D(2026, 3, 2), {"TX": 250}, "state.TX.ag", D(2026, 4, 1)),  # "at least 250", 30 days
    (D(2026, 3, 2), {"TX": 10}, "state.TX.individuals", D(2026, 5, 1)),  # 60 days
    (D(2026, 3, 2), {"CA": 500}, "state.CA.ag", None),
    (D(2026, 3, 2), {"CA": 501}, "state.CA.ag", D(2026, 4, 16)),  # 15 days after CA's 30
    (D(2026, 3, 2), {"CO": 499}, "state.CO.ag", None),
    (D(2026, 3, 2), {"CO": 500}, "state.CO.ag", D(2026, 4, 1)),  # ">= 500", 30 days
    (D(2026, 3, 2), {"AL": 999}, "state.AL.ag", None),
    (D(2026, 3, 2), {"AL": 1000}, "state.AL.ag", D(2026, 4, 16)),  # 45 days
    (D(2026, 3, 2), {"OR": 250}, "state.OR.ag", None),
    (D(2026, 3, 2), {"OR": 251}, "state.OR.ag", NO_DATE),  # "more than 250"
    (D(2026, 3, 2), {"SD": 251}, "state.SD.ag", D(2026, 5, 1)),
    (D(2026, 3, 2), {"DC": 49}, "state.DC.ag", None),
    (D(2026, 3, 2), {"DC": 50}, "state.DC.ag", D(2026, 5, 1)),  # with the individual notice
    (D(2026, 3, 2), {"FL": 10}, "state.FL.individuals", D(2026, 4, 1)),  # 30 days
    (D(2026, 3, 2), {"ME": 10}, "state.ME.individuals", D(2026, 4, 1)),
    (D(2026, 3, 2), {"OH": 10}, "state.OH.individuals", D(2026, 4, 16)),  # 45 days
    (D(2026, 3, 2), {"LA": 10}, "state.LA.ag", D(2026, 5, 11)),  # 10 days after the notice
    (D(2026, 3, 2), {"PR": 10}, "state.PR.daco", D(2026, 3, 12)),  # 10 days, not extendable
    (D(2026, 3, 2), {"IL": 10}, "state.IL.ag", None),
    (D(2026, 3, 2), {"IL": 10}, "state.IL.ag_hipaa", D(2027, 3, 8)),  # 5 bus. days after log
    (D(2026, 3, 2), {"IL": 501}, "state.IL.ag", D(2026, 5, 1)),
    (D(2026, 3, 2), {"NY": 600}, "state.NY.ag", D(2026, 5, 8)),  # 5 business days after HHS
    (D(2026, 3, 2), {"VT": 3}, "state.VT.ag", D(2026, 3, 20)),  # 14 business days first
    (D(2026, 3, 2), {"PA": 500}, "state.PA.ag", None),
    (D(2026, 3, 2), {"PA": 501}, "state.PA.ag", D(2026, 5, 1)),
    (D(2026, 3, 2), {"GA": 5000}, "state.TX.ag", None),  # no residents, no state clock
]


@pytest.mark.parametrize(("discovered", "counts", "key", "due"), STATE_CASES)
def test_state_deadlines_and_thresholds(discovered: dt.date, counts: dict[str, int], key: str,
                                        due: dt.date | str | None) -> None:
    found = by_key(compute_obligations(RULES, incident(discovered, counts)))
    if due is None:
        assert key not in found
        return
    assert key in found
    assert not found[key].advisory
    if due == NO_DATE:
        assert found[key].due is None
        assert found[key].state(discovered) == "no_date"
    else:
        assert found[key].due == due


def test_hipaa_deemed_and_exempt_state_rules_are_advisory_not_clocks() -> None:
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), {"CT": 20, "WI": 5})))
    assert "deemed" in found["state.CT.individuals"].advisory
    assert "exempt" in found["state.WI.individuals"].advisory
    assert found["state.CT.individuals"].state(D(2026, 3, 3)) == "advisory"


def test_the_version_in_force_on_the_discovery_date_is_used() -> None:
    # the 30-day California rule began on 2026-01-01: a day earlier, the older version governs
    found = by_key(compute_obligations(RULES, incident(D(2025, 12, 31), {"CA": 20})))
    assert found["state.CA.individuals"].due is None
    assert found["state.CA.individuals"].rule.effective_to == D(2026, 1, 1)


def test_profile_flag_turns_a_conditional_rule_into_a_clock() -> None:
    inc = incident(D(2026, 3, 2), {"CA": 20})
    plain = by_key(compute_obligations(RULES, inc))["state.CA.health_facility"]
    assert plain.advisory.startswith("applies only if")
    flagged = by_key(compute_obligations(RULES, inc, flags={"ca_licensed_health_facility"}))
    facility = flagged["state.CA.health_facility"]
    assert not facility.advisory
    assert facility.due == D(2026, 3, 23)  # 15 business days after Monday 2 March


def test_a_done_notice_moves_the_clocks_that_follow_it() -> None:
    inc = incident(D(2026, 3, 2), {"CA": 800, "VT": 3})
    done = {"hipaa.individuals": Completion(D(2026, 3, 10), "mailing batch 1"),
            "state.CA.individuals": Completion(D(2026, 3, 12), "mailing batch 2")}
    found = by_key(compute_obligations(RULES, inc, done))
    assert found["hipaa.individuals"].state(D(2026, 3, 11)) == "done"
    assert found["state.CA.ag"].due == D(2026, 3, 27)  # 15 days after CA's actual mailing
    assert found["state.VT.ag"].due == D(2026, 3, 10)  # "or at consumer notice if sooner"


def test_delay_moves_dependent_state_clocks_too() -> None:
    delay = validate_delay(written(D(2026, 4, 1), D(2026, 6, 1)), D(2026, 11, 25))
    found = by_key(compute_obligations(RULES, incident(D(2026, 3, 2), {"CA": 800}, delay)))
    assert found["hipaa.individuals"].due == D(2026, 6, 1)
    assert found["state.CA.ag"].due == D(2026, 6, 16)


def test_nobody_counted_means_only_the_day_one_clocks() -> None:
    found = compute_obligations(RULES, incident(D(2026, 3, 2), {}))
    assert {o.key for o in found} == {"hipaa.individuals", "hipaa.business_associate",
                                      "counts_unknown"}


def test_states_and_next_due() -> None:
    found = compute_obligations(RULES, incident(D(2026, 3, 2), {"TX": 300}))
    soonest = next_due(found, D(2026, 3, 3))
    assert soonest is not None
    assert soonest.key == "state.TX.ag"
    assert soonest.days_left(D(2026, 3, 3)) == 29
    assert soonest.state(D(2026, 4, 1)) == "due_today"
    assert soonest.state(D(2026, 4, 2)) == "overdue"


@pytest.mark.parametrize(("start", "days", "due"), [
    (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Friday + 1 business day = Monday
    (D(2026, 3, 7), 1, D(2026, 3, 9)),  # Saturday + 1 = Monday
    (D(2026, 5, 1), 5, D(2026, 5, 8)),
    (D(2026, 3, 2), 0, D(2026, 3, 2)),
])
def test_business_days(start: dt.date, days: int, due: dt.date) -> None:
    assert add_business_days(start, days) == due


# --- a broken rules file ---------------------------------------------------------------------


def test_a_broken_rule_is_named_and_the_others_still_work() -> None:
    data = tomllib.loads(
        'last_reviewed = 2026-11-25\nverify_note = "Verify with counsel."\n'
        '[[rule]]\nkey = "ok"\njurisdiction = "US"\naudience = "individuals"\ntitle = "A"\n'
        'citation = "c"\ntiming = "t"\ndue = { from = "discovery", days = 60 }\n'
        '[[rule]]\nkey = "bad.days"\njurisdiction = "US"\naudience = "hhs"\ntitle = "B"\n'
        'citation = "c"\ntiming = "t"\ndue = { from = "discovery", days = "sixty" }\n'
        '[[rule]]\nkey = "bad.state"\njurisdiction = "XX"\naudience = "hhs"\ntitle = "C"\n'
        'citation = "c"\ntiming = "t"\n'
        '[[rule]]\nkey = "typo"\njurisdiction = "US"\naudience = "hhs"\ntitle = "D"\n'
        'citation = "c"\ntiming = "t"\ndayz = 3\n'
    )
    rules = parse_rules(data)
    assert [r.key for r in rules.rules] == ["ok"]
    assert len(rules.problems) == 3
    assert "'bad.days'" in rules.problems[0]
    assert "due.days" in rules.problems[0]
    assert "'bad.state'" in rules.problems[1]
    assert "'typo'" in rules.problems[2]
    assert "dayz" in rules.problems[2]
    assert due_of(incident(D(2026, 3, 2), {"GA": 1}), "ok", rules) == D(2026, 5, 1)
