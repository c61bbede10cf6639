"""`crisisdesk audit show|verify`."""

from __future__ import annotations

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.services import audit as audit_service


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident record of every change."""


@audit_group.command("show")
@click.option("--since", metavar="WHEN", help="Only entries at or after WHEN (e.g. 2026-11-25 "
              "or 2026-11-25T14:00).")
@click.option("--limit", type=int, help="Only the newest N entries.")
@json_option
@pass_cli
def show_cmd(cli: CliContext, since: str | None, limit: int | None, as_json: bool) -> None:
    """Show audit entries, oldest first.  Example: crisisdesk audit show --since 2026-11-25"""
    entries = audit_service.show(cli.session(), since=since, limit=limit)
    if as_json:
        emit_json([e.as_dict() for e in entries])
        return
    table([[str(e.seq), e.at, e.operator, e.action, e.summary] for e in entries],
          ["#", "AT (UTC)", "OPERATOR", "ACTION", "SUMMARY"])


@audit_group.command("verify")
@json_option
@pass_cli
def verify_cmd(cli: CliContext, as_json: bool) -> None:
    """Check the hash chain; exit 1 naming the first altered, deleted or reordered entry."""
    report = audit_service.verify(cli.session())
    if as_json:
        emit_json({"ok": report.ok, "count": report.count, "problem": report.problem,
                   "bad_entry": report.bad_seq})
    elif report.ok:
        click.echo(f"OK: {report.count} audit entries, chain intact.")
    else:
        click.echo(f"crisisdesk: audit chain broken: {report.problem}.", err=True)
    if not report.ok:
        raise SystemExit(1)


COMMANDS = [audit_group]
