"""Backup files: one zip holding a consistent encrypted copy of the desk and its key slots.

`VACUUM INTO` copies the live database through SQLite (WAL content included, while the app may
have the desk open) and, on SQLCipher, keeps it encrypted with the same key. The zip is written
beside its target and renamed into place only when complete, so a failure never leaves a half
backup. The manifest records the desk file's SHA-256, so a damaged copy is caught before anyone
tries to unlock it; the key slots are read *after* the copy, so every operator in the copy has
a slot in it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlite_utils

from crisisdesk.domain.errors import DeskDamaged
from crisisdesk.store.files import atomic_path, write_bytes_atomic

DB_MEMBER = "desk.db"
SLOTS_MEMBER = "keyslots.json"
MANIFEST_MEMBER = "manifest.json"
FORMAT = 1
_CHUNK = 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_backup(db: sqlite_utils.Database, slots_json: bytes | Callable[[], bytes],
                 target: Path, manifest: Mapping[str, object]) -> dict[str, object]:
    """Write the backup zip at `target` atomically; return the manifest written into it."""
    with tempfile.TemporaryDirectory(prefix=".crisisdesk-backup-", dir=target.parent) as tmp:
        copy = Path(tmp) / DB_MEMBER
        db.execute("VACUUM INTO ?", [str(copy)])
        slots = slots_json() if callable(slots_json) else slots_json
        full = {"format": FORMAT, **manifest, "db_sha256": _sha256(copy),
                "db_bytes": copy.stat().st_size}
        with atomic_path(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
            zf.write(copy, DB_MEMBER)
            zf.writestr(SLOTS_MEMBER, slots)
            zf.writestr(MANIFEST_MEMBER, json.dumps(full, indent=2))
    return full


def read_manifest(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise DeskDamaged(f"There is no backup file at {path}.")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not {DB_MEMBER, SLOTS_MEMBER, MANIFEST_MEMBER} <= names:
                raise DeskDamaged(f"{path} is not a CrisisDesk backup (members missing).")
            manifest: dict[str, object] = json.loads(zf.read(MANIFEST_MEMBER))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DeskDamaged(f"{path} is not a readable CrisisDesk backup ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DeskDamaged(f"{path} has an unknown backup format; upgrade CrisisDesk to read it.")
    return manifest


def extract(path: Path, into: Path) -> dict[str, object]:
    """Unpack a backup's desk file and key slots into `into` (private files); return its
    manifest. A truncated or altered desk file raises DeskDamaged and leaves nothing behind."""
    manifest = read_manifest(path)
    written = [into / DB_MEMBER, into / SLOTS_MEMBER]
    try:
        with zipfile.ZipFile(path) as zf:
            for member, dest in zip((DB_MEMBER, SLOTS_MEMBER), written, strict=True):
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with zf.open(member) as src, os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(src, out, _CHUNK)
        want = manifest.get("db_sha256")
        if want is not None and _sha256(written[0]) != want:
            raise DeskDamaged(f"{path} is damaged: its desk file does not match its checksum.")
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        _remove(written)
        raise DeskDamaged(f"{path} is damaged and cannot be read ({exc}).") from None
    except BaseException:
        _remove(written)
        raise
    return manifest


def _remove(paths: list[Path]) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


# -- the backup log: what the scheduler wrote and verified, readable without a passphrase --------
# It lives in the data folder beside keyslots.json and holds no desk content (paths, times, sizes
# and audit sequence numbers), so `doctor` and a damaged desk's message can name the newest
# verified backup even when the desk itself cannot be opened.
LOG_NAME = "backup-log.json"
LOG_KEEP = 100


def read_log(data_dir: Path) -> dict[str, Any]:
    """The backup log, or an empty one if it is missing or unreadable (it is only a record)."""
    try:
        data = json.loads((data_dir / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"entries": []}
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return {"entries": []}
    data["entries"] = [e for e in data["entries"] if isinstance(e, dict)]
    return data


def write_log(data_dir: Path, log: Mapping[str, object]) -> None:
    entries = log.get("entries")
    trimmed = {**log, "entries": list(entries)[-LOG_KEEP:] if isinstance(entries, list) else []}
    write_bytes_atomic(data_dir / LOG_NAME, json.dumps(trimmed, indent=2).encode())


def audit_seq(db: sqlite_utils.Database) -> int:
    """The newest audit entry's sequence number (0 on an empty log)."""
    row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM audit").fetchone()
    return int(row[0])


def changes_since(db: sqlite_utils.Database, seq: int, ignore: tuple[str, ...]) -> int:
    """How many audited actions after `seq` changed the desk (actions in `ignore` do not)."""
    marks = ", ".join("?" for _ in ignore) or "''"
    row = db.execute(f"SELECT COUNT(*) FROM audit WHERE seq > ? AND action NOT IN ({marks})",
                     [seq, *ignore]).fetchone()
    return int(row[0])


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def writable(folder: Path) -> bool:
    """Whether a file can really be created in `folder` (a read-only USB stick says no)."""
    try:
        with tempfile.NamedTemporaryFile(prefix=".crisisdesk-probe-", dir=folder):
            return True
    except OSError:
        return False
