"""`team clone`: a copy of the desk for another laptop, with the team's key and a laptop id of
its own; the other operators' key slots stay behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.errors import (
    DeskExists,
    PermissionDenied,
    UserError,
    ValidationError,
    WrongPassphrase,
)
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import team
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from crisisdesk.store import replication as repl
from crisisdesk.store.vault import Vault
from tests.support.desk import PASSPHRASE

KIM_PASSPHRASE = "kim's own passphrase"


def test_the_clone_is_another_laptop_of_the_same_team(session: Session, tmp_path: Path) -> None:
    operator_service.add_operator(session, "kim", Role.OPERATOR, KIM_PASSPHRASE)
    result = team.clone_desk(session, tmp_path / "site2", "Site 2 laptop",
                             this_name="Command centre")
    assert audit_store.entries(session.db)[-1].action == "team.clone"
    slots = Vault.load(result.data_dir).slots
    assert sorted((s.kind, s.operator) for s in slots) == [("operator", "alex"),
                                                           ("recovery", "")]
    with pytest.raises(WrongPassphrase):
        desk_service.unlock(result.data_dir, "kim", KIM_PASSPHRASE)
    clone = desk_service.unlock(result.data_dir, "alex", PASSPHRASE)
    try:
        here, there = repl.identity(session.db), repl.identity(clone.db)
        assert here is not None
        assert there is not None
        assert (there.team_id, there.team_key) == (here.team_id, here.team_key)
        assert there.laptop_id == result.laptop_id != here.laptop_id
        assert (here.laptop_name, there.laptop_name) == ("Command centre", "Site 2 laptop")
        status = team.team_status(clone)
        assert status.laptop_name == "Site 2 laptop"
        assert {lap.name for lap in status.laptops} == {"Site 2 laptop", "Command centre"}
    finally:
        clone.close()


def test_a_clone_is_refused_into_a_used_folder_under_a_taken_name_or_to_a_non_admin(
        session: Session, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("x")
    with pytest.raises(DeskExists):
        team.clone_desk(session, used, "Site 2 laptop")
    team.clone_desk(session, tmp_path / "one", "Site 2 laptop")
    with pytest.raises(ValidationError, match="already called"):
        team.clone_desk(session, tmp_path / "two", "site 2 LAPTOP")
    assert not (tmp_path / "two").exists()
    operator_service.add_operator(session, "kim", Role.OPERATOR, KIM_PASSPHRASE)
    kim = desk_service.unlock(session.data_dir, "kim", KIM_PASSPHRASE)
    try:
        with pytest.raises(PermissionDenied):
            team.clone_desk(kim, tmp_path / "three", "Site 3 laptop")
    finally:
        kim.close()


def test_a_desk_that_is_not_in_a_team_says_how_to_make_one(session: Session,
                                                            tmp_path: Path) -> None:
    with pytest.raises(UserError, match="team clone"):
        team.export_bundle(session, tmp_path / "x.cdbundle")
