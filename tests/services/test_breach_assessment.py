"""The breach risk assessment: facts with their recorder, a signed conclusion that never
changes, new versions that supersede, and a diff that names both signers."""

from __future__ import annotations

import pytest

from crisisdesk.domain.breach_assessment import Conclusion, Factor
from crisisdesk.domain.errors import PermissionDenied, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services import breach_assessment as assess
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.crisis import freeze, open_incident
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.tamper import raw_desk

PATIENT_FACT = "Chart of Avery Ashford opened by the attacker's account"
REASONS = ("Forensic logs show the encrypted server held only scheduling templates; no "
           "file left the network.")


def _all_factors(session: Session) -> None:
    assess.add_fact(session, Factor.NATURE, "Scheduling templates only; no identifiers")
    assess.add_fact(session, Factor.PERSON, "Criminal group (ransomware)")
    assess.add_fact(session, Factor.ACQUIRED, "Firewall logs: no outbound transfer")
    assess.add_fact(session, Factor.MITIGATION, "Restored from offline backup")


def test_facts_carry_their_recorder_and_patient_text_stays_out_of_the_audit(
        session: Session) -> None:
    freeze(session)
    open_incident(session)
    first = assess.start_version(session)
    assert first.version == 1
    assert first.conclusion is Conclusion.BREACH
    assert first.ransomware
    a = assess.add_fact(session, "acquired", PATIENT_FACT)
    fact = a.facts_for(Factor.ACQUIRED)[0]
    assert (fact.text, fact.recorded_by) == (PATIENT_FACT, "alex")
    assert fact.recorded_at == session.now_iso()
    assert all("Avery" not in e.summary for e in audit_store.entries(session.db))


def test_ransomware_stays_a_breach_unless_every_factor_and_reasons_show_otherwise(
        session: Session) -> None:
    open_incident(session)
    assess.start_version(session)
    assess.add_fact(session, Factor.PERSON, "Criminal group")
    with pytest.raises(ValidationError, match="needs the reasons"):
        assess.conclude(session, "low-probability", "no")
    with pytest.raises(ValidationError, match="none yet on: Nature"):
        assess.conclude(session, "low-probability", REASONS)
    assert assess.get(session).conclusion is Conclusion.BREACH  # nothing saved
    _all_factors(session)
    a = assess.conclude(session, "low-probability", REASONS)
    assert a.conclusion is Conclusion.LOW_PROBABILITY
    assert a.reasons == REASONS


def test_a_signed_version_is_locked_and_a_new_version_diffs_with_both_signers(
        session: Session) -> None:
    open_incident(session)
    assess.start_version(session)
    _all_factors(session)
    v1 = assess.sign(session)
    assert v1.signed is not None
    assert v1.signed.signer == "alex"
    assert assess.signature_problem(session, assess.get(session)) == ""
    before = len(audit_store.entries(session.db))
    with pytest.raises(ValidationError, match="signed and cannot be changed"):
        assess.add_fact(session, Factor.NATURE, "late fact")
    with pytest.raises(ValidationError, match="signed and cannot be changed"):
        assess.conclude(session, "low-probability", REASONS)
    assert len(audit_store.entries(session.db)) == before
    assert assess.get(session, version=1).facts == v1.facts

    operator_service.add_operator(session, "bea", Role.APPROVER, "beas own passphrase",
                                  FAST_KDF)
    bea = desk_service.unlock(session.data_dir, "bea", "beas own passphrase")
    try:
        v2 = assess.start_version(bea)
        assert v2.version == 2
        assert v2.facts == v1.facts
        assert not v2.is_signed
        assess.remove_fact(bea, Factor.MITIGATION, 1)
        assess.add_fact(bea, Factor.MITIGATION, "Attacker's key revoked; backups verified")
        assess.conclude(bea, "low-probability", REASONS)
        assess.sign(bea)
        d = assess.compare(bea)
    finally:
        bea.close()
    assert (d.old.version, d.new.version) == (1, 2)
    assert d.old.signed
    assert d.old.signed.signer == "alex"
    assert d.new.signed
    assert d.new.signed.signer == "bea"
    whats = [(c.what, c.factor) for c in d.changes]
    assert ("fact removed", Factor.MITIGATION) in whats
    assert ("fact added", Factor.MITIGATION) in whats
    assert ("conclusion", None) in whats
    assert ("reasons", None) in whats
    texts = [line.entry.text for line in timeline_service.list_entries(session)]
    assert any("version 2 signed by bea" in t and "supersedes version 1" in t for t in texts)


def test_only_an_approver_signs_and_a_draft_stays_open(session: Session) -> None:
    open_incident(session)
    assess.start_version(session)
    assess.add_fact(session, Factor.NATURE, "Names and dates of birth")
    operator_service.add_operator(session, "olly", Role.OPERATOR, "ollys own passphrase",
                                  FAST_KDF)
    olly = desk_service.unlock(session.data_dir, "olly", "ollys own passphrase")
    try:
        with pytest.raises(PermissionDenied, match="approver"):
            assess.sign(olly)
        assess.add_fact(olly, Factor.PERSON, "Unknown outside party")  # operators record facts
    finally:
        olly.close()
    assert not assess.get(session).is_signed
    with pytest.raises(ValidationError, match="still a draft"):
        assess.start_version(session)


def test_a_signed_assessment_edited_in_the_file_is_detected(session: Session) -> None:
    open_incident(session)
    assess.start_version(session)
    _all_factors(session)
    assess.sign(session)
    session.close()
    with raw_desk(session.data_dir, "alex", PASSPHRASE) as conn:
        conn.execute("UPDATE breach_assessments SET conclusion = 'low_probability'")
    again = desk_service.unlock(session.data_dir, "alex", PASSPHRASE)
    try:
        problem = assess.signature_problem(again, assess.get(again))
        assert "changed after signing" in problem
    finally:
        again.close()
