"""Settings through the service: defaults, admin-only changes, validation, audit, reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
from tests.support.desk import PASSPHRASE


def test_a_new_desk_reads_the_declared_defaults(session: Session) -> None:
    assert settings_service.get(session, "autolock_minutes") == 10
    states = settings_service.all_settings(session)
    assert all(s.is_default for s in states)
    assert [s.spec.key for s in states][:2] == ["autolock_minutes", "call_attempts_before_flag"]


def test_set_stores_a_typed_value_that_survives_reopening(session: Session,
                                                          data_dir: Path) -> None:
    assert settings_service.set(session, "autolock_minutes", "15") == 15
    settings_service.set(session, "timezone", "America/Chicago")
    session.close()
    again = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        assert settings_service.get(again, "autolock_minutes") == 15
        assert settings_service.get(again, "timezone") == "America/Chicago"
        states = {s.spec.key: s for s in settings_service.all_settings(again)}
        assert not states["autolock_minutes"].is_default
        assert states["reading_grade_target"].is_default
        assert str(settings_service.zone(again)) == "America/Chicago"
    finally:
        again.close()


def test_each_change_is_one_audit_entry_naming_the_setting(session: Session) -> None:
    before = audit_service.verify(session).count
    settings_service.set(session, "reading_grade_target", 6)
    entries = audit_service.show(session)
    assert len(entries) == before + 1
    assert entries[-1].action == "settings.set"
    assert entries[-1].entity_id == "reading_grade_target"
    assert audit_service.verify(session).ok


def test_an_invalid_value_changes_nothing(session: Session) -> None:
    before = audit_service.verify(session).count
    with pytest.raises(ValidationError, match="from 1 to 240"):
        settings_service.set(session, "autolock_minutes", 0)
    assert settings_service.get(session, "autolock_minutes") == 10
    assert audit_service.verify(session).count == before


def test_unknown_setting_is_refused(session: Session) -> None:
    with pytest.raises(NotFound):
        settings_service.set(session, "colour", "blue")


def test_only_admins_change_settings_but_everyone_reads_them(session: Session,
                                                             data_dir: Path) -> None:
    operator_service.add_operator(session, "sam", Role.APPROVER, "sam's passphrase")
    settings_service.set(session, "call_attempts_before_flag", 5)
    sam = desk_service.unlock(data_dir, "sam", "sam's passphrase")
    try:
        assert settings_service.get(sam, "call_attempts_before_flag") == 5
        with pytest.raises(PermissionDenied, match="admin"):
            settings_service.set(sam, "call_attempts_before_flag", 2)
        with pytest.raises(PermissionDenied):
            settings_service.reset(sam, "call_attempts_before_flag")
    finally:
        sam.close()


def test_reset_returns_to_the_default_and_is_audited_once(session: Session) -> None:
    settings_service.set(session, "default_phone_region", "ie")
    assert settings_service.get(session, "default_phone_region") == "IE"
    before = audit_service.verify(session).count
    assert settings_service.reset(session, "default_phone_region") is True
    assert settings_service.get(session, "default_phone_region") == "US"
    assert audit_service.show(session)[-1].action == "settings.reset"
    assert settings_service.reset(session, "default_phone_region") is False
    assert audit_service.verify(session).count == before + 1


def test_a_stored_value_that_became_invalid_reads_as_the_default(session: Session) -> None:
    from crisisdesk.store import settings as settings_store
    from crisisdesk.store.db import write_txn

    with write_txn(session.db):
        settings_store.put(session.db, "autolock_minutes", 9999, "2026-01-01T00:00:00Z", "x")
    assert settings_service.get(session, "autolock_minutes") == 10


def test_display_org_falls_back_to_the_desk_name(session: Session) -> None:
    assert settings_service.display_org(session) == "Riverside Clinics"
    settings_service.set(session, "org_display_name", "Riverside Clinics of Ohio")
    assert settings_service.display_org(session) == "Riverside Clinics of Ohio"
