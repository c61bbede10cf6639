"""Backup files forged the way an attacker would, for the tamper checks."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path


def forge(backup: Path, target: Path, page: int) -> Path:
    """Rebuild the zip with one page of the desk zeroed, so CRCs and the manifest agree."""
    with zipfile.ZipFile(backup) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    db = bytearray(members["desk.db"])
    db[4096 * page + 100 : 4096 * page + 116] = bytes(16)
    members["desk.db"] = bytes(db)
    manifest = json.loads(members["manifest.json"])
    manifest.pop("db_sha256")
    members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return target
