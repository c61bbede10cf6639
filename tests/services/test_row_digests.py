"""Rows changed outside the app: each audited action records a digest of the business rows it
wrote, and `verify_deep` names every row whose content no audited write explains."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.contacts import Contact, ContactDraft
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import row_digests
from tests.support.desk import PASSPHRASE
from tests.support.old_desk import make_old_desk
from tests.support.tamper import outside_the_app


def _contact(session: Session, name: str, phone: str = "+1 617 555 0100") -> Contact:
    return contact_service.add_contact(session, ContactDraft(name, phones=[("mobile", phone)]))


def _named(report: audit_service.DeepReport) -> list[tuple[str, str, str]]:
    return [(c.table, c.key, c.kind) for c in report.changes]


def test_everything_written_through_the_app_checks_clean(session: Session) -> None:
    ann = _contact(session, "Ann Able")
    bob = _contact(session, "Bob Baker", "+1 617 555 0101")
    contact_service.update_contact(session, bob.id, ContactDraft(
        "Robert Baker", phones=[("mobile", "+1 617 555 0101")]))
    contact_service.delete_contact(session, ann.id)
    with pytest.raises(RuntimeError), session.action("test.fail", "note"):  # noqa: PT012 - the action block is what fails
        _contact(session, "Half Done")
        raise RuntimeError("boom")
    report = audit_service.verify_deep(session)
    assert report.ok, report.lines()
    assert report.rows == _business_rows(session)
    # each entry carries the digest of exactly the rows it wrote
    last = audit_store.entries(session.db)[-1]
    assert last.action == "contact.delete"
    assert session.db.execute("SELECT tbl, key, hex(digest) FROM row_digests WHERE seq = ?",
                              [last.seq]).fetchall() == [("contacts", ann.id, "")]


def _business_rows(session: Session) -> int:
    tables = [t.name for t in row_digests.business_tables(session.db)]
    return sum(session.db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables)


def test_a_contact_edited_outside_the_app_is_named(session: Session, data_dir: Path) -> None:
    ann = _contact(session, "Ann Able")
    _contact(session, "Bob Baker", "+1 617 555 0101")
    with outside_the_app(data_dir) as (conn, _key):
        conn.execute("UPDATE contacts SET phones = '[]', notes = 'moved' WHERE id = ?", [ann.id])
    report = audit_service.verify_deep(session)
    assert not report.ok
    assert report.chain.ok  # the log itself was not touched
    assert _named(report) == [("contacts", ann.id, "edited")]
    assert report.lines() == [f"changed outside the app: contacts {ann.id} (edited)"]


def test_a_contact_inserted_outside_the_app_is_named(session: Session, data_dir: Path) -> None:
    _contact(session, "Ann Able")
    with outside_the_app(data_dir) as (conn, _key):
        conn.execute("INSERT INTO contacts (id, name, kind, created_at) VALUES "
                     "('planted-1', 'Mallory', 'staff', '2026-12-01T00:00:00Z')")
    report = audit_service.verify_deep(session)
    assert _named(report) == [("contacts", "planted-1", "inserted")]


def test_a_contact_deleted_outside_the_app_is_named(session: Session, data_dir: Path) -> None:
    ann = _contact(session, "Ann Able")
    bob = _contact(session, "Bob Baker", "+1 617 555 0101")
    with outside_the_app(data_dir) as (conn, _key):
        conn.execute("DELETE FROM contacts WHERE id = ?", [bob.id])
    report = audit_service.verify_deep(session)
    assert _named(report) == [("contacts", bob.id, "deleted")]
    assert report.changes[0].last_seq == audit_store.entries(session.db)[-1].seq
    assert ann.id not in " ".join(report.lines())


def test_a_role_changed_outside_the_app_is_named(session: Session, data_dir: Path) -> None:
    from crisisdesk.services import operators as operator_service

    operator_service.add_operator(session, "casey", Role.OPERATOR, "another passphrase 1")
    casey = session.db.execute("SELECT id FROM operators WHERE name = 'casey'").fetchone()[0]
    with outside_the_app(data_dir, "casey", "another passphrase 1") as (conn, _key):
        conn.execute("UPDATE operators SET role = 'admin' WHERE id = ?", [casey])
    assert _named(audit_service.verify_deep(session)) == [("operators", casey, "edited")]


def test_rewriting_the_recorded_digest_to_hide_an_edit_names_the_entry(
    session: Session, data_dir: Path,
) -> None:
    ann = _contact(session, "Ann Able")
    seq = audit_store.entries(session.db)[-1].seq
    with outside_the_app(data_dir) as (conn, _key):
        conn.execute("UPDATE contacts SET notes = 'changed' WHERE id = ?", [ann.id])
        conn.create_function(row_digests.DIGEST_FUNCTION, 1, row_digests.row_digest)
        table = next(t for t in row_digests.business_tables(session.db) if t.name == "contacts")
        forged = row_digests.digest_sql(table, "c")
        conn.execute(f"UPDATE row_digests SET digest = (SELECT {forged} FROM contacts c "
                     "WHERE c.id = ?) WHERE seq = ? AND key = ?", [ann.id, seq, ann.id])
    report = audit_service.verify_deep(session)
    assert report.changes == []  # the row now matches the forged record...
    assert report.altered_entries == [seq]  # ...which no longer matches its entry's MAC
    assert report.lines() == [f"entry {seq}'s record of the rows it wrote was altered"]


def test_the_rows_digest_is_covered_by_the_entry_mac(session: Session, data_dir: Path) -> None:
    _contact(session, "Ann Able")
    seq = audit_store.entries(session.db)[-1].seq
    with outside_the_app(data_dir) as (conn, _key):
        conn.execute("UPDATE audit SET rows_digest = '' WHERE seq = ?", [seq])
    chain = audit_service.verify(session)
    assert not chain.ok
    assert chain.bad_seq == seq


def test_meta_audit_and_full_text_tables_are_not_business_tables(session: Session) -> None:
    names = {t.name for t in row_digests.business_tables(session.db)}
    assert {"contacts", "operators", "settings", "recipients", "systems"} <= names
    assert not names & {"meta", "audit", "row_digests", "_sqlite_migrations"}
    assert not [n for n in names if n.startswith("contacts_fts")]


def test_an_old_desk_is_baselined_on_upgrade_and_then_checks_clean(tmp_path: Path) -> None:
    data_dir = tmp_path / "desk"
    make_old_desk(data_dir)
    session = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        entries = audit_store.entries(session.db)
        last = entries[-1]
        baselines = [e for e in entries if e.action == "audit.baseline"]
        assert len(baselines) == 1  # (the first admin's unlock then signs the roster)
        assert baselines[0].summary.startswith("baseline of ")
        assert baselines[0].summary.endswith(" rows (upgrade)")
        report = audit_service.verify_deep(session)
        assert report.rows > 0
        assert report.ok, report.lines()
    finally:
        session.close()
    again = desk_service.unlock(data_dir, "alex", PASSPHRASE)  # no second baseline
    try:
        assert audit_store.entries(again.db)[-1].seq == last.seq
    finally:
        again.close()
