"""Scheduled backups into a folder (a USB stick), their rotation, and whether they are healthy.

`scheduled_backup` is the one action behind the app's timer, its exit backup and
`crisisdesk backup scheduled` (cron): when the desk changed since the last scheduled backup and
the interval has passed, write a backup into the folder from the settings, open and check it
with the desk's key, delete the scheduled backups rotation no longer keeps, and record it in
the audit log and in the data folder's backup log (which `latest_verified_backup`, `doctor` and
the Dashboard read). Only files named as scheduled backups *of this desk* are ever rotated away;
a backup made by hand is never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crisisdesk.domain.backup_rotation import (
    backup_age,
    backup_due,
    backups_to_keep,
    nearly_full,
    too_old,
)
from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.errors import UserError
from crisisdesk.services import backup as backup_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.backup import SUFFIX, VerifiedBackup, latest_verified_backup
from crisisdesk.services.session import Session
from crisisdesk.store import backup as backup_store

ACTION = "backup.scheduled"
NOT_CHANGES = (ACTION, "backup.create")  # making a backup does not change what needs backing up
_AUTO = "-auto-"
_ONE_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class ScheduleSettings:
    folder: Path | None  # None: scheduled backups are off
    interval_minutes: int
    max_age_hours: int


def schedule_settings(session: Session) -> ScheduleSettings:
    raw = str(settings_service.get(session, "backup_folder")).strip()
    return ScheduleSettings(Path(raw).expanduser() if raw else None,
                            int(settings_service.get(session, "backup_interval_minutes")),
                            int(settings_service.get(session, "backup_max_age_hours")))


@dataclass(frozen=True)
class ScheduledResult:
    """What one run did: `made` a backup, or why not (`off`, `unchanged`, `not due`)."""

    status: str
    message: str
    backup: VerifiedBackup | None = None
    removed: list[Path] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status, "message": self.message,
                "backup": self.backup.as_dict() if self.backup else None,
                "removed": [str(p) for p in self.removed]}


def _parse(stamp: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _log(session: Session) -> dict[str, Any]:
    log = backup_store.read_log(session.data_dir)
    if log.get("desk_id") not in (None, session.desk_id):  # a copied folder: start afresh
        return {"entries": []}
    return log


def desk_changed(session: Session) -> bool:
    """Whether an audited action changed the desk since the last scheduled backup."""
    last = _log(session).get("audit_seq")
    if not isinstance(last, int):
        return True
    return backup_store.changes_since(session.db, last, NOT_CHANGES) > 0


def _scheduled_file(session: Session, folder: Path, backup_id: str) -> Path:
    stem = backup_service.default_file_name(session).removesuffix(SUFFIX)
    slug, stamp = stem.rsplit("-", 1)
    return folder / f"{slug}{_AUTO}{stamp}-{backup_id[:6]}{SUFFIX}"


def scheduled_files(folder: Path, desk_id: str) -> dict[Path, dt.datetime]:
    """This desk's scheduled backups in `folder` and when each was made (from its manifest).
    A file that cannot be read or belongs to another desk is not listed, so never rotated."""
    found: dict[Path, dt.datetime] = {}
    for path in sorted(folder.glob(f"*{_AUTO}*{SUFFIX}")):
        try:
            manifest = backup_store.read_manifest(path)
        except UserError:
            continue
        made = _parse(str(manifest.get("created_at", "")))
        if manifest.get("desk_id") == desk_id and made is not None:
            found[path] = made
    return found


def _check_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise UserError(f"The backup folder {folder} is missing; plug in the USB stick or "
                        "choose another folder in Settings.")
    if not backup_store.writable(folder):
        raise UserError(f"The backup folder {folder} is not writable; check the USB stick's "
                        "write-protect switch or choose another folder.")


def _settings_for_doctor(settings: ScheduleSettings) -> dict[str, object]:
    """What `doctor` needs to judge backups without unlocking the desk."""
    return {"folder": str(settings.folder) if settings.folder else None,
            "max_age_hours": settings.max_age_hours}


def _last_failure(session: Session) -> dt.datetime | None:
    error = _log(session).get("last_error")
    return _parse(str(error.get("at", ""))) if isinstance(error, dict) else None


def _record_failure(session: Session, settings: ScheduleSettings, message: str) -> None:
    log = _log(session)
    log["last_error"] = {"at": session.now_iso(), "message": message}
    log["desk_id"] = session.desk_id
    log.update(_settings_for_doctor(settings))
    with contextlib.suppress(OSError):
        backup_store.write_log(session.data_dir, log)


def scheduled_backup(session: Session, *, force: bool = False,
                     on_exit: bool = False) -> ScheduledResult:
    """Make a scheduled backup if one is due (any operator: the folder is an admin's setting).

    Due means: the desk changed since the last one and the interval passed (`on_exit`: the
    desk changed; `force`: always). Each new file is opened and checked with the desk's key;
    one that fails the check is removed and reported. A failure is recorded for the Dashboard.
    """
    settings = schedule_settings(session)
    if settings.folder is None:
        return ScheduledResult("off", "Scheduled backups are off: no backup folder is set "
                               "(setting backup_folder).")
    changed = desk_changed(session)
    last = latest_verified_backup(session.data_dir, kind="scheduled")
    tries = [_parse(last.created_at) if last else None, _last_failure(session)]
    last_at = max((t for t in tries if t is not None), default=None)  # a failure waits too
    if not force:
        if not changed:
            return ScheduledResult("unchanged", "The desk has not changed since the last "
                                   "scheduled backup; none was made.")
        if not on_exit and not backup_due(now=session.now(), last_backup_at=last_at,
                                          interval_minutes=settings.interval_minutes,
                                          changed=changed):
            return ScheduledResult("not due", "The last scheduled backup (or attempt) is less "
                                   f"than {settings.interval_minutes} minutes old; none was "
                                   "made.")
    try:
        with _ONE_AT_A_TIME:  # the timer's run and "Back up now" must not rotate each other
            return _make(session, settings)
    except UserError as err:
        _record_failure(session, settings, str(err))
        raise


def _make(session: Session, settings: ScheduleSettings) -> ScheduledResult:
    folder = settings.folder
    if folder is None:
        raise UserError("No backup folder is set (setting backup_folder).")
    _check_folder(folder)
    manifest = backup_service.new_manifest(session)
    backup_id = str(manifest["backup_id"])
    target = _scheduled_file(session, folder, backup_id)
    seq = backup_store.audit_seq(session.db)  # every change up to here is in the copy
    backup_service.write_file(session, target, manifest)
    backup_service.check_written(target, session)
    size = target.stat().st_size
    found = scheduled_files(folder, session.desk_id)
    keep = backups_to_keep(found.values())
    removed = []
    for path, made in found.items():
        if made not in keep and path != target:
            with contextlib.suppress(OSError):  # a stuck file stays; the next run tries again
                path.unlink(missing_ok=True)
                removed.append(path)
    summary = "Wrote and verified a scheduled backup"
    if removed:
        summary += f"; rotation removed {len(removed)} older one(s)"
    with session.action(ACTION, "backup", backup_id, summary):
        pass
    verified = VerifiedBackup(target, backup_id, str(manifest["created_at"]),
                              session.now_iso(), size)
    try:
        backup_service.record_verified(session, verified, drop=removed, audit_seq=seq,
                                       last_error=None, **_settings_for_doctor(settings))
    except OSError as exc:
        raise UserError(f"The backup {target} was written and verified, but the data folder "
                        f"{session.data_dir} could not record it ({exc.strerror or exc}); free "
                        "some space there.") from None
    return ScheduledResult("made", f"Wrote and verified {target}"
                           + (f"; removed {len(removed)} older scheduled backup(s)."
                              if removed else "."), verified, removed)


@dataclass(frozen=True)
class BackupHealth:
    """What the Dashboard and doctor say about backups: facts plus warnings in words."""

    folder: Path | None
    latest: VerifiedBackup | None
    age: str | None
    free_bytes: int | None
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.warnings


def backup_health(data_dir: Path, folder: Path | None, max_age_hours: int,
                  now: dt.datetime) -> BackupHealth:
    """Check the folder (missing, not writable, nearly full) and the newest verified backup's
    age; needs no passphrase. Never raises for a bad folder: that is what it reports."""
    warnings: list[str] = []
    free: int | None = None
    if folder is not None:
        if not folder.is_dir():
            warnings.append(f"The backup folder {folder} is missing (is the USB stick "
                            "plugged in?).")
        elif not backup_store.writable(folder):
            warnings.append(f"The backup folder {folder} is not writable.")
        else:
            with contextlib.suppress(OSError):
                free = backup_store.free_bytes(folder)
            desk = data_dir / "desk.db"
            desk_bytes = desk.stat().st_size if desk.is_file() else 0
            if free is not None and nearly_full(free, desk_bytes):
                warnings.append(f"The backup folder {folder} is nearly full "
                                f"({size_words(free)} free).")
    latest = latest_verified_backup(data_dir)
    made = _parse(latest.created_at) if latest else None
    age = backup_age(now, made).words if made else None
    if made is None:
        warnings.append("There is no verified backup yet" + (
            "." if folder else ": set a backup folder in Settings (Scheduled backup folder)."))
    elif too_old(now, made, max_age_hours):
        warnings.append(f"The last verified backup was made {age}, more than "
                        f"{max_age_hours} hours ago.")
    error = backup_store.read_log(data_dir).get("last_error")
    folder_problem = any(w.startswith("The backup folder") for w in warnings)
    if isinstance(error, dict) and error.get("message") and not folder_problem:
        warnings.append(f"The last scheduled backup failed: {error['message']}")
    return BackupHealth(folder, latest, age, free, warnings)


def logged_settings(data_dir: Path) -> tuple[Path | None, int | None]:
    """The backup folder and warning age as of the last scheduled run (no passphrase needed)."""
    log = backup_store.read_log(data_dir)
    folder, hours = log.get("folder"), log.get("max_age_hours")
    return (Path(folder) if isinstance(folder, str) and folder else None,
            hours if isinstance(hours, int) else None)


def health(session: Session) -> BackupHealth:
    settings = schedule_settings(session)
    return backup_health(session.data_dir, settings.folder, settings.max_age_hours,
                         session.now())


def size_words(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"



def dashboard_summary(session: Session) -> DashboardSummary:
    """The Dashboard's Backups panel: warnings first, then the folder and the last backup."""
    state = health(session)
    latest = state.latest
    how = "by hand" if latest and latest.kind == "manual" else "scheduled"
    rows: list[tuple[str, str]] = [
        ("Folder", str(state.folder) if state.folder else "not set (Settings: Scheduled "
         "backup folder)"),
        ("Last verified backup", f"{state.age} ({how})" if latest else "none yet"),
    ]
    if state.free_bytes is not None:
        rows.append(("Free space", size_words(state.free_bytes)))
    return DashboardSummary(tuple(rows), tuple(state.warnings))
