"""`crisisdesk filings list|show|prepare|approve|mark|export`, `crisisdesk filings substitute
...` and `crisisdesk filings vendor ...`: the regulators' desk from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import date_arg, pdf_option, write_pdf
from crisisdesk.domain.filings import Filing, SentHow
from crisisdesk.services import filings as filing_service
from crisisdesk.services import substitute_notice as substitute_service
from crisisdesk.services import vendor_exchange as vendor_service
from crisisdesk.services.substitute_notice import SubstituteStatus

incident_option = click.option("--incident", metavar="ID",
                               help="Which incident (default: the current one).")


def filing_json(f: Filing) -> dict[str, Any]:
    o, r = f.owed, f.record
    return {
        "key": f.key, "kind": o.kind.value, "state": o.jurisdiction,
        "notice": o.obligation.title, "citation": o.obligation.rule.citation,
        "due": o.due.isoformat() if o.due else None, "step": f.stage.value,
        "to": {"office": o.office, "address": o.recipient.address,
               "submit": o.recipient.submit},
        "content_required": list(o.content), "sample_notice": o.sample_notice,
        "count": r.count if r else None,
        "prepared_by": r.prepared_by if r else "", "approved_by": r.approved_by if r else "",
        "sent_on": r.sent_on.isoformat() if r and r.sent_on else None,
        "sent_how": r.sent_how if r else "", "sent_by": r.sent_by if r else "",
        "confirmation": r.confirmation if r else "",
        "acknowledged_on": r.acknowledged_on.isoformat() if r and r.acknowledged_on else None,
        "template": f"{r.template_key} v{r.template_version}" if r and r.template_key else "",
    }


@click.group("filings")
def filings_group() -> None:
    """Notices owed to HHS, state regulators, the media, the consumer reporting agencies and
    the covered entity: prepared offline, approved, sent, confirmed."""


@filings_group.command("list")
@click.option("--state", default="", metavar="XX", help="Only this state's filings.")
@incident_option
@json_option
@pass_cli
def list_cmd(cli: CliContext, state: str, incident: str | None, as_json: bool) -> None:
    """Every filing the rules data requires for the incident, with its due date and step.

    \b
    Example: crisisdesk filings list
    Example: crisisdesk filings list --state IL --json
    """
    report = filing_service.tracker(cli.session(), incident, state=state)
    if as_json:
        emit_json({"incident": report.incident.id, "today": report.today.isoformat(),
                   "filings": [filing_json(f) | {"overdue": f.overdue(report.today)}
                               for f in report.filings]})
        return
    rows = [[f.key, f.owed.due.isoformat() if f.owed.due else "-",
             ("OVERDUE " if f.overdue(report.today) else "") + f.stage.value, f.owed.office]
            for f in report.filings]
    if not rows:
        click.echo("No filings are owed for this incident.")
        return
    table(rows, ["Filing", "Due", "Step", "To"])


@filings_group.command("show")
@click.argument("key")
@incident_option
@json_option
@pdf_option
@pass_cli
def show_cmd(cli: CliContext, key: str, incident: str | None, as_json: bool,
             pdf_path: str | None) -> None:
    """One filing: to whom, how to send it, what it must contain, and its prepared letter.

    \b
    Example: crisisdesk filings show state.IL.ag
    Example: crisisdesk filings show state.IL.ag --pdf il-ag.pdf
    """
    f = filing_service.get_filing(cli.session(), key, incident)
    data = filing_json(f)
    content = f.record.content if f.record else ""
    if pdf_path:
        if not (f.record and f.record.template_key):
            raise click.UsageError(f"{f.key} has no prepared letter to print.")
        write_pdf(content, pdf_path, f.owed.title)
    if as_json:
        emit_json(data | {"content": content})
        return
    for label, value in (("Filing", f.key), ("Notice", data["notice"]),
                         ("Due", data["due"] or "no fixed date"), ("Step", data["step"]),
                         ("To", f.owed.office), ("Address", f.owed.recipient.address),
                         ("How to send", f.owed.recipient.submit),
                         ("Sample notice attached", "yes" if f.owed.sample_notice else "no"),
                         ("Confirmation", data["confirmation"])):
        if value:
            click.echo(f"{label}: {value}")
    for item in f.owed.content:
        click.echo(f"  must contain: {item}")
    if content and not pdf_path:
        from crisisdesk.domain.plaintext import html_to_text

        click.echo("")
        click.echo(html_to_text(content) if f.record and f.record.template_key else content)


@filings_group.command("prepare")
@click.argument("key")
@click.option("--count", type=int, help="How many people the filing reports (default: the "
              "state's residents affected; at most the incident's total).")
@incident_option
@pass_cli
def prepare_cmd(cli: CliContext, key: str, count: int | None, incident: str | None) -> None:
    """Prepare a filing: fill the approved letter template with the recorded facts.

    \b
    Example: crisisdesk filings prepare state.IL.ag
    """
    f = filing_service.prepare(cli.session(), key, count=count, incident_ref=incident)
    click.echo(f"Prepared {f.key} for {f.owed.office}; an approver approves it next.")


@filings_group.command("approve")
@click.argument("key")
@incident_option
@pass_cli
def approve_cmd(cli: CliContext, key: str, incident: str | None) -> None:
    """Approve a prepared filing for sending (approvers).

    \b
    Example: crisisdesk filings approve state.IL.ag
    """
    f = filing_service.approve(cli.session(), key, incident_ref=incident)
    click.echo(f"Approved {f.key}.")


@filings_group.command("mark")
@click.argument("key")
@click.option("--sent", "sent_on", metavar="DATE", help="The day it was sent.")
@click.option("--how", type=click.Choice([h.value for h in SentHow]),
              help="How it was sent (with --sent).")
@click.option("--by", "sent_by", default="", metavar="NAME", help="Who sent it (default: you).")
@click.option("--confirmation", default="", metavar="NUMBER",
              help="The portal's or office's confirmation number (only for a sent filing).")
@click.option("--acknowledged", "acknowledged_on", metavar="DATE",
              help="The day the regulator acknowledged it.")
@incident_option
@pass_cli
def mark_cmd(cli: CliContext, key: str, sent_on: str | None, how: str | None, sent_by: str,
             confirmation: str, acknowledged_on: str | None, incident: str | None) -> None:
    """Record a filing sent (how, by whom), its confirmation number, or its acknowledgement.

    \b
    Example: crisisdesk filings mark state.IL.ag --sent 2026-04-20 --how portal --confirmation IL-88
    Example: crisisdesk filings mark state.IL.ag --confirmation IL-88
    Example: crisisdesk filings mark state.IL.ag --acknowledged 2026-04-22
    """
    session = cli.session()
    if sent_on is not None and acknowledged_on is not None:
        raise click.UsageError("Record sending and acknowledgement one at a time.")
    if sent_on is not None:
        if how is None:
            raise click.UsageError("Say how it was sent: --how " + "|".join(h.value
                                                                           for h in SentHow))
        day = date_arg(sent_on, "sent")
        assert day is not None
        f = filing_service.mark_sent(session, key, day, how, sent_by=sent_by,
                                     confirmation=confirmation, incident_ref=incident)
        click.echo(f"Marked {f.key} sent on {day.isoformat()} by {how}"
                   + (f", confirmation {f.record.confirmation}" if f.record and
                      f.record.confirmation else "") + ".")
    elif acknowledged_on is not None:
        day = date_arg(acknowledged_on, "acknowledged")
        assert day is not None
        f = filing_service.mark_acknowledged(session, key, day, incident_ref=incident)
        click.echo(f"Marked {f.key} acknowledged on {day.isoformat()}.")
    elif confirmation:
        f = filing_service.set_confirmation(session, key, confirmation, incident_ref=incident)
        click.echo(f"Recorded confirmation {confirmation} for {f.key}.")
    else:
        raise click.UsageError("Give --sent DATE --how HOW, --confirmation NUMBER or "
                               "--acknowledged DATE.")


@filings_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@incident_option
@pass_cli
def export_cmd(cli: CliContext, path: str, incident: str | None) -> None:
    """Write the filing tracker as a spreadsheet-safe CSV.

    \b
    Example: crisisdesk filings export filings.csv
    """
    count = filing_service.export_csv(cli.session(), Path(path), incident)
    click.echo(f"Wrote {count} filings to {path}.")


# --- substitute notice -----------------------------------------------------------------------

@filings_group.group("substitute")
def substitute_group() -> None:
    """Substitute notice of the 10-or-more kind: web posting, media placements, toll-free line."""


def _substitute_json(s: SubstituteStatus) -> dict[str, Any]:
    p = s.plan

    def day(d: object) -> str | None:
        return d.isoformat() if d is not None else None  # type: ignore[attr-defined]

    return {"required": s.notice.kind, "people": s.notice.insufficient,
            "web": {"url": p.web_url, "first_posted": day(p.web_first_posted),
                    "until": day(p.web_posted_until)},
            "media": [{"outlet": m.outlet, "placed_on": day(m.placed_on)}
                      for m in p.placements],
            "hotline": {"number": p.hotline_number, "open_until": day(p.hotline_open_until),
                        "required_until": day(p.hotline_required_until)},
            "reminders": [{"text": r.text, "warning": r.warning} for r in s.reminders]}


def _echo_status(s: SubstituteStatus, as_json: bool) -> None:
    if as_json:
        emit_json(_substitute_json(s))
        return
    click.echo(f"Substitute notice: {s.notice.short}")
    p = s.plan
    if p.web_url:
        click.echo(f"Web posting: {p.web_url} from {p.web_first_posted} until "
                   f"{p.web_posted_until}")
    for m in p.placements:
        click.echo(f"Media: {m.outlet} on {m.placed_on.isoformat()}")
    if p.hotline_number:
        click.echo(f"Toll-free line: {p.hotline_number}, open until {p.hotline_open_until} "
                   f"(must stay open until {p.hotline_required_until})")
    for r in s.reminders:
        click.echo(f"{'WARNING' if r.warning else 'Reminder'}: {r.text}")


@substitute_group.command("show")
@incident_option
@json_option
@pass_cli
def substitute_show(cli: CliContext, incident: str | None, as_json: bool) -> None:
    """What the substitute notice needs, what is recorded, and the reminders.

    \b
    Example: crisisdesk filings substitute show
    """
    _echo_status(substitute_service.status(cli.session(), incident), as_json)


@substitute_group.command("post")
@click.argument("url")
@click.option("--from", "first_posted", required=True, metavar="DATE",
              help="The day it first went up.")
@incident_option
@pass_cli
def substitute_post(cli: CliContext, url: str, first_posted: str, incident: str | None) -> None:
    """Record the web posting (it must stay up 90 days).

    \b
    Example: crisisdesk filings substitute post https://example.org/notice --from 2026-04-01
    """
    day = date_arg(first_posted, "first_posted")
    assert day is not None
    _echo_status(substitute_service.set_web_posting(cli.session(), url, day,
                                                    incident_ref=incident), False)


@substitute_group.command("media")
@click.argument("outlet")
@click.option("--on", "placed_on", required=True, metavar="DATE", help="The day it ran.")
@incident_option
@pass_cli
def substitute_media(cli: CliContext, outlet: str, placed_on: str, incident: str | None) -> None:
    """Record a major print or broadcast media placement.

    \b
    Example: crisisdesk filings substitute media "Springfield Tribune" --on 2026-04-02
    """
    day = date_arg(placed_on, "placed")
    assert day is not None
    _echo_status(substitute_service.add_media_placement(cli.session(), outlet, day,
                                                        incident_ref=incident), False)


@substitute_group.command("hotline")
@click.argument("number")
@click.option("--until", "open_until", required=True, metavar="DATE",
              help="The last day the line is booked to stay open.")
@incident_option
@pass_cli
def substitute_hotline(cli: CliContext, number: str, open_until: str,
                       incident: str | None) -> None:
    """Record the toll-free number and until when it stays open (at least 90 days).

    \b
    Example: crisisdesk filings substitute hotline 1-833-555-0142 --until 2026-07-15
    """
    day = date_arg(open_until, "open_until")
    assert day is not None
    _echo_status(substitute_service.set_hotline(cli.session(), number, day,
                                                incident_ref=incident), False)


# --- monitoring vendor ---------------------------------------------------------------------

@filings_group.group("vendor")
def vendor_group() -> None:
    """Files exchanged with the credit-monitoring vendor."""


@vendor_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@incident_option
@pass_cli
def vendor_export(cli: CliContext, path: str, incident: str | None) -> None:
    """Write the eligibility file (reference, name, address, date of birth, minor, code).

    \b
    Example: crisisdesk filings vendor export eligibility.csv
    """
    count = vendor_service.export_eligibility(cli.session(), Path(path), incident_ref=incident)
    click.echo(f"Wrote {count} people to {path}.")


def _echo_rates(rates: list[Any], as_json: bool) -> None:
    if as_json:
        emit_json([{"state": r.state, "eligible": r.eligible, "enrolled": r.enrolled,
                    "rate": round(r.rate, 4)} for r in rates])
        return
    table([[r.state, f"{r.eligible:,}", f"{r.enrolled:,}", f"{r.rate:.0%}"] for r in rates],
          ["State", "Eligible", "Enrolled", "Rate"])


@vendor_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@incident_option
@json_option
@pass_cli
def vendor_import(cli: CliContext, path: str, incident: str | None, as_json: bool) -> None:
    """Read the vendor's enrolment file (reference and enrolment date); all rows or none.

    \b
    Example: crisisdesk filings vendor import enrolled.csv
    """
    summary = vendor_service.import_enrolments(cli.session(), Path(path), incident_ref=incident)
    if not as_json:
        click.echo(f"Applied {summary.applied} rows ({summary.new} newly enrolled).")
    _echo_rates(list(summary.rates), as_json)


@vendor_group.command("rates")
@incident_option
@json_option
@pass_cli
def vendor_rates(cli: CliContext, incident: str | None, as_json: bool) -> None:
    """Enrolment rate by state.

    \b
    Example: crisisdesk filings vendor rates --json
    """
    _echo_rates(vendor_service.enrolment_rates(cli.session(), incident), as_json)


COMMANDS = [filings_group]
