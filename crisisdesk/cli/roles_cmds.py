"""`crisisdesk roles list|who|show|assign|ack|unavailable|handover|edit|print|warnings`."""

from __future__ import annotations

from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import pdf_option, when, write_pdf
from crisisdesk.domain.roles import SPOKESPERSON, RoleGroup, RoleStatus, Slot
from crisisdesk.services import periods_set_aside
from crisisdesk.services import roles as role_service
from crisisdesk.services.session import Session


def _slot_json(slot: Slot) -> dict[str, Any]:
    return {"rank": slot.rank, "label": slot.label, "contact_id": slot.person.contact_id,
            "name": slot.person.name, "job_title": slot.person.job_title,
            "phone": slot.person.phone, "available": slot.available,
            "unavailable_since": slot.unavailable_since or None,
            "unavailable_reason": slot.unavailable_reason or None,
            "acknowledged_at": slot.acknowledged_at or None,
            "acknowledged_by": slot.acknowledged_by or None}


def status_json(status: RoleStatus) -> dict[str, Any]:
    acting = status.acting
    return {"role": status.role.key, "title": status.role.title, "short": status.role.short,
            "group": status.role.group.value, "state": status.state,
            "acting": _slot_json(acting.slot) if acting else None,
            "lineup": [_slot_json(s) for s in status.slots]}


def _ack(session: Session, status: RoleStatus) -> str:
    if status.acting is None:
        return ""
    slot = status.acting.slot
    return f"ack {when(session, slot.acknowledged_at)}" if slot.acknowledged_at else "not ack'd"


@click.group("roles")
def roles_group() -> None:
    """Crisis roles (HICS and breach roles): who holds each one now, with backups."""


@roles_group.command("list")
@click.option("--period", type=int, metavar="N", help="An earlier operational period.")
@json_option
@pass_cli
def list_cmd(cli: CliContext, period: int | None, as_json: bool) -> None:
    """Every role with who is acting now, their phone and the backups; and any period set
    aside because two laptops of the team started it (with its line-ups).

    \b
    Example: crisisdesk roles list
    Example: crisisdesk roles list --period 1 --json
    """
    session = cli.session()
    roster = role_service.roster(session, period)
    set_aside = periods_set_aside.set_aside_periods(session)
    p = roster.period
    if as_json:
        emit_json({"period": ({"number": p.number, "starts_at": p.starts_at,
                               "ends_at": p.ends_at, "ended_at": p.ended_at or None,
                               "handover_note": p.handover_note or None} if p else None),
                   "roles": [status_json(s) for s in roster.statuses],
                   "set_aside": [x.as_dict() for x in set_aside]})
        return
    if p is None:
        click.echo("No operational period yet: 'crisisdesk roles assign' starts period 1.")
    else:
        click.echo(f"Operational period {p.number}: {when(session, p.starts_at)} to "
                   f"{when(session, p.ends_at)}" + (" (ended)" if p.ended_at else ""))
    rows = []
    for s in roster.statuses:
        acting = s.acting.slot if s.acting else None
        who = acting.person.name if acting else {"unassigned": "-",
                                                 "uncovered": "UNCOVERED"}[s.state]
        if acting and acting.rank:
            who += f" (acting, {acting.label})"
        backups = ", ".join(x.person.name + ("" if x.available else " [unavailable]")
                            for x in s.slots if not acting or x.rank != acting.rank)
        rows.append([s.role.short, who, acting.person.phone if acting else "",
                     _ack(session, s), backups])
    table(rows, ["ROLE", "HOLDER NOW", "PHONE", "ACK", "OTHERS"])
    for aside in set_aside:  # two laptops started one period: the later is set aside
        for line in aside.lines():
            click.echo(line)


@roles_group.command("who")
@click.argument("role", default=SPOKESPERSON)
@json_option
@pass_cli
def who_cmd(cli: CliContext, role: str, as_json: bool) -> None:
    """Who holds a role right now (default: the spokesperson, PIO).

    \b
    Example: crisisdesk roles who
    Example: crisisdesk roles who ic
    """
    status = role_service.role_status(cli.session(), role)
    if as_json:
        emit_json(status_json(status))
        return
    line = status.describe()
    if status.acting and status.acting.slot.person.phone:
        line += f", {status.acting.slot.person.phone}"
    click.echo(line)


@roles_group.command("show")
@click.argument("role")
@pass_cli
def show_cmd(cli: CliContext, role: str) -> None:
    """A role's description and first-actions checklist.

    \b
    Example: crisisdesk roles show pio
    """
    found = role_service.get_role(cli.session(), role)
    click.echo(f"{found.title} ({found.short}) - {found.group.label}")
    click.echo(found.description)
    click.echo("First actions:")
    for action in found.first_actions:
        click.echo(f"  [ ] {action}")


def _person_id(session: Session, text: str) -> str:
    return role_service.find_person(session, text).id


@roles_group.command("assign")
@click.argument("role")
@click.argument("primary")
@click.option("--backup", "backups", multiple=True, metavar="PERSON",
              help="A backup, in order (repeat for backup 2, 3...).")
@pass_cli
def assign_cmd(cli: CliContext, role: str, primary: str, backups: tuple[str, ...]) -> None:
    """Give a role a primary holder and ordered backups (names or contact ids).

    \b
    Example: crisisdesk roles assign pio "Zoë Mbeki-Adams" --backup "Luis Ortega"
    """
    session = cli.session()
    status = role_service.assign_role(session, role, _person_id(session, primary),
                                      [_person_id(session, b) for b in backups])
    click.echo(status.describe())


@roles_group.command("ack")
@click.argument("role")
@click.option("--person", metavar="PERSON", help="Who acknowledged (default: the holder now).")
@click.option("--by", default="", metavar="NAME", help="Who took the acknowledgement.")
@pass_cli
def ack_cmd(cli: CliContext, role: str, person: str | None, by: str) -> None:
    """Record that a holder acknowledged their role for this period.

    \b
    Example: crisisdesk roles ack pio
    """
    session = cli.session()
    who = _person_id(session, person) if person else None
    status = role_service.acknowledge(session, role, who, by=by)
    click.echo(f"Acknowledged: {status.describe()}")


@roles_group.command("unavailable")
@click.argument("person")
@click.option("--role", metavar="ROLE", help="Only for this role (default: all their roles).")
@click.option("--reason", default="", help="Why (kept in the log; no patient data).")
@click.option("--back", is_flag=True, help="They are available again.")
@pass_cli
def unavailable_cmd(cli: CliContext, person: str, role: str | None, reason: str,
                    back: bool) -> None:
    """Mark a person unavailable: the next backup becomes the acting holder.

    \b
    Example: crisisdesk roles unavailable "Zoë Mbeki-Adams" --reason "in surgery"
    Example: crisisdesk roles unavailable "Zoë Mbeki-Adams" --back
    """
    session = cli.session()
    contact_id = _person_id(session, person)
    if back:
        statuses = role_service.mark_available(session, contact_id, role_key=role)
    else:
        statuses = role_service.mark_unavailable(session, contact_id, role_key=role,
                                                 reason=reason)
    for status in statuses:
        click.echo(status.describe())


@roles_group.command("handover")
@click.option("--note", required=True, help="What is done, what is pending, what to watch.")
@click.option("--hours", type=float, default=12.0, show_default=True,
              help="Length of the next operational period.")
@pass_cli
def handover_cmd(cli: CliContext, note: str, hours: float) -> None:
    """End the operational period with a handover note and start the next one.

    \b
    Example: crisisdesk roles handover --note "Statement 2 out; TV callback 16:00"
    """
    period = role_service.end_period(cli.session(), note, next_hours=hours)
    click.echo(f"Operational period {period.number} started; roles carried over "
               "(acknowledgements start again).")


@roles_group.command("edit")
@click.argument("role")
@click.option("--title", help="The role's name.")
@click.option("--short", help="Abbreviation for the chart and status bar, e.g. PIO.")
@click.option("--group", type=click.Choice([g.value for g in RoleGroup]),
              help="Where it sits on the chart.")
@click.option("--description", help="One or two sentences: what the role does.")
@click.option("--action", "actions", multiple=True, metavar="TEXT",
              help="A first action (repeat, in order; replaces the checklist).")
@click.option("--remove", is_flag=True, help="Take the role out of this desk's catalogue.")
@pass_cli
def edit_cmd(cli: CliContext, role: str, title: str | None, short: str | None,
             group: str | None, description: str | None, actions: tuple[str, ...],
             remove: bool) -> None:
    """Edit a role in this desk's catalogue, or add a new one (admins only).

    \b
    Example: crisisdesk roles edit hr_lead --title "HR lead" --group breach
             --description "Staff welfare and overtime." --action "Open the overtime log"
    """
    session = cli.session()
    if remove:
        role_service.remove_role(session, role)
        click.echo(f"Removed {role} from this desk's catalogue.")
        return
    existing = role_service.catalogue(session).get(role.strip().lower())
    saved = role_service.edit_role(
        session, role, title=title if title is not None else (existing.title if existing
                                                                else ""),
        short=short if short is not None else (existing.short if existing else ""),
        group=RoleGroup(group) if group else (existing.group if existing
                                              else RoleGroup.BREACH),
        description=description if description is not None else (
            existing.description if existing else ""),
        first_actions=list(actions) if actions else list(
            existing.first_actions if existing else ()))
    click.echo(f"Saved {saved.key}: {saved.title}")


@roles_group.command("print")
@click.option("--period", type=int, metavar="N", help="An earlier operational period.")
@pdf_option
@pass_cli
def print_cmd(cli: CliContext, period: int | None, pdf_path: str | None) -> None:
    """The org chart (HICS 207 style) as a PDF.

    \b
    Example: crisisdesk roles print --pdf org-chart.pdf
    """
    if not pdf_path:
        raise click.UsageError("Say where to write it: --pdf FILE.")
    from crisisdesk.printing import crisis_reports

    write_pdf(crisis_reports.org_chart(cli.session(), period), pdf_path,
              "Incident Management Team Chart (HICS 207)")


@roles_group.command("warnings")
@json_option
@pass_cli
def warnings_cmd(cli: CliContext, as_json: bool) -> None:
    """What the coordinator must know: one person acting in two command roles, a role with
    no backup (left), a running activation with nobody to report back to.

    \b
    Example: crisisdesk roles warnings
    """
    from crisisdesk.services.role_warnings import warnings

    found = warnings(cli.session())
    if as_json:
        emit_json([w.as_dict() for w in found])
        return
    if not found:
        click.echo("No warnings about who holds which role.")
    for warning in found:
        click.echo(f"Warning: {warning.text}")


COMMANDS = [roles_group]
