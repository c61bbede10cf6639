"""Template work in a separate process, with a hard wall-clock limit and a memory limit.

Why a process: the step and time budgets in `domain/templating.py` are checked between Python
steps, so one C-level operation that never returns (comparing two lists nested forty deep, a
few characters of template) is beyond their reach, and in a thread it also holds the
interpreter lock, so nothing else in the program runs either. Only a process can be stopped.

How: checks, previews, approval and every render go to a long-lived worker process started
with the 'spawn' method (never 'fork': the parent has Qt loaded) and reused for call after call
(a letter batch sends one small message per letter; see `measure_round_trip`). The caller waits
on a pipe, which holds no lock, so a GUI that runs the call in a worker thread stays responsive.
When the wall-clock limit passes the worker is killed, the call is refused with
`TemplateRefused` naming why, and a fresh worker is started at once for the next call.

The worker imports only jinja2 and `crisisdesk.domain` (about 0.1 s of CPU; the spawned
interpreter needs ~0.25 s in all). Checks also need the syllable dictionaries, which the worker
loads on its first check of a language, outside the time limit, and keeps.

Memory: on POSIX the worker caps its own address space with `resource.setrlimit(RLIMIT_AS)`,
so a runaway allocation raises MemoryError there (refused, and the worker replaced). Windows
has no RLIMIT_AS: there only the wall clock applies (the size and step budgets in
`domain/templating.py` still bound most memory use).

Patient data (the values of a letter) travel over the pipe only; nothing is written to disk.
"""

from __future__ import annotations

import atexit
import hashlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from crisisdesk.domain.compliance import CheckReport, Finding, Severity
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.templates import TemplateMeta
from crisisdesk.domain.templating import TemplateError
from crisisdesk.domain.wording import WordingRules

DEFAULT_SECONDS = 1.0
DEFAULT_MEMORY_MB = 512
START_SECONDS = 30.0  # a fresh interpreter on a busy laptop; not the template's time
WARM_SECONDS = 30.0  # loading a syllable dictionary (~0.4 s on an idle machine)
MAX_IDLE = 2  # workers kept for reuse (the GUI's check thread and one other caller)
MAX_REPORTS = 256  # check reports remembered (see `_report_key`)


@dataclass(frozen=True)
class Limits:
    """How long (wall clock) and how much memory one template call may take."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


class TemplateRefused(TemplateError):
    """A template stopped for taking too long, too much memory, or crashing its process."""


def _too_slow(limits: Limits) -> str:
    return f"The template took longer than {limits.seconds:g} s to fill in; it is refused."


def _too_big(limits: Limits) -> str:
    return (f"The template needed more than {limits.memory_mb} MB of memory to fill in; it is "
            "refused.")


_CRASHED = ("The template stopped the process that fills it in (it may nest too deeply); it "
            "is refused.")
_NESTS = "The template nests too deeply to fill in; it is refused."
_NO_START = (f"The process that fills in templates did not start within {START_SECONDS:g} s "
             "(is the computer very busy?); try again.")


# --- the worker side (runs in the child process) --------------------------------------------

def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: the wall clock is the only limit
        return
    cap = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _syllables(language: str) -> Any:
    # Imported here, not at the top: the worker starts without the dictionaries and loads one
    # only when a check needs it (outside the time limit, see `_Worker.warm`).
    from crisisdesk.store import syllables

    return syllables.counter(language)


def _probe(body: str, meta: TemplateMeta, sample: Mapping[str, Any], region: str) -> None:
    """Fill the template with its sample values once, errors ignored: the part of a check that
    runs the template, so a runaway is caught before the dictionaries are loaded."""
    from crisisdesk.domain.templates import coerce_values
    from crisisdesk.domain.templating import compile_template, render

    try:
        compiled = compile_template(body, html=meta.channel.is_html,
                                    language=meta.language.value, phone_region=region)
        values = coerce_values(meta, {**meta.sample_values(), **dict(sample)},
                               phone_region=region)
        render(compiled, values)
    except UserError:
        pass


def _check(body: str, meta: TemplateMeta, sample: Mapping[str, Any], grade_target: int,
           region: str, wording: WordingRules | None) -> CheckReport:
    from crisisdesk.domain.compliance import check_template

    return check_template(body, meta, sample, syllables=_syllables(meta.language.value),
                          grade_target=grade_target, phone_region=region, wording=wording)


def _render(body: str, html: bool, language: str, region: str, values: Mapping[str, Any],
            omit: tuple[str, ...], insert: str) -> str:
    from crisisdesk.domain.templating import compile_template, render, render_sections

    compiled = compile_template(body, html=html, language=language, phone_region=region)
    if omit or insert:
        return render_sections(compiled, values, omit=omit, insert=insert)
    return render(compiled, values)


def _render_many(body: str, html: bool, language: str, region: str,
                 many: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for values in many:
        try:
            out.append(("ok", _render(body, html, language, region, values, (), "")))
        except TemplateError as exc:
            out.append(("template", (exc.reason, exc.line, exc.column)))
    return out


def _hog(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


# The last four are stand-ins the tests use for a template that hangs, one that eats memory,
# a look at what the worker has imported, and which worker answered.
_OPS: dict[str, Any] = {"probe": _probe, "check": _check, "render": _render,
                        "render_many": _render_many, "warm": _syllables,
                        "sleep": time.sleep, "hog": _hog, "modules": lambda: sorted(sys.modules),
                        "pid": os.getpid}


def _answer(op: str, args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        result = _OPS[op](*args)
        return ("ok", None if op == "warm" else result)
    except TemplateError as exc:
        return ("template", (exc.reason, exc.line, exc.column))
    except UserError as exc:
        return ("user", str(exc))
    except MemoryError:
        return ("memory", None)
    except RecursionError:
        return ("nests", None)
    except Exception as exc:  # a bug: named in the parent, with its type
        return ("bug", f"{type(exc).__name__}: {exc}")


def serve(requests: Connection, replies: Connection, memory_mb: int) -> None:
    """The worker's loop: answer each request until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the parent, which stops us
    _limit_memory(memory_mb)
    try:
        replies.send(("ready", None))
        while True:
            try:
                op, args = requests.recv()
            except MemoryError:  # the request itself did not fit
                replies.send(("memory", None))
                return
            reply = _answer(op, args)
            try:
                replies.send(reply)
            except MemoryError:
                replies.send(("memory", None))
            if reply[0] == "memory":
                return  # after a MemoryError nothing in this process is to be trusted
    except (EOFError, OSError):  # the parent closed the pipe or is gone: nothing to answer
        return


# --- the parent side -------------------------------------------------------------------------

class _Gone(Exception):
    """The worker was killed (over time) or died (crash, memory)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_start_lock = threading.Lock()


@contextmanager
def _no_main_script() -> Iterator[None]:
    """'spawn' re-imports the parent's main script in the child, to find pickled functions;
    the worker needs nothing from it (for the `crisisdesk` command it would import the whole
    CLI). Only `Process.start` reads it, so it is hidden for that moment (one thread at a
    time, or a second thread would save the stand-in as the real one)."""
    with _start_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


class _Worker:
    """One worker process and its two one-way pipes (plain pipes, no sockets)."""

    def __init__(self, memory_mb: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.memory_mb = memory_mb
        self.warm: set[str] = set()
        self.ready = False
        child_requests, self._requests = ctx.Pipe(duplex=False)
        self._replies, child_replies = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=serve, name="crisisdesk-templates", daemon=True,
                                   args=(child_requests, child_replies, memory_mb))
        with _no_main_script():
            self.process.start()
        child_requests.close()
        child_replies.close()

    def _wait(self, seconds: float, limits: Limits, late: str = "") -> tuple[str, Any]:
        if not self._replies.poll(seconds):
            self.close(kill=True)
            raise _Gone(late or _too_slow(limits))
        try:
            reply: tuple[str, Any] = self._replies.recv()
        except (EOFError, OSError):
            self.close(kill=True)
            raise _Gone(_CRASHED) from None
        if reply[0] == "memory":
            self.close(kill=True)
            raise _Gone(_too_big(limits))
        return reply

    def call(self, op: str, args: tuple[Any, ...], limits: Limits,
             seconds: float | None = None) -> tuple[str, Any]:
        if not self.ready:
            kind, _ = self._wait(START_SECONDS, limits, _NO_START)
            if kind != "ready":
                self.close(kill=True)
                raise _Gone(_CRASHED)
            self.ready = True
        try:
            self._requests.send((op, args))
        except (BrokenPipeError, OSError):
            self.close(kill=True)
            raise _Gone(_CRASHED) from None
        return self._wait(limits.seconds if seconds is None else seconds, limits)

    def alive(self) -> bool:
        return self.process.is_alive()

    def close(self, *, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        for conn in (self._requests, self._replies):
            conn.close()
        self.process.join(5 if kill else 1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


_lock = threading.Lock()
_idle: list[_Worker] = []
_reports: OrderedDict[bytes, CheckReport] = OrderedDict()


def _replace(memory_mb: int) -> None:
    """Start a worker now (after a kill), so the next call does not wait for one."""
    _keep(_Worker(memory_mb))


@contextmanager
def _borrowed(limits: Limits) -> Iterator[_Worker]:
    with _lock:
        worker = next((w for w in reversed(_idle) if w.memory_mb == limits.memory_mb), None)
        if worker is not None:
            _idle.remove(worker)
    if worker is None or not worker.alive():
        if worker is not None:
            worker.close(kill=True)
        worker = _Worker(limits.memory_mb)
    try:
        yield worker
    except _Gone:
        _replace(limits.memory_mb)
        raise
    except BaseException:
        worker.close(kill=True)
        raise
    _keep(worker)


def _keep(worker: _Worker) -> None:
    """Back to the idle list, most recent last; the oldest beyond MAX_IDLE is stopped (so a
    worker with other limits never crowds out the one in everyday use)."""
    with _lock:
        _idle.append(worker)
        extra = _idle[:-MAX_IDLE]
        del _idle[:-MAX_IDLE]
    for old in extra:
        old.close(kill=not old.ready)


def _result(reply: tuple[str, Any]) -> Any:
    kind, value = reply
    if kind == "ok":
        return value
    if kind == "template":
        raise TemplateError(*value)
    if kind == "user":
        raise UserError(value)
    if kind == "nests":
        raise TemplateRefused(_NESTS)
    raise RuntimeError(f"the template process failed: {value}")


def _run(op: str, args: tuple[Any, ...], limits: Limits) -> Any:
    try:
        with _borrowed(limits) as worker:
            reply = worker.call(op, args, limits)
    except _Gone as gone:
        raise TemplateRefused(gone.reason) from None
    return _result(reply)


@atexit.register
def shutdown() -> None:
    """Stop the idle workers (they also stop by themselves when this process ends)."""
    with _lock:
        workers = list(_idle)
        _idle.clear()
    for worker in workers:
        worker.close(kill=not worker.ready)  # one still starting has nothing to finish


def prestart(limits: Limits | None = None) -> None:
    """Start a worker in the background if none is idle (e.g. while a desk unlocks)."""
    limits = limits or Limits()
    with _lock:
        if any(w.memory_mb == limits.memory_mb for w in _idle):
            return
    _replace(limits.memory_mb)


# --- the calls -------------------------------------------------------------------------------

def check(body: str, meta: TemplateMeta, sample: Mapping[str, Any] | None = None, *,
          grade_target: int = 8, phone_region: str = "US",
          wording: WordingRules | None = None, limits: Limits | None = None) -> CheckReport:
    """`compliance.check_template` in the worker; a refusal comes back as one error finding.

    The template is first filled once with its samples under the time limit, then the
    dictionary is loaded if needed (not counted), then the full check runs under the limit.
    """
    limits = limits or Limits()
    sample = dict(sample or {})
    key = _report_key(body, meta, sample, grade_target, phone_region, wording, limits)
    with _lock:
        if key is not None and key in _reports:
            _reports.move_to_end(key)
            return _reports[key]
    language = meta.language.value
    try:
        with _borrowed(limits) as worker:
            reply = worker.call("probe", (body, meta, sample, phone_region), limits)
            if reply[0] == "ok" and language not in worker.warm:
                reply = worker.call("warm", (language,), limits, seconds=WARM_SECONDS)
                if reply[0] == "ok":
                    worker.warm.add(language)
            if reply[0] == "ok":
                reply = worker.call("check", (body, meta, sample, grade_target, phone_region,
                                              wording), limits)
        report: CheckReport = _result(reply)
    except _Gone as gone:
        return _refused(gone.reason, grade_target)
    except TemplateError as exc:
        return _refused(exc.reason, grade_target)
    if key is not None:
        with _lock:
            _reports[key] = report
            while len(_reports) > MAX_REPORTS:
                _reports.popitem(last=False)
    return report


def _report_key(*inputs: Any) -> bytes | None:
    """The same text, definition, samples, settings and lists give the same report (the check
    is deterministic), so the editor, submission and approval of one text check it once. A
    refusal is never kept: on a busy machine the next try may be in time."""
    try:
        return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).digest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def _refused(reason: str, grade_target: int) -> CheckReport:
    return CheckReport((Finding("refused", Severity.ERROR, reason),), grade_target=grade_target)


def render(body: str, values: Mapping[str, Any], *, html: bool, language: str = "en",
           phone_region: str = "US", omit: tuple[str, ...] = (), insert: str = "",
           limits: Limits | None = None) -> str:
    """Fill `body` with `values` (already checked and typed) in the worker, or raise
    TemplateError (TemplateRefused when a limit stopped it)."""
    text: str = _run("render", (body, html, language, phone_region, dict(values),
                                tuple(omit), insert), limits or Limits())
    return text


def render_many(body: str, many: Sequence[Mapping[str, Any]], *, html: bool,
                language: str = "en", phone_region: str = "US",
                limits: Limits | None = None) -> list[str | TemplateError]:
    """Fill one template for many value sets in one round trip (the time limit covers the
    whole batch); each result is the text or the TemplateError for that one."""
    replies = _run("render_many", (body, html, language, phone_region,
                                   [dict(v) for v in many]), limits or Limits())
    return [value if kind == "ok" else TemplateError(*value) for kind, value in replies]


def measure_round_trip(calls: int = 200) -> float:
    """Seconds per call for a trivial render, worker already running (for the report/bench)."""
    render("{{ x }}", {"x": 1}, html=False)
    start = time.monotonic()
    for i in range(calls):
        render("{{ x }}", {"x": i}, html=False)
    return (time.monotonic() - start) / calls


def run_stand_in(op: str, *args: Any, limits: Limits | None = None) -> Any:
    """Run a stand-in in the worker: 'sleep' (seconds), 'hog' (megabytes), 'modules' or
    'pid'."""
    if op not in ("sleep", "hog", "modules", "pid"):
        raise ValueError(f"no stand-in {op!r}")
    return _run(op, args, limits or Limits())


__all__ = ["Limits", "TemplateRefused", "check", "measure_round_trip", "prestart", "render",
           "render_many", "run_stand_in", "serve", "shutdown"]
