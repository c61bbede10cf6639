"""A damaged desk: say so plainly, point at the latest good backup, and save what still reads.

`salvage` opens a copy of the damaged file read-only (the original is never written) and copies
every readable row, table by table, into a NEW desk in an empty folder (see store/salvage.py for
how SQLCipher behaves on damaged pages and how damaged stretches are skipped).

The new desk keeps the SAME data key and the same key slots (keyslots.json is copied as it is).
A fresh key would need every operator's passphrase to wrap it again, which nobody holding one
passphrase can give; with the same key every operator and the printed recovery key open the
salvaged desk exactly as before, and its audit chain (keyed from the data key) still verifies
up to where rows were lost. The salvage itself is the newest entry in the new desk's log.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.audit import ChainReport
from crisisdesk.domain.errors import DeskDamaged, DeskExists, UserError
from crisisdesk.domain.operators import Operator, Role
from crisisdesk.paths import DeskPaths
from crisisdesk.services import roster as roster_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import Clock, Session, utc_now
from crisisdesk.store import audit as audit_store
from crisisdesk.store import operators as operator_store
from crisisdesk.store import salvage as salvage_store
from crisisdesk.store.db import connect, quick_check
from crisisdesk.store.errors import DB_ERRORS
from crisisdesk.store.files import built_beside, ensure_private_dir, new_desk_folder
from crisisdesk.store.vault import Vault

_RECORD_ERRORS: tuple[type[BaseException], ...] = (UserError, *DB_ERRORS)


# -- salvage ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableReport:
    name: str
    saved: int
    lost: int | None  # None: unknown (the end of the table could not be read)
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"table": self.name, "saved": self.saved, "lost": self.lost, "note": self.note}


@dataclass(frozen=True)
class SalvageReport:
    to: Path
    tables: list[TableReport]
    orphans: int
    schema_failures: list[str]
    integrity_problems: list[str]
    audit: ChainReport | None
    warnings: list[str] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return sum(t.saved for t in self.tables)

    @property
    def damaged_tables(self) -> list[TableReport]:
        return [t for t in self.tables if t.lost != 0 or t.note]

    def as_dict(self) -> dict[str, object]:
        return {
            "to": str(self.to), "saved": self.saved,
            "tables": [t.as_dict() for t in self.tables],
            "damaged_tables": [t.name for t in self.damaged_tables],
            "orphans": self.orphans, "schema_failures": self.schema_failures,
            "integrity_problems": self.integrity_problems,
            "audit_ok": self.audit.ok if self.audit else None,
            "audit_problem": self.audit.problem if self.audit else "",
            "warnings": self.warnings,
        }


def salvage(data_dir: Path, to: Path, credentials: Credentials, *,
            clock: Clock = utc_now) -> SalvageReport:
    """Copy every readable row of the desk in `data_dir` into a new desk in the empty `to`.

    The damaged desk is only read, through a copy; the new desk is built beside `to` and moved
    into place whole. Raises DeskDamaged (nothing created) if not even the table list reads.
    """
    paths = DeskPaths(data_dir)
    if not paths.exists():
        raise UserError(f"No desk in {data_dir}; nothing to salvage.")
    vault = Vault.load(data_dir)
    data_key = credentials.data_key(vault)
    if not paths.desk_file.exists():
        raise DeskDamaged(f"The desk file {paths.desk_file} is missing; nothing can be salvaged.")
    to = new_desk_folder(to, "salvage")
    if to == data_dir.resolve():
        raise DeskExists("Salvage into a new folder, not the damaged desk's own.")
    with built_beside(to, "salvage") as staging:
        report = _salvage_into(paths, vault, data_key, staging, to, credentials, clock)
    return report


def _salvage_into(paths: DeskPaths, vault: Vault, data_key: bytes, staging: Path, to: Path,
                  credentials: Credentials, clock: Clock) -> SalvageReport:
    source_dir = staging / ".damaged-copy"  # encrypted pages only; removed below
    ensure_private_dir(source_dir)
    source = source_dir / "desk.db"
    shutil.copyfile(paths.desk_file, source)
    for suffix in ("-wal",):
        extra = Path(f"{paths.desk_file}{suffix}")
        if extra.exists():
            shutil.copyfile(extra, Path(f"{source}{suffix}"))

    def opener() -> salvage_store.Connection:
        return salvage_store.open_reader(str(source), data_key)

    db = connect(staging / "desk.db", data_key, create=True)
    try:
        try:
            copied = salvage_store.copy_all(opener, db.conn)
        except DB_ERRORS as exc:
            raise DeskDamaged(
                "Nothing can be salvaged: the desk's table list does not read "
                f"({' '.join(str(exc).split())}); restore a backup instead."
            ) from None
        finally:
            shutil.rmtree(source_dir, ignore_errors=True)
        Path(staging / "keyslots.json").write_bytes(vault.to_bytes())
        (staging / "keyslots.json").chmod(0o600)
        saved = sum(t.saved for t in copied.tables)
        lost_known = sum(t.lost or 0 for t in copied.tables)
        unknown = sum(1 for t in copied.tables if t.lost is None)
        summary = (f"Salvaged {saved} rows from a damaged desk file; {lost_known} lost"
                   + (f", {unknown} table(s) with an unreadable end" if unknown else ""))
        warnings = _warnings(copied)
        new_vault = Vault.load(staging)
        session = Session(DeskPaths(staging), db, new_vault,
                          _operator(db, credentials), data_key, clock)
        with contextlib.suppress(UserError):  # the salvage entry is signed like any other
            key = roster_service.signing_key_for(
                new_vault, operator=credentials.operator, passphrase=credentials.passphrase,
                recovery_code=credentials.recovery_code)
            if key is not None:
                session.set_signing_key(key)
        try:
            with session.action("desk.salvage", "desk", vault.desk_id, summary):
                pass
        except _RECORD_ERRORS as exc:
            warnings.append(f"the salvage could not be recorded in the audit log ({exc})")
        integrity = quick_check(db)
        try:
            chain: ChainReport | None = audit_store.verify(db, audit_store.chain_key(db, data_key))
        except DB_ERRORS:
            chain = None
    finally:
        db.conn.close()
    tables = [TableReport(t.name, t.saved, t.lost, t.note) for t in copied.tables]
    return SalvageReport(to, tables, copied.orphans, copied.schema_failures, integrity, chain,
                         warnings)


def _operator(db: object, credentials: Credentials) -> Operator:
    name = credentials.operator
    if name:
        with contextlib.suppress(*DB_ERRORS):
            found = operator_store.find(db, name)  # type: ignore[arg-type]
            if found is not None:
                return found
        return Operator("", name, Role.ADMIN)
    return Operator("recovery", "recovery key", Role.ADMIN)


def _warnings(copied: salvage_store.SalvageCopy) -> list[str]:
    out = []
    damaged = {t.name for t in copied.tables if not t.complete}
    if "_sqlite_migrations" in damaged:
        out.append("the schema history lost rows: opening the salvaged desk may fail to upgrade")
    if "operators" in damaged:
        out.append("operators lost rows: an operator without a row cannot unlock the new desk; "
                   "use the recovery key and add them again")
    if "audit" in damaged:
        out.append("the audit log lost entries: its chain will report the gap")
    if copied.orphans:
        out.append(f"{copied.orphans} saved row(s) refer to rows that were lost")
    return out
