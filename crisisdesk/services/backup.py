"""Backups a crisis team can trust: create, verify by actually opening, restore into a new folder.

A backup nobody has opened is a hope, not a backup, so `verify` unpacks the file into a private
temporary folder, unlocks it with a real passphrase (or the recovery key) and runs the same checks
as the live desk: SQLite's quick_check, SQLCipher's page HMACs and the audit chain. `restore`
runs those checks before anything appears at the destination, only ever fills a new, empty
folder, and records the restore in the restored desk's own audit log.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from crisisdesk.domain.audit import ChainReport
from crisisdesk.domain.errors import DeskDamaged, DeskExists, UserError, WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import contacts as contact_store
from crisisdesk.store import meta as meta_store
from crisisdesk.store import operators as operator_store
from crisisdesk.store import schema
from crisisdesk.store.backup import extract, read_log, read_manifest, write_backup, write_log
from crisisdesk.store.db import connect, quick_check
from crisisdesk.store.errors import DB_ERRORS, classify
from crisisdesk.store.files import built_beside, new_desk_folder
from crisisdesk.store.vault import Vault

SUFFIX = ".crisisdesk-backup"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    backup_id: str
    created_at: str
    size_bytes: int


@dataclass(frozen=True)
class BackupReport:
    """What opening a backup found. `ok` is False if anything would make a restore unsafe."""

    path: Path
    manifest: dict[str, Any]
    desk_id: str
    org: str
    schema_version: int | None  # None (like the counts): not read, the file is damaged
    pending_steps: list[str]
    unknown_steps: list[str]
    integrity_problems: list[str]
    audit: ChainReport | None  # None: not checked, the file itself is damaged
    operators: int | None
    contacts: int | None
    other_problems: list[str] = field(default_factory=list)

    @property
    def created_at(self) -> str:
        return str(self.manifest.get("created_at", ""))

    @property
    def problems(self) -> list[str]:
        out = [f"integrity: {p}" for p in self.integrity_problems]
        if self.audit is not None and not self.audit.ok:
            out.append(f"audit chain broken: {self.audit.problem}")
        if self.unknown_steps:
            out.append("written by a newer CrisisDesk (schema step "
                       f"{self.unknown_steps[-1]!r}); upgrade to restore it")
        return out + self.other_problems

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok, "path": str(self.path), "problems": self.problems,
            "backup_id": self.manifest.get("backup_id"), "created_at": self.created_at,
            "created_by": self.manifest.get("created_by"), "desk_id": self.desk_id,
            "org": self.org, "app_version": self.manifest.get("app_version"),
            "schema_version": self.schema_version, "pending_steps": self.pending_steps,
            "audit": asdict(self.audit) if self.audit else None,
            "operators": self.operators, "contacts": self.contacts,
        }


def default_file_name(session: Session) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", session.org.lower()).strip("-") or "desk"
    stamp = session.now_iso().replace(":", "").replace("-", "")
    return f"{slug[:40]}-{stamp}{SUFFIX}"


def _app_version() -> str:
    try:
        return importlib.metadata.version("crisisdesk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _target(session: Session, path: Path, force: bool) -> Path:
    path = path.expanduser()
    if path.is_dir():
        path = path / default_file_name(session)
    if not path.parent.is_dir():
        raise UserError(f"The folder {path.parent} does not exist; create it or pick another.")
    live = session.data_dir.resolve()
    if path.resolve().parent == live and path.name in ("desk.db", "keyslots.json"):
        raise UserError("A backup cannot replace the live desk's own files; pick another path.")
    if path.exists() and not force:
        raise DeskExists(f"{path} already exists; pick a new name or use --force to replace it.")
    return path


def new_manifest(session: Session) -> dict[str, object]:
    return {
        "backup_id": os.urandom(8).hex(), "desk_id": session.desk_id, "org": session.org,
        "created_at": session.now_iso(), "created_by": session.operator.name,
        "app_version": _app_version(),
        "audit_head": audit_service.anchor(session),
    }


def write_file(session: Session, target: Path, manifest: dict[str, object]) -> None:
    """Write the backup file; a full or missing disk is one clear UserError, nothing left."""
    data_dir = session.data_dir
    try:
        write_backup(session.db, lambda: Vault.load(data_dir).to_bytes(), target, manifest)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(f"Could not write the backup to {target}: {reason}.") from None
    except DB_ERRORS as exc:
        err = classify(exc)
        if err is None:
            raise
        raise err from None


def create_backup(session: Session, path: Path, *, force: bool = False) -> BackupInfo:
    """Write an encrypted copy of the desk and its key slots to `path` (admins only).

    `path` may be a folder, in which case a dated file name is chosen. Nothing appears at the
    target unless the whole backup was written.
    """
    session.require(Role.ADMIN, "make backups")
    target = _target(session, path, force)
    manifest = new_manifest(session)
    backup_id = str(manifest["backup_id"])
    write_file(session, target, manifest)
    check_written(target, session)
    with session.action("backup.create", "backup", backup_id,
                        "Wrote and verified an encrypted backup of the desk"):
        pass
    size = target.stat().st_size
    with contextlib.suppress(OSError):  # the backup is good even if the log cannot say so
        record_verified(session, VerifiedBackup(target, backup_id, str(manifest["created_at"]),
                                                session.now_iso(), size, "manual"))
    return BackupInfo(target, backup_id, str(manifest["created_at"]), size)


def check_written(target: Path, session: Session) -> None:
    """Open a backup just written with the desk's own key and check it; one that fails is
    removed and reported (a bad USB stick must not pass for a backup)."""
    try:
        report = verify_with_key(target, session._data_key)
    except UserError as err:
        problem = str(err)
    except OSError as exc:  # e.g. no room to unpack it for the check
        problem = f"it could not be opened: {exc.strerror or exc}"
    else:
        problem = "" if report.ok else report.problems[0]
    if problem:
        target.unlink(missing_ok=True)
        raise DeskDamaged(f"The backup written to {target.parent} failed its check "
                          f"({problem.rstrip('.')}); it was removed. Try another USB stick "
                          "or folder.")


def _inspect(folder: Path, credentials: Credentials | Callable[[Vault], bytes],
             manifest: dict[str, Any], path: Path) -> BackupReport:
    """Unlock and check the desk extracted into `folder`, without migrating or changing it."""
    vault = Vault.load(folder)
    try:
        key = (credentials.data_key(vault) if isinstance(credentials, Credentials)
               else credentials(vault))
    except WrongPassphrase as exc:
        raise WrongPassphrase(f"{str(exc).rstrip('.')} for this backup.") from None
    try:
        db = connect(folder / "desk.db", key)
    except (WrongPassphrase, DeskDamaged):  # the slot opened, so the file itself is bad
        raise DeskDamaged(f"{path} is damaged: its desk file cannot be read.") from None
    report = BackupReport(
        path=path, manifest=manifest, desk_id=vault.desk_id, org=vault.org, schema_version=None,
        pending_steps=[], unknown_steps=[], integrity_problems=[], audit=None, operators=None,
        contacts=None,
    )
    try:
        integrity = [" ".join(p.split()) for p in quick_check(db)]
        if integrity:  # nothing else in the file can be trusted (or, often, read)
            return replace(report, integrity_problems=integrity)
        applied = {m.name for m in schema.migrations.applied(db)}
        other = []
        if meta_store.get(db, "desk_id") != vault.desk_id:
            other.append("the key slots belong to a different desk than the desk file")
        return replace(
            report, audit=audit_store.verify(db, audit_store.chain_key(db, key)),
            schema_version=schema.version(db), pending_steps=schema.pending(db),
            unknown_steps=sorted(applied - set(schema.KNOWN)),
            operators=operator_store.count_active(db),
            contacts=contact_store.count(db) if contact_store.TABLE in db.table_names() else None,
            other_problems=other,
        )
    except DB_ERRORS as exc:
        return replace(report, integrity_problems=[f"the desk file cannot be read ({exc})"])
    finally:
        db.conn.close()


def verify_backup(path: Path, credentials: Credentials | Callable[[Vault], bytes]
                  ) -> BackupReport:
    """Open the backup in a private temporary folder (always removed) and check everything.

    `credentials` may also be a function giving the data key (the open desk's, for a backup
    it just wrote)."""
    path = path.expanduser()
    manifest = read_manifest(path)
    with tempfile.TemporaryDirectory(prefix="crisisdesk-verify-") as tmp:
        extract(path, Path(tmp))
        return _inspect(Path(tmp), credentials, manifest, path)


def verify_with_key(path: Path, data_key: bytes) -> BackupReport:
    """Check a backup this desk just wrote, with the open desk's data key (no passphrase)."""
    return verify_backup(path, lambda _vault: data_key)


@dataclass(frozen=True)
class RestoreResult:
    data_dir: Path
    report: BackupReport


def restore_backup(path: Path, to: Path, credentials: Credentials) -> RestoreResult:
    """Check the backup, then make it a desk in the new, empty folder `to` (created if needed).

    The desk is unpacked and checked beside `to` and moved into place only when it passed, so a
    bad backup or a wrong passphrase leaves nothing behind. The restore is the first new entry
    in the restored desk's audit log.
    """
    path = path.expanduser()
    to = new_desk_folder(to, "restore")
    manifest = read_manifest(path)
    with built_beside(to, "restore") as staging:
        extract(path, staging)
        report = _inspect(staging, credentials, manifest, path)
        if not report.ok:
            raise DeskDamaged(f"The backup failed its check ({report.problems[0]}); "
                              "nothing was restored.")
        session = credentials.open(staging)
        try:
            with session.action("backup.restore", "backup",
                                str(manifest.get("backup_id", "")),
                                f"Restored this desk from a backup made {report.created_at}"):
                pass
        finally:
            session.close()
    return RestoreResult(to, report)


@dataclass(frozen=True)
class VerifiedBackup:
    """A backup this desk wrote and then opened and checked (from the data folder's log)."""

    path: Path
    backup_id: str
    created_at: str  # ISO UTC
    verified_at: str  # ISO UTC
    size_bytes: int
    kind: str = "scheduled"  # or "manual" (`backup create`, Settings' Create backup)

    def as_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "backup_id": self.backup_id,
                "created_at": self.created_at, "verified_at": self.verified_at,
                "size_bytes": self.size_bytes, "kind": self.kind}


def record_verified(session: Session, backup: VerifiedBackup, *, drop: Iterable[Path] = (),
                    **extra: object) -> None:
    """Add a verified backup to the data folder's backup log (OSError if it cannot be written),
    forgetting the files in `drop` (rotated away). `extra` updates the log's other fields (the
    scheduler's audit position and settings)."""
    log = read_log(session.data_dir)
    if log.get("desk_id") not in (None, session.desk_id):  # a copied data folder: start afresh
        log = {"entries": []}
    gone = {str(p) for p in drop}
    kept = [e for e in log["entries"] if str(e.get("path")) not in gone]
    log.update({"desk_id": session.desk_id, **extra, "entries": [*kept, backup.as_dict()]})
    write_log(session.data_dir, log)


def verified_backups(data_dir: Path) -> list[VerifiedBackup]:
    """Every verified backup the log of `data_dir` records, oldest first (files may be gone)."""
    out = []
    for e in read_log(data_dir)["entries"]:
        try:
            out.append(VerifiedBackup(Path(str(e["path"])), str(e["backup_id"]),
                                      str(e["created_at"]), str(e["verified_at"]),
                                      int(e["size_bytes"]), str(e.get("kind", "scheduled"))))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(out, key=lambda b: b.created_at)


def latest_verified_backup(data_dir: Path, *, kind: str | None = None
                           ) -> VerifiedBackup | None:
    """The newest backup of the desk in `data_dir` that was verified after writing and is still
    there, unchanged in size (`kind`: only "scheduled" or "manual" ones); None if there is
    none. Needs no passphrase and never opens the desk, so a damaged desk's message can name
    it (with `crisisdesk backup restore`)."""
    for backup in reversed(verified_backups(data_dir)):
        if kind is not None and backup.kind != kind:
            continue
        try:
            if backup.path.is_file() and backup.path.stat().st_size == backup.size_bytes:
                return backup
        except OSError:
            continue
    return None
