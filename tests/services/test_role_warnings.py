"""The coordinator's warnings: two command roles in one person, a role with no backup, a
running activation with nobody to report back to; in the service and `crisisdesk roles
warnings`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crisisdesk.cli import cli
from crisisdesk.domain.role_warnings import WarningKind
from crisisdesk.services import roles as role_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.role_warnings import warnings
from crisisdesk.services.session import Session
from tests.support.crisis import staff
from tests.support.desk import PASSPHRASE

HOTLINE = {"staff_hotline": "312-555-0100"}


def _kinds(session: Session) -> list[WarningKind]:
    return [w.kind for w in warnings(session)]


def test_one_person_acting_as_ic_and_operations_is_warned(session: Session) -> None:
    dana, sam = staff(session, "Dana Reyes").id, staff(session, "Sam Ortiz").id
    role_service.assign_role(session, "ic", dana, [sam])
    role_service.assign_role(session, "operations", sam, [dana])
    assert WarningKind.TWO_COMMAND_ROLES not in _kinds(session)

    role_service.mark_unavailable(session, sam, role_key="operations")  # Dana steps up
    found = [w for w in warnings(session) if w.kind is WarningKind.TWO_COMMAND_ROLES]
    assert len(found) == 1
    assert "Dana Reyes" in found[0].text
    assert "IC" in found[0].text
    assert "OPS" in found[0].text
    assert set(found[0].roles) == {"ic", "operations"}


def test_a_role_with_no_backup_and_one_whose_backups_are_used_up(session: Session) -> None:
    dana, sam = staff(session, "Dana Reyes").id, staff(session, "Sam Ortiz").id
    role_service.assign_role(session, "pio", dana)
    texts = [w.text for w in warnings(session) if w.kind is WarningKind.NO_BACKUP]
    assert texts == ["PIO has no backup: only Dana Reyes; add one (Roles › Assign…)."]

    role_service.assign_role(session, "pio", dana, [sam])
    assert WarningKind.NO_BACKUP not in _kinds(session)
    role_service.mark_unavailable(session, dana, role_key="pio")
    texts = [w.text for w in warnings(session) if w.kind is WarningKind.NO_BACKUP]
    assert texts
    assert "no backup left" in texts[0]
    assert "Sam Ortiz" in texts[0]


def test_a_running_drill_with_nobody_to_report_to_is_warned(session: Session) -> None:
    lee = staff(session, "Lee Lead").id
    tree = tree_service.create_tree(session, "All staff")
    tree_service.add_person(session, tree.id, lee)
    drill = activation_service.start_activation(session, tree.id, message="", action="",
                                                report_back_to="", drill=True, values=HOTLINE)
    found = [w for w in warnings(session) if w.kind is WarningKind.NO_REPORT_TO]
    assert len(found) == 1
    assert "All staff" in found[0].text
    assert "drill" in found[0].text
    from crisisdesk.services.calling_trees.reports import close_activation

    close_activation(session, drill.id)
    assert WarningKind.NO_REPORT_TO not in _kinds(session)
    activation_service.start_activation(session, tree.id, message="m", action="a",
                                        report_back_to="the command center", drill=True,
                                        values=HOTLINE)
    assert WarningKind.NO_REPORT_TO not in _kinds(session)


def test_roles_warnings_command_prints_them_with_the_word_warning(session: Session) -> None:
    dana = staff(session, "Dana Reyes").id
    role_service.assign_role(session, "ic", dana)
    role_service.assign_role(session, "operations", dana)
    env = {"CRISISDESK_PASSPHRASE": PASSPHRASE, "CRISISDESK_OPERATOR": "alex"}
    args = ["--data-dir", str(session.data_dir), "roles", "warnings"]
    text = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert any(line.startswith("Warning: Dana Reyes is acting in two command roles")
               for line in lines), text.output
    assert sum(line.startswith("Warning:") for line in lines) == 3  # and IC, OPS: no backup
    data = json.loads(CliRunner().invoke(cli, [*args, "--json"], env=env,
                                         catch_exceptions=False).output)
    assert [w["kind"] for w in data] == ["two_command_roles", "no_backup", "no_backup"]
