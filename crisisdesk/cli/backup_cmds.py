"""`crisisdesk backup create|verify|restore`."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, read_secret_file
from crisisdesk.services import backup as backup_service
from crisisdesk.services.backup import BackupReport
from crisisdesk.services.credentials import Credentials


def backup_credentials(cli: CliContext) -> Credentials:
    """The recovery key (--recovery-key-file) or an operator's passphrase for the backup."""
    if cli.recovery_key_file:
        return Credentials(recovery_code=read_secret_file(cli.recovery_key_file))
    name = cli.operator_name()
    return Credentials(operator=name, passphrase=cli.passphrase("Passphrase for the backup"))


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def _entries(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"


def _print_report(report: BackupReport) -> None:
    r = report
    click.echo(f"Backup:      {r.path}")
    click.echo(f"Desk:        {r.org} ({r.desk_id})")
    click.echo(f"Created at:  {r.created_at or 'unknown'} by {r.manifest.get('created_by', '?')}")
    click.echo(f"Integrity:   {'OK' if not r.integrity_problems else r.integrity_problems[0]}")
    if r.audit is None:
        audit = "not checked (the desk file is damaged)"
    elif r.audit.ok:
        audit = f"OK, {_entries(r.audit.count)}"
    else:
        audit = f"BROKEN: {r.audit.problem}"
    click.echo(f"Audit chain: {audit}")
    if r.operators is not None:
        click.echo(f"Operators:   {r.operators}")
    if r.contacts is not None:
        click.echo(f"Contacts:    {r.contacts}")
    if r.pending_steps:
        click.echo(f"Schema:      older; {len(r.pending_steps)} upgrade step(s) run on restore")


@click.group("backup")
def backup_group() -> None:
    """Encrypted backups of the desk: make one, check one, restore one into a new folder."""


@backup_group.command("create")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@pass_cli
def create_cmd(cli: CliContext, path: Path, force: bool) -> None:
    """Write an encrypted copy of the desk and its key slots to PATH (admins only).

    PATH may be a folder (a dated file name is chosen). Safe while the app is open. The backup
    opens with the same passphrases and recovery key as the desk does now.

    \b
    Example: crisisdesk backup create /media/usb/
    """
    info = backup_service.create_backup(cli.session(), path, force=force)
    click.echo(f"Wrote {info.path} ({_size(info.size_bytes)}).")
    click.echo(f"Check it with: crisisdesk backup verify {shlex.quote(str(info.path))}")


@backup_group.command("verify")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@pass_cli
def verify_cmd(cli: CliContext, path: Path, as_json: bool) -> None:
    """Open a backup and check it: integrity, page MACs and the audit chain; exit 1 on failure.

    Unlock it with an operator's passphrase or with --recovery-key-file.

    \b
    Example:
      CRISISDESK_OPERATOR=alex crisisdesk backup verify desk.crisisdesk-backup --json
    """
    report = backup_service.verify_backup(path, backup_credentials(cli))
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_report(report)
        if report.ok:
            click.echo("OK: this backup can be restored.")
    if not report.ok:
        if not as_json:
            click.echo(f"crisisdesk: the backup failed its check: {report.problems[0]}.",
                       err=True)
        raise SystemExit(1)


@backup_group.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--to", "to", required=True, metavar="NEWDIR", type=click.Path(path_type=Path),
              help="A new or empty folder for the restored desk.")
@pass_cli
def restore_cmd(cli: CliContext, path: Path, to: Path) -> None:
    """Check a backup, then restore it into NEWDIR (never over an existing desk).

    \b
    Example:
      crisisdesk backup restore desk.crisisdesk-backup --to ~/restored-desk
    """
    result = backup_service.restore_backup(path, to, backup_credentials(cli))
    r = result.report
    click.echo(f"Restored the desk of {r.org} (backup made {r.created_at or 'at an unknown time'}) "
               f"into {result.data_dir}")
    count = r.audit.count if r.audit else 0
    click.echo(f"Audit chain OK: {_entries(count)}, plus one recording this restore.")
    click.echo("")
    click.echo("Open it with:")
    where = shlex.quote(str(result.data_dir))
    click.echo(f"    crisisdesk --data-dir {where}")
    click.echo(f"or make it the default desk by setting CRISISDESK_HOME={where}")


COMMANDS = [backup_group]
