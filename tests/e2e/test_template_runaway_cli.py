"""`crisisdesk templates check/submit` of a template that never finishes: exit 1, one line,
fast. Timed in-process (the command itself, without Python's own start-up), then once as a
separate process as a user runs it (no traceback from the worker, nothing left running)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crisisdesk.cli import main
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from tests.support.cli import run_cli
from tests.support.desk import PASSPHRASE
from tests.support.runaway import NESTED_IFS, runaway_file, runaway_meta

REFUSED = "The template took longer than 1 s to fill in; it is refused."


def _crisisdesk(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def as_alex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISISDESK_OPERATOR", "alex")
    monkeypatch.setenv("CRISISDESK_PASSPHRASE", PASSPHRASE)


@pytest.mark.usefixtures("as_alex")
def test_submit_of_the_nested_list_draft_exits_1_within_2_seconds_with_one_line(
        session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    template_service.create_template(session, runaway_meta(), runaway_file().split("+++\n")[2])
    capsys.readouterr()
    start = time.monotonic()
    code = _crisisdesk("--data-dir", str(session.data_dir), "templates", "submit",
                       "nested-lists")
    elapsed = time.monotonic() - start
    out = capsys.readouterr()
    assert code == 1
    assert elapsed < 2.0
    assert out.err.splitlines() == [
        f"crisisdesk: Cannot submit nested-lists version 1: {REFUSED.rstrip('.')}."]


def test_check_of_the_nested_list_file_exits_1_within_2_seconds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nested.tmpl"
    path.write_text(runaway_file(), "utf-8")
    template_service.check_draft("Warm.", runaway_meta())  # the worker runs, as in a session
    start = time.monotonic()
    code = _crisisdesk("templates", "check", "--file", str(path))
    elapsed = time.monotonic() - start
    out = capsys.readouterr()
    assert code == 1
    assert elapsed < 2.0
    assert out.out.splitlines() == [f"{path} (nested-lists): 1 error(s)", f"  ERROR   {REFUSED}"]


def test_a_hundred_nested_ifs_are_one_line_and_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ifs.tmpl"
    path.write_text(runaway_file("nested-ifs", NESTED_IFS), "utf-8")
    assert _crisisdesk("templates", "check", "--file", str(path)) == 1
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.splitlines()[1].strip() == ("ERROR   the template nests too deeply (too many "
                                               "blocks or expressions inside one another)")


def test_as_a_separate_process_the_refusal_is_clean(tmp_path: Path) -> None:
    path = tmp_path / "nested.tmpl"
    path.write_text(runaway_file(), "utf-8")
    start = time.monotonic()
    out = run_cli(tmp_path / "no-desk", "templates", "check", "--file", str(path), timeout=60)
    elapsed = time.monotonic() - start
    assert out.returncode == 1
    assert REFUSED in out.stdout
    assert out.stderr == ""  # no traceback from the worker that was killed or its replacement
    # Python's own start-up is most of this; the template itself is stopped at 1 s
    assert elapsed < 15, elapsed
