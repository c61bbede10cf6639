"""An anchor outside the file: the audit head (count and hash) exported, printed and backed
up, so removing or rewriting entries up to it shows even when the chain was re-MACed."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from crisisdesk.domain.errors import UserError
from crisisdesk.printing.binder import front_html
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.desk import PASSPHRASE
from tests.support.tamper import outside_the_app, remac_chain


def _entries_until(session: Session, count: int) -> None:
    while audit_store.last_seq(session.db) < count:
        with session.action("test.step", "note", summary="step"):
            session.db.execute("UPDATE settings SET value = value WHERE 0")


def test_an_anchor_file_holds_the_head_and_verifies_later(session: Session,
                                                          tmp_path: Path) -> None:
    start = audit_store.last_seq(session.db)
    _entries_until(session, start + 2)
    path = tmp_path / "anchor.json"
    written = audit_service.export_anchor(session, path)
    data = json.loads(path.read_text())
    assert data == written
    assert (data["desk_id"], data["count"]) == (session.desk_id, start + 2)
    assert data["head_hash"] == audit_store.entry_at(session.db, start + 2).mac  # type: ignore[union-attr]
    assert str(data["at"]).endswith("Z")
    _entries_until(session, start + 10)
    report = audit_service.verify_anchor(session, path)
    assert report.ok, report.problems
    assert (report.anchor_count, report.now_count) == (start + 2, start + 10)


def test_deleting_the_last_entries_and_remacing_is_caught_by_an_older_anchor(
    session: Session, data_dir: Path, tmp_path: Path,
) -> None:
    _entries_until(session, 120)
    anchor = tmp_path / "anchor-120.json"
    audit_service.export_anchor(session, anchor)
    _entries_until(session, 124)
    with outside_the_app(data_dir) as (conn, key):
        conn.execute("DELETE FROM audit WHERE seq > 119")  # the last 5
        assert remac_chain(conn, key) == 119
    report = audit_service.verify_anchor(session, anchor)
    assert not report.ok
    assert report.problems == ["the anchor's entry 120 is gone (the log now ends at entry 119): "
                               "entries were removed"]


def test_rewriting_earlier_entries_and_remacing_is_caught_by_an_older_anchor(
    session: Session, data_dir: Path, tmp_path: Path,
) -> None:
    _entries_until(session, 120)
    anchor = tmp_path / "anchor-120.json"
    audit_service.export_anchor(session, anchor)
    _entries_until(session, 130)
    with outside_the_app(data_dir) as (conn, key):
        conn.execute("DELETE FROM audit WHERE seq BETWEEN 50 AND 54")  # 5 from the middle
        assert remac_chain(conn, key) == 125
    report = audit_service.verify_anchor(session, anchor)
    assert report.problems[0] == ("the anchor's entry 120 has a different hash: the log was "
                                  "rewritten at or before entry 120")
    assert "signature does not match" in report.problems[-1]  # the signatures see it too


def test_an_anchor_of_another_desk_or_no_anchor_is_a_clear_error(
    session: Session, tmp_path: Path,
) -> None:
    other = desk_service.init_desk(tmp_path / "other", org="Elsewhere", operator="bea",
                                   passphrase=PASSPHRASE).session
    theirs = tmp_path / "theirs.json"
    audit_service.export_anchor(other, theirs)
    other.close()
    with pytest.raises(UserError, match="anchor of another desk"):
        audit_service.verify_anchor(session, theirs)
    junk = tmp_path / "junk.json"
    junk.write_text('{"count": 3}')
    with pytest.raises(UserError, match="is not an audit anchor file"):
        audit_service.verify_anchor(session, junk)
    with pytest.raises(UserError, match="No anchor file"):
        audit_service.verify_anchor(session, tmp_path / "missing.json")


def test_every_backup_stores_the_head(session: Session, tmp_path: Path) -> None:
    count, mac = audit_store.head(session.db)
    info = backup_service.create_backup(session, tmp_path / "b.crisisdesk-backup")
    with zipfile.ZipFile(info.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    head = manifest["audit_head"]
    assert (head["count"], head["head_hash"]) == (count, mac)
    anchor = tmp_path / "from-backup.json"  # the manifest's head is itself an anchor
    anchor.write_text(json.dumps(head))
    assert audit_service.verify_anchor(session, anchor).ok


def test_the_binder_cover_prints_the_head(session: Session) -> None:
    count, mac = audit_store.head(session.db)
    assert f"entry {count}, hash {mac}" in front_html(session, [])


def test_the_counts_report_for_counsel_prints_the_head(session: Session, tmp_path: Path) -> None:
    from crisisdesk.printing.letter_report import write_pdf
    from crisisdesk.printing.pdf import ensure_gui_app
    from crisisdesk.services.letters import batches as letter_service
    from crisisdesk.services.letters import report as letter_report
    from tests.support.letters import adult_rows, letter_desk, write_list
    from tests.support.pdf import read

    ensure_gui_app()
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(20)))
    count, mac = audit_store.head(session.db)
    path = tmp_path / "counts.pdf"
    letter_report.save_counsel_report(session, path, write_pdf)
    _texts, pages = read(path)
    squashed = "".join("".join(pages).split())  # the long hash may wrap at the page edge
    assert f"Audithead:entry{count},hash{mac}." in squashed
