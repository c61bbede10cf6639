"""`crisisdesk incident create|list|show|update|use` and `crisisdesk deadlines`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import date_arg, pdf_option, when, write_pdf
from crisisdesk.domain.clocks import Obligation
from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.incidents import (
    DelayForm,
    Incident,
    IncidentKind,
    IncidentStatus,
    LawEnforcementDelay,
    parse_counts,
    parse_info_kinds,
)
from crisisdesk.services import clocks as clock_service
from crisisdesk.services import facts as fact_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session

_KINDS = [k.value for k in IncidentKind]
_STATUSES = [s.value for s in IncidentStatus]


def incident_json(incident: Incident, current_id: str | None = None) -> dict[str, Any]:
    return {
        **incident.plain_fields(), "current": incident.id == current_id,
        "systems_affected": list(incident.systems_affected),
        "info_kinds": [k.value for k in incident.info_kinds],
        "affected_by_state": dict(incident.affected_by_state),
        "affected_unknown_residence": incident.affected_unknown_residence,
        "total_affected": incident.total_affected,
        "law_enforcement_delay": ({**incident.delay.to_dict(),
                                   "ends_on": incident.delay.ends_on.isoformat()}
                                  if incident.delay else None),
    }


def _fact_text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _record_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--title", help="Short name of the incident."),
        click.option("--kind", type=click.Choice(_KINDS), help="What kind of incident."),
        click.option("--status", type=click.Choice(_STATUSES), help="open, contained or closed."),
        click.option("--discovered", metavar="DATE",
                     help="Date of discovery (YYYY-MM-DD): starts every notification clock."),
        click.option("--breach-start", metavar="DATE", help="When the breach started ('' = "
                     "unknown)."),
        click.option("--breach-end", metavar="DATE", help="When it ended ('' = unknown)."),
        click.option("--system", "systems", multiple=True, metavar="NAME",
                     help="A system affected (repeat; replaces the list)."),
        click.option("--info", "info", multiple=True, metavar="KIND",
                     help="Information involved: names, addresses, dates_of_birth (dob), ssn, "
                          "medical_record_numbers (mrn), diagnoses, insurance, financial "
                          "(repeat; replaces the list)."),
        click.option("--affected", multiple=True, metavar="STATE=N",
                     help="People affected by state of residence, e.g. TX=1200 (repeat; "
                          "replaces the table)."),
        click.option("--unknown-residence", type=int, metavar="N",
                     help="People affected whose state of residence is unknown."),
        click.option("--summary", help="What happened, in plain words that finish the sentence "
                     "'we found out that ...' (notices use it; no patient data)."),
        click.option("--delay-official", metavar="NAME",
                     help="Law-enforcement delay: the official who asked."),
        click.option("--delay-agency", metavar="AGENCY", help="Law-enforcement delay: agency."),
        click.option("--delay-form", type=click.Choice([f.value for f in DelayForm]),
                     help="Law-enforcement delay: oral (holds at most 30 days) or written."),
        click.option("--delay-from", metavar="DATE", help="Law-enforcement delay: start date."),
        click.option("--delay-until", metavar="DATE",
                     help="Law-enforcement delay: end of the period the official specified."),
        click.option("--delay-written-on", metavar="DATE",
                     help="An oral delay's written follow-up: the date it was received."),
        click.option("--contained-on", metavar="DATE",
                     help="Response fact: the date the access was stopped ('' = not yet). "
                          "Letters say so only when it is recorded."),
        click.option("--law-enforcement-told", metavar="DATE",
                     help="Response fact: the date law enforcement was told ('' = not told)."),
        click.option("--law-enforcement-agency", metavar="AGENCY",
                     help="Response fact: which agency was told, as it reads after 'we "
                          "reported it to' (e.g. 'the FBI')."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _delay(old: LawEnforcementDelay | None, kw: dict[str, Any]) -> LawEnforcementDelay | None:
    names = ("delay_official", "delay_agency", "delay_form", "delay_from", "delay_until",
             "delay_written_on")
    if all(kw.get(n) is None for n in names):
        return old
    if old is None and (kw.get("delay_from") is None or kw.get("delay_form") is None):
        raise ValidationError("A law-enforcement delay needs at least --delay-form and "
                              "--delay-from (and the official and agency).",
                              {"delay_from": "missing"})
    starts = date_arg(kw.get("delay_from"), "delay_from")
    form = DelayForm(kw["delay_form"]) if kw.get("delay_form") else None
    base = old or LawEnforcementDelay("", "", form or DelayForm.ORAL, starts)  # type: ignore[arg-type]
    changes: dict[str, Any] = {}
    if kw.get("delay_official") is not None:
        changes["official"] = kw["delay_official"]
    if kw.get("delay_agency") is not None:
        changes["agency"] = kw["delay_agency"]
    if form is not None:
        changes["form"] = form
    if starts is not None:
        changes["starts_on"] = starts
    if kw.get("delay_until") is not None:
        changes["until"] = date_arg(kw["delay_until"], "delay_until")
    if kw.get("delay_written_on") is not None:
        changes["written_on"] = date_arg(kw["delay_written_on"], "delay_written_on")
    return dataclasses.replace(base, **changes)


def _changes(kw: dict[str, Any], old: Incident | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if kw.get("title") is not None:
        out["title"] = kw["title"]
    if kw.get("kind"):
        out["kind"] = IncidentKind(kw["kind"])
    if kw.get("status"):
        out["status"] = IncidentStatus(kw["status"])
    if kw.get("discovered") is not None:
        out["discovered_on"] = date_arg(kw["discovered"], "discovered_on")
        if out["discovered_on"] is None:
            raise ValidationError("The discovery date cannot be unknown.",
                                  {"discovered_on": "missing"})
    if kw.get("breach_start") is not None:
        out["breach_started_on"] = date_arg(kw["breach_start"], "breach_started_on")
    if kw.get("breach_end") is not None:
        out["breach_ended_on"] = date_arg(kw["breach_end"], "breach_ended_on")
    if kw.get("systems"):
        out["systems_affected"] = tuple(kw["systems"])
    if kw.get("info"):
        out["info_kinds"] = parse_info_kinds(kw["info"])
    if kw.get("affected"):
        out["affected_by_state"] = parse_counts(kw["affected"])
    if kw.get("unknown_residence") is not None:
        out["affected_unknown_residence"] = kw["unknown_residence"]
    if kw.get("summary") is not None:
        out["summary"] = kw["summary"]
    if kw.get("contained_on") is not None:
        out["contained_on"] = date_arg(kw["contained_on"], "contained_on")
    if kw.get("law_enforcement_told") is not None:
        out["law_enforcement_notified_on"] = date_arg(kw["law_enforcement_told"],
                                                      "law_enforcement_notified_on")
    if kw.get("law_enforcement_agency") is not None:
        out["law_enforcement_agency"] = kw["law_enforcement_agency"]
    delay = _delay(old.delay if old else None, kw)
    if delay is not (old.delay if old else None):
        out["delay"] = delay
    return out


def _show(session: Session, incident: Incident, current: bool) -> None:
    def line(label: str, value: str) -> None:
        click.echo(f"{label + ':' if label else '':<24}{value}")

    line("Incident", f"{incident.title}{'  (current)' if current else ''}")
    line("Id", incident.id)
    line("Kind / status", f"{incident.kind.label} / {incident.status.value}")
    line("Discovered", incident.discovered_on.isoformat())
    start = incident.breach_started_on.isoformat() if incident.breach_started_on else "unknown"
    end = incident.breach_ended_on.isoformat() if incident.breach_ended_on else "unknown"
    line("Breach", f"{start} to {end}")
    line("Systems affected", ", ".join(incident.systems_affected) or "-")
    line("Information", ", ".join(k.label for k in incident.info_kinds) or "-")
    counts = ", ".join(f"{s} {n:,}" for s, n in incident.affected_by_state.items())
    if incident.affected_unknown_residence:
        counts += f"{', ' if counts else ''}unknown {incident.affected_unknown_residence:,}"
    line("Affected", f"{incident.total_affected:,}" + (f" ({counts})" if counts else ""))
    if incident.delay:
        line("Law-enforcement delay", incident.delay.describe())
        expiry = incident.delay.oral_expires_on
        if expiry and not incident.delay.written_followed:
            line("", f"oral: expires {expiry.isoformat()} unless a written statement follows")
    if incident.summary:
        line("Summary", incident.summary)
    facts = fact_service.recorded_response(session, incident)
    click.echo("Response facts (what letters and statements may state):")
    for key, _variable, label in fact_service.RESPONSE_FACTS:
        value = facts[key]
        line(f"  {label}", _fact_text(value) if value not in (None, "") else "not recorded")
    line("Updated", f"{when(session, incident.updated_at)} by {incident.updated_by}")


@click.group("incident")
def incident_group() -> None:
    """The incident record: what happened, who is affected, law-enforcement delay."""


@incident_group.command("create")
@_record_options
@click.option("--no-current", is_flag=True, help="Do not make it the current incident.")
@pass_cli
def create_cmd(cli: CliContext, no_current: bool, **kw: Any) -> None:
    """Record a new incident; it becomes the current one.

    \b
    Example: crisisdesk incident create --title "EHR ransomware" --kind ransomware
             --discovered 2026-03-02 --affected TX=1200 --affected OK=40 --info names
    """
    for name in ("title", "kind", "discovered"):
        if not kw.get(name):
            raise ValidationError(f"--{name} is needed to create an incident.",
                                  {name: "missing"})
    session = cli.session()
    changes = _changes(kw, None)
    changes.setdefault("status", IncidentStatus.OPEN)
    incident = incident_service.create_incident(session, make_current=not no_current, **changes)
    click.echo(f"Created incident {incident.id[:8]}: {incident.title}")


@incident_group.command("list")
@json_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """List incidents, newest discovery first; * marks the current one.

    \b
    Example: crisisdesk incident list --json
    """
    session = cli.session()
    current = incident_service.current_incident(session)
    current_id = current.id if current else None
    incidents = incident_service.list_incidents(session)
    if as_json:
        emit_json([incident_json(i, current_id) for i in incidents])
        return
    table([["*" if i.id == current_id else "", i.id[:8], i.discovered_on.isoformat(),
            i.kind.value, i.status.value, f"{i.total_affected:,}", i.title] for i in incidents],
          ["", "ID", "DISCOVERED", "KIND", "STATUS", "AFFECTED", "TITLE"])


@incident_group.command("show")
@click.argument("incident", required=False)
@json_option
@pass_cli
def show_cmd(cli: CliContext, incident: str | None, as_json: bool) -> None:
    """Show an incident (default: the current one).

    \b
    Example: crisisdesk incident show 3f2a9c1e
    """
    session = cli.session()
    found = incident_service.get_incident(session, incident)
    current = incident_service.current_incident(session)
    is_current = current is not None and current.id == found.id
    if as_json:
        facts = fact_service.recorded_response(session, found)
        emit_json({**incident_json(found, current.id if current else None),
                   "response_facts": {k: None if v in (None, "") else _fact_text(v)
                                      for k, v in facts.items()}})
        return
    _show(session, found, is_current)


@incident_group.command("update")
@click.argument("incident", required=False)
@_record_options
@click.option("--clear-delay", is_flag=True, help="Remove the law-enforcement delay.")
@pass_cli
def update_cmd(cli: CliContext, incident: str | None, clear_delay: bool, **kw: Any) -> None:
    """Change an incident (default: the current one); only the options given change.

    \b
    Example: crisisdesk incident update --status contained --affected TX=1300
    Example: crisisdesk incident update --delay-official "SA Jon Bell" --delay-agency FBI
             --delay-form oral --delay-from 2026-03-10
    """
    session = cli.session()
    old = incident_service.get_incident(session, incident)
    changes = _changes(kw, old)
    if clear_delay:
        changes["delay"] = None
    if not changes:
        raise click.UsageError("Nothing to change: give at least one option (see --help).")
    new = incident_service.update_incident(session, old.id, **changes)
    click.echo(f"Updated incident {new.id[:8]}: {new.title}")


@incident_group.command("use")
@click.argument("incident")
@pass_cli
def use_cmd(cli: CliContext, incident: str) -> None:
    """Make an incident the current one.

    \b
    Example: crisisdesk incident use 3f2a9c1e
    """
    found = incident_service.set_current_incident(cli.session(), incident)
    click.echo(f"Current incident: {found.title}")


# --- deadlines -------------------------------------------------------------------------------


def obligation_json(o: Obligation, today: Any) -> dict[str, Any]:
    return {
        "key": o.key, "title": o.title, "jurisdiction": o.jurisdiction,
        "audience": o.rule.audience, "citation": o.rule.citation, "timing": o.rule.timing,
        "due": o.due.isoformat() if o.due else None,
        "nominal_due": o.nominal_due.isoformat() if o.nominal_due else None,
        "days_left": o.days_left(today), "state": o.state(today), "count": o.count,
        "basis": list(o.basis), "advisory": o.advisory or None,
        "caution": o.caution or None, "prompt": o.is_prompt,
        "delay_applied": o.delay_applied or None,
        "confidence": o.rule.confidence or None,
        "effective_from": o.rule.effective_from.isoformat() if o.rule.effective_from else None,
        "effective_to": o.rule.effective_to.isoformat() if o.rule.effective_to else None,
        "done": ({"done_on": o.done.done_on.isoformat(), "reference": o.done.reference,
                  "note": o.done.note} if o.done else None),
    }


@click.group("deadlines", invoke_without_command=True)
@click.option("--incident", metavar="ID", help="Which incident (default: the current one).")
@json_option
@pdf_option
@click.pass_context
def deadlines_group(ctx: click.Context, incident: str | None, as_json: bool,
                    pdf_path: str | None) -> None:
    """Notification deadlines for an incident: who must be told, by when.

    Computed from the rules file (federal HIPAA and state laws) as in force on the incident's
    discovery date; versions not in force then are listed below the table. Verify with counsel.

    \b
    Example: crisisdesk deadlines
    Example: crisisdesk deadlines --incident 3f2a9c1e --json
    Example: crisisdesk deadlines --pdf obligations.pdf
    Example: crisisdesk deadlines done hipaa.hhs --on 2026-04-20 --ref "OCR portal 1182"
    """
    if ctx.invoked_subcommand is not None:
        return
    cli = ctx.find_object(CliContext)
    assert cli is not None
    session = cli.session()
    report = clock_service.deadlines(session, incident)
    if not report.rules.rules:
        raise UserError("No deadlines can be computed: the notification rules could not be "
                        f"read ({'; '.join(report.rules.problems) or 'no rules'}).")
    for problem in report.rules.problems:
        click.echo(f"crisisdesk: warning: rule skipped: {problem}", err=True)
    if as_json:
        emit_json({
            "incident": incident_json(report.incident), "today": report.today.isoformat(),
            "days_since_discovery": report.days_since_discovery,
            "rules_last_reviewed": (report.rules.last_reviewed.isoformat()
                                    if report.rules.last_reviewed else None),
            "verify_note": report.rules.verify_note, "rule_problems": list(report.rules.problems),
            "obligations": [{**obligation_json(o, report.today),
                             "team_conflict": o.key in report.in_team_conflict}
                            for o in report.obligations],
            "law_enforcement_delay_applies": report.delay_lines,
            "not_in_force": [{"key": v.rule.key, "title": v.rule.title,
                              "citation": v.rule.citation, "timing": v.rule.timing,
                              "in_force": v.rule.period(), "reason": v.reason}
                             for v in report.not_in_force],
        })
    else:
        inc = report.incident
        click.echo(f"{inc.title}: discovered {inc.discovered_on.isoformat()} "
                   f"({report.days_since_discovery} days ago); {inc.total_affected:,} affected.")
        click.echo(f"{report.rules.verify_note} Rules last reviewed "
                   f"{report.rules.last_reviewed or 'unknown'}.")
        if inc.delay:
            click.echo(f"Law-enforcement delay: {inc.delay.describe()}.")
            for line in report.delay_lines:
                click.echo(f"  {line}")
        rows = []
        for o in report.obligations:
            state = o.state(report.today)
            left = o.days_left(report.today)
            if state == "done" and o.done:
                status = f"done {o.done.done_on.isoformat()}"
            elif state == "advisory":
                status = "check with counsel"
            elif left is None:
                status = "no fixed date"
            else:
                status = (f"OVERDUE by {-left} days" if left < 0 else f"{left} days left")
            if o.key in report.in_team_conflict:
                status += f"; {clock_service.TEAM_CONFLICT}"
            rows.append([o.due.isoformat() if o.due else "-", status, o.key, o.title])
        if rows:
            table(rows, ["DUE", "STATUS", "KEY", "NOTICE"])
        else:
            click.echo("No notices triggered yet: record affected counts by state.")
        for o in report.obligations:
            if o.caution:
                click.echo(f"Verify {o.key}: {o.caution}.")
        if report.not_in_force:
            click.echo(f"Not in force for a breach discovered {inc.discovered_on.isoformat()} "
                       "(not applied):")
            for v in report.not_in_force:
                click.echo(f"  {v.rule.key}: {v.reason}. It says: {v.rule.timing}.")
    if pdf_path:
        from crisisdesk.printing import crisis_reports

        write_pdf(crisis_reports.obligations(session, report.incident.id), pdf_path,
                  f"Notification obligations — {report.incident.title}")


@deadlines_group.command("done")
@click.argument("key")
@click.option("--on", "on", required=True, metavar="DATE", help="Date the notice went out.")
@click.option("--ref", "reference", default="", help="Proof: portal id, mailing batch, letter.")
@click.option("--note", default="", help="Anything else worth keeping.")
@click.option("--incident", metavar="ID", help="Which incident (default: the current one).")
@pass_cli
def done_cmd(cli: CliContext, key: str, on: str, reference: str, note: str,
             incident: str | None) -> None:
    """Mark an obligation done with the date and a reference.

    \b
    Example: crisisdesk deadlines done state.TX.ag --on 2026-03-28 --ref "TX AG form 55120"
    """
    done_on = date_arg(on, "done_on")
    assert done_on is not None
    o = clock_service.mark_done(cli.session(), key, done_on, reference=reference, note=note,
                                incident_ref=incident)
    click.echo(f"Marked done: {o.title} on {done_on.isoformat()}.")


@deadlines_group.command("undo")
@click.argument("key")
@click.option("--incident", metavar="ID", help="Which incident (default: the current one).")
@pass_cli
def undo_cmd(cli: CliContext, key: str, incident: str | None) -> None:
    """Mark an obligation not done again (a mistaken entry).

    \b
    Example: crisisdesk deadlines undo state.TX.ag
    """
    o = clock_service.mark_not_done(cli.session(), key, incident_ref=incident)
    click.echo(f"Not done: {o.title}.")


@deadlines_group.command("flag")
@click.argument("flag", required=False)
@click.option("--off", is_flag=True, help="Clear the flag instead of setting it.")
@pass_cli
def flag_cmd(cli: CliContext, flag: str | None, off: bool) -> None:
    """Show or set the organisation's profile flags that make conditional rules apply
    (admins only to change).

    \b
    Example: crisisdesk deadlines flag ca_licensed_health_facility
    """
    session = cli.session()
    known = clock_service.load_rules(session).flags
    if flag is None:
        current = clock_service.profile_flags(session)
        for name, meaning in known.items():
            click.echo(f"[{'x' if name in current else ' '}] {name}: {meaning}")
        return
    flags = clock_service.set_profile_flag(session, flag, not off)
    click.echo(f"{flag} is {'set' if flag in flags else 'not set'}.")


COMMANDS = [incident_group, deadlines_group]
