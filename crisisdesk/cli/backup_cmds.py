"""`crisisdesk backup create|verify|restore|scheduled|list`."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, read_secret_file
from crisisdesk.services import backup as backup_service
from crisisdesk.services import backup_schedule
from crisisdesk.services.backup import BackupReport
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.session import iso


def backup_credentials(cli: CliContext) -> Credentials:
    """The recovery key (--recovery-key-file) or an operator's passphrase for the backup."""
    if cli.recovery_key_file:
        return Credentials(recovery_code=read_secret_file(cli.recovery_key_file))
    name = cli.operator_name()
    return Credentials(operator=name, passphrase=cli.passphrase("Passphrase for the backup"))


def _size(n: int) -> str:
    return backup_schedule.size_words(n)


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
    is opened and checked after writing (one that fails is removed) and opens with the same
    passphrases and recovery key as the desk does now.

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


@backup_group.command("scheduled")
@click.option("--force", is_flag=True, help="Make one even if none is due.")
@json_option
@pass_cli
def scheduled_cmd(cli: CliContext, force: bool, as_json: bool) -> None:
    """Make a scheduled backup into the backup_folder setting if one is due, verify it and
    rotate the folder (keep the last 24 hourly and 14 daily); for cron or a script.

    Due means the desk changed since the last scheduled backup and backup_interval_minutes
    passed. Exit 0 also when none was due (the message says why); exit 1 if the folder is
    missing, full or the new backup failed its check.

    \b
    Example (cron, every 15 minutes):
      */15 * * * * CRISISDESK_OPERATOR=alex crisisdesk --passphrase-file ~/.cd backup scheduled
    """
    result = backup_schedule.scheduled_backup(cli.session(), force=force)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(result.message)


@backup_group.command("list")
@json_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """List this desk's scheduled backups in the backup folder, newest first, and which were
    verified after writing; warnings about the folder or the backups' age follow.

    \b
    Example: crisisdesk backup list --json
    """
    session = cli.session()
    health = backup_schedule.health(session)
    verified = {b.path: b for b in backup_service.verified_backups(session.data_dir)}
    found = (backup_schedule.scheduled_files(health.folder, session.desk_id)
             if health.folder is not None and health.folder.is_dir() else {})
    rows = [{"path": str(path), "created_at": iso(made),
             "size_bytes": path.stat().st_size,
             "verified_at": verified[path].verified_at if path in verified else None}
            for path, made in sorted(found.items(), key=lambda kv: kv[1], reverse=True)]
    if as_json:
        emit_json({"folder": str(health.folder) if health.folder else None, "backups": rows,
                   "warnings": health.warnings})
        return
    click.echo(f"Backup folder: {health.folder or 'not set (setting backup_folder)'}")
    for row in rows:
        state = "verified" if row["verified_at"] else "not verified"
        click.echo(f"  {row['created_at']}  {_size(int(str(row['size_bytes']))):>9}  {state:<12}"
                   f"  {row['path']}")
    if not rows:
        click.echo("  (no scheduled backups)")
    for warning in health.warnings:
        click.echo(f"Warning: {warning}")


COMMANDS = [backup_group]
