"""The rule files are decoded once per content, never served stale, and each reader gets its
own copy (store/rule_files.py keeps what it decoded so pages opening later need not)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crisisdesk.store import rule_files

RULES = """last_reviewed = 2026-01-0{n}
verify_note = "Check with counsel ({n})."
"""


def _write(path: Path, text: str, mtime_ns: int) -> None:
    path.write_text(text, "utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_changed_rules_file_is_read_again_even_with_the_same_time_and_size(
        tmp_path: Path) -> None:
    # Saved twice within one tick of the file system's clock: same size, same mtime.
    own = tmp_path / rule_files.DESK_RULES_FILE
    stamp = 1_764_000_000_000_000_000
    _write(own, RULES.format(n=1), stamp)
    first = rule_files.notification_rules(tmp_path)
    _write(own, RULES.format(n=2), stamp)
    second = rule_files.notification_rules(tmp_path)
    assert first.data["verify_note"] == "Check with counsel (1)."
    assert second.data["verify_note"] == "Check with counsel (2)."
    assert str(second.data["last_reviewed"]) == "2026-01-02"
    # and a broken save is reported, not papered over with the last good read
    _write(own, "[[rule]\nkey = ", stamp)
    assert "cannot be read" in rule_files.notification_rules(tmp_path).problem


def test_a_reader_changing_its_copy_does_not_change_the_next_read() -> None:
    first = rule_files.notification_rules()
    assert first.data["rule"], "the shipped rules have rules"
    first.data["rule"].clear()
    first.data["verify_note"] = "changed by a careless caller"
    again = rule_files.notification_rules()
    assert again.data["rule"]
    assert again.data["verify_note"] != "changed by a careless caller"


def test_the_same_file_is_decoded_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = tmp_path / rule_files.DESK_RULES_FILE
    own.write_text(RULES.format(n=3), "utf-8")
    decoded: list[str] = []
    real = rule_files.tomllib.loads
    monkeypatch.setattr(rule_files.tomllib, "loads",
                        lambda text: decoded.append(text) or real(text))
    for _ in range(4):  # as the pages opening one after another do
        assert rule_files.notification_rules(tmp_path).data["verify_note"]
    assert len(decoded) == 1


def test_what_the_services_make_of_a_file_is_worked_out_once_per_content(
        tmp_path: Path) -> None:
    # The Dashboard turns the rules into deadlines on every refresh; the rules themselves are
    # parsed again only when the file changed, and a broken file is never remembered.
    own = tmp_path / rule_files.DESK_RULES_FILE
    stamp = 1_764_000_000_000_000_000
    parsed: list[str] = []

    def parse(data: dict[str, object]) -> str:
        parsed.append(str(data["verify_note"]))
        return str(data["verify_note"])

    _write(own, RULES.format(n=4), stamp)
    seen = [rule_files.parsed(rule_files.notification_rules(tmp_path), parse) for _ in range(3)]
    assert seen == ["Check with counsel (4)."] * 3
    assert len(parsed) == 1
    _write(own, RULES.format(n=5), stamp)  # same size, same time: still read again
    assert rule_files.parsed(rule_files.notification_rules(tmp_path),
                             parse) == "Check with counsel (5)."
    _write(own, "[[rule]\nkey = ", stamp)
    broken = rule_files.notification_rules(tmp_path)
    assert broken.problem
    _write(own, RULES.format(n=5), stamp)
    assert rule_files.parsed(rule_files.notification_rules(tmp_path),
                             parse) == "Check with counsel (5)."
    assert len(parsed) == 2  # 4, then 5: the same text again after the broken save is known


def test_a_desk_s_edited_rules_reach_its_deadlines_without_restarting(tmp_path: Path) -> None:
    from crisisdesk.services import clocks

    shipped_note = clocks._rules(rule_files.notification_rules()).verify_note
    clocks.warm(tmp_path)
    assert clocks._rules(rule_files.notification_rules(tmp_path)).verify_note == shipped_note
    own = tmp_path / rule_files.DESK_RULES_FILE
    for n in (6, 7):  # edited twice while the desk is open
        own.write_text(RULES.format(n=n), "utf-8")
        assert clocks._rules(rule_files.notification_rules(tmp_path)).verify_note == (
            f"Check with counsel ({n}).")
