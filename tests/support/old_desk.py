"""A desk as an older CrisisDesk left it: the schema stops after `OLD_LAST_STEP`.

It is made on the fly (the current `init_desk`, with the migrations cut short) rather than
kept as a committed file, so it is encrypted with the same vault code and the fast test KDF,
and it never goes stale when a step is added: every step after `OLD_LAST_STEP` is pending.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from crisisdesk.services import desk as desk_service
from crisisdesk.services import settings as settings_service
from crisisdesk.store import schema
from tests.support.crisis import staff
from tests.support.desk import PASSPHRASE

OLD_LAST_STEP = "m008_media"
NEWER_STEPS = schema.KNOWN[schema.KNOWN.index(OLD_LAST_STEP) + 1:]


def _old_apply(db: sqlite_utils.Database) -> list[str]:
    pending = schema.pending(db)
    schema.migrations.apply(db, stop_before=NEWER_STEPS[0])
    db.execute(f"PRAGMA user_version = {schema.KNOWN.index(OLD_LAST_STEP) + 1}")
    return [name for name in pending if name not in NEWER_STEPS]


def make_old_desk(data_dir: Path) -> None:
    """Create (and close) a desk at the old schema, operator 'alex', with one contact and one
    changed setting to look for after the upgrade."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "apply", _old_apply)
        session = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                         passphrase=PASSPHRASE).session
        try:
            staff(session, "Ann Able", "Charge nurse", "(312) 555-0142")
            settings_service.set(session, "autolock_minutes", 15)
            assert schema.pending(session.db) == NEWER_STEPS
        finally:
            session.close()
