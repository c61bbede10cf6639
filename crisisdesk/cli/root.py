"""The `crisisdesk` command line itself: the click group, its global options, and how its
errors end (exit 1 with one line, 2 for bad usage). `crisisdesk/cli/__init__.py` hands every
command line here except the bare `crisisdesk`, which opens the app without loading click,
and gives the group its command modules (`COMMAND_MODULES` there: the one list to edit)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import MutableMapping, Sequence

import click

from crisisdesk import __version__
from crisisdesk.cli.context import CliContext
from crisisdesk.domain.errors import UserError


class CommandsOnDemand(click.Group):
    """A click group whose `commands` import the command modules on first use."""

    _loaded = False
    command_modules: Sequence[str] = ()  # set by crisisdesk.cli before the group is used

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        if not self._loaded:
            self._loaded = True
            for name in self.command_modules:
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


_options = {"verbose": False}  # read by `run` after click has finished with the command


def _details(exc: UserError) -> None:
    """With --verbose: what lies behind the one line (a damaged desk's every problem)."""
    if _options["verbose"]:
        for line in getattr(exc, "problems", []):
            click.echo(f"  {line}", err=True)


def run(group: click.Group, argv: list[str]) -> None:
    """Run one command line through `group` (this module's `cli`) and exit with its status."""
    try:
        rv = group.main(args=argv, prog_name="crisisdesk", standalone_mode=False)
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
