"""The desk schema, as sqlite-utils `Migrations` (one function per step, applied in order).

Never edit a released migration: add a new one. A desk that has migrations this code does not
know was written by a newer CrisisDesk and is refused rather than damaged.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from crisisdesk.domain.errors import SchemaTooNew

MIGRATION_SET = "crisisdesk"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("operators").create(
        {
            "id": str, "name": str, "name_key": str, "role": str, "created_at": str,
            "updated_at": str, "updated_by": str, "removed_at": str,
        },
        pk="id", not_null={"name", "name_key", "role", "created_at"},
    )
    db.table("operators").create_index(["name_key"], unique=True)
    db.table("audit").create(
        {
            "seq": int, "id": str, "at": str, "operator": str, "action": str,
            "entity_type": str, "entity_id": str, "summary": str, "prev_mac": str, "mac": str,
        },
        pk="seq", not_null={"id", "at", "operator", "action", "mac", "prev_mac"},
    )
    db.table("audit").create_index(["at"])
    db.table("settings").create(
        {"key": str, "value": str, "updated_at": str, "updated_by": str}, pk="key"
    )


@migrations()
def m002_contacts(db: sqlite_utils.Database) -> None:
    db.table("contacts").create(
        {
            "id": str, "name": str, "job_title": str, "organisation": str, "kind": str,
            "email": str, "notes": str, "tags": str, "phones": str, "phone_digits": str,
            "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"name", "kind", "created_at"},
        defaults={"job_title": "", "organisation": "", "email": "", "notes": "", "tags": "",
                  "phones": "[]", "phone_digits": ""},
    )
    db.table("contacts").create_index(["name"])
    db.table("contacts").enable_fts(
        ["name", "job_title", "organisation", "tags", "phone_digits"],
        fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2",
    )


KNOWN = [m.name for m in migrations._migrations]


def check_not_newer(db: sqlite_utils.Database) -> None:
    applied = {m.name for m in migrations.applied(db)}
    unknown = sorted(applied - set(KNOWN))
    if unknown:
        raise SchemaTooNew(
            "This desk was written by a newer version of CrisisDesk "
            f"(it has schema step {unknown[-1]!r}); upgrade CrisisDesk to open it."
        )


def apply(db: sqlite_utils.Database) -> list[str]:
    """Bring the desk up to date; return the names of the steps applied now."""
    check_not_newer(db)
    pending = [m.name for m in migrations.pending(db)]
    if pending:
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {len(KNOWN)}")
    return pending


def pending(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in migrations.pending(db)]


def version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])
