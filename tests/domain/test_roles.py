"""Who is acting in a role: primary, then backups in order, skipping the unavailable."""

from __future__ import annotations

import tomllib

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.roles import (
    SPOKESPERSON,
    Person,
    RoleDef,
    RoleGroup,
    RoleStatus,
    Slot,
    check_lineup,
    merge_catalogue,
    parse_catalogue,
    resolve_acting,
)
from crisisdesk.paths import shipped

ANA, BO, CY = (Person("a", "Ana"), Person("b", "Bo"), Person("c", "Cy"))
PIO = RoleDef("pio", "Public Information Officer", "PIO", RoleGroup.COMMAND, "Spokesperson", ())


def slots(*unavailable: bool) -> list[Slot]:
    people = [ANA, BO, CY]
    return [Slot(rank, people[rank], unavailable_since="2026-03-02T10:00:00Z" if off else "")
            for rank, off in enumerate(unavailable)]


@pytest.mark.parametrize(("unavailable", "acting", "skipped", "state"), [
    ((False, False, False), "Ana", 0, "covered"),
    ((True, False, False), "Bo", 1, "backup_acting"),
    ((True, True, False), "Cy", 2, "backup_acting"),
    ((False, True, True), "Ana", 0, "covered"),  # backups being away changes nothing
    ((True, False, True), "Bo", 1, "backup_acting"),
    ((True, True, True), None, None, "uncovered"),
    ((True,), None, None, "uncovered"),
    ((), None, None, "unassigned"),
])
def test_acting_holder_goes_down_the_backups(unavailable: tuple[bool, ...], acting: str | None,
                                             skipped: int | None, state: str) -> None:
    lineup = slots(*unavailable)
    result = resolve_acting(reversed(lineup))  # order comes from rank, not from the input
    status = RoleStatus(PIO, tuple(lineup), result)
    assert status.state == state
    if acting is None:
        assert result is None
        return
    assert result is not None
    assert result.slot.person.name == acting
    assert len(result.skipped) == skipped
    assert result.is_backup is (skipped != 0)


def test_descriptions_say_who_is_acting() -> None:
    lineup = slots(True, False)
    status = RoleStatus(PIO, tuple(lineup), resolve_acting(lineup))
    assert status.describe() == "PIO: Bo (acting, backup 1)"
    gone = slots(True, True)
    assert "uncovered" in RoleStatus(PIO, tuple(gone), resolve_acting(gone)).describe()


def test_a_deleted_contact_is_never_acting() -> None:
    lineup = [Slot(0, Person("x", "(contact deleted)", missing=True)), Slot(1, BO)]
    acting = resolve_acting(lineup)
    assert acting is not None
    assert acting.slot.person is BO


@pytest.mark.parametrize(("lineup", "field"), [
    ([], "primary"),
    ([""], "primary"),
    (["a", "b", "a"], "backups"),
    (["a", "b", "c", "d", "e", "f", "g"], "backups"),
])
def test_bad_lineups_name_the_field(lineup: list[str], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_lineup("pio", lineup)
    assert field in err.value.fields


def test_shipped_catalogue_has_hics_and_breach_roles_with_first_actions() -> None:
    raw = shipped("roles", "hics_roles.toml")
    roles, problems = parse_catalogue(tomllib.loads(raw.read_text("utf-8")))
    assert problems == []
    keys = {r.key for r in roles}
    assert {"ic", "pio", "liaison", "safety", "operations", "planning", "logistics", "finance",
            "privacy", "security_it", "legal", "calling_tree", "call_center", "letters"} <= keys
    assert all(r.description and r.first_actions for r in roles)
    assert next(r for r in roles if r.key == SPOKESPERSON).is_spokesperson


def test_catalogue_problems_are_named_and_desk_edits_win() -> None:
    roles, problems = parse_catalogue({"role": [
        {"key": "pio", "title": "PIO", "description": "d", "group": "command"},
        {"key": "bad", "title": "Bad", "description": "d", "group": "nope"},
        {"key": "pio", "title": "Again", "description": "d"},
    ]})
    assert [r.key for r in roles] == ["pio"]
    assert "'bad'" in problems[0]
    assert "group" in problems[0]
    assert "twice" in problems[1]
    edited = RoleDef("pio", "Spokesperson", "PIO", RoleGroup.COMMAND, "ours", ("call me",))
    extra = RoleDef("hr", "HR lead", "HR", RoleGroup.BREACH, "people", ())
    merged = merge_catalogue(roles, [edited, extra], removed=[])
    assert [r.title for r in merged] == ["Spokesperson", "HR lead"]
    assert merge_catalogue(roles, [], removed=["pio"]) == []
