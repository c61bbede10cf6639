"""The `crisisdesk` command: `crisisdesk <noun> <verb>` over the same services as the GUI.

Exit status: 0 success, 1 an error the user can fix (one line on stderr), 2 bad usage. With
no subcommand it opens the GUI. Loads no Qt widgets unless the GUI is asked for.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import MutableMapping

import click

from crisisdesk import __version__
from crisisdesk.cli.common import CliContext
from crisisdesk.domain.errors import UserError

# Every command group, named explicitly: a module that fails to import fails every command.
# They load the first time a command is looked up (`crisisdesk contacts …`, `--help`), not when
# `crisisdesk` alone opens the app: the unlock dialog then appears without importing the ~20
# command modules and the services behind them.
COMMAND_MODULES = ("desk_cmds", "operator_cmds", "audit_cmds", "contacts_cmds", "backup_cmds",
                   "settings_cmds", "doctor_cmds", "demo_cmds", "incident_cmds",
                   "translation_cmds", "roles_cmds", "timeline_cmds", "systems_cmds",
                   "templates_cmds", "messages_cmds", "media_cmds", "calling_tree_cmds",
                   "activation_cmds", "letters_cmds", "binder_cmds", "salvage_cmds",
                   "assessment_cmds", "filings_cmds", "hotline_cmds", "team_cmds")


class CommandsOnDemand(click.Group):
    """A click group whose `commands` import the command modules on first use."""

    _loaded = False

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        if not self._loaded:
            self._loaded = True
            for name in COMMAND_MODULES:
                module = importlib.import_module(f"crisisdesk.cli.{name}")
                for command in module.COMMANDS:
                    self.add_command(command)
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = value


@click.group(cls=CommandsOnDemand, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
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
    except Exception as exc:
        from crisisdesk.store.errors import DB_ERRORS, classify

        if not isinstance(exc, DB_ERRORS):
            raise
        err = classify(exc)
        if err is None:
            raise
        click.echo(f"crisisdesk: {err}", err=True)
        sys.exit(1)
    sys.exit(0)
