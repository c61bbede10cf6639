"""Dates typed into `crisisdesk letters` options go through the CLI's one date parser: ISO or
the US 12/01/2026 form is taken, anything else is one line on stderr and exit 1 (a user
error, not a usage error), with nothing done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisisdesk.cli import main
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from tests.support.desk import PASSPHRASE
from tests.support.letters import adult_rows, letter_desk, write_list


def run(data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("CRISISDESK_OPERATOR", "alex")
    monkeypatch.setenv("CRISISDESK_PASSPHRASE", PASSPHRASE)
    with pytest.raises(SystemExit) as done:
        main(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr()
    return int(done.value.code or 0), out.out, out.err


@pytest.fixture
def desk(session: Session, tmp_path: Path) -> Path:
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(3)))
    session.close()
    return session.data_dir


def test_a_us_date_is_taken(desk: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(desk, capsys, monkeypatch, "letters", "classify", "--notice-date",
                         "04/06/2026", "--json")
    assert code == 0, err
    assert json.loads(out)["notice_date"] == "2026-04-06"


@pytest.mark.parametrize("args", [
    ("letters", "classify", "--notice-date", "13/45/2026"),
    ("letters", "batch-create", "--letter-date", "2026-02-30"),
    ("letters", "codes-import", "codes.csv", "--expires", "next July"),
    ("letters", "mark", "printed", "1", "--date", "06.04.2026"),
])
def test_a_bad_date_is_one_line_and_exit_1(desk: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch,
                                           args: tuple[str, ...]) -> None:
    code, out, err = run(desk, capsys, monkeypatch, *args)
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert f"not {args[-1]!r}" in err
    assert "12/01/2026" in err  # the forms it does take
    code, out, err = run(desk, capsys, monkeypatch, "letters", "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert (status["summary"]["ready"], status["batches"]) == (0, [])  # nothing done
