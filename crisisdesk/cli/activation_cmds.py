"""`crisisdesk activation start|record|mark|status|close`: run a calling tree from the command
line (also how results written on paper are typed back in afterwards, with `--at`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import when, write_pdf
from crisisdesk.domain.call_outcomes import parse_outcome
from crisisdesk.domain.errors import NeedsConfirmation
from crisisdesk.domain.formatting import count_of
from crisisdesk.services import roles as role_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import reports as report_service
from crisisdesk.services.session import Session


@click.group("activation")
def activation_group() -> None:
    """Run a calling tree: start it, record each call, follow progress, close it."""


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE (e.g. staff_hotline="
                                     "312-555-0100).")
        out[key.strip()] = text.strip()
    return out


@activation_group.command("start")
@click.argument("tree")
@click.option("--message", required=True, help="The message, in one or two short sentences.")
@click.option("--action", "action_text", required=True, help="What each person must do.")
@click.option("--report-to", required=True, help="Who callers report back to (name, phone).")
@click.option("--drill", is_flag=True, help="An exercise: the script says so.")
@click.option("--also", is_flag=True,
              help="Start even though this tree already has a live (not drill) activation.")
@click.option("--value", "values", multiple=True, metavar="NAME=VALUE",
              help="Another script value (repeatable), e.g. staff_hotline=312-555-0100.")
@json_option
@pass_cli
def start_cmd(cli: CliContext, tree: str, message: str, action_text: str, report_to: str,
              drill: bool, also: bool, values: tuple[str, ...], as_json: bool) -> None:
    """Start a tree with the approved call script filled with the incident's facts.

    A real activation needs a message, an action and who to report to (a drill may leave them
    empty); a second live activation of the same tree needs --also.

    Example: crisisdesk activation start IT --message "EHR down" --action "Use paper" --report-to IC
    """
    try:
        act = activation_service.start_activation(
            cli.session(), tree, message=message, action=action_text, report_back_to=report_to,
            drill=drill, also=also, values=_pairs(values))
    except NeedsConfirmation as err:
        raise NeedsConfirmation(f"{err} Add --also to start it anyway.") from None
    if as_json:
        emit_json({"id": act.id, "tree": act.tree_name, "tree_version": act.tree_version,
                   "template": act.template_key, "template_version": act.template_version,
                   "drill": act.is_drill})
        return
    click.echo(f"Started {act.label} ({act.id[:8]}) with {act.template_key} version "
               f"{act.template_version}.")


def _person_in(session: Session, activation_id: str, text: str) -> str:
    people = activation_service.people(session, activation_id)
    key = " ".join(text.split()).casefold()
    match = [p.contact_id for p in people if p.contact_id == text or p.name.casefold() == key]
    if len(match) == 1:
        return match[0]
    return role_service.find_person(session, text).id


@activation_group.command("record")
@click.argument("activation")
@click.argument("person")
@click.argument("outcome")
@click.option("--number", help="The number dialled (default: their first).")
@click.option("--note", default="", help="A short note.")
@click.option("--at", "at", metavar="TIME", help="When the call was made, e.g. 14:05 "
              "(default: now).")
@click.option("--corrects", metavar="ATTEMPT_ID", default="", help="Replace a mistaken entry.")
@pass_cli
def record_cmd(cli: CliContext, activation: str, person: str, outcome: str,
               number: str | None, note: str, at: str | None, corrects: str) -> None:
    """Record one call: OUTCOME is reached, voicemail, no_answer, busy, wrong_number or
    unavailable (declined).

    Example: crisisdesk activation record 3f2a "Hyun-woo Park" voicemail --at 14:05
    """
    session = cli.session()
    act = activation_service.get_activation(session, activation)
    rec = activation_service.record_call(
        session, act.id, _person_in(session, act.id, person), parse_outcome(outcome),
        number=number, note=note, at=at, corrects=corrects)
    moved = f"; {rec.reassigned} calls moved to others" if rec.reassigned else ""
    click.echo(f"Recorded {rec.attempt.outcome.label.lower()} for {rec.person.name} "
               f"({rec.attempt.id[:8]}): {rec.counts.reached} of {rec.counts.total} "
               f"reached{moved}.")



@activation_group.command("mark")
@click.argument("activation")
@click.argument("caller")
@click.option("--unavailable/--available", default=True,
              help="Unavailable moves their people on; available undoes it.")
@click.option("--note", default="", help="Why.")
@pass_cli
def mark_cmd(cli: CliContext, activation: str, caller: str, unavailable: bool,
             note: str) -> None:
    """Mark a caller unavailable (their people go to their backup or the caller above).

    Example: crisisdesk activation mark 3f2a "Adaeze Okafor" --unavailable
    """
    session = cli.session()
    act = activation_service.get_activation(session, activation)
    moved = activation_service.mark_caller(session, act.id, _person_in(session, act.id, caller),
                                           available=not unavailable, note=note)
    click.echo(f"Marked {'unavailable' if unavailable else 'available'}; {moved} calls moved.")


def _status(session: Session, ref: str) -> dict[str, Any]:
    view = activation_service.view(session, ref)
    c = view.progress.counts
    names = {p.contact_id: p.name for p in view.people}
    return {"id": view.activation.id, "tree": view.activation.tree_name,
            "status": view.activation.status, "drill": view.activation.is_drill,
            "total": c.total, "reached": c.reached, "attempted": c.attempted,
            "not_called": c.not_called, "unavailable": c.unavailable,
            "percent_reached": round(c.percent_reached, 1),
            "elapsed_minutes": view.progress.elapsed_s // 60,
            "oldest_waiting": names.get(view.progress.oldest_waiting[0])
            if view.progress.oldest_waiting else None,
            "needs_coordinator": [{"name": names.get(f.contact_id, "?"), "why": f.text}
                                  for f in view.progress.flags],
            "reassigned": [{"name": names.get(r.contact_id, "?"),
                            "to": names.get(r.to_caller or "", "the coordinator")}
                           for r in view.progress.reassignments],
            "tree_changes": view.changes.as_dict()}


@activation_group.command("status")
@click.argument("activation", required=False)
@json_option
@pass_cli
def status_cmd(cli: CliContext, activation: str | None, as_json: bool) -> None:
    """Progress of one activation, or a list of all of them.

    Example: crisisdesk activation status --json
    """
    session = cli.session()
    if activation is None:
        acts = activation_service.list_activations(session)
        if as_json:
            emit_json([_status(session, a.id) for a in acts])
            return
        table([[a.id[:8], a.tree_name, "drill" if a.is_drill else "real", a.status,
                when(session, a.started_at)] for a in acts],
              ["ID", "TREE", "KIND", "STATUS", "STARTED"])
        return
    data = _status(session, activation)
    if as_json:
        emit_json(data)
        return
    click.echo(f"{data['tree']} ({data['status']}): {data['reached']} of {data['total']} "
               f"reached ({data['percent_reached']}%), {data['attempted']} tried, "
               f"{data['not_called']} not called, {data['unavailable']} unavailable; "
               f"{data['elapsed_minutes']} min elapsed.")
    for flag in data["needs_coordinator"]:
        click.echo(f"needs the coordinator: {flag['name']}: {flag['why']}")
    for moved in data["reassigned"]:
        click.echo(f"reassigned: {moved['name']} -> {moved['to']}")
    changes = data["tree_changes"]
    if changes["changes"]:
        click.echo(f"calling tree changed since the start ({changes['unseen']} not marked "
                   f"seen): {changes['note']}")
        for change in changes["changes"]:
            who = f" by {change['operator']}" if change["operator"] else ""
            when = f", {change['when']}" if change["when"] else ""
            seen = " [seen]" if change["seen"] else ""
            click.echo(f"tree change: {change['change']} — on {change['laptop']}{who}{when}"
                       f"{seen}")


@activation_group.command("seen-changes")
@click.argument("activation")
@json_option
@pass_cli
def seen_changes_cmd(cli: CliContext, activation: str, as_json: bool) -> None:
    """Mark the calling-tree changes listed by `activation status` as seen on this laptop.

    Example: crisisdesk activation seen-changes 3f2a
    """
    session = cli.session()
    n = activation_service.mark_tree_changes_seen(session, activation)
    if as_json:
        emit_json({"marked_seen": n})
        return
    click.echo(f"Marked {n} calling-tree change{'' if n == 1 else 's'} as seen.")


def _report_command(name: str, pdf_help: str) -> Callable[[Callable[..., None]], click.Command]:
    """`activation NAME ACTIVATION [--pdf FILE] [--json]`: the commands that show the report."""
    def define(fn: Callable[..., None]) -> click.Command:
        pdf = click.option("--pdf", "pdf_path", metavar="FILE", help=pdf_help)
        return activation_group.command(name)(click.argument("activation")(pdf(json_option(
            pass_cli(fn)))))
    return define


@_report_command("close", "Also save the report as PDF.")
def close_cmd(cli: CliContext, activation: str, pdf_path: str | None, as_json: bool) -> None:
    """Close an activation and keep its report (counts, duration, who was never reached).

    Example: crisisdesk activation close 3f2a --pdf report.pdf
    """
    session = cli.session()
    act = activation_service.get_activation(session, activation)
    summary = report_service.close_activation(session, act.id)
    if pdf_path:
        _write_report(session, report_service.report(session, act.id), pdf_path)
    if as_json:
        emit_json(report_service.report(session, act.id))
        return
    click.echo(f"Closed: {summary['reached']} of {summary['total']} reached "
               f"({summary['percent_reached']}%) in {summary['duration_minutes']} minutes; "
               f"{len(summary['never_reached'])} never reached.")


@_report_command("report", "Save the report as PDF.")
def report_cmd(cli: CliContext, activation: str, pdf_path: str | None, as_json: bool) -> None:
    """The report of an activation (kept at closing), with earlier drills of the same tree.

    Example: crisisdesk activation report 3f2a --pdf drill-report.pdf
    """
    session = cli.session()
    data = report_service.report(session, activation_service.get_activation(session,
                                                                            activation).id)
    if pdf_path:
        _write_report(session, data, pdf_path)
    if as_json:
        emit_json(data)
        return
    ms = {k: "never" if v is None else f"after {v} min" for k, v in data["milestones"].items()}
    click.echo(f"{data['tree']}: {data['reached']} of {data['total']} reached "
               f"({data['percent_reached']}%); 50% {ms.get('50')}, 90% {ms.get('90')}, "
               f"100% {ms.get('100')}; {len(data['earlier_drills'])} earlier drills.")
    if data.get("calls_after_close"):
        click.echo(f"{count_of(data['calls_after_close'], 'call')} made after the closing time "
                   "(on a laptop that had not seen the close yet) count above.")


def _write_report(session: Session, data: dict[str, Any], pdf_path: str) -> None:
    from crisisdesk.domain.times import PAPER_MINUTES
    from crisisdesk.printing.calling_tree_paper import report_html
    from crisisdesk.services import settings as settings_service
    from crisisdesk.services.localtime import show, zone

    html = report_html(data, org=settings_service.display_org(session),
                       printed=show(session, session.now_iso(), PAPER_MINUTES), tz=zone(session))
    write_pdf(html, pdf_path, "Calling tree report")


COMMANDS = [activation_group]
