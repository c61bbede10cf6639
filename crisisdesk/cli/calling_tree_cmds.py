"""`crisisdesk tree list|show|create|add|remove|move|backup|import|export|print|stale` and
`crisisdesk activation start|record|mark|status|close`: calling trees from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import when, write_pdf
from crisisdesk.domain.calling_trees import CallingTree, in_call_order
from crisisdesk.domain.errors import ImportRejected
from crisisdesk.services import roles as role_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import files as tree_files
from crisisdesk.services.calling_trees import reports as report_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.session import Session


def _pid(session: Session, text: str | None) -> str | None:
    return role_service.find_person(session, text).id if text else None


@click.group("tree")
def tree_group() -> None:
    """Calling trees: who calls whom when the crisis team needs to reach everyone."""


@tree_group.command("list")
@json_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """List the calling trees.  Example: crisisdesk tree list --json"""
    trees = tree_service.list_trees(cli.session())
    if as_json:
        emit_json([{"id": t.tree.id, "name": t.tree.name, "version": t.tree.version,
                    "people": t.people, "description": t.tree.description} for t in trees])
        return
    table([[t.tree.name, str(t.people), str(t.tree.version), t.tree.id[:8]] for t in trees],
          ["NAME", "PEOPLE", "VERSION", "ID"])


def _chart(session: Session, tree: CallingTree) -> list[dict[str, Any]]:
    contacts = tree_service.contacts_for(session, tree)

    def name(cid: str | None) -> str:
        return contacts[cid].name if cid and cid in contacts else ("" if not cid else "?")

    return [{"person": name(n.contact_id), "contact_id": n.contact_id, "depth": depth,
             "caller": name(n.caller_id) or "coordinator", "backup": name(n.backup_id)}
            for n, depth in in_call_order(tree.nodes)]


@tree_group.command("show")
@click.argument("tree")
@json_option
@pass_cli
def show_cmd(cli: CliContext, tree: str, as_json: bool) -> None:
    """Show a tree as an indented chart, with its problems.

    Example: crisisdesk tree show "All staff"
    """
    session = cli.session()
    found = tree_service.get_tree(session, tree)
    chart = _chart(session, found)
    problems = tree_service.validate(session, found.id)
    if as_json:
        emit_json({"id": found.id, "name": found.name, "version": found.version,
                   "people": chart, "problems": [{"kind": p.kind, "message": p.message}
                                                 for p in problems]})
        return
    click.echo(f"{found.name} (version {found.version}, {len(chart)} people)")
    for row in chart:
        backup = f"  [backup: {row['backup']}]" if row["backup"] else ""
        click.echo(f"{'  ' * (row['depth'] + 1)}{row['person']}{backup}")
    for problem in problems:
        click.echo(f"problem: {problem.message}", err=True)


@tree_group.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the tree is for.")
@pass_cli
def create_cmd(cli: CliContext, name: str, description: str) -> None:
    """Create an empty calling tree.  Example: crisisdesk tree create "IT and security\""""
    found = tree_service.create_tree(cli.session(), name, description)
    click.echo(f"Created calling tree {found.name} ({found.id[:8]}).")


@tree_group.command("add")
@click.argument("tree")
@click.argument("person")
@click.option("--caller", metavar="PERSON", help="Who calls them (default: the coordinator).")
@click.option("--backup", metavar="PERSON", help="Who takes over their list if they cannot.")
@pass_cli
def add_cmd(cli: CliContext, tree: str, person: str, caller: str | None,
            backup: str | None) -> None:
    """Add a contact to a tree.

    Example: crisisdesk tree add "All staff" "Hyun-woo Park" --caller "Adaeze Okafor"
    """
    session = cli.session()
    pid = _pid(session, person)
    assert pid is not None
    found = tree_service.add_person(session, tree, pid, caller_id=_pid(session, caller),
                                    backup_id=_pid(session, backup))
    click.echo(f"Added to {found.name} (now version {found.version}).")
    _running(session, found)


@tree_group.command("remove")
@click.argument("tree")
@click.argument("person")
@pass_cli
def remove_cmd(cli: CliContext, tree: str, person: str) -> None:
    """Take a person out of a tree; their people move up to their caller.

    Example: crisisdesk tree remove "All staff" "Marcus Feldman"
    """
    session = cli.session()
    pid = _pid(session, person)
    assert pid is not None
    found = tree_service.remove_person(session, tree, pid)
    click.echo(f"Removed from {found.name} (now version {found.version}).")
    _running(session, found)


@tree_group.command("move")
@click.argument("tree")
@click.argument("person")
@click.option("--caller", metavar="PERSON", help="The new caller (default: the coordinator).")
@click.option("--position", type=click.IntRange(min=1), help="Place in the caller's list (1 = "
              "first; default: last).")
@pass_cli
def move_cmd(cli: CliContext, tree: str, person: str, caller: str | None,
             position: int | None) -> None:
    """Give a person a new caller or place in the list.

    Example: crisisdesk tree move "All staff" "Marcus Feldman" --caller "Hyun-woo Park" --position 1
    """
    session = cli.session()
    pid = _pid(session, person)
    assert pid is not None
    found = tree_service.move_person(session, tree, pid, caller_id=_pid(session, caller),
                                     position=None if position is None else position - 1)
    click.echo(f"Moved in {found.name} (now version {found.version}).")
    _running(session, found)


def _running(session: Session, tree: CallingTree) -> None:
    """Tell whoever changed a tree that its running activations do not follow the change."""
    for act in activation_service.list_activations(session, tree.id, only_open=True):
        click.echo(f"An activation of {tree.name} is running ({act.id[:8]}): it still follows "
                   "the tree as it was when it started; its coordinators see this change in "
                   f"'crisisdesk activation status {act.id[:8]}'.")


@tree_group.command("backup")
@click.argument("tree")
@click.argument("person")
@click.argument("backup", required=False)
@pass_cli
def backup_cmd(cli: CliContext, tree: str, person: str, backup: str | None) -> None:
    """Set (or, without BACKUP, clear) the person who takes over PERSON's list.

    Example: crisisdesk tree backup "All staff" "Adaeze Okafor" "Hyun-woo Park"
    """
    session = cli.session()
    pid = _pid(session, person)
    assert pid is not None
    found = tree_service.set_backup(session, tree, pid, _pid(session, backup))
    click.echo(f"Backup {'set' if backup else 'cleared'} in {found.name} "
               f"(now version {found.version}).")
    _running(session, found)


@tree_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tree", "tree_ref", metavar="TREE", help="Replace this tree's people "
              "(default: create a new tree).")
@click.option("--name", help="Name of the new tree (default: the file's name).")
@pass_cli
def import_cmd(cli: CliContext, file: Path, tree_ref: str | None, name: str | None) -> None:
    """Import a tree from CSV or Excel with columns person, caller, backup: all rows or none.

    Example: crisisdesk tree import leadership.csv --name Leadership
    """
    try:
        found = tree_files.import_tree(cli.session(), file, tree_ref=tree_ref, name=name)
    except ImportRejected as rejected:
        for problem in rejected.problems:
            click.echo(f"{file.name}: {problem}", err=True)
        raise
    click.echo(f"Imported {len(found.nodes)} people into {found.name} "
               f"(version {found.version}).")


@tree_group.command("export")
@click.argument("tree")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--vcard", is_flag=True, help="Write the people as vCards for callers' phones.")
@pass_cli
def export_cmd(cli: CliContext, tree: str, file: Path, vcard: bool) -> None:
    """Export a tree as CSV (person, caller, backup) or its people as vCards.

    Example: crisisdesk tree export "All staff" all-staff.csv
    """
    session = cli.session()
    if vcard:
        count = tree_files.export_tree_vcard(session, tree, file)
    else:
        count = tree_files.export_tree_csv(session, tree, file)
    click.echo(f"Exported {count} people to {file}.")


@tree_group.command("print")
@click.argument("tree")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--what", type=click.Choice(["chart", "sheets", "cards"]), default="sheets",
              show_default=True, help="The chart, one call sheet per caller, or wallet cards.")
@pass_cli
def print_cmd(cli: CliContext, tree: str, file: Path, what: str) -> None:
    """Save paper for a tree as PDF (uses the open activation's script, if there is one).

    Example: crisisdesk tree print "All staff" call-sheets.pdf --what sheets
    """
    from crisisdesk.printing.calling_tree_paper import paper_html
    from crisisdesk.services.calling_trees import paper as tree_paper

    session = cli.session()
    html, title = paper_html(tree_paper.tree_paper(session, tree), what)
    write_pdf(html, str(file), title)
    tree_paper.note_printed(session, tree, what)


@tree_group.command("stale")
@click.option("--days", type=click.IntRange(min=1), help="Default: the stale_contact_days "
              "setting.")
@json_option
@pass_cli
def stale_cmd(cli: CliContext, days: int | None, as_json: bool) -> None:
    """Numbers of tree members that no call has confirmed recently, to check before the day.

    Example: crisisdesk tree stale --days 90
    """
    session = cli.session()
    stale = report_service.stale_contacts(session, days)
    if as_json:
        emit_json([{"contact_id": s.contact_id, "name": s.name, "number": s.number,
                    "trees": list(s.trees), "last_verified": s.last_verified} for s in stale])
        return
    table([[s.name, s.number, when(session, s.last_verified) if s.last_verified else "never",
            ", ".join(s.trees)] for s in stale], ["NAME", "NUMBER", "LAST VERIFIED", "TREES"])


COMMANDS = [tree_group]
