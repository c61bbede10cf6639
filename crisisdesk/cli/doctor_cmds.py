"""`crisisdesk doctor`: a health report to read out over the phone (or paste as --json)."""

from __future__ import annotations

import os
import sys

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, read_secret_file
from crisisdesk.paths import DeskPaths
from crisisdesk.services import doctor as doctor_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.store.keychain import Keychain

_MARK = {"ok": "OK  ", "info": "    ", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}


def _credentials(cli: CliContext) -> Credentials | None:
    """Whatever secret is at hand; a prompt only in a terminal; None means 'skip those checks'."""
    if cli.recovery_key_file:
        return Credentials(recovery_code=read_secret_file(cli.recovery_key_file))
    if not DeskPaths(cli.data_dir).exists():
        return None
    interactive = sys.stdin.isatty()
    name = cli.operator_name(required=interactive)
    if not name:
        return None
    if cli.passphrase_file or os.environ.get("CRISISDESK_PASSPHRASE"):
        return Credentials(operator=name, passphrase=cli.passphrase())
    remembered = Credentials(operator=name, keychain=Keychain())
    if not interactive:
        return remembered  # the keychain, if this operator chose "remember"; else skipped
    return Credentials(operator=name, passphrase=cli.passphrase(), keychain=None)


@click.command("doctor")
@json_option
@pass_cli
def doctor_cmd(cli: CliContext, as_json: bool) -> None:
    """Check this computer and the desk: data folder, keychain, integrity, audit chain,
    schema, whether the app has the desk open, printing fonts and library versions.

    Exits 1 if anything is wrong. Without a passphrase (CRISISDESK_PASSPHRASE,
    --passphrase-file, --recovery-key-file or a prompt) the checks that need the desk
    unlocked are skipped.

    \b
    Example: crisisdesk doctor --json
    """
    report = doctor_service.run_doctor(cli.data_dir, _credentials(cli))
    if as_json:
        emit_json(report.as_dict())
    else:
        width = max(len(c.name) for c in report.checks)
        for check in report.checks:
            click.echo(f"{_MARK[check.status.value]}  {check.name:<{width}}  {check.detail}")
        fails = sum(1 for c in report.checks if c.status is doctor_service.Status.FAIL)
        skipped = any(c.status is doctor_service.Status.SKIP for c in report.checks)
        click.echo("")
        if fails:
            click.echo(f"{fails} problem(s) found.")
        else:
            click.echo("No problems found" + (" (some checks were skipped)." if skipped else "."))
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [doctor_cmd]
