"""The `crisisdesk` command: `crisisdesk <noun> <verb>` over the same services as the GUI.

Exit status: 0 success, 1 an error the user can fix (one line on stderr), 2 bad usage. With
no subcommand it opens the GUI. Loads no Qt widgets unless the GUI is asked for.

This module stays tiny: the bare `crisisdesk` (how the desktop launcher and a stressed user
start it) opens the app without importing click or any command module, so the unlock dialog
does not wait for them. Every other command line goes to `crisisdesk.cli.root` (the click
group, also reachable here as `crisisdesk.cli.cli`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import click

    from crisisdesk.cli.root import cli as cli

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


def _group() -> click.Group:
    """The click group (crisisdesk/cli/root.py), with this module's command list."""
    from crisisdesk.cli.root import cli

    cli.command_modules = COMMAND_MODULES
    return cli


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, loaded when asked for (tests, --help, commands)
        return _group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_app() -> int:
    """`crisisdesk` with no arguments: the app, the way the `cli` group opens it with no
    command, but without the command-line parser in front of the unlock dialog."""
    from crisisdesk.app import run_gui
    from crisisdesk.cli.context import CliContext
    from crisisdesk.domain.errors import UserError

    obj = CliContext(None, None, None, None)
    try:
        return run_gui(obj)
    except UserError as exc:
        print(f"crisisdesk: {exc}", file=sys.stderr)
        return 1
    finally:
        obj.close()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:
        sys.exit(open_app())
    from crisisdesk.cli.root import run

    run(_group(), args)
