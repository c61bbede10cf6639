"""The systems status board: status changes are logged on the incident timeline."""

from __future__ import annotations

import pytest

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.systems import DEFAULT_SYSTEMS, SystemStatus, parse_status
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from tests.support.crisis import audit_count, freeze, open_incident


@pytest.fixture(autouse=True)
def _frozen(session: Session) -> None:
    freeze(session)


def test_a_new_desk_has_the_usual_systems_in_unknown_state(session: Session) -> None:
    board = system_service.list_systems(session)
    assert tuple(s.name for s in board) == DEFAULT_SYSTEMS
    assert {s.status for s in board} == {SystemStatus.UNKNOWN}


def test_status_change_becomes_a_timeline_entry(session: Session) -> None:
    open_incident(session)
    ehr = system_service.set_status(session, "ehr", SystemStatus.DOWN,
                                    since="2026-03-20T05:40:00Z",
                                    procedure="Paper downtime forms")
    assert ehr.status is SystemStatus.DOWN
    assert ehr.since == "2026-03-20T05:40:00Z"
    assert ehr.procedure == "Paper downtime forms"
    [entry] = [line.entry for line in timeline_service.list_entries(session)
               if line.entry.source == "systems"]
    assert entry.text.startswith("EHR is now DOWN (was unknown)")
    assert "Paper downtime forms" in entry.text
    assert entry.at == "2026-03-20T05:40:00Z"  # logged at the time it went down

    before = audit_count(session), len(timeline_service.list_entries(session))
    system_service.set_status(session, "EHR", SystemStatus.DOWN)  # no change: nothing written
    assert (audit_count(session), len(timeline_service.list_entries(session))) == before
    system_service.set_status(session, "EHR", notes="Vendor estimates 48 h")  # notes: no entry
    assert len(timeline_service.list_entries(session)) == before[1]
    assert system_service.get_system(session, "EHR").notes == "Vendor estimates 48 h"


def test_board_works_without_an_incident(session: Session) -> None:
    row = system_service.set_status(session, "Email", SystemStatus.DEGRADED)
    assert row.status is SystemStatus.DEGRADED


def test_the_desk_edits_its_list(session: Session) -> None:
    system_service.add_system(session, "Nurse call")
    assert system_service.list_systems(session)[-1].name == "Nurse call"
    with pytest.raises(ValidationError) as err:
        system_service.add_system(session, "nurse CALL")
    assert "name" in err.value.fields
    system_service.remove_system(session, "Billing")
    assert "Billing" not in {s.name for s in system_service.list_systems(session)}
    with pytest.raises(NotFound, match="No system named 'Billing'"):
        system_service.set_status(session, "Billing", SystemStatus.UP)


@pytest.mark.parametrize(("call", "field"), [
    (lambda s: parse_status("broken"), "status"),
    (lambda s: system_service.set_status(s, "EHR", SystemStatus.DOWN,
                                         since="2026-03-22T00:00:00Z"), "since"),
    (lambda s: system_service.add_system(s, "   "), "name"),
])
def test_bad_input_names_the_field(session: Session, call: object, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        call(session)  # type: ignore[operator]
    assert field in err.value.fields
