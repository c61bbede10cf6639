"""A desk as an older CrisisDesk left it: the schema stops after `OLD_LAST_STEP`.

It is made on the fly (the current `init_desk`, with the migrations cut short) rather than
kept as a committed file, so it is encrypted with the same vault code and the fast test KDF,
and it never goes stale when a step is added: every step after `OLD_LAST_STEP` is pending.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.store import schema, vault
from tests.support.crisis import staff
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.templates import approve_as_second_approver

OLD_LAST_STEP = "m008_media"
NEWER_STEPS = schema.KNOWN[schema.KNOWN.index(OLD_LAST_STEP) + 1:]


def _old_apply(db: sqlite_utils.Database) -> list[str]:
    pending = schema.pending(db)
    schema.migrations.apply(db, stop_before=NEWER_STEPS[0])
    db.execute(f"PRAGMA user_version = {schema.KNOWN.index(OLD_LAST_STEP) + 1}")
    return [name for name in pending if name not in NEWER_STEPS]


OLD_OPERATOR = "olly"  # an operator of the old desk made with `team=True`
OLD_OPERATOR_PASSPHRASE = "ollys own passphrase"
OLD_APPROVED = ("staff-sms-alert-en", "media-holding-statement-en")  # approved by bea


def make_old_desk(data_dir: Path, *, team: bool = False) -> None:
    """Create (and close) a desk at the old schema, operator 'alex', with one contact and one
    changed setting to look for after the upgrade. With `team`, also the operator 'olly', the
    approver 'bea', and the `OLD_APPROVED` templates approved by bea; no slot holds a signing
    key, as before signing keys existed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "apply", _old_apply)
        session = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                         passphrase=PASSPHRASE).session
        try:
            staff(session, "Ann Able", "Charge nurse", "(312) 555-0142")
            settings_service.set(session, "autolock_minutes", 15)
            if team:
                operator_service.add_operator(session, OLD_OPERATOR, Role.OPERATOR,
                                              OLD_OPERATOR_PASSPHRASE, FAST_KDF)
                for key in OLD_APPROVED:
                    approve_as_second_approver(session, key)
            assert schema.pending(session.db) == NEWER_STEPS
        finally:
            session.close()
    slots = data_dir / vault.SLOTS_FILE
    doc = json.loads(slots.read_text("utf-8"))
    for slot in doc["slots"]:
        for key in ("sign_public", "sign_nonce", "sign_wrapped"):
            slot.pop(key, None)
    slots.write_text(json.dumps(doc, indent=2), "utf-8")
