"""What a damaged desk tells its user: which damage, the latest good backup, the way out.

Called with a data key that came out of an authenticated key slot, so the passphrase is known
to be right. The backups are checked with that same key (every backup of a desk shares its
data key) through the store's own extract and checks, not through services/backup.py: that
module unlocks with Credentials, which open desks through services/desk.py, which calls here.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.errors import UserError
from crisisdesk.paths import DeskPaths
from crisisdesk.store import audit as audit_store
from crisisdesk.store import meta as meta_store
from crisisdesk.store.backup import extract, read_log, read_manifest
from crisisdesk.store.db import DamagedDeskFile, connect, quick_check
from crisisdesk.store.errors import DB_ERRORS
from crisisdesk.store.vault import Vault

BACKUP_SUFFIX = ".crisisdesk-backup"
MAX_BACKUPS_TRIED = 3  # opening a backup costs a copy of the desk; the newest good one is enough


@dataclass(frozen=True)
class BackupFound:
    path: Path
    created_at: str


def backup_folders(data_dir: Path) -> list[Path]:
    """Where this desk's own backups are looked for: its `backups` folder, the scheduled
    backup folder and every folder the backup log (readable without the desk) names."""
    log = read_log(data_dir)
    named = [str(log["folder"])] if log.get("folder") else []
    named += [str(Path(str(e["path"])).parent) for e in log["entries"] if e.get("path")]
    folders = [DeskPaths(data_dir).backups_dir]
    for name in named:
        if Path(name) not in folders:
            folders.append(Path(name))
    return folders


def _verifies(path: Path, vault: Vault, data_key: bytes) -> bool:
    """True if the backup unpacks, opens with the key, and passes integrity and audit checks."""
    with tempfile.TemporaryDirectory(prefix="crisisdesk-verify-") as tmp:
        try:
            extract(path, Path(tmp))
            db = connect(Path(tmp) / "desk.db", data_key)
        except (UserError, OSError):
            return False
        try:
            return (not quick_check(db)
                    and meta_store.get(db, "desk_id") == vault.desk_id
                    and audit_store.verify(db, audit_store.chain_key(db, data_key)).ok)
        except DB_ERRORS:
            return False
        finally:
            db.conn.close()


def latest_verified_backup(folders: list[Path], vault: Vault,
                           data_key: bytes) -> BackupFound | None:
    """The newest backup of this desk in `folders` that opens and passes every check."""
    candidates: list[tuple[str, int, Path]] = []  # newest first: manifest time, then file time
    for folder in folders:
        with contextlib.suppress(OSError):
            for path in folder.glob(f"*{BACKUP_SUFFIX}"):
                try:
                    manifest = read_manifest(path)
                except UserError:
                    continue
                if manifest.get("desk_id") == vault.desk_id:
                    candidates.append((str(manifest.get("created_at", "")),
                                       path.stat().st_mtime_ns, path))
    for created_at, _, path in sorted(candidates, reverse=True)[:MAX_BACKUPS_TRIED]:
        if _verifies(path, vault, data_key):
            return BackupFound(path, created_at)
    return None


def damaged_error(data_dir: Path, vault: Vault, data_key: bytes,
                  damage: DamagedDeskFile) -> DamagedDeskFile:
    """One line: what is damaged, the latest verified backup, and the commands that help."""
    found = latest_verified_backup(backup_folders(data_dir), vault, data_key)
    if found is not None:
        restore = (f"Latest verified backup: {found.path} (made {found.created_at}); restore it "
                   f"with 'crisisdesk backup restore {found.path} --to NEWDIR'")
    else:
        restore = ("No verified backup was found in the desk's backups folder; restore your "
                   "latest backup with 'crisisdesk backup restore BACKUP --to NEWDIR'")
    err = DamagedDeskFile(damage.problems, first_pages=damage.first_pages)
    err.message = (f"The desk file is damaged ({damage.summary}); the passphrase was right. "
                   f"{restore}, or save what still reads with 'crisisdesk salvage --to NEWDIR'.")
    err.args = (err.message,)
    return err
