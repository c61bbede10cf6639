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

import sqlite_utils

from crisisdesk.domain.errors import DeskDamaged
from crisisdesk.store.files import atomic_path

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
