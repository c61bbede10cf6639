"""Where a desk lives: `--data-dir`, else `CRISISDESK_HOME`, else the platform's user data dir.

One data directory holds one desk: `desk.db` (encrypted), `keyslots.json` (wrapped keys only)
and `desk.lock` (held while the app has the desk open). Picked once; never moved silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_HOME = "CRISISDESK_HOME"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("crisisdesk", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


@dataclass(frozen=True)
class DeskPaths:
    data_dir: Path

    @property
    def desk_file(self) -> Path:
        return self.data_dir / "desk.db"

    @property
    def slots_file(self) -> Path:
        return self.data_dir / "keyslots.json"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / "desk.lock"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    def exists(self) -> bool:
        return self.slots_file.exists()
