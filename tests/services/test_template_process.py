"""Templates run in a separate process: a runaway is stopped by the clock and refused by name.

One worker process serves the whole test session (as it serves a whole letter batch); a test
that gets it killed gets a fresh one for the next call.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.templating import TemplateError, compile_template
from crisisdesk.services import template_process
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.services.template_process import Limits, TemplateRefused
from tests.support.runaway import NESTED_IFS, NESTED_LISTS, runaway_meta

REFUSED = "The template took longer than 1 s to fill in; it is refused."


def test_a_runaway_render_is_killed_and_refused_by_name_within_2_seconds() -> None:
    template_process.render("warm {{ x }}", {"x": 1}, html=False)  # the worker is running
    start = time.monotonic()
    with pytest.raises(TemplateRefused) as refused:
        template_process.render(NESTED_LISTS, {}, html=False)
    assert time.monotonic() - start < 2.0
    assert str(refused.value) == REFUSED
    # the killed worker was replaced: the next template fills in as usual, and soon
    start = time.monotonic()
    assert template_process.render("Dear {{ name }}", {"name": "Ana"}, html=False) == "Dear Ana"
    assert time.monotonic() - start < 2.0


def test_checking_a_runaway_draft_gives_one_error_finding_within_2_seconds() -> None:
    meta = runaway_meta()
    template_service.check_draft("Hello.", meta)  # the worker is running, dictionary loaded
    start = time.monotonic()
    report = template_service.check_draft(NESTED_LISTS, meta)
    assert time.monotonic() - start < 2.0
    assert [str(f) for f in report.errors] == [REFUSED]
    assert report.preview == ""


def test_submitting_a_runaway_draft_is_refused_in_one_line(session: Session) -> None:
    template_service.create_template(session, runaway_meta(), NESTED_LISTS)
    start = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        template_service.submit(session, "nested-lists")
    assert time.monotonic() - start < 2.0
    assert str(refused.value) == f"Cannot submit nested-lists version 1: {REFUSED.rstrip('.')}."
    assert template_service.get_version(session, "nested-lists").status.value == "draft"


def test_a_hundred_nested_ifs_are_one_line_naming_the_nesting() -> None:
    with pytest.raises(TemplateError) as nested:
        compile_template(NESTED_IFS, html=False)
    assert "nests too deeply" in str(nested.value)
    report = template_service.check_draft(NESTED_IFS, runaway_meta("nested-ifs"))
    assert len(report.errors) == 1
    assert "nests too deeply" in str(report.errors[0])
    assert "\n" not in str(report.errors[0])


def test_the_limits_are_desk_settings_and_the_limit_given_is_the_one_applied(
        session: Session) -> None:
    from crisisdesk.services import settings as settings_service

    settings_service.set(session, "template_time_limit_seconds", 2)
    settings_service.set(session, "template_memory_limit_mb", 300)
    assert template_service.template_limits(session) == Limits(seconds=2, memory_mb=300)
    start = time.monotonic()
    with pytest.raises(TemplateRefused, match="longer than 0.5 s"):
        template_process.run_stand_in("sleep", 60, limits=Limits(seconds=0.5))
    assert time.monotonic() - start < 1.5


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no RLIMIT_AS: time only")
def test_a_template_that_needs_too_much_memory_is_refused_and_the_worker_replaced() -> None:
    limits = Limits(memory_mb=256)
    with pytest.raises(TemplateRefused) as refused:
        template_process.run_stand_in("hog", 400, limits=limits)
    assert str(refused.value) == ("The template needed more than 256 MB of memory to fill in; "
                                  "it is refused.")
    assert template_process.run_stand_in("hog", 20, limits=limits) == 20 * 1024 * 1024


def test_the_worker_imports_only_jinja_and_the_domain() -> None:
    modules = template_process.run_stand_in("modules", limits=Limits(memory_mb=300))
    ours = {m for m in modules if m.startswith("crisisdesk.")}
    assert "crisisdesk.domain.templating" in ours
    assert ours - {m for m in ours if m.startswith("crisisdesk.domain")} == {
        "crisisdesk.services", "crisisdesk.services.template_process"}
    assert not [m for m in modules if m.split(".")[0] in ("PySide6", "sqlite3", "sqlite_utils",
                                                          "click")]


def test_one_worker_serves_call_after_call_and_a_new_one_follows_a_kill() -> None:
    first = template_process.run_stand_in("pid")
    for i in range(20):
        assert template_process.render("{{ i }}", {"i": i}, html=False) == str(i)
    assert template_process.run_stand_in("pid") == first
    with pytest.raises(TemplateRefused):
        template_process.run_stand_in("sleep", 60, limits=Limits(seconds=0.2))
    second = template_process.run_stand_in("pid")
    assert second != first
    assert template_process.run_stand_in("pid") == second


def test_threads_calling_at_once_each_get_their_own_answers() -> None:
    template_process.shutdown()  # no idle worker: the four threads each start one at once
    main = sys.modules["__main__"]
    results: dict[int, list[str]] = {}

    def letters(n: int) -> None:
        results[n] = [template_process.render("{{ n }}-{{ i }}", {"n": n, "i": i}, html=False)
                      for i in range(15)]

    threads = [threading.Thread(target=letters, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == {n: [f"{n}-{i}" for i in range(15)] for n in range(4)}
    assert sys.modules["__main__"] is main


def test_a_round_trip_costs_well_under_a_millisecond_per_letter() -> None:
    per_call = template_process.measure_round_trip(200)
    print(f"template process round trip: {per_call * 1e6:.0f} us")
    assert per_call < 0.005  # a letter's PDF takes far longer; generous for a busy machine


def test_many_letters_in_one_round_trip_each_with_its_own_result() -> None:
    out = template_process.render_many("Dear {{ name }}", [{"name": "Ana"}, {}, {"name": "Bo"}],
                                       html=False)
    assert out[0] == "Dear Ana"
    assert isinstance(out[1], TemplateError)
    assert "name" in str(out[1])
    assert out[2] == "Dear Bo"


def test_an_ordinary_template_is_checked_as_before() -> None:
    report = template_service.check_draft("The phones are down. Call the desk.\n",
                                          runaway_meta("hello"))
    assert report.ok
    assert report.preview == "The phones are down. Call the desk.\n"
    assert report.readability is not None
    assert report.readability.words == 7
