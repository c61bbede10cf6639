"""`crisisdesk demo`: build the fictional Riverbend Community Health desk to practise on."""

from __future__ import annotations

import shlex

import click

from crisisdesk import launcher
from crisisdesk.cli.common import CliContext, pass_cli
from crisisdesk.services.demo import desk as demo_service


@click.command("demo")
@click.option("--force", is_flag=True,
              help="Rebuild an existing demo desk (a real desk is never replaced).")
@pass_cli
def demo_cmd(cli: CliContext, force: bool) -> None:
    """Create a demo desk for a fictional four-site clinic, with operators and ~90 contacts.

    All names, numbers (555-01xx) and addresses (.example) are invented. Use a separate
    folder so the demo never mixes with real data.

    \b
    Example: crisisdesk --data-dir ~/crisisdesk-demo demo
    """
    result = demo_service.create_demo(cli.data_dir, force=force)
    where = shlex.quote(str(result.data_dir))
    click.echo(f"Created the demo desk for {demo_service.DEMO_ORG} (fictional) in "
               f"{result.data_dir}")
    for line in result.steps:
        click.echo(f"  - {line}")
    click.echo("")
    click.echo("Operators (demo passphrases; never use these for real data):")
    for name, role, passphrase in result.operators:
        click.echo(f"  {name:<9} {role.value:<9} passphrase: {passphrase}")
    click.echo(f"Recovery key: {result.recovery_code}")
    click.echo("")
    run = launcher.command()  # works as typed even when .venv/bin is not on the PATH
    click.echo("Open it with:")
    click.echo(f"    {run} --data-dir {where}")
    click.echo("or from the command line, for example:")
    click.echo(f"    CRISISDESK_OPERATOR={demo_service.DEMO_OPERATOR} "
               f"CRISISDESK_PASSPHRASE={demo_service.DEMO_PASSPHRASE} "
               f"{run} --data-dir {where} audit show --limit 5")


COMMANDS = [demo_cmd]
