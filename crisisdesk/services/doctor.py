"""`crisisdesk doctor`: one report that says whether this laptop can run the desk in a crisis.

Support during an outage happens by phone, so the report names everything a helper would ask
about: where the desk is, whether it is healthy, whether the audit chain holds, which schema it
has, whether the app has it open, whether printing has its fonts, the library versions, how old
the last verified backup is, free space for the desk and its backups, and when the deadline
rules were last reviewed.
Without a passphrase it still reports everything that needs none, and says what was skipped.
It never changes the desk: it does not migrate, and it writes no audit entry.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from crisisdesk.domain.backup_rotation import nearly_full
from crisisdesk.domain.clocks import parse_rules
from crisisdesk.domain.errors import UserError, WrongPassphrase
from crisisdesk.paths import DeskPaths
from crisisdesk.services import backup_schedule
from crisisdesk.services import roster as roster_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.fonts import check_fonts
from crisisdesk.store import backup as backup_store
from crisisdesk.store import diagnostics, rule_files
from crisisdesk.store.db import connect
from crisisdesk.store.errors import DB_ERRORS, classify
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.vault import Vault


class Status(StrEnum):
    OK = "ok"
    INFO = "info"  # a fact, neither good nor bad
    WARN = "warn"  # works, but worth knowing
    FAIL = "fail"  # something is wrong: exit 1
    SKIP = "skip"  # could not be checked (e.g. no passphrase)


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "detail": self.detail}


@dataclass
class DoctorReport:
    data_dir: Path
    checks: list[Check] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status is not Status.FAIL for c in self.checks)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "data_dir": str(self.data_dir), "versions": self.versions,
                "checks": [c.as_dict() for c in self.checks]}


def _dist_version(*names: str) -> str | None:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def versions() -> dict[str, str]:
    libs = diagnostics.library_versions()
    return {
        "crisisdesk": _dist_version("crisisdesk") or "unknown",
        "python": platform.python_version(),
        "sqlite": libs["sqlite"],
        "sqlcipher": libs["sqlcipher"],
        "pyside6": _dist_version("PySide6-Essentials", "PySide6") or "not installed",
    }


def _version_checks(v: dict[str, str]) -> Iterator[Check]:
    yield Check("python", Status.OK, f"Python {v['python']} ({sys.executable})")
    if "not SQLCipher" in v["sqlcipher"]:
        yield Check("sqlcipher", Status.FAIL, "sqlcipher3 is not built with SQLCipher; the "
                    "desk cannot be decrypted; reinstall CrisisDesk")
    else:
        yield Check("sqlcipher", Status.OK, f"SQLCipher {v['sqlcipher']} on SQLite {v['sqlite']}")
    pyside = v["pyside6"]
    if pyside == "not installed":
        yield Check("pyside6", Status.WARN, "PySide6 is not installed: the command line works, "
                    "the app window does not")
    elif pyside == "6.12.0" and sys.version_info < (3, 12):
        yield Check("pyside6", Status.FAIL, "PySide6 6.12.0 crashes on Python 3.11 after a few "
                    "thousand screen updates; install 6.11.3 or move to Python 3.12")
    else:
        yield Check("pyside6", Status.OK, f"PySide6 {pyside} (not loaded by this check)")


def _keychain_check(keychain: Keychain) -> Check:
    if keychain.usable:
        return Check("keychain", Status.OK,
                     f"{keychain.describe()}; 'Remember on this computer' is available")
    return Check("keychain", Status.WARN,
                 f"{keychain.describe()}; 'Remember on this computer' is off, passphrases work")


def _font_checks() -> Iterator[Check]:
    for font in check_fonts():
        if font.ok:
            yield Check(f"font {font.path.name}", Status.OK, f"{font.name}, readable")
        else:
            yield Check(f"font {font.path.name}", Status.FAIL,
                        f"{font.problem}: printing falls back to other fonts; reinstall "
                        "CrisisDesk")


def _folder_check(paths: DeskPaths) -> tuple[Check, bool]:
    """(the data-dir check, whether there is a desk to look into)."""
    where = paths.data_dir
    if not where.exists():
        return Check("data dir", Status.WARN, f"{where} does not exist yet: no desk here "
                     "(create one with 'crisisdesk init' or 'crisisdesk demo')"), False
    has_slots, has_db = paths.slots_file.exists(), paths.desk_file.exists()
    if not has_slots and not has_db:
        return Check("data dir", Status.WARN, f"{where} holds no desk "
                     "(create one with 'crisisdesk init' or 'crisisdesk demo')"), False
    if not has_db:
        return Check("data dir", Status.FAIL, f"{where} has key slots but desk.db is missing; "
                     "restore it from a backup"), False
    if not has_slots:
        return Check("data dir", Status.FAIL, f"{where} has desk.db but keyslots.json is "
                     "missing; restore it from a backup"), False
    mode = stat.S_IMODE(where.stat().st_mode)
    if mode & 0o077:
        return Check("data dir", Status.WARN, f"{where}: other users of this computer can "
                     f"list it (mode {mode:o}); the desk itself stays encrypted"), True
    return Check("data dir", Status.OK, f"{where} (private)"), True


def _vault_checks(paths: DeskPaths) -> tuple[list[Check], Vault | None]:
    try:
        vault = Vault.load(paths.data_dir)
    except UserError as exc:
        return [Check("key slots", Status.FAIL, str(exc))], None
    operators = sum(1 for s in vault.slots if s.kind == "operator")
    has_recovery = any(s.kind == "recovery" for s in vault.slots)
    checks = [Check("desk", Status.INFO, f"{vault.org} ({vault.desk_id})")]
    if has_recovery:
        checks.append(Check("key slots", Status.OK,
                            f"{operators} operator slot(s) and a recovery key"))
    else:
        checks.append(Check("key slots", Status.WARN, f"{operators} operator slot(s) and NO "
                            "recovery key; make one with 'crisisdesk operators recovery-key'"))
    return checks, vault


def _lock_check(paths: DeskPaths) -> Check:
    if diagnostics.lock_held(paths.lock_file):
        return Check("app", Status.INFO, "the desk is open in CrisisDesk on this computer "
                     "(command-line tools work alongside it)")
    return Check("app", Status.INFO, "the desk is not open in the app")


def _health_checks(paths: DeskPaths, vault: Vault, credentials: Credentials | None
                   ) -> Iterator[Check]:
    needs = ("needs a passphrase: set CRISISDESK_OPERATOR and CRISISDESK_PASSPHRASE, or use "
             "--passphrase-file or --recovery-key-file")
    if credentials is None:
        for name in ("integrity", "audit chain", "schema"):
            yield Check(name, Status.SKIP, needs)
        return
    try:
        key = credentials.data_key(vault)
    except WrongPassphrase as exc:
        yield Check("unlock", Status.FAIL, f"{exc} Integrity, audit and schema not checked.")
        return
    except UserError:  # no secret at hand
        for name in ("integrity", "audit chain", "schema"):
            yield Check(name, Status.SKIP, needs)
        return
    try:
        health = diagnostics.inspect_desk(paths.desk_file, key)
    except WrongPassphrase:  # the key slot opened, so the file itself is unreadable
        yield Check("integrity", Status.FAIL, "the desk file cannot be read; restore it from "
                    "a backup ('crisisdesk backup restore')")
        return
    except UserError as exc:
        yield Check("integrity", Status.FAIL, str(exc))
        return
    except DB_ERRORS as exc:
        yield Check("integrity", Status.FAIL, str(classify(exc) or f"the desk file cannot be "
                                                  f"read ({exc})"))
        return
    if health.integrity_problems:
        first = " ".join(health.integrity_problems[0].split())
        yield Check("integrity", Status.FAIL, f"{first} "
                    f"({len(health.integrity_problems)} problem(s)); restore from a backup")
    else:
        yield Check("integrity", Status.OK, "quick_check and cipher_integrity_check passed")
    chain = health.audit
    if chain is None:
        yield Check("audit chain", Status.FAIL, "the audit log cannot be read")
    elif chain.ok:
        yield Check("audit chain", Status.OK, f"intact, {chain.count} entries")
    else:
        yield Check("audit chain", Status.FAIL, f"broken: {chain.problem}")
    yield _signature_check(paths, vault, key)
    yield from _schema_checks(health)
    yield Check("contents", Status.INFO, ", ".join(f"{k}: {n}" for k, n in health.counts.items()))


def _signature_check(paths: DeskPaths, vault: Vault, key: bytes) -> Check:
    """The signed roster, the operators table against it, and every audit and approval
    signature (read only: a connection of its own, nothing migrated or written)."""
    try:
        db = connect(paths.desk_file, key)
        try:
            report = roster_service.signature_problems(db, vault.desk_id, vault)
        finally:
            db.conn.close()
    except UserError as exc:
        return Check("signatures", Status.FAIL, f"cannot be read ({exc})")
    except DB_ERRORS as exc:
        return Check("signatures", Status.FAIL, f"cannot be read ({exc})")
    if not report.ok:
        more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        return Check("signatures", Status.FAIL, f"{report.problems[0]}{more}; something was "
                     "changed outside the app: run 'crisisdesk audit verify'")
    if report.notes:
        return Check("signatures", Status.WARN, "; ".join(report.notes))
    return Check("signatures", Status.OK, "roster, audit entries and approvals all signed")


def _schema_checks(health: diagnostics.DeskHealth) -> Iterator[Check]:
    version = f"schema version {health.schema_version}, {len(health.applied_steps)} step(s)"
    if health.unknown_steps:
        yield Check("schema", Status.FAIL, f"{version}; written by a newer CrisisDesk "
                    f"({health.unknown_steps[-1]}): upgrade CrisisDesk")
    elif health.pending_steps:
        yield Check("schema", Status.WARN, f"{version}; {len(health.pending_steps)} upgrade "
                    f"step(s) pending ({', '.join(health.pending_steps)}), applied after an "
                    "automatic backup the next time the desk is opened")
    else:
        yield Check("schema", Status.OK, f"{version}, up to date")


REVIEW_STALE_DAYS = 365  # rules older than a year are worth a call to counsel
DEFAULT_MAX_AGE_HOURS = 24


def _backup_checks(paths: DeskPaths, now: dt.datetime) -> Iterator[Check]:
    """The newest verified backup's age and the backup folder's state, from the backup log
    (the folder and warning age as of the last scheduled backup: no passphrase needed)."""
    folder, hours = backup_schedule.logged_settings(paths.data_dir)
    max_age = hours or DEFAULT_MAX_AGE_HOURS
    health = backup_schedule.backup_health(paths.data_dir, folder, max_age, now)
    latest = health.latest
    if latest is None:
        yield Check("last backup", Status.WARN, "no verified backup recorded; set a backup "
                    "folder in Settings or run 'crisisdesk backup scheduled'")
    else:
        age_warnings = [w for w in health.warnings if w.startswith("The last verified")]
        yield Check("last backup", Status.WARN if age_warnings else Status.OK,
                    f"verified, made {health.age} ({latest.path})"
                    + (f"; older than {max_age} hours" if age_warnings else ""))
    if folder is None:
        yield Check("backup folder", Status.INFO, "no scheduled backup folder recorded yet")
        return
    problems = [w for w in health.warnings if w.startswith("The backup folder")]
    if problems:
        yield Check("backup folder", Status.WARN, problems[0])
    else:
        free = backup_schedule.size_words(health.free_bytes or 0)
        yield Check("backup folder", Status.OK, f"{folder}, {free} free")
    failed = [w for w in health.warnings if w.startswith("The last scheduled backup failed")]
    if failed:
        yield Check("backup run", Status.WARN, failed[0])


def _space_check(paths: DeskPaths) -> Check:
    try:
        free = backup_store.free_bytes(paths.data_dir)
    except OSError as exc:
        return Check("data space", Status.WARN, f"free space unknown ({exc.strerror})")
    desk_bytes = paths.desk_file.stat().st_size if paths.desk_file.is_file() else 0
    words = f"{backup_schedule.size_words(free)} free in {paths.data_dir}"
    if nearly_full(free, desk_bytes):
        return Check("data space", Status.WARN, f"only {words}; free some space before the "
                     "desk, letters and exports fill the disk")
    return Check("data space", Status.OK, words)


def _rules_check(data_dir: Path | None, today: dt.date) -> Check:
    loaded = rule_files.notification_rules(data_dir)
    if loaded.problem:
        return Check("rules file", Status.FAIL, loaded.problem)
    try:
        reviewed = parse_rules(loaded.data).last_reviewed
    except UserError as exc:
        return Check("rules file", Status.FAIL, f"{loaded.origin}: {exc}")
    if reviewed is None:
        return Check("rules file", Status.WARN, f"{loaded.origin} has no last_reviewed date; "
                     "have counsel review the deadlines")
    days = (today - reviewed).days
    detail = (f"{loaded.origin}, last reviewed {reviewed.isoformat()} "
              f"({days} day{'' if days == 1 else 's'} ago)")
    if days > REVIEW_STALE_DAYS:
        return Check("rules file", Status.WARN, f"{detail}: more than a year; have counsel "
                     "review the deadlines")
    return Check("rules file", Status.OK, detail)


def run_doctor(data_dir: Path, credentials: Credentials | None = None, *,
               keychain: Keychain | None = None,
               now: dt.datetime | None = None) -> DoctorReport:
    """Check everything that can be checked; `credentials` None skips the unlocked checks."""
    now = now or dt.datetime.now(dt.UTC)
    paths = DeskPaths(data_dir)
    report = DoctorReport(data_dir, versions=versions())
    checks = report.checks
    folder, has_desk = _folder_check(paths)
    checks.append(folder)
    checks.extend(_version_checks(report.versions))
    checks.append(_keychain_check(keychain or Keychain()))
    checks.extend(_font_checks())
    if has_desk:
        vault_checks, vault = _vault_checks(paths)
        checks.extend(vault_checks)
        checks.append(_lock_check(paths))
        if vault is not None:
            checks.extend(_health_checks(paths, vault, credentials))
        checks.extend(_backup_checks(paths, now))
    if paths.data_dir.exists():
        checks.append(_space_check(paths))
    checks.append(_rules_check(data_dir if has_desk else None, now.date()))
    return report
