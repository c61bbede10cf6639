"""Backup files: one zip holding a consistent encrypted copy of the desk and its key slots.

`VACUUM INTO` copies the live database through SQLite (WAL content included) and, on SQLCipher,
keeps it encrypted with the same key. The zip is written beside its target and renamed into
place only when complete, so a failure never leaves a half backup.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import sqlite_utils

from crisisdesk.domain.errors import DeskDamaged
from crisisdesk.store.files import atomic_path

DB_MEMBER = "desk.db"
SLOTS_MEMBER = "keyslots.json"
MANIFEST_MEMBER = "manifest.json"
FORMAT = 1


def write_backup(db: sqlite_utils.Database, slots_json: bytes, target: Path,
                 manifest: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory(prefix="crisisdesk-backup-", dir=target.parent) as tmp:
        copy = Path(tmp) / DB_MEMBER
        db.execute("VACUUM INTO ?", [str(copy)])
        with atomic_path(target) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
            zf.write(copy, DB_MEMBER)
            zf.writestr(SLOTS_MEMBER, slots_json)
            zf.writestr(MANIFEST_MEMBER, json.dumps({"format": FORMAT, **manifest}, indent=2))


def read_manifest(path: Path) -> dict[str, object]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if not {DB_MEMBER, SLOTS_MEMBER, MANIFEST_MEMBER} <= names:
                raise DeskDamaged(f"{path} is not a CrisisDesk backup (members missing).")
            manifest: dict[str, object] = json.loads(zf.read(MANIFEST_MEMBER))
            return manifest
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DeskDamaged(f"{path} is not a readable CrisisDesk backup ({exc}).") from None


def extract(path: Path, into: Path) -> None:
    """Unpack a backup's desk file and key slots into `into` (which must be empty)."""
    read_manifest(path)
    with zipfile.ZipFile(path) as zf:
        for member in (DB_MEMBER, SLOTS_MEMBER):
            (into / member).write_bytes(zf.read(member))
