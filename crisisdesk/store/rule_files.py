"""Reading the shipped data files the crisis features run on (notification rules, role
catalogue), and a desk's own copy of the rules when it has one.

Returns decoded TOML plus a problem string instead of raising, so a broken file never stops the
app from opening: the caller shows the problem and carries on with what it could read.

Decoding the 50 kB of notification rules takes tens of milliseconds and several pages read them
when they first open (deadlines, facts, filings), on the GUI thread. So each file's decoded
content is kept, keyed by where it came from and checked against the file's bytes on every
read (reading them costs microseconds): a changed file is decoded again, never served stale,
whatever its modification time says. Every caller gets its own copy of the data.

What the services make of a file (`parsed`: the rule set, the role catalogue) is kept the same
way, per content and parser: the Dashboard turns the rules into deadlines on every refresh,
and the first one ran on the GUI thread as the window opened.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from crisisdesk.paths import shipped as shipped_file

RULES_RESOURCE = ("rules", "notification_rules.toml")
ROLES_RESOURCE = ("roles", "hics_roles.toml")
DESK_RULES_FILE = "notification_rules.toml"  # a desk's own edited copy, in its data folder


@dataclass(frozen=True)
class LoadedFile:
    origin: str  # where it came from, for messages ("shipped rules", a path)
    data: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # why it could not be read at all ("" when it was)
    source: bytes = field(default=b"", repr=False, compare=False)  # the bytes decoded


R = TypeVar("R")


_decoded: dict[str, tuple[bytes, LoadedFile]] = {}  # origin -> (its bytes, decoded once)
_decoded_lock = threading.Lock()  # the app reads them in a thread too (`warm`)


def _decode(origin: str, raw: bytes) -> LoadedFile:
    with _decoded_lock:
        known = _decoded.get(origin)
    if known is None or known[0] != raw:
        known = (raw, _parse(origin, raw))
        with _decoded_lock:
            _decoded[origin] = known
    loaded = known[1]
    return LoadedFile(loaded.origin, _fresh(loaded.data), loaded.problem, known[0])


_parsed: dict[tuple[str, Callable[..., Any]], tuple[bytes, Any]] = {}  # -> (bytes, result)


def parsed(loaded: LoadedFile, parse: Callable[[dict[str, Any]], R]) -> R:
    """`parse(loaded.data)`, worked out once per file content and parser, and shared by every
    caller: `parse` must return values nobody changes (frozen dataclasses, tuples)."""
    key = (loaded.origin, parse)
    with _decoded_lock:
        known = _parsed.get(key)
    if known is not None and loaded.source and (
            known[0] is loaded.source or known[0] == loaded.source):
        return known[1]
    result = parse(loaded.data)
    if loaded.source and not loaded.problem:
        with _decoded_lock:
            _parsed[key] = (loaded.source, result)
    return result


def _fresh(value: Any) -> Any:
    """A copy of decoded TOML a caller may change freely: its only containers are tables
    (dicts) and arrays (lists); everything else in it is immutable."""
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value


def _parse(origin: str, raw: bytes) -> LoadedFile:
    try:
        return LoadedFile(origin, tomllib.loads(raw.decode("utf-8")))
    except UnicodeDecodeError:
        return LoadedFile(origin, problem=f"{origin} is not UTF-8 text")
    except tomllib.TOMLDecodeError as exc:
        return LoadedFile(origin, problem=f"{origin} cannot be read: {exc}")


def shipped(*parts: str) -> LoadedFile:
    origin = "/".join(("resources", *parts))
    try:
        raw = shipped_file(*parts).read_bytes()
    except OSError as exc:
        return LoadedFile(origin, problem=f"{origin} is missing ({exc.strerror})")
    return _decode(origin, raw)


def from_path(path: Path) -> LoadedFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return LoadedFile(str(path), problem=f"{path} cannot be opened ({exc.strerror})")
    return _decode(str(path), raw)


def notification_rules(data_dir: Path | None = None) -> LoadedFile:
    """The desk's own rules file if its data folder has one, else the shipped rules."""
    if data_dir is not None:
        own = data_dir / DESK_RULES_FILE
        if own.exists():
            return from_path(own)
    return shipped(*RULES_RESOURCE)


def role_catalogue() -> LoadedFile:
    return shipped(*ROLES_RESOURCE)


def warm(data_dir: Path | None = None) -> None:
    """Decode the files the first pages read (a desk's rules, the role catalogue) ahead of
    them, off the GUI thread: the app does it while the unlock dialog waits for a passphrase."""
    notification_rules(data_dir)
    role_catalogue()
