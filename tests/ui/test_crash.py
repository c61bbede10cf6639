"""The crash path: one hook, a report with code locations and no personal data."""

from __future__ import annotations

import sys

from crisisdesk.ui import crash
from tests.support.ui import RecordingPrompts


def make_error() -> ValueError:
    name = "Maria Lopez"
    message = (f"cannot print letter for '{name}' at /home/nurse/Patients/lopez.pdf, "
               "MRN 00123456, call +1 (312) 555-0142 or maria@example.org")
    try:
        raise ValueError(message)
    except ValueError as exc:
        return exc


def test_report_is_scrubbed_and_locates_the_code() -> None:
    exc = make_error()
    report = crash.crash_report(type(exc), exc, exc.__traceback__)
    for secret in ("Maria", "Lopez", "lopez", "nurse", "00123456", "555", "maria@"):
        assert secret not in report
    assert "builtins.ValueError: cannot print letter for <text> at <path>" in report
    assert 'File "tests/ui/test_crash.py"' in report
    assert "in make_error" in report


def test_excepthook_shows_the_report_through_prompts(monkeypatch: object) -> None:
    prompts = RecordingPrompts()
    shown: list[str] = []
    prompts.crash = lambda parent, report: shown.append(report)  # type: ignore[method-assign]
    previous = crash.install(prompts)
    try:
        exc = make_error()
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = previous
    assert len(shown) == 1
    assert "<email>" in shown[0]
    assert "Maria" not in shown[0].split(
        "builtins.ValueError")[1]
