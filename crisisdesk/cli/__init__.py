"""The `crisisdesk` command: `crisisdesk <noun> <verb>` over the same services as the GUI.

Exit status: 0 success, 1 an error the user can fix (one line on stderr), 2 bad usage. With
no subcommand it opens the GUI. Loads no Qt widgets unless the GUI is asked for.
"""

from __future__ import annotations

import sys

import click

from crisisdesk import __version__
from crisisdesk.cli import (
    activation_cmds,
    assessment_cmds,
    audit_cmds,
    backup_cmds,
    binder_cmds,
    calling_tree_cmds,
    contacts_cmds,
    demo_cmds,
    desk_cmds,
    doctor_cmds,
    hotline_cmds,
    incident_cmds,
    letters_cmds,
    media_cmds,
    messages_cmds,
    operator_cmds,
    roles_cmds,
    salvage_cmds,
    settings_cmds,
    systems_cmds,
    templates_cmds,
    timeline_cmds,
    translation_cmds,
)
from crisisdesk.cli.common import CliContext
from crisisdesk.domain.errors import UserError
from crisisdesk.store.errors import DB_ERRORS, classify


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", metavar="DIR", help="The desk's folder (default: CRISISDESK_HOME, "
              "else the platform's user data folder).")
@click.option("--operator", metavar="NAME", help="Who you are (default: CRISISDESK_OPERATOR).")
@click.option("--passphrase-file", metavar="FILE", help="Read the passphrase from FILE "
              "(default: CRISISDESK_PASSPHRASE, the keychain, or a prompt).")
@click.option("--recovery-key-file", metavar="FILE",
              help="Unlock with the printed recovery key stored in FILE instead of a passphrase.")
@click.option("--verbose", is_flag=True, help="On an error, print its details after the one "
              "line (e.g. every integrity problem of a damaged desk).")
@click.version_option(__version__, prog_name="crisisdesk")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, operator: str | None,
        passphrase_file: str | None, recovery_key_file: str | None, verbose: bool) -> None:
    """CrisisDesk: the offline crisis-communication console.

    Run with no command to open the app.
    """
    _options["verbose"] = verbose
    obj = CliContext(data_dir, operator, passphrase_file, recovery_key_file)
    ctx.obj = obj
    ctx.call_on_close(obj.close)
    if ctx.invoked_subcommand is None:
        from crisisdesk.app import run_gui

        ctx.exit(run_gui(obj))


# Every command group, named explicitly: a module that fails to import fails the command.
COMMAND_MODULES = (desk_cmds, operator_cmds, audit_cmds, contacts_cmds, backup_cmds,
                   settings_cmds, doctor_cmds, demo_cmds, incident_cmds, translation_cmds,
                   roles_cmds, timeline_cmds, systems_cmds, templates_cmds, messages_cmds,
                   media_cmds, calling_tree_cmds, activation_cmds, letters_cmds, binder_cmds,
                   salvage_cmds, assessment_cmds,
                   hotline_cmds)
for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        cli.add_command(_command)


_options = {"verbose": False}  # read by `main` after click has finished with the command


def _details(exc: UserError) -> None:
    """With --verbose: what lies behind the one line (a damaged desk's every problem)."""
    if _options["verbose"]:
        for line in getattr(exc, "problems", []):
            click.echo(f"  {line}", err=True)


def main(argv: list[str] | None = None) -> None:
    try:
        rv = cli.main(args=argv, prog_name="crisisdesk", standalone_mode=False)
        if isinstance(rv, int):
            sys.exit(rv)
    except click.UsageError as exc:
        exc.show()
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except UserError as exc:
        click.echo(f"crisisdesk: {exc}", err=True)
        _details(exc)
        sys.exit(1)
    except DB_ERRORS as exc:
        err = classify(exc)
        if err is None:
            raise
        click.echo(f"crisisdesk: {err}", err=True)
        sys.exit(1)
    sys.exit(0)
