"""Lookup and verification: nothing said before verification, lockout, relationships."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import FOUND, NO_MATCH, CallerFacts, FactCheck, Relationship
from crisisdesk.services import settings as settings_service
from crisisdesk.services.hotline import calls, disclose, lookup, summary, verify
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.hotline import agent_session

ANN_DOB = dt.date(1980, 5, 1)


def _scalars(value: object) -> Iterator[object]:
    """Every leaf value inside a (nested) dataclass / tuple answer."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _scalars(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _scalars(item)
    else:
        yield value


def test_lookup_says_only_found_or_no_match_and_audits_without_patient_data(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    hit = lookup.lookup(agent, reference=refs["Ann"])
    scanned = lookup.lookup(agent, reference="]C0" + refs["Ann"].lower())
    by_name = lookup.lookup(agent, name="ann  SMITH", birth_date=ANN_DOB)
    near = lookup.lookup(agent, name="Ann Smyth", birth_date=ANN_DOB)
    bad_check_digit = lookup.lookup(agent, reference=refs["Ann"][:-1] + "0")
    unknown = lookup.lookup(agent, reference="CD99999995")
    assert [a.found for a in (hit, scanned, by_name)] == [True, True, True]
    assert {hit.message, scanned.message, by_name.message} == {FOUND}
    for miss in (near, bad_check_digit, unknown):
        assert (miss.found, miss.message) == (False, NO_MATCH)
    assert len({a.handle for a in (hit, near, unknown)}) == 3
    entries = [e for e in audit_store.entries(session.db) if e.action == "hotline.lookup"]
    assert len(entries) == 6
    for entry in entries:
        assert entry.operator == "casey"
        for secret in ("Ann", "Smith", "1980", refs["Ann"]):
            assert secret.lower() not in entry.summary.lower()


def test_a_miss_does_the_same_work_as_a_hit(agent: Session, refs: dict[str, str]) -> None:
    """The same statements run on both paths (so the timing cannot tell them apart)."""
    def statements(**kwargs: object) -> list[str]:
        seen: list[str] = []
        agent._db.conn.set_trace_callback(seen.append)
        try:
            lookup.lookup(agent, **kwargs)  # type: ignore[arg-type]
        finally:
            agent._db.conn.set_trace_callback(None)
        return seen

    statements(reference=refs["Emma"])  # warm-up: the first action reads the schema
    hit = statements(reference=refs["Ann"])
    miss = statements(reference="CD99999995")
    assert len(hit) == len(miss) > 3
    named_hit = statements(name="Ann Smith", birth_date=ANN_DOB)
    named_miss = statements(name="Nobody Here", birth_date=dt.date(1901, 1, 1))
    assert len(named_hit) == len(named_miss)


def test_verification_returns_booleans_only_before_success(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    handle = lookup.lookup(agent, name="Ann Smith", birth_date=ANN_DOB).handle
    wrong = verify.verify(agent, handle, CallerFacts(birth_date=ANN_DOB, zip_code="60601"))
    assert not wrong.verified
    assert not wrong.locked
    assert {c.fact: c.match for c in wrong.checks} == {
        "relationship": True, "birth_date": True, "zip_code": False}
    leaves = list(_scalars(wrong))
    assert all(isinstance(v, bool | int) or v in {"relationship", "birth_date", "zip_code"}
               for v in leaves), leaves
    assert all(type(c) is FactCheck for c in wrong.checks)
    assert {f.name for f in dataclasses.fields(FactCheck)} == {"fact", "match"}
    for secret in ("62701", "1980-05-01", refs["Ann"], "Elm"):
        assert secret not in repr(wrong)
    with pytest.raises(ValidationError, match="Verify the caller first"):
        disclose.caller_details(agent, handle)
    right = verify.verify(agent, handle, CallerFacts(birth_date=ANN_DOB, zip_code="62701",
                                                     reference=refs["Ann"]))
    assert right.verified
    assert all(c.match for c in right.checks)
    details = disclose.caller_details(agent, handle)
    assert details.reference == refs["Ann"]
    assert details.address_line1 == "12 ****"
    assert details.mailed_on == "2026-03-20"
    assert details.template_key == "patient-notification-en"
    assert details.template_version >= 1
    assert details.enrollment_code.startswith("AB")
    assert details.deadline == "2026-07-31"
    opened = [e for e in audit_store.entries(session.db) if e.action == "hotline.open"]
    assert len(opened) == 1
    assert "Elm" not in opened[0].summary


def test_locked_after_the_limit_and_flagged(session: Session, agent: Session,
                                            refs: dict[str, str]) -> None:
    settings_service.set(session, "hotline_max_failed_verifications", 2)
    handle = lookup.lookup(agent, reference=refs["Ann"]).handle
    wrong = CallerFacts(birth_date=dt.date(1980, 5, 2), zip_code="62701")
    first = verify.verify(agent, handle, wrong)
    assert (first.verified, first.locked, first.attempts_left) == (False, False, 1)
    second = verify.verify(agent, handle, wrong)
    assert (second.verified, second.locked, second.attempts_left) == (False, True, 0)
    right = CallerFacts(birth_date=ANN_DOB, zip_code="62701")
    after = verify.verify(agent, lookup.lookup(agent, reference=refs["Ann"]).handle, right)
    assert after.locked
    assert not after.verified
    assert after.checks == ()
    flags = verify.impersonation_flags(session)
    assert [(f.agent, f.failures) for f in flags] == [("casey", 2)]
    summaries = [e.summary for e in audit_store.entries(session.db)]
    assert any("possible impersonation" in s for s in summaries)
    other = agent_session(session, "dana")  # another agent may still verify the caller
    try:
        ok = verify.verify(other, lookup.lookup(other, reference=refs["Ann"]).handle, right)
        assert ok.verified
    finally:
        other.close()


def test_a_minors_parent_is_verified_against_the_letter(
        agent: Session, refs: dict[str, str]) -> None:
    emma = dt.date(2012, 4, 7)
    as_self = verify.verify(agent, lookup.lookup(agent, reference=refs["Emma"]).handle,
                            CallerFacts(birth_date=emma, zip_code="75201"))
    assert not as_self.verified
    assert {c.fact: c.match for c in as_self.checks}["relationship"] is False
    wrong_name = verify.verify(
        agent, lookup.lookup(agent, reference=refs["Emma"]).handle,
        CallerFacts(birth_date=emma, zip_code="75201", relationship=Relationship.PARENT,
                    caller_name="Rob Smith"))
    assert not wrong_name.verified
    assert {c.fact: c.match for c in wrong_name.checks}["caller_name"] is False
    parent = verify.verify(
        agent, lookup.lookup(agent, reference=refs["Emma"]).handle,
        CallerFacts(birth_date=emma, zip_code="75201", relationship=Relationship.PARENT,
                    caller_name="robert jones"))
    assert parent.verified


def test_a_deceased_patients_next_of_kin_is_verified_against_the_letter(
        agent: Session, refs: dict[str, str]) -> None:
    george = dt.date(1940, 7, 7)
    handle = lookup.lookup(agent, name="George Brown", birth_date=george).handle
    as_self = verify.verify(agent, handle, CallerFacts(birth_date=george, zip_code="78701"))
    assert not as_self.verified
    # the letter went to the next of kin's address: the patient's own ZIP does not verify
    own_zip = verify.verify(agent, handle, CallerFacts(
        birth_date=george, zip_code="73301", relationship=Relationship.NEXT_OF_KIN))
    assert not own_zip.verified
    kin = verify.verify(agent, handle, CallerFacts(
        birth_date=george, zip_code="78701", relationship=Relationship.NEXT_OF_KIN,
        caller_name="Linda Brown"))
    assert kin.verified
    assert disclose.caller_details(agent, handle).address_line1 == "77 ****"


def test_the_dashboard_counts_calls_and_flags_impersonation(
        session: Session, agent: Session, refs: dict[str, str]) -> None:
    assert summary.dashboard_summary(session).all_rows == (
        ("", "No hotline calls logged yet."),)
    settings_service.set(session, "hotline_max_failed_verifications", 1)
    handle = lookup.lookup(agent, reference=refs["Emma"]).handle
    verify.verify(agent, handle, CallerFacts(birth_date=ANN_DOB, zip_code="75201"))
    calls.log_call(agent, language="es", topics=["was_i_affected", "letter"], outcome="locked",
                   handle=handle)
    calls.log_call(agent, language="en", topics=["letter"], outcome="answered")
    rows = dict(summary.dashboard_summary(session).all_rows)
    assert rows["Calls"] == "2 (0 verified)"
    assert rows["Busiest topics"] == "letter 2, was_i_affected 1"
    assert rows["Latest hour with calls"] == "2026-03-20 12:00 UTC: 2"
    assert rows["Warning"] == ("1 record locked after failed verifications: possible "
                               "impersonation (latest by casey).")
