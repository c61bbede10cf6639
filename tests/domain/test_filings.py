"""Each state filing rule shipped in the rules data: who must be told, from which count, by
when, and to which office. One case just under the threshold (no filing) and one at it (the
filing, dated), written out by hand from the statute so a data edit that changes them fails."""

from __future__ import annotations

import datetime as dt

import pytest

from crisisdesk.domain.clocks import compute_obligations, parse_rules
from crisisdesk.domain.filing_specs import FilingSpecProblem, parse_filing_spec
from crisisdesk.domain.filings import owed_filings
from tests.support.rules import RULES, incident

D = dt.date
DISCOVERED = D(2026, 3, 2)
DAY60 = D(2026, 5, 1)  # the individual notice (HIPAA; Texas 60 days): "with the notice" rules
CA_NOTICE_PLUS_15 = D(2026, 4, 16)  # 15 days after the 30-day California resident notice
HHS_PLUS_5 = D(2026, 5, 8)  # 5 business days after the HHS notice (due 2026-05-01)

# (rule key, state, count below (None: any resident), count at threshold, due,
#  office fragment, sample notice required, recipients)
STATE_RULES = [
    ("state.IL.ag", "IL", 500, 501, DAY60, "Illinois Attorney General", False, 1),
    ("state.IL.ag_hipaa", "IL", None, 1, HHS_PLUS_5, "Illinois Attorney General", False, 1),
    ("state.IN.ag", "IN", None, 1, DAY60, "Indiana Attorney General", True, 1),
    ("state.IN.cra", "IN", 1000, 1001, DAY60, "Equifax", True, 3),
    ("state.CA.ag", "CA", 500, 501, CA_NOTICE_PLUS_15, "California Department of Justice", True, 1),
    ("state.NY.ag", "NY", None, 1, HHS_PLUS_5, "New York State Attorney General", True, 3),
    ("state.NY.cra", "NY", 5000, 5001, DAY60, "TransUnion", True, 3),
    ("state.TX.ag", "TX", 249, 250, D(2026, 4, 1), "Attorney General of Texas", False, 1),
    ("state.TX.cra", "TX", 10_000, 10_001, DAY60, "Experian", True, 3),
    ("state.MD.ag", "MD", None, 1, DAY60, "Maryland Attorney General", True, 1),
    ("state.MD.cra", "MD", 999, 1000, DAY60, "Equifax", True, 3),
]


def filings_for(state: str, count: int) -> dict[str, object]:
    # 600 people elsewhere (Georgia has no state rule) keep HHS's 500+ clock running
    inc = incident(DISCOVERED, {state: count, "GA": 600})
    return {f.key: f for f in owed_filings(compute_obligations(RULES, inc))}


@pytest.mark.parametrize(("key", "state", "below", "at", "due", "office", "sample", "n"),
                         STATE_RULES, ids=[r[0] for r in STATE_RULES])
def test_each_shipped_state_filing_rule(key: str, state: str, below: int | None, at: int,
                                        due: dt.date, office: str, sample: bool,
                                        n: int) -> None:
    if below is not None:
        assert not [k for k in filings_for(state, below) if k.split(":")[0] == key]
    owed = [f for k, f in filings_for(state, at).items() if k.split(":")[0] == key]
    assert len(owed) == n
    assert all(f.due == due for f in owed)  # type: ignore[attr-defined]
    assert any(office in f.office for f in owed)  # type: ignore[attr-defined]
    assert all(f.sample_notice is sample for f in owed)  # type: ignore[attr-defined]
    assert all(f.recipient.submit for f in owed)  # type: ignore[attr-defined]


def test_every_state_filing_rule_with_recipients_is_tested() -> None:
    shipped = {r.key for r in RULES.rules if r.filing and r.jurisdiction != "US"}
    assert shipped == {row[0] for row in STATE_RULES}


def test_hhs_media_and_advisories() -> None:
    owed = filings_for("WI", 640)
    assert owed["hipaa.hhs"].kind.value == "hhs"  # type: ignore[attr-defined]
    assert owed["hipaa.media.WI"].office == "Prominent media outlets serving Wisconsin"  # type: ignore[attr-defined]
    # Arizona exempts HIPAA covered entities: an advisory, not a filing owed
    assert not [k for k in filings_for("AZ", 5000) if k.startswith("state.AZ")]
    # the business associate's notice needs the profile flag
    assert "hipaa.business_associate" not in owed
    flagged = owed_filings(compute_obligations(RULES, incident(DISCOVERED, {"WI": 640}),
                                               flags=["business_associate"]))
    ba = next(f for f in flagged if f.key == "hipaa.business_associate")
    assert ba.kind.value == "covered_entity"
    assert ba.due == DAY60


def test_a_broken_filing_table_names_the_rule_and_the_others_still_work() -> None:
    data = {"last_reviewed": "2026-01-01", "verify_note": "Verify with counsel.", "rule": [
        {"key": "state.IL.ag", "jurisdiction": "IL", "audience": "regulator", "title": "t",
         "citation": "c", "timing": "t", "filing": {"to": [{"address": "x"}]}},
        {"key": "state.IN.ag", "jurisdiction": "IN", "audience": "regulator", "title": "t",
         "citation": "c", "timing": "t", "filing": {"to": [{"office": "IN AG"}]}}]}
    rules = parse_rules(data)
    assert rules.problems == ("rule 'state.IL.ag': 'filing.to.office' is missing",)
    assert [r.key for r in rules.rules] == ["state.IN.ag"]
    with pytest.raises(FilingSpecProblem, match="own 'id'"):
        parse_filing_spec({"to": [{"office": "a"}, {"office": "b"}]})
