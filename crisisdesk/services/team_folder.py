"""The team exchange folder: a USB stick or a shared folder every laptop of the team syncs with.

Why a folder: with no network, the simplest exchange is a stick carried across the building.
`sync_folder` imports every bundle in the folder this desk has not imported yet (another
laptop's, each one whole or not at all through `team.import_bundle`; one already imported is
skipped without being decrypted, a bad one is reported in one line and skipped), then leaves
this laptop's own bundle there: everything it knows, so it also relays what it just imported,
replacing its older bundles in the folder (the new one holds all they held). When nothing is
new since its last bundle there, nothing is written and nothing is recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import Cancelled, UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.services import settings as settings_service
from crisisdesk.services import team
from crisisdesk.services.session import Session
from crisisdesk.store import replication as repl
from crisisdesk.store import team_bundle

SETTING = "team_exchange_folder"


def _no_progress(_done: int, _total: int) -> None:
    return None


def _never() -> bool:
    return False


@dataclass(frozen=True)
class FolderSync:
    """What one sync did."""

    folder: Path
    imported: list[team.ImportResult] = field(default_factory=list)
    skipped: int = 0  # other laptops' bundles imported before
    refused: list[str] = field(default_factory=list)  # one line per bad bundle
    exported: team.ExportResult | None = None
    export: bool = True  # whether this sync was to leave this laptop's bundle

    def sentence(self, refusals: bool = True) -> str:
        """One line for the user: what came in, what went out, what was refused (unless
        `refusals` is False: the command line gives each refusal its own line)."""
        parts: list[str] = []
        brought = [r.sentence() for r in self.imported if r.total or r.waiting]
        if brought:
            parts.append("Imported " + "; ".join(brought))
        elif self.imported:
            parts.append(f"Imported {count_of(len(self.imported), 'bundle')}: nothing new")
        else:
            parts.append("No new bundles")
        if self.exported is not None:
            parts.append(f"left this laptop's bundle ({count_of(self.exported.records, 'record')})")
        elif self.export:
            parts.append("this laptop's bundle there is up to date")
        text = "; ".join(parts) + "."
        if self.refused and refusals:
            text += f" {count_of(len(self.refused), 'bundle')} refused: " + " ".join(self.refused)
        return text

    def as_dict(self) -> dict[str, object]:
        return {"folder": str(self.folder), "imported": [r.as_dict() for r in self.imported],
                "skipped": self.skipped, "refused": self.refused,
                "exported": self.exported.as_dict() if self.exported else None,
                "summary": self.sentence()}


def configured_folder(session: Session) -> Path | None:
    """The exchange folder setting (None: not set)."""
    raw = str(settings_service.get(session, SETTING)).strip()
    return Path(raw).expanduser() if raw else None


def is_team(session: Session) -> bool:
    return repl.identity(session.db) is not None


def fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime) of the bundles in `folder`: what changes when a bundle arrives."""
    found = []
    for path in folder.glob(f"*{team_bundle.SUFFIX}"):
        try:
            st = path.stat()
        except OSError:
            continue
        found.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


def watch_once(session: Session, seen: tuple[tuple[str, int, int], ...]
               ) -> tuple[tuple[tuple[str, int, int], ...], FolderSync | None]:
    """One look at the exchange folder for the app's watcher: when its bundles changed since
    `seen`, import the new ones (no export: that stays the user's choice, or the next
    'Sync with folder'). Returns (what the folder holds now, the sync or None)."""
    folder = configured_folder(session)
    if folder is None or not is_team(session) or not folder.is_dir():
        return (), None
    now = fingerprint(folder)
    if now == seen:
        return now, None
    return now, sync_folder(session, folder, export=False)


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def sync_folder(session: Session, folder: Path | None = None, *,
                progress: Callable[[int, int], None] = _no_progress,
                is_cancelled: Callable[[], bool] = _never, export: bool = True) -> FolderSync:
    """Import the folder's new bundles, then leave this laptop's bundle there (see module doc).

    `folder` defaults to the team_exchange_folder setting. Cancelling stops between bundles:
    the bundles imported so far stay imported, none is half-applied. `export=False` only
    imports (what the app's folder watcher does).
    """
    folder = (folder.expanduser() if folder is not None else configured_folder(session))
    if folder is None:
        raise UserError(f"No team exchange folder is set (setting {SETTING}); choose one.")
    if not folder.is_dir():
        raise UserError(f"The exchange folder {folder} is not there; plug in the stick or "
                        "pick another folder.")
    laptop_id = team.team_status(session).laptop_id  # (not a team: the sentence on clone)
    own: list[tuple[Path, str]] = []  # this laptop's bundles there, with when each was made
    others: list[Path] = []
    for path in sorted(folder.glob(f"*{team_bundle.SUFFIX}")):
        head = team_bundle.peek(path)
        if head is not None and head[0] == laptop_id:
            own.append((path, head[1]))
        else:
            others.append(path)
    imported: list[team.ImportResult] = []
    refused: list[str] = []
    skipped = 0
    for done, path in enumerate(others):
        if is_cancelled():
            raise Cancelled("Sync stopped; the bundles imported so far stay imported.")
        progress(done, len(others) + 1)
        try:
            seen = repl.bundle_seen(session.db, _digest(path))
        except OSError as exc:
            refused.append(f"Cannot read {path.name}: {exc.strerror or exc}.")
            continue
        if seen:
            skipped += 1
            continue
        try:
            imported.append(team.import_bundle(session, path))
        except UserError as exc:
            refused.append(str(exc))
    if is_cancelled():
        raise Cancelled("Sync stopped; the bundles imported so far stay imported.")
    progress(len(others), len(others) + 1)
    newest_own = max((at for _, at in own), default="")
    last_import = max((imported_at for _, _, imported_at in repl.peers(session.db)),
                      default="")
    stale = export and (not own or any(r.total or r.waiting for r in imported)
                        or last_import > newest_own
                        or team.team_status(session).not_exported > 0)
    exported = None
    if stale:
        exported = team.export_bundle(session, folder)
        for path, _ in own:
            path.unlink(missing_ok=True)  # the new bundle holds everything the old ones held
    progress(len(others) + 1, len(others) + 1)
    return FolderSync(folder, imported, skipped, refused, exported, export)
