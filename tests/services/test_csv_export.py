"""Every CSV the desk exports goes through one writer: no cell becomes a formula in a
spreadsheet of any locale, the file is complete or absent, and a full disk is one line."""

from __future__ import annotations

import csv
import errno
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft
from crisisdesk.domain.errors import UserError
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import messages as message_service
from crisisdesk.services.calling_trees import files as tree_files
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.files.csv_export import csv_cell, write_csv
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store.library import library_files
from tests.support.letters import add_codes, letter_desk, write_list

HOSTILE = "Bob;=1+1"
TRIGGERS = ("=", "+", "-", "@")


def _pieces(text: str, separator: str) -> list[str]:
    """The cells a spreadsheet would see if it split every line on `separator` (quotes
    honoured only around a whole piece, as the strictest reader does)."""
    out = []
    for line in text.splitlines():
        for piece in line.split(separator):
            out.append(piece.strip('"') if separator != "\t" else piece.lstrip('"'))
    return out


def assert_no_formula_in_any_locale(text: str) -> None:
    for separator in (",", ";", "\t", "|"):
        formulas = [p for p in _pieces(text, separator) if p.startswith(TRIGGERS)]
        assert formulas == [], f"split on {separator!r}"
    for row in csv.reader(io.StringIO(text)):  # a comma reader honouring quotes
        assert not any(cell.startswith(TRIGGERS) for cell in row)


@pytest.mark.parametrize(("value", "written"), [
    ("Dana", "Dana"),
    (HOSTILE, "\"Bob;'=1+1\""),
    ("a,b", '"a,b"'),
    ("a|b", '"a|b"'),
    ("a\tb", '"a\tb"'),
    ('say "hi"', '"say ""hi"""'),
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+1 555 0142; +1 555 0143", "\"'+1 555 0142; +1 555 0143\""),
    (" padded ", '" padded "'),
    ("x|@cmd", "\"x|'@cmd\""),
    ("Da\0na", "Dana"),
    ("\0=1+1", "'=1+1"),
])
def test_each_cell_is_quoted_and_neutralised(value: str, written: str) -> None:
    assert csv_cell(value) == written


def test_a_semicolon_formula_never_reaches_a_spreadsheet_and_round_trips(
        session: Session, tmp_path: Path) -> None:
    contact_service.add_contact(session, ContactDraft(
        name=HOSTILE, job_title="x|@SUM(1)", notes="a\t-2+3",
        phones=[("mobile", "+1 212 555 0142")]))
    out = tmp_path / "contacts.csv"
    assert contact_service.export_contacts_csv(session, out) == 1
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "\"Bob;'=1+1\"" in text
    assert_no_formula_in_any_locale(text)
    [draft] = contact_service.plan_import(out).sample  # our own import takes it back whole
    assert (draft.name, draft.job_title, draft.notes) == (HOSTILE, "x|@SUM(1)", "a\t-2+3")


LIBRARY = {tf.meta.key: tf for tf in library_files()}


def _contacts(session: Session, tmp_path: Path) -> Callable[[Path], int]:
    contact_service.add_contact(session, ContactDraft(name=HOSTILE,
                                                      phones=[("mobile", "(312) 555-0100")]))
    return lambda out: contact_service.export_contacts_csv(session, out)


def _tree(session: Session, tmp_path: Path) -> Callable[[Path], int]:
    lead = contact_service.add_contact(session, ContactDraft(name=HOSTILE))
    tree = tree_service.create_tree(session, "Night shift")
    tree_service.add_person(session, tree.id, lead.id)
    return lambda out: tree_files.export_tree_csv(session, tree.id, out)


def _message_log(session: Session, tmp_path: Path) -> Callable[[Path], int]:
    message_service.issue_message(session, "staff-sms-alert-en", recipient_count=4, note=HOSTILE,
                                  values=LIBRARY["staff-sms-alert-en"].meta.sample_values())
    return lambda out: message_service.export_log_csv(session, out)


def _mailing_log(session: Session, tmp_path: Path) -> Callable[[Path], int]:
    letter_desk(session)
    row = "Bob,Smith;=1+1,1980-05-01,,12 Elm St,Springfield,IL,62701,,,,,,,"
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", [row]))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 2)
    letter_service.create_batch(session)
    return lambda out: mailing_log.export_csv(session, out)


EXPORTS = {"contacts": _contacts, "calling tree": _tree, "communication log": _message_log,
           "mailing log": _mailing_log}


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_every_export_is_safe_in_every_locale(session: Session, tmp_path: Path,
                                              kind: str) -> None:
    export = EXPORTS[kind](session, tmp_path)
    out = tmp_path / "out.csv"
    assert export(out) == 1
    text = out.read_text("utf-8-sig")
    assert ";'=1+1" in text
    assert_no_formula_in_any_locale(text)


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_a_full_disk_is_one_line_and_leaves_nothing(
        session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    export = EXPORTS[kind](session, tmp_path)
    out = tmp_path / "exports" / "out.csv"
    out.parent.mkdir()
    out.write_text("yesterday's export\n")
    audits = len(audit_store.entries(session.db))

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(UserError) as caught:
        export(out)
    assert str(caught.value) == (f"The disk holding {out.parent} is full: out.csv was not "
                                 "written (nothing else changed); free some space and export "
                                 "again.")
    assert out.read_text() == "yesterday's export\n"  # the old file stands, whole
    assert [p.name for p in out.parent.iterdir()] == ["out.csv"]  # no temporary left
    assert len(audit_store.entries(session.db)) == audits


def test_write_csv_counts_rows_and_writes_crlf(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert write_csv(out, ["a", "b"], [["1", "x;y"], ["2", None]]) == 2
    assert out.read_bytes() == b'\xef\xbb\xbfa,b\r\n1,"x;y"\r\n2,\r\n'
