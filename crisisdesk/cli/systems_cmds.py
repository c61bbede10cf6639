"""`crisisdesk systems list|set|add|remove`: the systems status board (HICS 251)."""

from __future__ import annotations

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import pdf_option, when, write_pdf
from crisisdesk.domain.systems import SystemStatus, parse_status
from crisisdesk.services import systems as system_service

_STATUSES = [s.value for s in SystemStatus]


@click.group("systems")
def systems_group() -> None:
    """The systems status board: EHR, email, phones... up, degraded, down or restored."""


@systems_group.command("list")
@json_option
@pdf_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool, pdf_path: str | None) -> None:
    """Every system with its status, since when, and the downtime procedure in use.

    \b
    Example: crisisdesk systems list
    Example: crisisdesk systems list --pdf systems-board.pdf
    """
    session = cli.session()
    systems = system_service.list_systems(session)
    if as_json:
        laptops = system_service.update_laptops(session, systems)
        emit_json([{"name": s.name, "status": s.status.value, "since": s.since,
                    "procedure": s.procedure, "notes": s.notes, "updated_at": s.updated_at,
                    "updated_by": s.updated_by, "origin": laptops.get(s.id)} for s in systems])
    else:
        table([[s.name, s.status.value.upper() if s.status is SystemStatus.DOWN
                else s.status.value, when(session, s.since), s.procedure, s.notes]
               for s in systems], ["SYSTEM", "STATUS", "SINCE", "PROCEDURE", "NOTES"])
    if pdf_path:
        from crisisdesk.printing import crisis_reports

        write_pdf(crisis_reports.systems_board(session), pdf_path, "Systems status (HICS 251)")


@systems_group.command("set")
@click.argument("name")
@click.argument("status", required=False, type=click.Choice(_STATUSES, case_sensitive=False))
@click.option("--since", metavar="TIME", help="When it changed ('05:40' or "
              "'2026-03-02 05:40', local; default now).")
@click.option("--procedure", metavar="TEXT", help="The downtime procedure in use.")
@click.option("--notes", metavar="TEXT", help="Comments: reason, repair estimate...")
@pass_cli
def set_cmd(cli: CliContext, name: str, status: str | None, since: str | None,
            procedure: str | None, notes: str | None) -> None:
    """Change a system's status (logged on the incident timeline) or its details.

    \b
    Example: crisisdesk systems set EHR down --since 05:40 --procedure "Paper downtime forms"
    """
    if status is None and since is None and procedure is None and notes is None:
        raise click.UsageError("Give a new status or --since/--procedure/--notes.")
    row = system_service.set_status(cli.session(), name,
                                    parse_status(status) if status else None, since=since,
                                    procedure=procedure, notes=notes)
    click.echo(f"{row.name}: {row.status.value}")


@systems_group.command("add")
@click.argument("name")
@pass_cli
def add_cmd(cli: CliContext, name: str) -> None:
    """Add a system to the board.

    \b
    Example: crisisdesk systems add "Nurse call"
    """
    row = system_service.add_system(cli.session(), name)
    click.echo(f"Added {row.name} ({row.status.value}).")


@systems_group.command("remove")
@click.argument("name")
@pass_cli
def remove_cmd(cli: CliContext, name: str) -> None:
    """Take a system off the board.

    \b
    Example: crisisdesk systems remove Billing
    """
    system_service.remove_system(cli.session(), name)
    click.echo(f"Removed {name}.")


COMMANDS = [systems_group]
