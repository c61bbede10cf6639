"""`crisisdesk messages issue|log`: issue from an approved template; the communication log."""

from __future__ import annotations

from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.templates_cmds import (
    parse_values,
    version_option,
    with_var_options,
    write_rendered,
)
from crisisdesk.domain.errors import UserError
from crisisdesk.services import messages as message_service
from crisisdesk.services import record_origins


@click.group("messages")
def messages_group() -> None:
    """Messages issued from approved templates, and the communication log."""


@messages_group.command("issue")
@click.argument("key")
@version_option
@click.option("--recipients", "recipients", type=int, required=True, metavar="N",
              help="How many people or outlets it goes to (recorded in the log).")
@with_var_options
@click.option("--incident", "incident", default="", metavar="ID",
              help="The incident this message is for.")
@click.option("--note", default="", help="A note for the log (no patient data).")
@click.option("--out", "out", metavar="FILE", help="Also write the message to FILE (.pdf for "
              "printed channels); default: print it.")
@pass_cli
def issue_cmd(cli: CliContext, key: str, version: int | None, recipients: int,
              pairs: tuple[str, ...], vars_file: str | None, incident: str, note: str,
              out: str | None) -> None:
    """Fill in an approved template and record it in the communication log.

    Example: crisisdesk messages issue staff-sms-alert-en --recipients 240 --vars facts.json
    """
    issued = message_service.issue_message(
        cli.session(), key, recipient_count=recipients, values=parse_values(pairs, vars_file),
        version=version, incident_id=incident, note=note)
    write_rendered(issued.rendered, out)
    e = issued.entry
    segments = f", {e.sms_segments} SMS segment(s)" if e.sms_segments else ""
    click.echo(f"Logged: {e.template_key} version {e.version} to {e.recipient_count} "
               f"{e.audience.replace('_', ' ')} by {e.channel.replace('_', ' ')}{segments}.",
               err=True)


@messages_group.command("log")
@click.option("--incident", "incident", default=None, metavar="ID", help="Only this incident.")
@click.option("--csv", "csv_path", metavar="FILE", help="Export as CSV (spreadsheet-safe).")
@click.option("--pdf", "pdf_path", metavar="FILE", help="Export as a printable PDF report.")
@json_option
@pass_cli
def log_cmd(cli: CliContext, incident: str | None, csv_path: str | None, pdf_path: str | None,
            as_json: bool) -> None:
    """The communication log (keep six years).  Example: crisisdesk messages log --csv log.csv"""
    session = cli.session()
    if csv_path:
        try:
            count = message_service.export_log_csv(session, Path(csv_path), incident_id=incident)
        except OSError as exc:
            raise UserError(f"Cannot write {csv_path}: {exc.strerror}.") from None
        click.echo(f"Wrote {count} entries to {csv_path}.")
    entries = message_service.communication_log(session, incident_id=incident)
    if pdf_path:
        from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf

        ensure_gui_app()
        try:
            html_to_pdf(message_service.log_report_html(session, entries), Path(pdf_path),
                        title="Communication log")
        except OSError as exc:
            raise UserError(f"Cannot write {pdf_path}: {exc.strerror}.") from None
        message_service.note_export(session, "PDF", len(entries))
        click.echo(f"Wrote {len(entries)} entries to {pdf_path}.")
    if csv_path or pdf_path:
        return
    origins = record_origins.origins(session, (e.id for e in entries))
    if as_json:
        emit_json([{**e.to_dict(), "origin": origins.laptop(e.id) or None} for e in entries])
        return
    table([[e.issued_at, e.template_key, str(e.version), e.audience, e.channel,
            str(e.recipient_count), origins.who(e.operator, e.id), e.incident_id]
           for e in entries],
          ["ISSUED (UTC)", "TEMPLATE", "VER", "AUDIENCE", "CHANNEL", "RECIPIENTS", "OPERATOR",
           "INCIDENT"])


COMMANDS = [messages_group]
