"""`crisisdesk letters import|classify|codes-import|batch-create|render|mark|status|...`."""

from __future__ import annotations

from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import date_arg
from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.letters import LetterStatus
from crisisdesk.domain.recipient_columns import FIELDS
from crisisdesk.domain.recipients import FORMAT_BY_LABEL, Address, parse_state, parse_zip
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.team_folder import is_team

incident_option = click.option("--incident", metavar="ID",
                               help="The incident (default: the current one).")


def _range(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    lo, _, hi = value.partition("-")
    try:
        return int(lo), int(hi or lo)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a range like 1-500.",
                                 param_hint="--range") from None


def _pdf_writer() -> object:
    from crisisdesk.printing.letters import open_letter_pdf
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    return open_letter_pdf


@click.group("letters")
def letters_group() -> None:
    """Breach-notification letters: recipients, codes, batches, printing and the mailing log."""


@letters_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@incident_option
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help=f"Read COLUMN as FIELD (or 'ignore'). Fields: {', '.join(FIELDS)}.")
@click.option("--date-format", default="", metavar="FORMAT",
              help=f"How dates are written: {', '.join(FORMAT_BY_LABEL)} (default: detected).")
@click.option("--set-aside-invalid", "--skip-invalid", "set_aside", is_flag=True,
              help="Import the good rows and keep the bad ones in the review list.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@json_option
@pass_cli
def import_cmd(cli: CliContext, file: Path, incident: str | None, maps: tuple[str, ...],
               date_format: str, set_aside: bool, dry_run: bool, as_json: bool) -> None:
    """Import the affected-patient list (CSV or .xlsx) into the incident: all rows or none.

    Example: crisisdesk letters import affected.csv --date-format MM/DD/YYYY --dry-run
    """
    overrides = {}
    for pair in maps:
        column, sep, fld = pair.rpartition("=")
        if not sep or not column.strip():
            raise click.BadParameter(f"{pair!r} is not COLUMN=FIELD.", param_hint="--map")
        overrides[column.strip()] = fld.strip()
    session = cli.session()
    try:
        report = letter_service.import_recipients(
            session, file, incident_id=incident, mapping_overrides=overrides,
            date_format=date_format, set_aside_invalid=set_aside, dry_run=dry_run)
    except ImportRejected as rejected:
        for problem in rejected.problems[:200]:
            click.echo(f"{file.name}: {problem}", err=True)
        raise
    if as_json:
        emit_json(report.as_json())
        return
    for problem in report.problems:
        click.echo(f"{file.name}: set aside {problem}", err=True)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {report.imported} of {report.total_rows} recipients; "
               f"{report.zip_repaired} ZIP codes repaired; {report.set_aside} set aside.")
    click.echo(report.summary + ".")
    if report.substitute is not None:
        click.echo(report.substitute.text)


@letters_group.command("classify")
@incident_option
@click.option("--notice-date", metavar="DATE", help="Date the letters go out (default: today).")
@json_option
@pass_cli
def classify_cmd(cli: CliContext, incident: str | None, notice_date: str | None,
                 as_json: bool) -> None:
    """Sort recipients into adult, minor, deceased, no usable address and duplicates.

    Example: crisisdesk letters classify --notice-date 2026-04-06
    """
    report = letter_service.classify_recipients(
        cli.session(), incident, notice_date=date_arg(notice_date, "notice_date"))
    if as_json:
        emit_json({"total": report.total, "counts": report.counts, "by_state": report.by_state,
                   "unknown_state": report.unknown_state,
                   "substitute_notice": report.substitute.required,
                   "notice_date": report.notice_date.isoformat()})
        return
    c = report.counts
    click.echo(f"{report.total} recipients: {c.get('letter', 0)} letters ({c.get('adult', 0)} "
               f"adult, {c.get('minor', 0)} minor, {c.get('deceased', 0)} next of kin); "
               f"{c.get('duplicate', 0)} duplicates merged; {c.get('no_notice', 0)} deceased "
               "without a next-of-kin address.")
    click.echo(report.substitute.text)


@letters_group.command("codes-import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--expires", required=True, metavar="DATE", help="Last day the codes work.")
@click.option("--url", default="", help="Where patients enrol (printed on the letter).")
@click.option("--months", type=int, default=None, help="Months of monitoring offered.")
@incident_option
@pass_cli
def codes_cmd(cli: CliContext, file: Path, expires: str, url: str, months: int | None,
              incident: str | None) -> None:
    """Import the monitoring vendor's enrollment codes (one per line or a Code column).

    Example: crisisdesk letters codes-import codes.csv --expires 2026-07-31 --months 12
    """
    when = date_arg(expires, "expires")
    if when is None:
        raise UserError("--expires needs the last day the codes work, e.g. 2026-07-31.")
    report = letter_codes.import_codes(cli.session(), file, expires_on=when, incident_id=incident,
                                       enrollment_url=url, monitoring_months=months)
    click.echo(f"Imported {report.imported} codes expiring {report.expires_on}; "
               f"{report.free_codes} unused codes available.")


@letters_group.command("batch-create")
@incident_option
@click.option("--state", default="", help="Only recipients in this state (e.g. TX).")
@click.option("--variant", type=click.Choice(["adult", "minor", "deceased"]), default=None)
@click.option("--language", type=click.Choice(["en", "es"]), default=None)
@click.option("--letter-date", metavar="DATE", help="Date printed on the letters.")
@click.option("--template", "templates", multiple=True, metavar="VARIANT[:LANG]=KEY",
              help="Use this approved template for a letter type (repeatable).")
@click.option("--taglines", is_flag=True,
              help="Add the language-assistance page (15 languages) to every letter.")
@pass_cli
def batch_cmd(cli: CliContext, incident: str | None, state: str, variant: str | None,
              language: str | None, letter_date: str | None, templates: tuple[str, ...],
              taglines: bool) -> None:
    """Make a batch from recipients who have no letter yet; assigns references and codes.

    Example: crisisdesk letters batch-create --state TX --letter-date 2026-04-06
    """
    chosen = dict(t.split("=", 1) for t in templates if "=" in t)
    spec = letter_service.BatchSpec(state=state, variant=variant or "",
                                    language=language or "",
                                    letter_date=date_arg(letter_date, "letter_date"),
                                    templates=chosen, taglines=taglines)
    batch = letter_service.create_batch(cli.session(), incident, spec)
    click.echo(f"Created batch {batch.number}: {batch.letter_count} letters "
               f"({batch.letters_per_file} per file), dated {batch.letter_date}.")
    if batch.language_note:
        click.echo(f"Note: {batch.language_note}.")


@letters_group.command("render")
@click.argument("batch")
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder for the PDFs.")
@click.option("--range", "span", metavar="FIRST-LAST",
              help="Reprint only these letters (e.g. after a jam) into one file in DIR.")
@click.option("--alignment", is_flag=True, help="Also write the envelope alignment page.")
@incident_option
@pass_cli
def render_cmd(cli: CliContext, batch: str, out_dir: str, span: str | None, alignment: bool,
               incident: str | None) -> None:
    """Render a batch to print-ready PDFs (resumes an interrupted run without duplicates).

    Example: crisisdesk letters render 1 --out ~/letters --alignment
    """
    from crisisdesk.services.letters import render as letter_render

    writer = _pdf_writer()
    session = cli.session()
    folder = Path(out_dir).expanduser()
    if alignment:
        from crisisdesk.printing.letter_alignment import alignment_pdf

        path = folder / "envelope-alignment.pdf"
        alignment_pdf(letter_render.letter_layout(session), path)
        click.echo(f"Wrote {path}")
    first, last = _range(span)
    if first is not None and last is not None:
        name = f"reprint-batch{batch}-letters-{first}-{last}.pdf"
        n = letter_render.reprint(session, batch, first, last, folder / name, writer,  # type: ignore[arg-type]
                                  incident_id=incident)
        click.echo(f"Wrote {n} letters to {folder / name}")
        return
    from crisisdesk.printing.letter_workers import LetterWorkers

    report = letter_render.render_batch(session, batch, folder, writer,  # type: ignore[arg-type]
                                        incident_id=incident, printer=LetterWorkers)
    rate = report.letters / report.seconds if report.seconds else 0.0
    click.echo(f"Rendered {count_of(report.letters, 'letter')} into "
               f"{count_of(len(report.files), 'file')} in {folder} "
               f"({report.reused_files} reused; {rate:.0f} letters/s).")


@letters_group.command("mark")
@click.argument("status", type=click.Choice(["printed", "mailed", "returned", "remailed"]))
@click.argument("target")
@click.option("--range", "span", metavar="FIRST-LAST", help="Only these letters of the batch.")
@click.option("--date", "on_date", metavar="DATE", help="When it happened (default: today).")
@click.option("--note", default="", help="A short note for the mailing log.")
@click.option("--address", metavar="LINE1|CITY|STATE|ZIP", help="Corrected address (remailed).")
@incident_option
@pass_cli
def mark_cmd(cli: CliContext, status: str, target: str, span: str | None, on_date: str | None,
             note: str, address: str | None, incident: str | None) -> None:
    """Record printed/mailed for a batch, or returned/remailed for one letter reference.

    Example: crisisdesk letters mark mailed 1 --date 2026-04-07
    """
    session, when = cli.session(), date_arg(on_date, "date")
    if status in ("printed", "mailed"):
        first, last = _range(span)
        report = mailing_log.mark_batch(session, target, LetterStatus(status), first=first,
                                        last=last, on_date=when, note=note, incident_id=incident)
        click.echo(f"Marked {report.changed} letters of batch {report.batch_number} {status}.")
        return
    if status == "returned":
        ref = mailing_log.mark_returned(session, target, on_date=when, note=note)
        click.echo(f"Marked {ref} returned.")
        return
    if not address:
        raise UserError("Give the corrected address with --address 'LINE1|CITY|STATE|ZIP'.")
    parts = [p.strip() for p in address.split("|")]
    if len(parts) != 4:
        raise UserError("Give the corrected address as 'LINE1|CITY|STATE|ZIP'.")
    state = parse_state(parts[2])
    zip_code, _ = parse_zip(parts[3], state)
    ref = mailing_log.remail(session, target, Address(parts[0], "", parts[1], state, zip_code),
                             on_date=when, note=note)
    click.echo(f"Marked {ref} re-mailed to the corrected address.")


@letters_group.command("status")
@incident_option
@click.option("--csv", "csv_path", metavar="FILE", help="Export the mailing log as CSV.")
@json_option
@pass_cli
def status_cmd(cli: CliContext, incident: str | None, csv_path: str | None,
               as_json: bool) -> None:
    """Letters per state and status, batches, codes and the substitute-notice rule.

    Example: crisisdesk letters status --json
    """
    session = cli.session()
    totals = mailing_log.totals(session, incident)
    report = letter_service.classification(session, incident)
    batches = letter_service.list_batches(session, incident)
    summary = letter_service.status_counts(session, incident)
    if csv_path:
        n = mailing_log.export_csv(session, Path(csv_path).expanduser(), incident)
        click.echo(f"Wrote {n} letters to {csv_path}", err=as_json)
    if as_json:
        sub = report.substitute
        emit_json({"summary": summary, "by_state": totals, "classification": report.counts,
                   "affected": {"by_state": report.by_state,
                                "unknown_residence": report.unknown_state,
                                "total": sum(report.by_state.values()) + report.unknown_state},
                   "substitute_notice": sub.required,
                   "substitute": {"kind": sub.kind, "people": sub.insufficient,
                                  "no_address": sub.no_address, "returned": sub.returned,
                                  "set_aside": sub.set_aside, "text": sub.text},
                   "batches": [{"number": b.number, "letters": b.letter_count,
                                "letter_date": b.letter_date, "rendered_at": b.rendered_at,
                                "printed_at": b.printed_at,
                                "language_note": b.language_note} for b in batches]})
        return
    statuses = [s.value for s in LetterStatus]
    table([[state] + [str(row.get(s, 0)) for s in statuses] for state, row in totals.items()],
          ["STATE", *(s.upper() for s in statuses)])
    for b in batches:
        click.echo(f"Batch {b.number}: {b.letter_count} letters dated {b.letter_date}"
                   f"{'; rendered' if b.rendered_at else ''}{'; printed' if b.printed_at else ''}")
        if b.language_note:
            click.echo(f"  Note: {b.language_note}.")
    click.echo(report.substitute.text)


@letters_group.command("report")
@click.option("--pdf", "pdf_path", required=True, metavar="FILE",
              help="Write the summary page and the per-state table here.")
@incident_option
@pass_cli
def report_cmd(cli: CliContext, pdf_path: str, incident: str | None) -> None:
    """The counts report for counsel: a one-page summary and the per-state table (PDF).

    Example: crisisdesk letters report --pdf letter-counts.pdf
    """
    from crisisdesk.printing.letter_report import write_pdf
    from crisisdesk.printing.pdf import ensure_gui_app
    from crisisdesk.services.letters import report as letter_report

    ensure_gui_app()
    path = Path(pdf_path).expanduser()
    try:
        report = letter_report.save_counsel_report(cli.session(), path, write_pdf,
                                                   incident_id=incident)
    except OSError as exc:
        raise UserError(f"Cannot write {pdf_path}: {exc.strerror}.") from None
    click.echo(f"Wrote {path}: {report.total.rows} rows in {len(report.states)} states, "
               f"{report.total.letters('letters')} letters.")


@letters_group.command("purge")
@click.option("--incident", required=True, metavar="ID", help="The incident whose patient "
              "data is deleted (retention period over).")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
@pass_cli
def purge_cmd(cli: CliContext, incident: str, yes: bool) -> None:
    """Delete an incident's recipients, letters and codes for good (admins); the audit log and
    the counts already recorded on the incident stay.

    Example: crisisdesk letters purge --incident 3f2a9c1e --yes
    """
    team_desk = is_team(cli.session())
    travels = (" On this team desk the purge travels to every laptop of the team at the next "
               "exchange, and each deletes the same records." if team_desk else "")
    if not yes:
        raise UserError("Purging deletes every patient record of the incident and cannot be "
                        f"undone; add --yes to confirm.{travels}")
    removed = letter_service.purge_recipients(cli.session(), incident)
    click.echo(f"Purged {removed['recipients']} recipients and {removed['letters']} letters."
               + (f" {removed['team_records']} team records were taken out of the exchange;"
                  " the purge travels to every laptop of the team at the next exchange, and "
                  "each deletes the same records." if team_desk else ""))
    if not removed.get("scrubbed"):
        click.echo("Another window kept the desk busy, so deleted pages could not be wiped "
                   "yet; close it and run this command again.", err=True)


COMMANDS = [letters_group]


@letters_group.command("resends")
@incident_option
@click.option("--print", "out", metavar="FILE",
              help="Reprint the waiting re-sends (or the IDs given) into this PDF.")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@json_option
@pass_cli
def resends_cmd(cli: CliContext, incident: str | None, out: str | None, ids: tuple[str, ...],
                as_json: bool) -> None:
    """The re-sends callers asked for on the hotline; --print reprints them, each in the
    caller's current letter language, and marks them re-sent.

    Example: crisisdesk letters resends --print ~/re-sends.pdf
    """
    from crisisdesk.services.letters import resend
    from crisisdesk.services.localtime import show

    session = cli.session()
    waiting = resend.waiting(session, incident)
    if out:
        if not waiting and not ids:
            raise UserError("No re-send is waiting.")
        path = Path(out).expanduser()
        n = resend.reprint_requested(session, list(ids) or [w.id for w in waiting], path,
                                     _pdf_writer())  # type: ignore[arg-type]
        if as_json:
            emit_json({"reprinted": n, "file": str(path)})
        else:
            click.echo(f"Wrote {count_of(n, 'letter')} to {path}; print and mail them.")
        return
    if as_json:
        emit_json([{"id": w.id, "asked_at": w.at, "batch": w.batch, "letter": w.seq,
                    "reference": w.reference} for w in waiting])
        return
    if not waiting:
        click.echo("No re-send is waiting.")
        return
    table([[w.id, str(w.batch), str(w.seq), w.reference, show(session, w.at)]
           for w in waiting], ["ID", "Batch", "Letter", "Reference", "Asked"])
