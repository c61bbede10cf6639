"""A desk with mailed letters (an adult, a minor, a deceased patient) and a hotline agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.letters import LetterStatus
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.session import Session
from tests.support.crisis import freeze
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.letters import add_codes, letter_desk, write_list

AGENT = "casey"
ROWS = [
    "Ann,Smith,1980-05-01,,12 Elm St,Springfield,IL,62701,,,,,,,",
    "Emma,Jones,2012-04-07,,5 Oak Ave,Dallas,TX,75201,,Robert Jones,,,,,",
    "George,Brown,1940-07-07,2025-12-01,9 Pine Rd,Austin,TX,73301,,,Linda Brown,"
    "77 Birch Ln,Austin,TX,78701",
]


def mailed_letters(session: Session, tmp_path: Path) -> dict[str, str]:
    """Letters for ROWS made, printed and mailed; {first name: reference}."""
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "list.csv", ROWS))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 5)
    batch = letter_service.create_batch(session)
    letter_service.record_direct_print(session, str(batch.number))
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.PRINTED)
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.MAILED)
    rows = session.db.execute("SELECT r.first_name, l.reference FROM letters l JOIN recipients "
                              "r ON r.id = l.recipient_id").fetchall()
    return {str(r[0]): str(r[1]) for r in rows}


def agent_session(session: Session, name: str = AGENT) -> Session:
    """Add a hotline agent and unlock the desk as them (clock frozen like the admin's)."""
    operator_service.add_operator(session, name, Role.AGENT, PASSPHRASE, FAST_KDF)
    agent = desk_service.unlock(session.data_dir, name, PASSPHRASE)
    freeze(agent)
    return agent


def run_cli_in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                       data_dir: Path, operator: str, *args: str) -> tuple[int, str, str]:
    """`crisisdesk --data-dir DATA_DIR ARGS…` as `operator`, in this process: (exit, out, err)."""
    from crisisdesk.cli import main

    monkeypatch.setenv("CRISISDESK_OPERATOR", operator)
    monkeypatch.setenv("CRISISDESK_PASSPHRASE", PASSPHRASE)
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err
