"""The audit chain catches an edited, deleted or reordered entry, and names it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisdesk.domain.audit import GENESIS, AuditEntry, entry_mac, head_mac, verify_chain
from crisisdesk.services import audit as audit_service
from crisisdesk.services.session import Session


def _make_entries(session: Session, n: int) -> None:
    for i in range(n):
        with session.action("test.step", "note", f"id-{i}", f"step {i}"):
            pass


def _raw(session: Session, sql: str, params: list[object] | None = None) -> None:
    """Tamper the way someone with a SQL shell on the decrypted desk would."""
    session.db.execute(sql, params or [])


def test_intact_chain_verifies_with_its_count(new_desk_session: Session) -> None:
    session = new_desk_session  # only desk.init in the chain
    _make_entries(session, 5)
    report = audit_service.verify(session)
    assert report.ok
    assert report.count == 6


def test_an_edited_summary_is_named(session: Session) -> None:
    _make_entries(session, 5)
    _raw(session, "UPDATE audit SET summary = 'nothing to see' WHERE seq = 3")
    report = audit_service.verify(session)
    assert not report.ok
    assert report.bad_seq == 3
    assert "altered" in report.problem


def test_a_deleted_middle_entry_is_named(session: Session) -> None:
    _make_entries(session, 5)
    _raw(session, "DELETE FROM audit WHERE seq = 4")
    report = audit_service.verify(session)
    assert not report.ok
    assert report.bad_seq == 4
    assert "missing" in report.problem


def test_deleting_the_newest_entries_is_caught(session: Session) -> None:
    _make_entries(session, 5)
    _raw(session, "DELETE FROM audit WHERE seq >= 5")
    report = audit_service.verify(session)
    assert not report.ok
    assert "newest entries were deleted" in report.problem


def test_reordered_entries_are_caught(session: Session) -> None:
    _make_entries(session, 4)
    _raw(session, "UPDATE audit SET seq = -1 WHERE seq = 2")
    _raw(session, "UPDATE audit SET seq = 2 WHERE seq = 3")
    _raw(session, "UPDATE audit SET seq = 3 WHERE seq = -1")
    report = audit_service.verify(session)
    assert not report.ok
    assert report.bad_seq == 2


def test_a_failed_action_leaves_no_entry_and_no_change(session: Session) -> None:
    before = len(audit_service.show(session))
    with pytest.raises(RuntimeError), session.action("test.fail", "note"):  # noqa: PT012 - the action block is what fails
        session.db["meta"].insert({"key": "half", "value": "done"})
        raise RuntimeError("boom")
    assert len(audit_service.show(session)) == before
    assert session.db.execute("SELECT count(*) FROM meta WHERE key='half'").fetchone()[0] == 0
    assert audit_service.verify(session).ok


def test_show_since_filters_by_time(new_desk_session: Session) -> None:
    session = new_desk_session  # only desk.init in the chain
    _make_entries(session, 2)
    assert len(audit_service.show(session, since="2000-01-01")) == 3
    assert audit_service.show(session, since="2999-01-01") == []


def _chain(key: bytes, summaries: list[str]) -> list[AuditEntry]:
    out, prev = [], GENESIS
    for i, s in enumerate(summaries, start=1):
        fields = dict(seq=i, id=f"e{i}", at="2026-11-25T00:00:00Z", operator="alex",
                      action="a", entity_type="t", entity_id="", summary=s, prev_mac=prev)
        mac = entry_mac(key, **fields)  # type: ignore[arg-type]
        out.append(AuditEntry(mac=mac, **fields))  # type: ignore[arg-type]
        prev = mac
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=20), min_size=1, max_size=8), st.data())
def test_any_single_edit_anywhere_is_detected(summaries: list[str], data: st.DataObject) -> None:
    key = b"k" * 32
    entries = _chain(key, summaries)
    head = (len(entries), head_mac(key, len(entries), entries[-1].mac))
    assert verify_chain(key, entries, head).ok
    i = data.draw(st.integers(0, len(entries) - 1))
    new_summary = data.draw(st.text(max_size=20).filter(lambda s: s != entries[i].summary))
    e = entries[i]
    entries[i] = AuditEntry(e.seq, e.id, e.at, e.operator, e.action, e.entity_type, e.entity_id,
                            new_summary, e.prev_mac, e.mac)
    report = verify_chain(key, entries, head)
    assert not report.ok
    assert report.bad_seq == i + 1
