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


@migrations()
def m003_contacts_sort(db: sqlite_utils.Database) -> None:
    # Lists are sorted by name ignoring case; this index makes that (and paging) cheap.
    db.execute("CREATE INDEX idx_contacts_name_nocase ON contacts (name COLLATE NOCASE, id)")


@migrations()
def m004_incidents(db: sqlite_utils.Database) -> None:
    """Incidents, obligations done, the append-only timeline, roles, periods, systems board."""
    db.table("incidents").create(
        {
            "id": str, "title": str, "kind": str, "status": str, "discovered_on": str,
            "breach_started_on": str, "breach_ended_on": str, "systems_affected": str,
            "info_kinds": str, "affected_by_state": str, "affected_unknown": int,
            "law_enforcement_delay": str, "summary": str,
            "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"title", "kind", "status", "discovered_on", "created_at"},
        defaults={"systems_affected": "[]", "info_kinds": "[]", "affected_by_state": "{}",
                  "affected_unknown": 0, "summary": ""},
    )
    db.table("obligation_status").create(
        {
            "incident_id": str, "obligation_key": str, "done_on": str, "reference": str,
            "note": str, "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk=("incident_id", "obligation_key"), not_null={"done_on"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db.table("timeline").create(
        {
            "id": str, "seq": int, "incident_id": str, "at": str, "recorded_at": str,
            "author": str, "position": str, "category": str, "text": str, "corrects": str,
            "source": str, "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"seq", "incident_id", "at", "category", "text", "created_at"},
        defaults={"position": "", "corrects": "", "source": "log"},
        foreign_keys=[("incident_id", "incidents", "id")],
    )
    db.table("timeline").create_index(["incident_id", "at", "seq"])
    db.table("timeline").create_index(["seq"], unique=True)
    # Append-only: a correction is a new entry, so the store refuses edits and deletions.
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER timeline_no_{verb.lower()} BEFORE {verb} ON timeline "
            "BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only'); END"
        )
    db.table("role_catalogue").create(
        {
            "key": str, "title": str, "short": str, "grp": str, "description": str,
            "first_actions": str, "hics": int, "removed": int,
            "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="key", defaults={"first_actions": "[]", "hics": 0, "removed": 0},
    )
    db.table("operational_periods").create(
        {
            "id": str, "number": int, "starts_at": str, "ends_at": str, "ended_at": str,
            "ended_by": str, "handover_note": str,
            "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"number", "starts_at", "ends_at", "created_at"},
        defaults={"ended_at": "", "ended_by": "", "handover_note": ""},
    )
    db.table("operational_periods").create_index(["number"], unique=True)
    db.table("role_assignments").create(
        {
            "id": str, "period_id": str, "role_key": str, "rank": int, "contact_id": str,
            "acknowledged_at": str, "acknowledged_by": str, "unavailable_since": str,
            "unavailable_reason": str, "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"period_id", "role_key", "rank", "contact_id", "created_at"},
        defaults={"acknowledged_at": "", "acknowledged_by": "", "unavailable_since": "",
                  "unavailable_reason": ""},
        foreign_keys=[("period_id", "operational_periods", "id")],
    )
    db.table("role_assignments").create_index(["period_id", "role_key", "rank"], unique=True)
    db.table("role_assignments").create_index(["period_id", "role_key", "contact_id"],
                                              unique=True)
    db.table("systems").create(
        {
            "id": str, "name": str, "name_key": str, "position": int, "status": str,
            "since": str, "procedure": str, "notes": str, "removed_at": str,
            "created_at": str, "updated_at": str, "updated_by": str,
        },
        pk="id", not_null={"name", "name_key", "status", "created_at"},
        defaults={"procedure": "", "notes": "", "removed_at": ""},
    )
    db.table("systems").create_index(["name_key"], unique=True)
    import datetime as _dt
    import uuid as _uuid

    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    defaults = ("EHR", "Email", "Phones", "Pharmacy", "Lab", "Imaging", "Scheduling", "Billing",
                "Network")
    db.table("systems").insert_all(
        {"id": str(_uuid.uuid4()), "name": name, "name_key": name.casefold(), "position": i,
         "status": "unknown", "since": now, "procedure": "", "notes": "", "removed_at": "",
         "created_at": now, "updated_at": now, "updated_by": "crisisdesk"}
        for i, name in enumerate(defaults)
    )


@migrations()
def m005_templates(db: sqlite_utils.Database) -> None:
    """Message templates with their versions, and the append-only communication log."""
    db.table("templates").create(
        {
            "id": str, "key": str, "name": str, "audience": str, "channel": str,
            "language": str, "translation_group": str, "hipaa_notice": int, "description": str,
            "source": str, "created_at": str, "created_by": str, "updated_at": str,
            "updated_by": str,
        },
        pk="id", not_null={"key", "name", "audience", "channel", "language", "created_at"},
        defaults={"translation_group": "", "hipaa_notice": 0, "description": "", "source": ""},
    )
    db.table("templates").create_index(["key"], unique=True)
    db.table("template_versions").create(
        {
            "id": str, "template_id": str, "version": int, "status": str, "body": str,
            "variables": str, "required_sections": str, "sha256": str, "note": str,
            "created_at": str, "created_by": str, "updated_at": str, "updated_by": str,
            "submitted_at": str, "submitted_by": str, "approved_at": str, "approved_by": str,
            "acknowledged_warnings": str, "retired_at": str, "retired_by": str,
            "retired_reason": str,
        },
        pk="id", not_null={"template_id", "version", "status", "body", "sha256", "created_at"},
        defaults={"variables": "[]", "required_sections": "[]", "note": "",
                  "acknowledged_warnings": "[]", "retired_reason": ""},
        foreign_keys=[("template_id", "templates", "id")],
    )
    db.table("template_versions").create_index(["template_id", "version"], unique=True)
    # Belt and braces: the services never change an approved version, and neither can SQL.
    db.execute(
        "CREATE TRIGGER template_versions_approved_immutable BEFORE UPDATE OF template_id, "
        "version, body, variables, required_sections, sha256, approved_at, approved_by, "
        "acknowledged_warnings ON template_versions WHEN OLD.approved_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'an approved template version cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER template_versions_approved_kept BEFORE DELETE ON template_versions "
        "WHEN OLD.approved_at IS NOT NULL "
        "BEGIN SELECT RAISE(ABORT, 'an approved template version cannot be deleted'); END"
    )
    db.execute(
        "CREATE TRIGGER templates_identity_fixed BEFORE UPDATE OF key, audience, channel, "
        "language, hipaa_notice ON templates "
        "BEGIN SELECT RAISE(ABORT, 'a template''s key, audience, channel, language and "
        "notice type cannot be changed'); END"
    )
    db.table("message_log").create(
        {
            "id": str, "issued_at": str, "operator": str, "template_id": str,
            "template_key": str, "template_name": str, "version": int,
            "template_sha256": str, "audience": str, "channel": str, "language": str,
            "incident_id": str, "recipient_count": int, "note": str, "content": str,
            "content_sha256": str, "sms_segments": int,
        },
        pk="id", not_null={"issued_at", "operator", "template_id", "version",
                           "recipient_count"},
        defaults={"incident_id": "", "note": ""},
        foreign_keys=[("template_id", "templates", "id")],
    )
    db.table("message_log").create_index(["issued_at"])
    db.execute(
        "CREATE TRIGGER message_log_append_only BEFORE UPDATE ON message_log "
        "BEGIN SELECT RAISE(ABORT, 'the communication log is append-only'); END"
    )



@migrations()
def m006_calling_trees(db: sqlite_utils.Database) -> None:
    """Calling trees, their activations (a frozen copy each), call attempts and caller marks.

    Attempts and availability marks are append-only events; `activation_people` carries each
    person's state folded from their attempts, so progress is a cheap count.
    """
    db.table("calling_trees").create(
        {"id": str, "name": str, "name_key": str, "description": str, "version": int,
         "removed_at": str, "created_at": str, "updated_at": str, "updated_by": str},
        pk="id", not_null={"name", "name_key", "version", "created_at"},
        defaults={"description": "", "version": 1, "removed_at": ""},
    )
    db.table("calling_trees").create_index(["name_key"], unique=True)
    db.table("tree_nodes").create(
        {"id": str, "tree_id": str, "contact_id": str, "caller_id": str, "backup_id": str,
         "position": int, "created_at": str, "updated_at": str, "updated_by": str},
        pk="id", not_null={"tree_id", "contact_id", "position", "created_at"},
        defaults={"caller_id": "", "backup_id": ""},
        foreign_keys=[("tree_id", "calling_trees", "id")],
    )
    db.table("tree_nodes").create_index(["tree_id", "contact_id"], unique=True)
    db.table("tree_nodes").create_index(["tree_id", "caller_id", "position"])
    db.table("tree_activations").create(
        {"id": str, "tree_id": str, "tree_name": str, "tree_version": int, "is_drill": int,
         "status": str, "started_at": str, "started_by": str, "incident_id": str,
         "template_key": str, "template_version": int, "template_sha256": str, "script": str,
         "message_log_id": str, "closed_at": str, "closed_by": str, "summary": str,
         "created_at": str, "updated_at": str, "updated_by": str},
        pk="id", not_null={"tree_id", "tree_name", "tree_version", "status", "started_at",
                           "created_at"},
        defaults={"is_drill": 0, "incident_id": "", "closed_at": "", "closed_by": "",
                  "summary": "", "message_log_id": ""},
        foreign_keys=[("tree_id", "calling_trees", "id")],
    )
    db.table("tree_activations").create_index(["tree_id", "started_at"])
    db.table("activation_people").create(
        {"activation_id": str, "contact_id": str, "seq": int, "name": str, "job_title": str,
         "phones": str, "caller_id": str, "backup_id": str, "position": int, "depth": int,
         "branch_id": str, "status": str, "attempts": int, "failed_attempts": int,
         "last_outcome": str, "last_at": str, "first_at": str, "reached_at": str,
         "wrong_numbers": str},
        pk=("activation_id", "contact_id"),
        not_null={"seq", "name", "status"},
        defaults={"caller_id": "", "backup_id": "", "status": "not_called", "attempts": 0,
                  "failed_attempts": 0, "last_outcome": "", "last_at": "", "first_at": "",
                  "reached_at": "", "wrong_numbers": "[]", "job_title": "", "phones": "[]"},
        foreign_keys=[("activation_id", "tree_activations", "id")],
    )
    db.table("activation_people").create_index(["activation_id", "status"])
    db.table("call_attempts").create(
        {"id": str, "activation_id": str, "contact_id": str, "outcome": str, "at": str,
         "recorded_at": str, "recorded_by": str, "number": str, "caller_id": str, "note": str,
         "corrects": str},
        pk="id", not_null={"activation_id", "contact_id", "outcome", "at", "recorded_at",
                           "recorded_by"},
        defaults={"number": "", "caller_id": "", "note": "", "corrects": ""},
        foreign_keys=[("activation_id", "tree_activations", "id")],
    )
    db.table("call_attempts").create_index(["activation_id", "contact_id"])
    db.table("call_attempts").create_index(["contact_id", "outcome", "at"])
    db.table("caller_marks").create(
        {"id": str, "seq": int, "activation_id": str, "contact_id": str, "available": int,
         "at": str, "recorded_by": str, "note": str},
        pk="id", not_null={"seq", "activation_id", "contact_id", "available", "at"},
        defaults={"note": ""},
        foreign_keys=[("activation_id", "tree_activations", "id")],
    )
    db.table("caller_marks").create_index(["activation_id", "seq"], unique=True)
    for table in ("call_attempts", "caller_marks"):
        for verb in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only: correct with a new "
                "entry'); END"
            )



@migrations()
def m007_letters(db: sqlite_utils.Database) -> None:
    """Patient letters: recipients per incident, the review list, enrollment codes, batches,
    letters and their append-only mailing log. The UNIQUE constraints are the guarantees:
    one letter per recipient, one code per letter, no code twice, no reference twice."""
    for sql in _LETTER_TABLES:
        db.execute(sql)


_LETTER_TABLES = (
    "CREATE TABLE letter_sources (signature TEXT PRIMARY KEY, mapping TEXT NOT NULL, "
    "date_format TEXT NOT NULL DEFAULT '', updated_at TEXT, updated_by TEXT)",
    "CREATE TABLE recipient_imports (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
    "REFERENCES incidents(id), file_name TEXT, format TEXT, encoding TEXT, delimiter TEXT, "
    "date_format TEXT, total_rows INTEGER, imported INTEGER, set_aside INTEGER, "
    "created_at TEXT NOT NULL, created_by TEXT)",
    "CREATE TABLE recipients (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
    "REFERENCES incidents(id), import_id TEXT, line INTEGER, name TEXT NOT NULL, "
    "first_name TEXT DEFAULT '', last_name TEXT DEFAULT '', birth_date TEXT, death_date TEXT, "
    "address1 TEXT DEFAULT '', address2 TEXT DEFAULT '', city TEXT DEFAULT '', "
    "state TEXT DEFAULT '', zip TEXT DEFAULT '', zip_repaired INTEGER DEFAULT 0, "
    "language TEXT DEFAULT 'en', guardian_name TEXT DEFAULT '', nok_name TEXT DEFAULT '', "
    "nok_address1 TEXT DEFAULT '', nok_address2 TEXT DEFAULT '', nok_city TEXT DEFAULT '', "
    "nok_state TEXT DEFAULT '', nok_zip TEXT DEFAULT '', external_id TEXT DEFAULT '', "
    "dedupe_key TEXT DEFAULT '', variant TEXT DEFAULT '', outcome TEXT DEFAULT '', "
    "reason TEXT DEFAULT '', duplicate_of TEXT DEFAULT '', classified_at TEXT DEFAULT '', "
    "created_at TEXT NOT NULL, updated_at TEXT, updated_by TEXT)",
    "CREATE INDEX idx_recipients_incident ON recipients (incident_id, outcome, state)",
    "CREATE INDEX idx_recipients_dedupe ON recipients (incident_id, dedupe_key)",
    "CREATE TABLE recipient_review (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
    "REFERENCES incidents(id), import_id TEXT, line INTEGER, row_json TEXT NOT NULL, "
    "reason TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', recipient_id TEXT DEFAULT '', "
    "created_at TEXT NOT NULL, updated_at TEXT, updated_by TEXT)",
    "CREATE INDEX idx_recipient_review ON recipient_review (incident_id, status)",
    "CREATE TABLE code_pools (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
    "REFERENCES incidents(id), file_name TEXT, expires_on TEXT NOT NULL, "
    "enrollment_url TEXT DEFAULT '', monitoring_months INTEGER, codes INTEGER NOT NULL, "
    "created_at TEXT NOT NULL, created_by TEXT)",
    "CREATE TABLE enrollment_codes (id INTEGER PRIMARY KEY, pool_id TEXT NOT NULL "
    "REFERENCES code_pools(id), incident_id TEXT NOT NULL, code TEXT NOT NULL UNIQUE, "
    "letter_id TEXT UNIQUE, assigned_at TEXT)",
    "CREATE INDEX idx_codes_free ON enrollment_codes (incident_id, letter_id)",
    "CREATE TABLE letter_batches (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
    "REFERENCES incidents(id), number INTEGER NOT NULL, letter_date TEXT NOT NULL, "
    "templates TEXT NOT NULL, selection TEXT NOT NULL, letters_per_file INTEGER NOT NULL, "
    "letter_count INTEGER NOT NULL, rendered_at TEXT DEFAULT '', printed_at TEXT DEFAULT '', "
    "created_at TEXT NOT NULL, created_by TEXT, UNIQUE (incident_id, number))",
    "CREATE TABLE letters (id TEXT PRIMARY KEY, batch_id TEXT NOT NULL "
    "REFERENCES letter_batches(id), incident_id TEXT NOT NULL, recipient_id TEXT NOT NULL "
    "UNIQUE REFERENCES recipients(id), seq INTEGER NOT NULL, ref_no INTEGER NOT NULL UNIQUE, "
    "reference TEXT NOT NULL UNIQUE, variant TEXT NOT NULL, language TEXT NOT NULL, "
    "template_key TEXT NOT NULL, template_version INTEGER NOT NULL, state TEXT DEFAULT '', "
    "status TEXT NOT NULL DEFAULT 'pending', file TEXT DEFAULT '', "
    "created_at TEXT NOT NULL, updated_at TEXT, updated_by TEXT, UNIQUE (batch_id, seq))",
    "CREATE INDEX idx_letters_incident ON letters (incident_id, status, state)",
    "CREATE TABLE letter_events (id TEXT PRIMARY KEY, letter_id TEXT NOT NULL "
    "REFERENCES letters(id), incident_id TEXT NOT NULL, at TEXT NOT NULL, kind TEXT NOT NULL, "
    "on_date TEXT DEFAULT '', note TEXT DEFAULT '', address TEXT DEFAULT '', "
    "operator TEXT NOT NULL)",
    "CREATE INDEX idx_letter_events ON letter_events (letter_id, at)",
    "CREATE TRIGGER letter_events_append_only BEFORE UPDATE ON letter_events "
    "BEGIN SELECT RAISE(ABORT, 'the mailing log is append-only'); END",
)


@migrations()
def m008_media(db: sqlite_utils.Database) -> None:
    """The media desk: inquiry events and update-cadence events, both append-only."""
    db.table("media_events").create(
        {"id": str, "seq": int, "inquiry_id": str, "kind": str, "at": str, "operator": str,
         "data": str, "created_at": str},
        pk="id", not_null={"seq", "inquiry_id", "kind", "at", "operator", "data"},
    )
    db.table("media_events").create_index(["seq"], unique=True)
    db.table("media_events").create_index(["inquiry_id", "seq"])
    db.table("cadence_events").create(
        {"id": str, "seq": int, "audience": str, "kind": str, "at": str, "operator": str,
         "interval_minutes": int, "note": str, "created_at": str},
        pk="id", not_null={"seq", "audience", "kind", "at", "operator"},
        defaults={"interval_minutes": 0, "note": ""},
    )
    db.table("cadence_events").create_index(["seq"], unique=True)
    for table in ("media_events", "cadence_events"):
        for verb in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END"
            )



@migrations()
def m009_recipient_counts(db: sqlite_utils.Database) -> None:
    """Every affected person counted: why a recipient's (or next of kin's) address cannot be
    used, and the state of residence of a row set aside for review (for the incident's
    counts by state)."""
    for sql in (
        "ALTER TABLE recipients ADD COLUMN address_issue TEXT DEFAULT ''",
        "ALTER TABLE recipients ADD COLUMN nok_address_issue TEXT DEFAULT ''",
        "ALTER TABLE recipient_review ADD COLUMN state TEXT DEFAULT ''",
    ):
        db.execute(sql)


@migrations()
def m010_incident_response_facts(db: sqlite_utils.Database) -> None:
    """The recorded facts of the response that letters may state: when the access was stopped,
    and when (and which) law enforcement was told."""
    incidents = db.table("incidents")
    incidents.add_column("contained_on", str)
    incidents.add_column("law_enforcement_notified_on", str)
    incidents.add_column("law_enforcement_agency", str, not_null_default="")


@migrations()
def m011_recipient_information(db: sqlite_utils.Database) -> None:
    """Each recipient's exposed data elements; the Spanish (or other) wording of an
    incident's free-text facts, one row per field and language."""
    db.execute("ALTER TABLE recipients ADD COLUMN information TEXT NOT NULL DEFAULT ''")
    db.table("incident_translations").create(
        {"incident_id": str, "field": str, "language": str, "text": str, "updated_at": str,
         "updated_by": str},
        pk=("incident_id", "field", "language"),
        not_null={"incident_id", "field", "language", "text", "updated_at", "updated_by"},
    )


@migrations()
def m012_rendered_file_digest(db: sqlite_utils.Database) -> None:
    """Each rendered part file of a letter batch as it was proven on disk: its size and
    SHA-256, so a re-run reuses a file only when it is still exactly that file."""
    db.execute(
        "CREATE TABLE rendered_files (batch_id TEXT NOT NULL REFERENCES letter_batches(id), "
        "part INTEGER NOT NULL, incident_id TEXT NOT NULL, name TEXT NOT NULL, "
        "first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, bytes INTEGER NOT NULL, "
        "sha256 TEXT NOT NULL, rendered_at TEXT NOT NULL, rendered_by TEXT NOT NULL, "
        "PRIMARY KEY (batch_id, part))")


@migrations()
def m015_audit_row_digests(db: sqlite_utils.Database) -> None:
    """Which business rows each audited action wrote and what they then held (see
    store/row_digests.py); the audit entry carries a digest of that list. The rows already
    on the desk are baselined by the first session that opens it (services/audit.py)."""
    db.execute("ALTER TABLE audit ADD COLUMN rows_digest TEXT NOT NULL DEFAULT ''")
    db.execute("CREATE TABLE row_digests (seq INTEGER NOT NULL, tbl TEXT NOT NULL, "
               "key TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (seq, tbl, key)) "
               "WITHOUT ROWID")


@migrations()
def m016_signed_roster(db: sqlite_utils.Database) -> None:
    """Signing (see domain/roster.py): the signed roster's versions, each audit entry's
    signer and signature, and each approval's signer, key and signature. Filled in by the
    first admin to unlock after the upgrade, not here (a migration holds no signing key)."""
    db.execute(
        "CREATE TABLE roster_entries (version INTEGER PRIMARY KEY, at TEXT NOT NULL, "
        "members TEXT NOT NULL, recovery_key TEXT NOT NULL, audit_seq INTEGER NOT NULL, "
        "signer TEXT NOT NULL, signer_key TEXT NOT NULL, prev_hash TEXT NOT NULL, "
        "content_hash TEXT NOT NULL, signature TEXT NOT NULL)")
    db.execute("ALTER TABLE audit ADD COLUMN signer TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE audit ADD COLUMN signature TEXT NOT NULL DEFAULT ''")
    for column in ("approval_signer", "approval_key", "approval_signature"):
        db.execute(f"ALTER TABLE template_versions ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


@migrations()
def m017_breach_assessment(db: sqlite_utils.Database) -> None:
    """The breach risk assessment (versions, each signed once and then never changed), the
    privacy officer's answers for the HHS breach report, and each saved HHS report version
    (initial, then addenda)."""
    db.execute(
        "CREATE TABLE breach_assessments (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, "
        "version INTEGER NOT NULL, facts TEXT NOT NULL, conclusion TEXT NOT NULL, "
        "reasons TEXT NOT NULL, ransomware INTEGER NOT NULL, created_at TEXT NOT NULL, "
        "created_by TEXT NOT NULL, content_hash TEXT NOT NULL DEFAULT '', "
        "signer TEXT NOT NULL DEFAULT '', signer_key TEXT NOT NULL DEFAULT '', "
        "signature TEXT NOT NULL DEFAULT '', signed_at TEXT NOT NULL DEFAULT '', "
        "UNIQUE (incident_id, version))")
    db.execute(
        "CREATE TABLE hhs_answers (incident_id TEXT NOT NULL, field TEXT NOT NULL, "
        "value TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL, "
        "PRIMARY KEY (incident_id, field))")
    db.execute(
        "CREATE TABLE hhs_reports (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, "
        "version INTEGER NOT NULL, report_type TEXT NOT NULL, fields TEXT NOT NULL, "
        "missing TEXT NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL, "
        "UNIQUE (incident_id, version))")
@migrations()
def m018_regulator_filings(db: sqlite_utils.Database) -> None:
    """The filing tracker (one row per incident and owed notice, moved forward step by step),
    the substitute notice's web posting, media placements and toll-free line, and the
    monitoring vendor's enrolments (by letter reference: no patient data is copied here)."""
    db.execute(
        "CREATE TABLE filings (incident_id TEXT NOT NULL, key TEXT NOT NULL, "
        "prepared_at TEXT NOT NULL DEFAULT '', prepared_by TEXT NOT NULL DEFAULT '', "
        "count INTEGER NOT NULL DEFAULT 0, template_key TEXT NOT NULL DEFAULT '', "
        "template_version INTEGER NOT NULL DEFAULT 0, content TEXT NOT NULL DEFAULT '', "
        "approved_at TEXT NOT NULL DEFAULT '', approved_by TEXT NOT NULL DEFAULT '', "
        "sent_on TEXT NOT NULL DEFAULT '', sent_how TEXT NOT NULL DEFAULT '', "
        "sent_by TEXT NOT NULL DEFAULT '', confirmation TEXT NOT NULL DEFAULT '', "
        "acknowledged_on TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL, "
        "updated_by TEXT NOT NULL, PRIMARY KEY (incident_id, key))")
    db.execute(
        "CREATE TABLE substitute_notice (incident_id TEXT PRIMARY KEY, "
        "web_url TEXT NOT NULL DEFAULT '', web_first_posted TEXT NOT NULL DEFAULT '', "
        "hotline_number TEXT NOT NULL DEFAULT '', hotline_open_until TEXT NOT NULL DEFAULT '', "
        "updated_at TEXT NOT NULL, updated_by TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE substitute_media (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, "
        "outlet TEXT NOT NULL, placed_on TEXT NOT NULL, created_at TEXT NOT NULL, "
        "created_by TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_substitute_media ON substitute_media (incident_id, placed_on)")
    db.execute(
        "CREATE TABLE vendor_enrolments (incident_id TEXT NOT NULL, reference TEXT NOT NULL, "
        "enrolled_on TEXT NOT NULL, imported_at TEXT NOT NULL, imported_by TEXT NOT NULL, "
        "PRIMARY KEY (incident_id, reference))")


@migrations()
def m020_first_run(db: sqlite_utils.Database) -> None:
    """Whom an activation's callers report back to, kept with the activation so the
    coordinator can be warned when a running activation has nobody (NULL: started before
    this was kept)."""
    db.execute("ALTER TABLE tree_activations ADD COLUMN report_back_to TEXT")


@migrations()
def m021_letters_pipeline(db: sqlite_utils.Database) -> None:
    """The Letters page's counts by classification, letter type and language (and which of
    those people have no letter yet) read from one covering index instead of every patient row:
    5 s down to about half a second at 100,000 recipients."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_recipients_pipeline ON recipients "
               "(incident_id, outcome, variant, language, id)")


@migrations()
def m022_hotline(db: sqlite_utils.Database) -> None:
    """The patient hotline: each lookup (an opaque handle, the records it found), each
    verification attempt, the records locked for an agent after failed attempts, and the call
    log. Recipients get an index on birth date for the lookup by name and date of birth."""
    for sql in (
        "CREATE TABLE hotline_lookups (id TEXT PRIMARY KEY, at TEXT NOT NULL, "
        "agent TEXT NOT NULL, method TEXT NOT NULL, recipient_ids TEXT NOT NULL, "
        "verified_id TEXT NOT NULL DEFAULT '', verified_at TEXT NOT NULL DEFAULT '', "
        "relationship TEXT NOT NULL DEFAULT '')",
        "CREATE TABLE hotline_attempts (id TEXT PRIMARY KEY, at TEXT NOT NULL, "
        "agent TEXT NOT NULL, recipient_id TEXT NOT NULL, lookup_id TEXT NOT NULL, "
        "ok INTEGER NOT NULL)",
        "CREATE INDEX idx_hotline_attempts ON hotline_attempts (recipient_id, agent, at)",
        "CREATE TABLE hotline_locks (recipient_id TEXT NOT NULL, agent TEXT NOT NULL, "
        "at TEXT NOT NULL, failures INTEGER NOT NULL, PRIMARY KEY (recipient_id, agent))",
        "CREATE TABLE hotline_calls (id TEXT PRIMARY KEY, at TEXT NOT NULL, "
        "agent TEXT NOT NULL, language TEXT NOT NULL, verified INTEGER NOT NULL, "
        "topics TEXT NOT NULL, topic_text TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL, "
        "follow_up TEXT NOT NULL DEFAULT '', lookup_id TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX idx_hotline_calls_at ON hotline_calls (at)",
        "CREATE INDEX idx_recipients_birth ON recipients (birth_date)",
    ):
        db.execute(sql)



@migrations()
def m023_hotline_actions(db: sqlite_utils.Database) -> None:
    """What a verified hotline caller asked for: a re-send, another language, a complaint, a
    callback from the privacy officer, e-mail notice. Open ones are the follow-up list (the
    privacy officer's callbacks and complaints, the letters team's re-sends) until closed."""
    for sql in (
        "CREATE TABLE hotline_requests (id TEXT PRIMARY KEY, at TEXT NOT NULL, "
        "agent TEXT NOT NULL, kind TEXT NOT NULL, lookup_id TEXT NOT NULL, "
        "recipient_id TEXT NOT NULL, incident_id TEXT NOT NULL DEFAULT '', "
        "letter_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '', "
        "status TEXT NOT NULL DEFAULT 'open', closed_at TEXT NOT NULL DEFAULT '', "
        "closed_by TEXT NOT NULL DEFAULT '', closed_note TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX idx_hotline_requests_open ON hotline_requests (status, kind, at)",
        "CREATE INDEX idx_hotline_requests_recipient ON hotline_requests (recipient_id, kind)",
        "CREATE INDEX idx_hotline_requests_letter ON hotline_requests (letter_id, kind)",
    ):
        db.execute(sql)


@migrations()
def m024_hotline_faq(db: sqlite_utils.Database) -> None:
    """The hotline's questions with no approved answer (the question as the agent typed it,
    no patient data, and the draft template proposed for it), each call's handling time in
    seconds (NULL: not timed) and where a call was logged (an outside call centre's file, with
    its own call id, so importing the same file again adds nothing)."""
    for sql in (
        "CREATE TABLE hotline_questions (id TEXT PRIMARY KEY, at TEXT NOT NULL, "
        "agent TEXT NOT NULL, language TEXT NOT NULL, question TEXT NOT NULL, "
        "folded TEXT NOT NULL, template_key TEXT NOT NULL)",
        "CREATE INDEX idx_hotline_questions ON hotline_questions (template_key, at)",
        "ALTER TABLE hotline_calls ADD COLUMN duration_s INTEGER",
        "ALTER TABLE hotline_calls ADD COLUMN source TEXT NOT NULL DEFAULT ''",
    ):
        db.execute(sql)


@migrations()
def m026_replication(db: sqlite_utils.Database) -> None:
    """Team desks on several laptops (store/replication.py): the engine's update log, every
    replicated record this desk knows (its origin laptop and operator, and whether it is
    projected into its table yet), the other laptops' last known state and the bundles
    imported. Each append-only table gets a trigger that notes a row written here as waiting
    to enter the engine: one place for every service that writes those tables."""
    for sql in (
        "CREATE TABLE repl_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, "
        "data BLOB NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE TABLE repl_records (id TEXT PRIMARY KEY, family TEXT NOT NULL, "
        "state TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '', "
        "operator TEXT NOT NULL DEFAULT '', at TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX idx_repl_records_state ON repl_records (state)",
        "CREATE TABLE repl_peers (laptop_id TEXT PRIMARY KEY, state BLOB NOT NULL, "
        "bundle_at TEXT NOT NULL, imported_at TEXT NOT NULL)",
        "CREATE TABLE repl_bundles (sha256 TEXT PRIMARY KEY, sender TEXT NOT NULL, "
        "imported_at TEXT NOT NULL, summary TEXT NOT NULL)",
    ):
        db.execute(sql)
    for table, family in (("tree_activations", "activation"),
                          ("call_attempts", "call_attempt"), ("caller_marks", "caller_mark"),
                          ("timeline", "timeline_entry"), ("media_events", "media_event"),
                          ("cadence_events", "cadence_event"), ("message_log", "log_entry"),
                          ("hotline_calls", "hotline_call")):
        db.execute(
            f"CREATE TRIGGER repl_note_{table} AFTER INSERT ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
            f"BEGIN INSERT INTO repl_records (id, family, state) "
            f"VALUES (NEW.id, '{family}', 'outbox'); END")


@migrations()
def m027_replication_edits(db: sqlite_utils.Database) -> None:
    """Edit records of editable entities (contacts first): each change of one field on a team
    desk is an immutable record naming the edit records it supersedes ('[]': the value as
    cloned), so two concurrent edits of one field stay visible as a conflict instead of one
    silently winning (store/replica_edits.py). Noted for the engine like the other families."""
    db.execute(
        "CREATE TABLE repl_edits (id TEXT PRIMARY KEY, entity TEXT NOT NULL, "
        "entity_id TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, "
        "was TEXT NOT NULL, supersedes TEXT NOT NULL, origin TEXT NOT NULL, "
        "operator TEXT NOT NULL, at TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_repl_edits_entity ON repl_edits (entity, entity_id, field)")
    db.execute(
        "CREATE TRIGGER repl_note_repl_edits AFTER INSERT ON repl_edits "
        "WHEN NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
        "BEGIN INSERT INTO repl_records (id, family, state) "
        "VALUES (NEW.id, 'edit', 'outbox'); END")


@migrations()
def m030_replication_more_families(db: sqlite_utils.Database) -> None:
    """More append-only families for team desks: the mailing log, the hotline's unanswered
    questions and the substitute notice's media placements are noted like the others; three
    new append-only tables hold what used to be only a row changed in place, so it can
    travel: a status report of a system on the board and a step of a regulator filing (each
    with the columns it set and `n`, one more than the newest report of that row this desk
    had seen: store/latest_wins.py), and the closing of a calling-tree activation (the earliest
    close wins everywhere). A mailing-log event gets the same `n` for its letter (NULL before
    this step, so no older row's digest changes). Activations closed before this step get
    their close record now (it travels with the next bundle), its id made from the close
    itself, so two laptops holding the same close make the same record."""
    for sql in (
        "CREATE TABLE system_updates (id TEXT PRIMARY KEY, system_id TEXT NOT NULL "
        "REFERENCES systems(id), n INTEGER NOT NULL, changes TEXT NOT NULL, at TEXT NOT NULL, "
        "operator TEXT NOT NULL)",
        "CREATE INDEX idx_system_updates ON system_updates (system_id, n)",
        "CREATE TABLE filing_events (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL "
        "REFERENCES incidents(id), key TEXT NOT NULL, n INTEGER NOT NULL, "
        "changes TEXT NOT NULL, at TEXT NOT NULL, operator TEXT NOT NULL)",
        "CREATE INDEX idx_filing_events ON filing_events (incident_id, key, n)",
        "CREATE TABLE activation_closes (id TEXT PRIMARY KEY, activation_id TEXT NOT NULL "
        "REFERENCES tree_activations(id), at TEXT NOT NULL, operator TEXT NOT NULL)",
        "CREATE INDEX idx_activation_closes ON activation_closes (activation_id, at)",
        "ALTER TABLE letter_events ADD COLUMN n INTEGER",
    ):
        db.execute(sql)
    for table in ("system_updates", "filing_events", "activation_closes"):
        for verb in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END")
    for table, family in (("letter_events", "letter_event"),
                          ("hotline_questions", "hotline_question"),
                          ("substitute_media", "substitute_placement"),
                          ("system_updates", "system_update"),
                          ("filing_events", "filing_event"),
                          ("activation_closes", "activation_close")):
        db.execute(
            f"CREATE TRIGGER repl_note_{table} AFTER INSERT ON {table} "
            "WHEN NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
            f"BEGIN INSERT INTO repl_records (id, family, state) "
            f"VALUES (NEW.id, '{family}', 'outbox'); END")
    import uuid as _uuid

    closed = db.execute("SELECT id, closed_at, closed_by FROM tree_activations "
                        "WHERE status = 'closed' ORDER BY id").fetchall()
    db.conn.executemany(
        "INSERT INTO activation_closes (id, activation_id, at, operator) VALUES (?, ?, ?, ?)",
        [(str(_uuid.uuid5(_uuid.NAMESPACE_URL, f"crisisdesk:close:{r[0]}|{r[1]}|{r[2]}")),
          r[0], r[1] or "", r[2] or "") for r in closed])


@migrations()
def m028_replication_creations(db: sqlite_utils.Database) -> None:
    """Contacts, calling trees and incidents created on a team desk replicate as creation
    records keyed by the entity's own id (store/replica_creations.py); deleting a contact or
    removing a tree replicates as a removal record in `repl_removals`. The triggers note only
    rows written on a team desk (a desk that is not one yet hands its rows on by the clone), and
    keep the creating operator and time, since the row's own `updated_by` may change before the
    record is made."""
    db.execute(
        "CREATE TABLE repl_removals (id TEXT PRIMARY KEY, entity TEXT NOT NULL, "
        "entity_id TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}', origin TEXT NOT NULL, "
        "operator TEXT NOT NULL, at TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_repl_removals_entity ON repl_removals (entity_id)")
    db.execute(
        "CREATE TRIGGER repl_note_repl_removals AFTER INSERT ON repl_removals "
        "WHEN NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
        "BEGIN INSERT INTO repl_records (id, family, state) "
        "VALUES (NEW.id, 'removal', 'outbox'); END")
    for table, family in (("contacts", "contact"), ("calling_trees", "calling_tree"),
                          ("incidents", "incident")):
        db.execute(
            f"CREATE TRIGGER repl_note_{table} AFTER INSERT ON {table} "
            "WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'team_id' AND value != '') "
            "AND NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
            "BEGIN INSERT INTO repl_records (id, family, state, operator, at) "
            f"VALUES (NEW.id, '{family}', 'outbox', coalesce(NEW.updated_by, ''), "
            "coalesce(NEW.created_at, '')); END")


@migrations()
def m031_replication_purge(db: sqlite_utils.Database) -> None:
    """Purges on team desks (store/replica_purge.py): each purge of an incident's patient data
    is an append-only record that travels to every laptop of the team, which then deletes the
    same rows, takes the incident's records out of its engine and ignores any that arrive
    later. No reference to the incident: a purge never waits for anything."""
    db.execute("CREATE TABLE repl_purges (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, "
               "at TEXT NOT NULL, operator TEXT NOT NULL)")
    for verb in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER repl_purges_no_{verb.lower()} BEFORE {verb} ON repl_purges "
                   "BEGIN SELECT RAISE(ABORT, 'repl_purges are append-only'); END")
    db.execute("CREATE TRIGGER repl_note_repl_purges AFTER INSERT ON repl_purges "
               "WHEN NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
               "BEGIN INSERT INTO repl_records (id, family, state) "
               "VALUES (NEW.id, 'purge', 'outbox'); END")


@migrations()
def m032_replication_created_templates(db: sqlite_utils.Database) -> None:
    """Templates created on a team desk replicate as creation records with their versions
    (store/replica_template_keys.py). Keys are unique, so when two laptops create the same key
    the later template gets a new key on every desk: `repl_rekeys` notes each such new key,
    and the trigger that keeps a template's identity fixed now lets its key change to exactly
    the key noted there (nothing else may change it, as before). Operational periods started
    on a team desk replicate the same way (store/replica_periods.py); of two periods with one
    number started on two laptops, the later is `set_aside` (the id of the one kept), so a
    number is unique only among the periods not set aside."""
    db.execute("CREATE TABLE repl_rekeys (template_id TEXT PRIMARY KEY, was TEXT NOT NULL, "
               "key TEXT NOT NULL, laptop TEXT NOT NULL DEFAULT '')")
    db.execute("DROP TRIGGER templates_identity_fixed")
    db.execute(
        "CREATE TRIGGER templates_identity_fixed BEFORE UPDATE OF key, audience, channel, "
        "language, hipaa_notice ON templates WHEN NOT (NEW.audience IS OLD.audience AND "
        "NEW.channel IS OLD.channel AND NEW.language IS OLD.language AND "
        "NEW.hipaa_notice IS OLD.hipaa_notice AND NEW.key IS NOT OLD.key AND EXISTS "
        "(SELECT 1 FROM repl_rekeys WHERE template_id = OLD.id AND key = NEW.key)) "
        "BEGIN SELECT RAISE(ABORT, 'a template''s key, audience, channel, language and "
        "notice type cannot be changed'); END")
    db.execute(
        "CREATE TRIGGER repl_note_templates AFTER INSERT ON templates "
        "WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'team_id' AND value != '') "
        "AND NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
        "BEGIN INSERT INTO repl_records (id, family, state, operator, at) "
        "VALUES (NEW.id, 'template', 'outbox', coalesce(NEW.created_by, ''), "
        "coalesce(NEW.created_at, '')); END")
    db.execute("ALTER TABLE operational_periods ADD COLUMN set_aside TEXT NOT NULL DEFAULT ''")
    db.execute("DROP INDEX idx_operational_periods_number")
    db.execute("CREATE UNIQUE INDEX idx_operational_periods_number ON operational_periods "
               "(number) WHERE set_aside = ''")
    db.execute(
        "CREATE TRIGGER repl_note_operational_periods AFTER INSERT ON operational_periods "
        "WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'team_id' AND value != '') "
        "AND NOT EXISTS (SELECT 1 FROM repl_records WHERE id = NEW.id) "
        "BEGIN INSERT INTO repl_records (id, family, state, operator, at) "
        "VALUES (NEW.id, 'period', 'outbox', coalesce(NEW.updated_by, ''), "
        "coalesce(NEW.created_at, '')); END")


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
