"""`crisisdesk operators add|list|remove|passwd|recovery-key`."""

from __future__ import annotations

import os
import sys

import click

from crisisdesk.cli.common import (
    CliContext,
    emit_json,
    json_option,
    pass_cli,
    read_secret_file,
    table,
)
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.operators import Role
from crisisdesk.services import operators as operator_service


def _new_passphrase(file: str | None, whose: str) -> str:
    if file:
        return read_secret_file(file)
    env = os.environ.get("CRISISDESK_NEW_PASSPHRASE")
    if env:
        return env
    if sys.stdin.isatty():
        return str(click.prompt(f"New passphrase for {whose}", hide_input=True,
                                confirmation_prompt=True))
    raise UserError("No new passphrase: use --new-passphrase-file or CRISISDESK_NEW_PASSPHRASE.")


new_pass_option = click.option("--new-passphrase-file", metavar="FILE",
                               help="Read the new passphrase from FILE "
                               "(default: CRISISDESK_NEW_PASSPHRASE or a prompt).")


@click.group("operators")
def operators_group() -> None:
    """The people who can unlock this desk."""


@operators_group.command("list")
@json_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """List operators and their roles.  Example: crisisdesk operators list --json"""
    ops = operator_service.list_operators(cli.session())
    if as_json:
        emit_json([{"name": o.name, "role": o.role.value} for o in ops])
    else:
        table([[o.name, o.role.value] for o in ops], ["NAME", "ROLE"])


@operators_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.OPERATOR.value,
              show_default=True)
@new_pass_option
@pass_cli
def add_cmd(cli: CliContext, name: str, role: str, new_passphrase_file: str | None) -> None:
    """Add an operator (admins only).  Example: crisisdesk operators add sam --role approver"""
    session = cli.session()
    op = operator_service.add_operator(session, name, Role(role),
                                       _new_passphrase(new_passphrase_file, name))
    click.echo(f"Added {op.name} ({op.role.value}).")


@operators_group.command("remove")
@click.argument("name")
@pass_cli
def remove_cmd(cli: CliContext, name: str) -> None:
    """Remove an operator and re-encrypt the desk with a new key (admins only)."""
    op = operator_service.remove_operator(cli.session(), name)
    click.echo(f"Removed {op.name}; the desk was re-encrypted with a new key (their old key "
               "opens only backups made before now).")


@operators_group.command("passwd")
@click.argument("name", required=False)
@new_pass_option
@pass_cli
def passwd_cmd(cli: CliContext, name: str | None, new_passphrase_file: str | None) -> None:
    """Change your passphrase (or, as an admin, someone else's)."""
    session = cli.session()
    target = name or session.operator.name
    operator_service.change_passphrase(session, target,
                                       _new_passphrase(new_passphrase_file, target))
    click.echo(f"Changed the passphrase of {target}.")


@operators_group.command("recovery-key")
@pass_cli
def recovery_cmd(cli: CliContext) -> None:
    """Replace the recovery key and re-encrypt the desk (admins only); the old one stops working."""
    code = operator_service.replace_recovery_key(cli.session())
    click.echo("NEW RECOVERY KEY (shown only now; print it and keep it with the crisis plan):")
    click.echo(f"    {code}")


COMMANDS = [operators_group]
