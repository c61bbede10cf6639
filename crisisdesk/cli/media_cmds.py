"""`crisisdesk media ...`, `crisisdesk statements ...`, `crisisdesk cadence ...`: the
spokesperson's desk from a terminal, over the same services as the Media page."""

from __future__ import annotations

from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.templates_cmds import (
    parse_values,
    version_option,
    with_var_options,
    write_rendered,
)
from crisisdesk.domain.cadence import CadenceAudience, CadenceState
from crisisdesk.domain.media import (
    DeadlineState,
    Inquiry,
    InquiryChannel,
    span_text,
    time_to_answer,
)
from crisisdesk.services import record_origins
from crisisdesk.services.localtime import show
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.session import Session

_MARK = {DeadlineState.OVERDUE: "OVERDUE", DeadlineState.DUE_SOON: "due soon"}


@click.group("media")
def media_group() -> None:
    """The media inquiry log and the approved answer bank."""


@media_group.command("add")
@click.option("--outlet", required=True, help="The newspaper, station or site asking.")
@click.option("--question", required=True, help="What they asked.")
@click.option("--channel", type=click.Choice([c.value for c in InquiryChannel]),
              default="phone", show_default=True)
@click.option("--reporter", default="", help="The reporter's name.")
@click.option("--contact", "contact_id", default="", metavar="ID",
              help="The reporter's id in Contacts.")
@click.option("--save-contact", is_flag=True,
              help="Add the reporter to Contacts as a media contact.")
@click.option("--details", default="", help="How to reach them (phone or e-mail).")
@click.option("--deadline", default=None, metavar="TIME",
              help="Their deadline: '16:30' or '2026-03-02 16:30' (local).")
@click.option("--received", default=None, metavar="TIME", help="When they called (default now).")
@click.option("--assign", "assignee", default="", metavar="NAME", help="Who will answer.")
@pass_cli
def add_cmd(cli: CliContext, outlet: str, question: str, channel: str, reporter: str,
            contact_id: str, save_contact: bool, details: str, deadline: str | None,
            received: str | None, assignee: str) -> None:
    """Log a media inquiry.

    \b
    Example: crisisdesk media add --outlet "Daily Ledger" --question "Was patient data
             taken?" --reporter "Carla Smithers" --deadline 16:30
    """
    inquiry = media_service.log_inquiry(
        cli.session(), outlet=outlet, question=question, channel=channel, reporter=reporter,
        contact_id=contact_id, save_contact=save_contact, contact_details=details,
        deadline=deadline, received_at=received, assignee=assignee)
    click.echo(f"Logged inquiry {inquiry.id[:8]} from {inquiry.outlet}.")


def _row(session: Session, q: Inquiry, state: DeadlineState) -> list[str]:
    return [q.id[:8], show(session, q.deadline) or "-", _MARK.get(state, ""), q.status.label,
            q.outlet, q.question if len(q.question) <= 50 else q.question[:47] + "...",
            q.assignee, span_text(time_to_answer(q))]


@media_group.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only inquiries still to answer.")
@json_option
@pass_cli
def list_cmd(cli: CliContext, open_only: bool, as_json: bool) -> None:
    """Inquiries by deadline, overdue ones marked.  Example: crisisdesk media list --open"""
    session = cli.session()
    inquiries = media_service.list_inquiries(session, open_only=open_only)
    states = media_service.deadline_states(session, inquiries)
    if as_json:
        emit_json([{**q.to_dict(), "deadline_state": state.value}
                   for q, state in zip(inquiries, states, strict=True)])
        return
    table([_row(session, q, state) for q, state in zip(inquiries, states, strict=True)],
          ["ID", "DEADLINE", "", "STATUS", "OUTLET", "QUESTION", "ASSIGNED", "ANSWERED IN"])
    summary = media_service.media_summary(session)
    average = summary.average_minutes_to_answer
    click.echo(f"{summary.open_inquiries} open, {summary.overdue_inquiries} overdue"
               + (f"; average time to answer {average} min" if average is not None else ""))


@media_group.command("answer")
@click.argument("inquiry")
@click.argument("answer_key")
@version_option
@pass_cli
def answer_cmd(cli: CliContext, inquiry: str, answer_key: str, version: int | None) -> None:
    """Answer an inquiry with an approved answer from the bank.

    \b
    Example: crisisdesk media answer 5c1d09aa qa-was-patient-data-taken
    """
    done = media_service.answer_inquiry(cli.session(), inquiry, answer_key, version=version)
    click.echo(done.answer_text)
    click.echo(f"Answered {done.outlet} with {done.answer_key} version "
               f"{done.answer_version}; logged.", err=True)


@media_group.command("close")
@click.argument("inquiry")
@click.option("--status", type=click.Choice(["declined", "no_response_needed"]),
              default="declined", show_default=True)
@click.option("--note", default="", help="Why (no patient data).")
@pass_cli
def close_cmd(cli: CliContext, inquiry: str, status: str, note: str) -> None:
    """Close an inquiry without an answer.

    \b
    Example: crisisdesk media close 5c1d09aa --status no_response_needed --note "duplicate"
    """
    done = media_service.close_inquiry(cli.session(), inquiry, status, note)
    click.echo(f"Closed inquiry {done.id[:8]} ({done.status.label}).")


_EDITED = ("outlet", "reporter", "contact_details", "channel", "deadline", "question")


@media_group.command("edit")
@click.argument("inquiry")
@click.option("--outlet", default=None, help="The newspaper, station or site asking.")
@click.option("--question", default=None, help="What they asked.")
@click.option("--deadline", default=None, metavar="TIME",
              help="Their deadline: '16:30' or '2026-03-02 16:30' (local); 'none' clears it.")
@click.option("--reporter", default=None, help="The reporter's name (unlinks a media contact "
              "of another name).")
@click.option("--details", default=None, help="How to reach them (phone or e-mail).")
@click.option("--channel", type=click.Choice([c.value for c in InquiryChannel]), default=None)
@pass_cli
def edit_cmd(cli: CliContext, inquiry: str, outlet: str | None, question: str | None,
             deadline: str | None, reporter: str | None, details: str | None,
             channel: str | None) -> None:
    """Correct a logged inquiry; only the options given change.

    \b
    Example: crisisdesk media edit 5c1d09aa --deadline "2026-03-20 17:00" --reporter "C. Smithers"
    """
    if deadline is not None and deadline.strip().lower() in ("", "none"):
        deadline = ""
    given = {k: v for k, v in (("outlet", outlet), ("question", question),
                                ("deadline", deadline), ("reporter", reporter),
                                ("contact_details", details), ("channel", channel))
             if v is not None}
    if not given:
        raise click.UsageError("Give at least one of --outlet, --question, --deadline, "
                               "--reporter, --details or --channel.")
    session = cli.session()
    before = media_service.get_inquiry(session, inquiry)
    after = media_service.edit_inquiry(session, before.id, **given)
    changed = [k.replace("_", " ") for k in _EDITED if getattr(before, k) != getattr(after, k)]
    if not changed:
        click.echo(f"Inquiry {after.id[:8]} already says that; nothing changed.")
        return
    click.echo(f"Edited inquiry {after.id[:8]} from {after.outlet}: {', '.join(changed)}.")


@media_group.command("assign")
@click.argument("inquiry")
@click.argument("name")
@pass_cli
def assign_cmd(cli: CliContext, inquiry: str, name: str) -> None:
    """Give an open inquiry to NAME to answer ("" takes it off them).

    \b
    Example: crisisdesk media assign 5c1d09aa "Jordan Reyes"
    """
    done = media_service.assign(cli.session(), inquiry, name)
    who = done.assignee or "nobody"
    click.echo(f"Inquiry {done.id[:8]} from {done.outlet} is assigned to {who}.")


@media_group.command("bank")
@click.argument("search", required=False, default="")
@json_option
@pass_cli
def bank_cmd(cli: CliContext, search: str, as_json: bool) -> None:
    """The approved answers (key messages first).  Example: crisisdesk media bank "patient data"
    """
    entries = media_bank.bank(cli.session(), search)
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    for e in entries:
        click.echo(f"[{e.key} v{e.version}] {e.kind}: {e.question}\n  {e.answer}\n")
    click.echo(f"{len(entries)} approved answer(s).")


@media_group.command("ask")
@click.argument("inquiry")
@click.option("--answer", "proposed", default="", help="A proposed answer for the approver.")
@pass_cli
def ask_cmd(cli: CliContext, inquiry: str, proposed: str) -> None:
    """Send an inquiry's question to the approver as a new draft Q&A answer.

    \b
    Example: crisisdesk media ask 5c1d09aa --answer "Clinics stay open during downtime."
    """
    key = media_service.request_answer(cli.session(), inquiry, proposed)
    click.echo(f"Drafted {key} for approval ('crisisdesk templates submit {key}').")


@media_group.command("brief")
@click.option("--pdf", "pdf_path", required=True, metavar="FILE", help="Where to write it.")
@pass_cli
def brief_cmd(cli: CliContext, pdf_path: str) -> None:
    """Print the one-page spokesperson brief.  Example: crisisdesk media brief --pdf brief.pdf"""
    from crisisdesk.cli.crisis_common import write_pdf
    from crisisdesk.printing.media_brief import brief_html
    from crisisdesk.services.media.brief import gather_brief, note_printed

    session = cli.session()
    write_pdf(brief_html(gather_brief(session)), pdf_path, "Spokesperson brief")
    note_printed(session, "PDF")


@click.group("statements")
def statements_group() -> None:
    """Holding statements and press releases from approved templates."""


@statements_group.command("issue")
@click.argument("key")
@version_option
@with_var_options
@click.option("--outlets", type=click.IntRange(min=1), default=1, show_default=True,
              help="How many outlets it goes to (recorded in the log).")
@click.option("--note", default="", help="A note for the log (no patient data).")
@click.option("--out", "out", metavar="FILE", help="Also write it to FILE (.pdf or .html).")
@pass_cli
def issue_cmd(cli: CliContext, key: str, version: int | None, pairs: tuple[str, ...],
              vars_file: str | None, outlets: int, note: str, out: str | None) -> None:
    """Issue a statement with the incident's facts; logs it and resets the media cadence.

    \b
    Example: crisisdesk statements issue media-holding-statement-en --vars statement.json
    """
    issued = statement_service.issue_statement(
        cli.session(), key, values=parse_values(pairs, vars_file), version=version,
        recipient_count=outlets, note=note)
    write_rendered(issued.rendered, out)
    reset = "; the public/media update clock restarted" if issued.cadence_reset else ""
    click.echo(f"Logged: {issued.entry.template_key} version {issued.entry.version}{reset}.",
               err=True)


@statements_group.command("list")
@json_option
@pass_cli
def statements_list_cmd(cli: CliContext, as_json: bool) -> None:
    """Statements issued so far.  Example: crisisdesk statements list --json"""
    session = cli.session()
    entries = statement_service.issued_statements(session)
    origins = record_origins.origins(session, (e.id for e in entries))
    if as_json:
        emit_json([{**e.to_dict(), "origin": origins.laptop(e.id) or None} for e in entries])
        return
    table([[show(session, e.issued_at), e.template_key, str(e.version),
            origins.who(e.operator, e.id)]
           for e in entries], ["ISSUED", "TEMPLATE", "VER", "BY"])


@click.group("cadence")
def cadence_group() -> None:
    """How often each audience gets an update, and when the next one is due."""


_AUDIENCES = [a.value for a in CadenceAudience]


@cadence_group.command("set")
@click.argument("audience", type=click.Choice(_AUDIENCES))
@click.argument("every")
@pass_cli
def set_cmd(cli: CliContext, audience: str, every: str) -> None:
    """Update AUDIENCE every EVERY ('4h', '90m', '1d').

    \b
    Example: crisisdesk cadence set public_media 4h
    """
    status = cadence_service.set_cadence(cli.session(), audience, every)
    click.echo(f"{status.audience.label}: next update due "
               f"{cadence_service.show_local(cli.session(), status.next_due)}.")


def _status_dict(session: Session, s: cadence_service.CadenceStatus) -> dict[str, Any]:
    return {**s.to_dict(), "next_due_local": cadence_service.show_local(session, s.next_due)}


@cadence_group.command("status")
@json_option
@pass_cli
def status_cmd(cli: CliContext, as_json: bool) -> None:
    """When each audience's next update is due.  Example: crisisdesk cadence status --json"""
    session = cli.session()
    items = cadence_service.cadence_status(session)
    if as_json:
        emit_json([_status_dict(session, s) for s in items])
        return
    rows = []
    for s in items:
        every = span_text(s.cadence.interval) if s.cadence.interval else "-"
        rows.append([s.audience.label, every, cadence_service.show_local(session, s.next_due),
                     {CadenceState.OVERDUE: "OVERDUE", CadenceState.NEAR: "due soon",
                      CadenceState.OK: "ok"}.get(s.state, "not set")])
    table(rows, ["AUDIENCE", "EVERY", "NEXT UPDATE DUE", "STATE"])


@cadence_group.command("done")
@click.argument("audience", type=click.Choice(_AUDIENCES))
@click.option("--note", default="", help="What was said, briefly (no patient data).")
@pass_cli
def done_cmd(cli: CliContext, audience: str, note: str) -> None:
    """Record that AUDIENCE got its update; the clock restarts.

    \b
    Example: crisisdesk cadence done staff --note "Huddle at 14:00"
    """
    status = cadence_service.record_update(cli.session(), audience, note)
    click.echo(f"{status.audience.label}: next update due "
               f"{cadence_service.show_local(cli.session(), status.next_due)}.")


COMMANDS = [media_group, statements_group, cadence_group]
