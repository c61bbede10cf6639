"""Where things live: a desk's data directory, and the data files CrisisDesk ships.

A desk lives in `--data-dir`, else `CRISISDESK_HOME`, else the platform's user data dir. One data
directory holds one desk: `desk.db` (encrypted), `keyslots.json` (wrapped keys only) and
`desk.lock` (held while the app has the desk open). Picked once; never moved silently.

The shipped data (templates, rules, role catalogue, wording lists, fonts) is the top-level
`resources/` folder of the source tree, installed as the package `crisisdesk.resources`.
`shipped()` is the one way to reach it, so a wheel, an editable install and a plain checkout on
PYTHONPATH all read the same files.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources and platformdirs load when used: not to show a dialog
    from importlib.resources.abc import Traversable

ENV_HOME = "CRISISDESK_HOME"
RESOURCES_PACKAGE = "crisisdesk.resources"
_SOURCE_TREE = Path(__file__).resolve().parent.parent


@functools.lru_cache(maxsize=1)
def _resources_root() -> Traversable:
    # A checkout (PYTHONPATH or editable install) reads its own resources/ folder: another
    # checkout's editable install in the same venv must never supply its copy instead.
    if (_SOURCE_TREE / "pyproject.toml").is_file() and (_SOURCE_TREE / "resources").is_dir():
        return _SOURCE_TREE / "resources"
    import importlib.resources

    return importlib.resources.files(RESOURCES_PACKAGE)


def shipped(*parts: str) -> Traversable:
    """A shipped data file or folder, e.g. `shipped("rules", "notification_rules.toml")`."""
    return _resources_root().joinpath(*parts)


def shipped_dir(*parts: str) -> Path:
    """A shipped folder as a real path, for APIs that need one (Qt's font database)."""
    folder = shipped(*parts)
    if not isinstance(folder, Path):  # only a zipped install could do this; we never ship one
        raise RuntimeError(f"{RESOURCES_PACKAGE} is not installed as plain files")
    return folder


FONTS_DIR = shipped_dir("fonts")  # the one font folder, for printing and `crisisdesk doctor`


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("crisisdesk", appauthor=False))


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


class _InDataDir:
    """A fixed name in the desk's data folder, read as a `DeskPaths` attribute."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, paths: DeskPaths, owner: type | None = None) -> Path:
        return paths.data_dir / self.name


@dataclass(frozen=True)
class DeskPaths:
    """Where a desk keeps its files: the data folder and the fixed names inside it."""

    data_dir: Path

    desk_file = _InDataDir("desk.db")
    slots_file = _InDataDir("keyslots.json")
    lock_file = _InDataDir("desk.lock")
    backups_dir = _InDataDir("backups")
    # Left by a re-encryption while it runs, or by a crash (store/rekey.py).
    rekey_staged_file = _InDataDir("desk.db.rekey")
    rekey_marker_file = _InDataDir("keyslots.rekey.json")

    def exists(self) -> bool:
        return self.slots_file.exists()
