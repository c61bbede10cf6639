"""`crisisdesk init`, `crisisdesk gui` and `crisisdesk desk checklist`."""

from __future__ import annotations

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli
from crisisdesk.services import desk as desk_service


@click.command("init")
@click.option("--org", required=True, help="The organisation's name, as printed on paper.")
@click.option("--operator", "first_operator", metavar="NAME",
              help="The first operator (an admin); default: --operator / CRISISDESK_OPERATOR.")
@pass_cli
def init_cmd(cli: CliContext, org: str, first_operator: str | None) -> None:
    """Create a new, empty desk.

    Example: crisisdesk --data-dir ~/desk init --org "Riverside Clinics" --operator alex

    The recovery key is printed once: print it and keep it in the crisis binder.
    """
    name = first_operator or cli.operator_name()
    assert name is not None
    passphrase = cli.passphrase("New passphrase", confirm=True)
    result = desk_service.init_desk(cli.data_dir, org=org, operator=name, passphrase=passphrase)
    result.session.close()
    click.echo(f"Created the desk for {org} in {cli.data_dir}")
    click.echo(f"First operator: {name} (admin)")
    click.echo("")
    click.echo("RECOVERY KEY (shown only now; print it and keep it with the crisis plan):")
    click.echo(f"    {result.recovery_code}")


@click.command("gui")
@pass_cli
def gui_cmd(cli: CliContext) -> int:
    """Open the app (the same as running crisisdesk with no command)."""
    from crisisdesk.app import run_gui

    return run_gui(cli)


@click.group("desk")
def desk_group() -> None:
    """The desk as a whole: what it still needs before the bad day."""


@desk_group.command("checklist")
@json_option
@pass_cli
def checklist_cmd(cli: CliContext, as_json: bool) -> None:
    """The "Getting ready" list: contacts, a calling tree, roles, templates approved, the
    binder printed, a drill run. Each item still to do says where it is done.

    \b
    Example: crisisdesk desk checklist
    """
    from crisisdesk.services import checklist as checklist_service

    items = checklist_service.checklist(cli.session())
    if as_json:
        emit_json({"done": sum(1 for i in items if i.done), "total": len(items),
                   "items": [i.as_dict() for i in items]})
        return
    left = sum(1 for i in items if not i.done)
    click.echo("Getting ready: " + ("everything is done." if not left
                                    else f"{left} of {len(items)} still to do."))
    for item in items:
        click.echo(f"  {item.word:<6} {item.title}: {item.detail}")
        if not item.done:
            click.echo(f"         do it: {item.how}")


COMMANDS = [init_cmd, gui_cmd, desk_group]
