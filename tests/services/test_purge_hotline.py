"""Purging an incident's patient records (retention over) takes the hotline's rows about those
patients with them: the lookups that found them, the verification attempts, the locks, the
calls logged on those lookups and what the callers asked for (a callback number, a
complaint). Another incident's hotline rows, and a lookup that found no one, stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crisisdesk.domain.hotline import CallerFacts
from crisisdesk.domain.incidents import IncidentKind
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.hotline import actions, calls, lookup, verify
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.hotline import agent_session, mailed_letters
from tests.support.letters import write_list

TABLES = ("hotline_lookups", "hotline_attempts", "hotline_locks", "hotline_calls",
          "hotline_requests")


def counts(session: Session) -> dict[str, int]:
    return {t: session.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_purging_an_incident_purges_its_hotline_rows(session: Session, tmp_path: Path) -> None:
    refs = mailed_letters(session, tmp_path)
    first = incident_service.current_incident(session)
    assert first is not None
    other = incident_service.create_incident(session, title="Lost laptop",
                                             kind=IncidentKind.DATA_BREACH,
                                             discovered_on=dt.date(2026, 3, 5)).id
    letter_service.import_recipients(session, write_list(
        tmp_path / "other.csv", ["Olga,Other,1975-02-03,,1 Main St,Peoria,IL,61602,,,,,,,"]),
        incident_id=other)
    settings_service.set(session, "hotline_max_failed_verifications", 2)
    agent = agent_session(session)
    try:
        ann = lookup.lookup(agent, reference=refs["Ann"]).handle
        verify.verify(agent, ann, CallerFacts(birth_date=dt.date(1980, 5, 1), zip_code="62701"))
        calls.log_call(agent, language="en", topics=["letter"], outcome="answered",
                       topic_text="asked when the letter was mailed", handle=ann)
        actions.request_callback(agent, ann, "217-555-0143", "evenings only")
        actions.record_complaint(agent, ann, "My neighbour got my letter")
        emma = lookup.lookup(agent, reference=refs["Emma"]).handle
        for _ in range(2):  # locked for casey: a possible impersonation flag
            verify.verify(agent, emma, CallerFacts(birth_date=dt.date(2000, 1, 1),
                                                   zip_code="75201"))
        calls.log_call(agent, language="en", topics=["letter"], outcome="locked", handle=emma)
        olga = lookup.lookup(agent, name="Olga Other", birth_date=dt.date(1975, 2, 3))
        assert olga.found
        calls.log_call(agent, language="en", topics=["was_i_affected"], outcome="answered",
                       handle=olga.handle)
        nobody = lookup.lookup(agent, reference="CD99999995").handle
        calls.log_call(agent, language="es", topics=["was_i_affected"], outcome="answered",
                       handle=nobody)
    finally:
        agent.close()
    assert counts(session) == {"hotline_lookups": 4, "hotline_attempts": 3, "hotline_locks": 1,
                               "hotline_calls": 4, "hotline_requests": 2}
    assert verify.impersonation_flags(session)

    removed = letter_service.purge_recipients(session, first.id)

    assert (removed["hotline_lookups"], removed["hotline_calls"]) == (2, 2)
    assert (removed["hotline_attempts"], removed["hotline_locks"]) == (3, 1)
    assert counts(session) == {"hotline_lookups": 2, "hotline_attempts": 0, "hotline_locks": 0,
                               "hotline_calls": 2, "hotline_requests": 0}
    left = {r[0] for r in session.db.execute("SELECT lookup_id FROM hotline_calls")}
    assert left == {olga.handle, nobody}  # the other incident's call, and the miss
    assert not verify.impersonation_flags(session)
    assert calls.stats(session).calls == 2
    entry = [e for e in audit_store.entries(session.db) if e.action == "letters.purge"][-1]
    assert "2 hotline calls" in entry.summary
