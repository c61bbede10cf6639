"""Pure rules of the regulators' desk: how answers are read, how the desk's records map to the
portal's categories, which fields apply, and the annual deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.breach_assessment import (
    Assessment,
    Conclusion,
    Fact,
    Factor,
    check_conclusion,
    diff,
)
from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hhs_report import (
    FIELDS,
    SECTIONS,
    annual_due,
    assemble,
    clean_answer,
    locations_for,
    phi_types_for,
    portal_count,
    split_address,
)
from crisisdesk.domain.incidents import InfoKind


def test_the_portal_categories_are_the_issue_s_lists_in_order() -> None:
    by_key = {f.key: f for f in FIELDS}
    assert [label for _k, label in by_key["breach_type"].options] == [
        "Hacking/IT Incident", "Improper Disposal", "Loss", "Theft",
        "Unauthorized Access/Disclosure", "Other"]
    assert [label for _k, label in by_key["location"].options] == [
        "Desktop Computer", "Electronic Medical Record", "Email", "Laptop", "Network Server",
        "Other Portable Electronic Device", "Paper/Films", "Other"]
    sections = [f.section for f in FIELDS]
    assert sorted(set(sections), key=sections.index) == list(SECTIONS)  # grouped, in order


def test_answers_are_read_as_the_portal_wants_them() -> None:
    assert clean_answer("breach_start", "2026-03-02") == "2026-03-02"
    assert clean_answer("ce_type", "provider") == "Healthcare Provider"
    assert clean_answer("breach_type", "theft; hacking") == "Hacking/IT Incident; Theft"
    assert clean_answer("media_states", "wi, il IL") == "IL, WI"
    assert clean_answer("individuals", "1,204", people_on_list=1000) == "1204"
    assert clean_answer("ce_type", "") == ""
    with pytest.raises(ValidationError, match="ce_state: 'ZZ' is not a US state"):
        clean_answer("ce_state", "ZZ")
    with pytest.raises(ValidationError, match="fewer than the 1,000 people"):
        clean_answer("individuals", "999", people_on_list=1000)
    with pytest.raises(ValidationError, match="ce_contact_phone: .* area code"):
        clean_answer("ce_contact_phone", "555-0100")


def test_the_desk_s_records_map_to_portal_categories() -> None:
    assert locations_for(["EHR", "File servers", "Email", "Scheduling"]) == [
        "Electronic Medical Record", "Email", "Network Server", "Other"]
    assert phi_types_for([InfoKind.DIAGNOSES, InfoKind.NAMES, InfoKind.INSURANCE]) == [
        "Demographic", "Financial", "Clinical"]
    assert split_address("Privacy Office, 400 River Road, Springfield, IL 62701") == {
        "street1": "Privacy Office, 400 River Road", "city": "Springfield", "state": "IL",
        "zip": "62701"}
    assert split_address("somewhere in Springfield") == {}
    assert portal_count(100, 140) == 140
    assert portal_count(500, 3) == 500


def test_a_field_that_does_not_apply_is_never_missing() -> None:
    report = assemble("i", "t", {}, {"ba_involved": ("No", "entered by bea")})
    assert not report.value("ba_name").applies
    assert not report.value("ba_name").missing
    report = assemble("i", "t", {}, {"ba_involved": ("Yes", "entered by bea")})
    assert report.value("ba_name").missing
    assert not report.value("ba_street2").missing
    report = assemble("i", "t", {"actions": ("Took steps to mitigate harm; Other", "x")}, {})
    assert report.value("actions_other").missing


def test_the_annual_log_is_due_60_days_after_the_year() -> None:
    assert annual_due(2025) == dt.date(2026, 3, 1)
    assert annual_due(2027) == dt.date(2028, 2, 29)


def _fact(factor: Factor, text: str = "x", by: str = "bea") -> Fact:
    return Fact(factor, text, by, "2026-03-02T10:00:00Z")


def test_low_probability_needs_every_factor_and_reasons() -> None:
    facts = [_fact(f) for f in Factor if f is not Factor.MITIGATION]
    with pytest.raises(ValidationError, match="none yet on: Extent"):
        check_conclusion(Conclusion.LOW_PROBABILITY, "A full sentence of reasons here.",
                         facts, True)
    assert check_conclusion(Conclusion.BREACH, "", facts, True) == ""


def test_a_diff_names_what_changed_per_factor() -> None:
    old = Assessment("a", "i", 1, (_fact(Factor.NATURE, "names"),))
    new = Assessment("b", "i", 2, (_fact(Factor.NATURE, "names and SSNs"),),
                     Conclusion.BREACH)
    d = diff(old, new)
    assert [(c.what, c.before, c.after) for c in d.changes] == [
        ("fact removed", "names (bea)", ""), ("fact added", "", "names and SSNs (bea)")]
