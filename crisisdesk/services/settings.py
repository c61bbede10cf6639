"""Reading and changing desk settings (changes: admins only, validated, one audit entry each).

Anyone may read settings; the GUI, the CLI and other services call `get` rather than hard-coding
defaults, so an admin's change applies everywhere. A stored value that is no longer valid (say a
newer version narrowed a range) reads as the default instead of breaking the app. On a team
desk the team-wide settings (domain TEAM_WIDE) replicate as edit records; the others stay here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import NamedTuple

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.domain.settings import (
    LOCAL_TIMEZONE,
    SETTINGS,
    TEAM_WIDE,
    SettingSpec,
    SettingValue,
    spec_for,
)
from crisisdesk.services.session import Session
from crisisdesk.store import replica_edits
from crisisdesk.store import settings as settings_store


class SettingState(NamedTuple):
    spec: SettingSpec
    value: SettingValue
    is_default: bool


def _state(spec: SettingSpec, stored: dict[str, object]) -> SettingState:
    if spec.key in stored:
        try:
            return SettingState(spec, spec.coerce(stored[spec.key]), False)
        except ValidationError:
            pass
    return SettingState(spec, spec.default, True)


def _team_value(session: Session, key: str) -> dict[str, object]:
    return replica_edits.current(session.db, "setting", key) if key in TEAM_WIDE else {}


def _note_team_change(session: Session, key: str, was: dict[str, object], at: str) -> None:
    """On a team desk a team-wide setting's change is an edit record that replicates."""
    if was:
        replica_edits.note_now(session.db, "setting", key, was,
                               operator=session.operator.name, at=at)


def get(session: Session, key: str) -> SettingValue:
    """The current value of `key` (the default when no admin changed it)."""
    return _state(spec_for(key), settings_store.stored(session.db)).value


def get_many(session: Session, keys: Iterable[str]) -> dict[str, SettingValue]:
    """`get()` of each key, reading the stored settings once rather than once per key."""
    stored = settings_store.stored(session.db)
    return {key: _state(spec_for(key), stored).value for key in keys}


def all_settings(session: Session) -> list[SettingState]:
    """Every declared setting with its value, in declaration order."""
    stored = settings_store.stored(session.db)
    return [_state(spec, stored) for spec in SETTINGS]


def set(session: Session, key: str, value: object) -> SettingValue:
    """Change a setting (admins only); `value` may be typed or text. Returns the stored value."""
    spec = spec_for(key)
    session.require(Role.ADMIN, "change settings")
    typed = spec.coerce(value)
    with session.action("settings.set", "setting", spec.key,
                        f"Set {spec.key} to {typed!r}") as act:
        was = _team_value(session, spec.key)
        settings_store.put(session.db, spec.key, typed, act.at, session.operator.name)
        _note_team_change(session, spec.key, was, act.at)
    return typed


def reset(session: Session, key: str) -> bool:
    """Back to the default (admins only). False, and nothing recorded, if it already was."""
    spec = spec_for(key)
    session.require(Role.ADMIN, "change settings")
    if spec.key not in settings_store.stored(session.db):
        return False
    with session.action("settings.reset", "setting", spec.key,
                        f"Reset {spec.key} to its default") as act:
        was = _team_value(session, spec.key)
        settings_store.delete(session.db, spec.key)
        _note_team_change(session, spec.key, was, act.at)
    return True


def zone(session: Session) -> dt.tzinfo:
    """The time zone to show times in: the setting, or this computer's when it is 'local'."""
    name = str(get(session, "timezone"))
    if name != LOCAL_TIMEZONE:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    local = dt.datetime.now().astimezone().tzinfo
    return local if local is not None else dt.UTC


def display_org(session: Session) -> str:
    """The organisation's name for paper: the setting, else the desk's own name."""
    return str(get(session, "org_display_name")) or session.org
