"""`crisisdesk salvage --to NEWDIR`: save what still reads from a damaged desk."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, read_secret_file
from crisisdesk.services import salvage as salvage_service
from crisisdesk.services.credentials import Credentials


def _credentials(cli: CliContext) -> Credentials:
    if cli.recovery_key_file:
        return Credentials(recovery_code=read_secret_file(cli.recovery_key_file))
    return Credentials(operator=cli.operator_name(), passphrase=cli.passphrase())


def _lost(n: int | None) -> str:
    return "an unknown number" if n is None else str(n)


@click.command("salvage")
@click.option("--to", "to", required=True, metavar="NEWDIR", type=click.Path(path_type=Path),
              help="A new or empty folder for the salvaged desk.")
@json_option
@pass_cli
def salvage_cmd(cli: CliContext, to: Path, as_json: bool) -> None:
    """Copy every row that still reads from a damaged desk into a new desk in NEWDIR.

    The damaged desk is only read. The new desk keeps the same key slots: every operator and
    the recovery key open it as before. Prints what was saved and what was lost, table by
    table; exits 0 if anything was saved.

    \b
    Example:
      crisisdesk --data-dir ~/desk salvage --to ~/desk-salvaged
    """
    report = salvage_service.salvage(cli.data_dir, to, _credentials(cli))
    if as_json:
        emit_json(report.as_dict())
    else:
        damaged = report.damaged_tables
        whole = len(report.tables) - len(damaged)
        click.echo(f"Saved {report.saved} rows into {report.to}: {whole} of "
                   f"{len(report.tables)} tables whole.")
        for t in damaged:
            note = f" ({t.note})" if t.note else ""
            click.echo(f"  {t.name}: saved {t.saved}, lost {_lost(t.lost)}{note}")
        for warning in report.warnings + report.schema_failures:
            click.echo(f"  note: {warning}")
        if report.integrity_problems:
            click.echo(f"  the new desk failed its check: {report.integrity_problems[0]}")
        click.echo("")
        click.echo(f"Open it with: crisisdesk --data-dir {shlex.quote(str(report.to))}")
    if report.saved == 0:
        raise SystemExit(1)


COMMANDS = [salvage_cmd]
