"""Template rows and their versions; the communication log rows. Returns domain objects."""

from __future__ import annotations

import json
import uuid
from typing import Any, NamedTuple

import sqlite_utils

from crisisdesk.domain.messages import LogEntry
from crisisdesk.domain.templates import (
    Audience,
    Channel,
    Language,
    Status,
    TemplateMeta,
    TemplateVersion,
    variables_from_json,
    variables_json,
)
from crisisdesk.store import meta as meta_store
from crisisdesk.store.db import given_filters


def _meta(t: dict[str, Any], v: dict[str, Any]) -> TemplateMeta:
    return TemplateMeta(
        key=str(t["key"]), name=str(t["name"]), audience=Audience(t["audience"]),
        channel=Channel(t["channel"]), language=Language(t["language"]),
        translation_group=str(t["translation_group"] or ""),
        hipaa_notice=bool(t["hipaa_notice"]), description=str(t["description"] or ""),
        variables=variables_from_json(str(v["variables"] or "[]")),
        required_sections=tuple(json.loads(v["required_sections"] or "[]")),
    )


def _version(t: dict[str, Any], v: dict[str, Any]) -> TemplateVersion:
    return TemplateVersion(
        template_id=str(t["id"]), version=int(v["version"]), status=Status(v["status"]),
        meta=_meta(t, v), body=str(v["body"]), sha256=str(v["sha256"]),
        created_at=str(v["created_at"]), created_by=str(v["created_by"] or ""),
        note=str(v["note"] or ""), submitted_at=v["submitted_at"],
        submitted_by=v["submitted_by"], approved_at=v["approved_at"],
        approved_by=v["approved_by"],
        acknowledged_warnings=tuple(json.loads(v["acknowledged_warnings"] or "[]")),
        retired_at=v["retired_at"], retired_by=v["retired_by"],
        retired_reason=str(v["retired_reason"] or ""),
    )


def find_template(db: sqlite_utils.Database, ref: str) -> dict[str, Any] | None:
    """The template row for a key (or id)."""
    rows = list(db.table("templates").rows_where("key = ? OR id = ?", [ref, ref], limit=1))
    return rows[0] if rows else None


def all_templates(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(db.table("templates").rows_where(order_by="key"))


def insert_template(db: sqlite_utils.Database, meta: TemplateMeta, *, at: str, by: str,
                    source: str) -> str:
    template_id = str(uuid.uuid4())
    db.table("templates").insert({
        "id": template_id, "key": meta.key, "name": meta.name,
        "audience": meta.audience.value, "channel": meta.channel.value,
        "language": meta.language.value, "translation_group": meta.translation_group,
        "hipaa_notice": int(meta.hipaa_notice), "description": meta.description,
        "source": source, "created_at": at, "created_by": by, "updated_at": at,
        "updated_by": by,
    })
    return template_id


def touch_template(db: sqlite_utils.Database, template_id: str, *, at: str, by: str,
                   name: str | None = None, description: str | None = None) -> None:
    changes: dict[str, Any] = {"updated_at": at, "updated_by": by}
    if name is not None:
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    db.table("templates").update(template_id, changes)


def insert_version(db: sqlite_utils.Database, template_id: str, version: int, status: Status,
                   meta: TemplateMeta, body: str, sha256: str, *, at: str, by: str,
                   note: str = "", approved_by: str | None = None,
                   submitted_by: str | None = None) -> None:
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()), "template_id": template_id, "version": version,
        "status": status.value, "body": body, "variables": variables_json(meta.variables),
        "required_sections": json.dumps(list(meta.required_sections)), "sha256": sha256,
        "note": note, "created_at": at, "created_by": by, "updated_at": at, "updated_by": by,
        "submitted_at": None, "submitted_by": None, "approved_at": None, "approved_by": None,
        "acknowledged_warnings": "[]", "retired_at": None, "retired_by": None,
        "retired_reason": "",
    }
    if submitted_by is not None:
        row.update(submitted_at=at, submitted_by=submitted_by)
    if approved_by is not None:
        row.update(submitted_at=at, submitted_by=by, approved_at=at, approved_by=approved_by)
    db.table("template_versions").insert(row)


def _version_row(db: sqlite_utils.Database, template_id: str, version: int
                 ) -> dict[str, Any] | None:
    rows = list(db.table("template_versions").rows_where(
        "template_id = ? AND version = ?", [template_id, version], limit=1))
    return rows[0] if rows else None


def versions(db: sqlite_utils.Database, template: dict[str, Any]) -> list[TemplateVersion]:
    rows = db.table("template_versions").rows_where("template_id = ?", [template["id"]],
                                                    order_by="version")
    return [_version(template, r) for r in rows]


class VersionState(NamedTuple):
    """What listing the library needs of one version (not its body or variables)."""

    version: int
    status: Status
    approved_by: str | None


def version_states(db: sqlite_utils.Database) -> dict[str, list[VersionState]]:
    """Every template's versions, oldest first (template id -> states), in one query: listing
    the library read each template's versions whole, two queries apiece."""
    out: dict[str, list[VersionState]] = {}
    for template_id, number, status, approved_by in db.execute(
            "SELECT template_id, version, status, approved_by FROM template_versions "
            "ORDER BY template_id, version"):
        out.setdefault(str(template_id), []).append(
            VersionState(int(number), Status(status), approved_by))
    return out


def version(db: sqlite_utils.Database, template: dict[str, Any], number: int
            ) -> TemplateVersion | None:
    row = _version_row(db, str(template["id"]), number)
    return _version(template, row) if row else None


def latest_number(db: sqlite_utils.Database, template_id: str) -> int:
    row = db.execute("SELECT max(version) FROM template_versions WHERE template_id = ?",
                     [template_id]).fetchone()
    return int(row[0] or 0)


def update_draft(db: sqlite_utils.Database, template_id: str, number: int, meta: TemplateMeta,
                 body: str, sha256: str, *, at: str, by: str, note: str) -> None:
    row = _version_row(db, template_id, number)
    assert row is not None
    db.table("template_versions").update(row["id"], {
        "body": body, "variables": variables_json(meta.variables),
        "required_sections": json.dumps(list(meta.required_sections)), "sha256": sha256,
        "note": note, "updated_at": at, "updated_by": by,
    })


def set_status(db: sqlite_utils.Database, template_id: str, number: int, status: Status, *,
               at: str, by: str, **fields: Any) -> None:
    row = _version_row(db, template_id, number)
    assert row is not None
    changes = {"status": status.value, "updated_at": at, "updated_by": by, **fields}
    if "acknowledged_warnings" in changes:
        changes["acknowledged_warnings"] = json.dumps(list(changes["acknowledged_warnings"]),
                                                      ensure_ascii=False)
    db.table("template_versions").update(row["id"], changes)


# --- the approval policy ---------------------------------------------------------------------

POLICY_KEY = "template_approval_policy"


def approval_policy(db: sqlite_utils.Database) -> dict[str, Any]:
    """The desk's recorded approval policy ({} = the default, four-eyes)."""
    value = meta_store.get(db, POLICY_KEY)
    return dict(json.loads(value)) if value else {}


def set_approval_policy(db: sqlite_utils.Database, policy: dict[str, Any]) -> None:
    meta_store.put(db, POLICY_KEY, json.dumps(policy, ensure_ascii=False))


# --- the communication log -----------------------------------------------------------------

def append_log(db: sqlite_utils.Database, entry: LogEntry, *, template_id: str,
               content: str) -> None:
    row = entry.to_dict()
    row.update(template_id=template_id, content=content)
    db.table("message_log").insert(row)


def log_entries(db: sqlite_utils.Database, *, incident_id: str | None = None,
                since: str | None = None) -> list[LogEntry]:
    where, params = given_filters(("incident_id = ?", incident_id), ("issued_at >= ?", since))
    rows = db.table("message_log").rows_where(" AND ".join(where) or None, params,
                                              order_by="issued_at, rowid")
    fields = set(LogEntry.__dataclass_fields__)
    return [LogEntry(**{k: v for k, v in r.items() if k in fields}) for r in rows]


def log_content(db: sqlite_utils.Database, entry_id: str) -> str | None:
    row = db.execute("SELECT content FROM message_log WHERE id = ?", [entry_id]).fetchone()
    return None if row is None else str(row[0])
