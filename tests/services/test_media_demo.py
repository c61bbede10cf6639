"""The demo's media desk: a bank of approved answers, a statement issued, inquiries in every
state, and a cadence that needs attention, all recorded through the services."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from crisisdesk.domain.cadence import CadenceState
from crisisdesk.services import desk as desk_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.store import audit as audit_store
from tests.support.desk import FAST_KDF


def test_demo_media_desk(tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    steps = [demo_service.seed_operators, demo_service.seed_settings,
             demo_service.seed_staff, demo_service.seed_external,
             demo_service.seed_incident, demo_service.seed_media]
    result = demo_service.create_demo(data_dir, kdf=FAST_KDF, steps=steps)
    assert result.steps[-1].startswith("media desk: 15 approved answers, holding statement")
    session = desk_service.unlock(data_dir, demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    try:
        bank = media_bank.bank(session)
        assert len(bank) == 15
        assert all(not e.problem for e in bank)
        assert "Riverbend Community Health hospitals and clinics are open" in bank[0].answer
        issued = statement_service.issued_statements(session)
        assert [(e.template_key, e.version) for e in issued] == [
            ("riverbend-holding-statement", 1)]
        inquiries = media_service.list_inquiries(session)
        assert len(inquiries) == 12
        assert Counter(q.status.value for q in inquiries) == {
            "answered": 4, "new": 3, "assigned": 2, "drafting": 1, "declined": 1,
            "no_response_needed": 1}
        summary = media_service.media_summary(session)
        assert (summary.open_inquiries, summary.overdue_inquiries) == (6, 2)
        assert len(media_service.pending_drafts(session)) == 1
        states = {s.audience.value: s.state for s in cadence_service.cadence_status(session)}
        assert states["staff"] is CadenceState.OVERDUE
        assert states["board"] is CadenceState.NEAR
        for entry in audit_store.entries(session.db):  # reporters are not named in the audit
            assert "Whitmore" not in str(entry)
            assert "Gallagher" not in str(entry)
    finally:
        session.close()
