"""State inserts: the rule in force on the discovery date, and monitoring months."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.state_inserts import (
    in_force,
    missing_headings,
    monitoring_months,
    parse_inserts,
)
from crisisdesk.services.letters import state_inserts as shipped
from crisisdesk.store import library

D = dt.date
RULES = shipped.rules()


def test_the_shipped_rules_read_cleanly_and_each_names_a_shipped_template() -> None:
    assert shipped.problems() == ()
    keys = {tf.meta.key for tf in library.library_files()}
    assert {r.state for r in RULES} >= {"MA", "CA", "NY", "MD", "NC", "OR", "CT", "DC"}
    for rule in RULES:
        assert rule.citation, rule
        assert rule.template_key("en") in keys, rule


@pytest.mark.parametrize(("states", "discovered", "ssn", "offered", "months"), [
    (["MA"], D(2026, 3, 2), True, 12, 18),
    (["CT"], D(2026, 3, 2), True, 12, 24),
    (["MA", "CT"], D(2026, 3, 2), True, 0, 24),  # the strictest applicable rule
    (["DC"], D(2026, 3, 2), True, 0, 18),
    (["CA"], D(2026, 3, 2), True, 0, 12),
    (["IL"], D(2026, 3, 2), True, 12, 12),  # no state rule
    (["MA", "CT"], D(2026, 3, 2), False, 12, 12),  # no SSN: what is offered
    (["CT"], D(2026, 3, 2), True, 36, 36),  # more than the law asks stays
    (["MA"], D(2018, 6, 1), True, 0, 0),  # before Massachusetts' 2019 amendment
    (["CT"], D(2017, 1, 1), True, 0, 12),  # the superseded Connecticut rule
    (["CT"], D(2018, 10, 1), True, 0, 24),  # the day the 24-month rule took effect
    (["DC"], D(2020, 6, 16), True, 0, 0),
])
def test_monitoring_months(states: list[str], discovered: dt.date, ssn: bool, offered: int,
                           months: int) -> None:
    assert monitoring_months(RULES, states, discovered, ssn_involved=ssn,
                             offered=offered) == months


def test_massachusetts_leaves_out_what_happened_in_every_version() -> None:
    for day in (D(2010, 1, 1), D(2026, 3, 2)):
        rule = in_force(RULES, "MA", day)
        assert rule is not None
        assert rule.omit_sections == ("what_happened",)
    assert in_force(RULES, "MA", D(2000, 1, 1)) is None


def test_california_headings_are_checked() -> None:
    rule = in_force(RULES, "CA", D(2026, 3, 2))
    assert rule is not None
    assert missing_headings("Notice of Data Breach What happened ...", rule.required_headings
                            ) == ["What Information Was Involved", "What We Are Doing",
                                  "What You Can Do", "For More Information"]


def test_a_broken_entry_is_named_and_the_others_kept() -> None:
    rules, problems = parse_inserts({"insert": [
        {"state": "MA", "template": "state-insert-ma", "effective_from": D(2019, 4, 11)},
        {"state": "ZZ", "template": "x", "effective_from": D(2019, 4, 11)},
        {"state": "CT", "template": "state-insert-ct"},
        {"state": "CT", "template": "t", "effective_from": D(2020, 1, 1),
         "effective_to": D(2019, 1, 1)}]})
    assert [r.state for r in rules] == ["MA"]
    assert problems == ["insert 2: 'ZZ' is not a US state code",
                        "insert 3: a date is required (YYYY-MM-DD)",
                        "insert 4: effective_to is before effective_from"]
