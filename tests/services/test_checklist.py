"""The "Getting ready" checklist ticks itself off from what the desk holds, and says where
each missing thing is done; also `crisisdesk desk checklist`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from crisisdesk.cli import cli
from crisisdesk.services import roles as role_service
from crisisdesk.services.binder import record_printed
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.calling_trees.reports import close_activation
from crisisdesk.services.checklist import checklist
from crisisdesk.services.session import Session
from tests.support.crisis import staff
from tests.support.desk import PASSPHRASE
from tests.support.templates import approve_library


def _state(session: Session) -> dict[str, bool]:
    return {item.key: item.done for item in checklist(session)}


def test_a_new_desk_has_everything_to_do_and_says_where(new_desk_session: Session) -> None:
    items = checklist(new_desk_session)
    assert [i.key for i in items] == ["contacts", "calling_tree", "roles", "templates",
                                      "binder", "drill"]
    assert not any(i.done for i in items)
    assert all(i.how and i.word == "To do" for i in items)
    by_key = {i.key: i for i in items}
    assert "Contacts › Import" in by_key["contacts"].line
    assert "nobody holds IC or PIO" in by_key["roles"].detail
    assert "waiting for review" in by_key["templates"].detail


def test_items_tick_off_as_the_desk_fills_and_untick_when_undone(
        new_desk_session: Session) -> None:
    session = new_desk_session
    lee = staff(session, "Lee Lead")
    assert _state(session)["contacts"]
    tree = tree_service.create_tree(session, "All staff")
    assert not _state(session)["calling_tree"]  # a tree with nobody in it is not a tree yet
    tree_service.add_person(session, tree.id, lee.id)
    assert _state(session)["calling_tree"]
    role_service.assign_role(session, "ic", lee.id)
    assert not _state(session)["roles"]
    role_service.assign_role(session, "pio", staff(session, "Pat Price").id)
    assert _state(session)["roles"]
    approve_library(session)
    assert _state(session)["templates"]
    record_printed(session, pages=40, sections=9)
    assert _state(session)["binder"]
    drill = activation_service.start_activation(
        session, tree.id, message="", action="", report_back_to="", drill=True,
        values={"staff_hotline": "312-555-0100"})
    assert not _state(session)["drill"]  # running, not run
    close_activation(session, drill.id)
    assert all(_state(session).values())

    tree_service.remove_person(session, tree.id, lee.id)
    assert not _state(session)["calling_tree"]


def test_desk_checklist_command(new_desk_session: Session) -> None:
    session = new_desk_session
    staff(session, "Lee Lead")
    env = {"CRISISDESK_PASSPHRASE": PASSPHRASE, "CRISISDESK_OPERATOR": "alex"}
    args = ["--data-dir", str(session.data_dir), "desk", "checklist"]
    out = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "Getting ready: 5 of 6 still to do."
    assert lines[1].split() == ["Done", "Contacts:", "1", "contact"]
    assert any(line.strip().startswith("do it: Calling trees › New tree") for line in lines)
    data = json.loads(CliRunner().invoke(cli, [*args, "--json"], env=env,
                                         catch_exceptions=False).output)
    assert data["done"] == 1
    assert data["total"] == 6
    assert data["items"][0] == {"key": "contacts", "title": "Contacts", "done": True,
                                "detail": "1 contact",
                                "how": "Contacts › Import…"}


def test_the_dashboard_panel_is_one_line_once_everything_is_done(
        new_desk_session: Session) -> None:
    from crisisdesk.services.checklist import dashboard_summary

    session = new_desk_session
    rows = dashboard_summary(session).all_rows
    assert rows[0] == ("", "6 of 6 still to do.")
    assert [label for label, _ in rows[1:]] == ["To do"] * 6
    lee = staff(session, "Lee Lead")
    tree = tree_service.create_tree(session, "All staff")
    tree_service.add_person(session, tree.id, lee.id)
    role_service.assign_role(session, "ic", lee.id)
    role_service.assign_role(session, "pio", lee.id)
    approve_library(session)
    record_printed(session, pages=40, sections=9)
    drill = activation_service.start_activation(
        session, tree.id, message="", action="", report_back_to="", drill=True,
        values={"staff_hotline": "312-555-0100"})
    close_activation(session, drill.id)
    rows = dashboard_summary(session).all_rows
    assert len(rows) == 1
    assert rows[0][1].startswith("Everything on the list is done")
