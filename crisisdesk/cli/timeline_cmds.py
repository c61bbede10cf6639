"""`crisisdesk timeline add|correct|list`: the incident's activity log (HICS 214)."""

from __future__ import annotations

from typing import Any

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.cli.crisis_common import pdf_option, when, write_pdf
from crisisdesk.domain.timeline import Category, LogLine, entry_ids, parse_category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import record_origins
from crisisdesk.services import timeline as timeline_service

_CATEGORIES = [c.value for c in Category]


def line_json(line: LogLine, origins: record_origins.Origins = record_origins.NONE
              ) -> dict[str, Any]:
    """`origin`: the other laptop that wrote the entry (null for this laptop's own)."""
    e = line.entry
    return {"id": e.id, "at": e.at, "recorded_at": e.recorded_at, "author": e.author,
            "origin": origins.laptop(e.id) or None,
            "position": e.position or None, "category": e.category.value, "text": e.text,
            "source": e.source, "corrects": e.corrects or None,
            "corrected_by": line.corrected_by.id if line.corrected_by else None}


@click.group("timeline")
def timeline_group() -> None:
    """The incident timeline: an append-only activity log (HICS 214)."""


@timeline_group.command("add")
@click.argument("text")
@click.option("--category", type=click.Choice(_CATEGORIES), default="note", show_default=True)
@click.option("--at", metavar="TIME", help="When it happened: '14:05' or '2026-03-02 14:05' "
              "(local; default now).")
@click.option("--author", metavar="NAME", help="Who did it (default: you).")
@click.option("--position", metavar="ROLE", default="", help="Their crisis role, e.g. PIO.")
@click.option("--incident", metavar="ID", help="Which incident (default: the current one).")
@pass_cli
def add_cmd(cli: CliContext, text: str, category: str, at: str | None, author: str | None,
            position: str, incident: str | None) -> None:
    """Add an entry to the log.

    \b
    Example: crisisdesk timeline add "Insurer notified" --category communication --at 09:40
    """
    entry = timeline_service.add_entry(cli.session(), text, category=parse_category(category),
                                       incident_id=incident, at=at, author=author,
                                       position=position)
    click.echo(f"Added {entry.id[:8]} ({entry.category.value}).")


@timeline_group.command("correct")
@click.argument("entry")
@click.argument("text")
@click.option("--category", type=click.Choice(_CATEGORIES), help="Change the category too.")
@pass_cli
def correct_cmd(cli: CliContext, entry: str, text: str, category: str | None) -> None:
    """Correct an entry: a new entry replaces it; the original stays, marked corrected.

    \b
    Example: crisisdesk timeline correct 5c1d09aa "EHR down since 05:40, not 06:00"
    """
    new = timeline_service.correct_entry(cli.session(), entry, text,
                                         category=parse_category(category) if category else None)
    click.echo(f"Added correction {new.id[:8]} (corrects {new.corrects[:8]}).")


@timeline_group.command("list")
@click.option("--incident", metavar="ID", help="Which incident (default: the current one).")
@click.option("--category", "categories", multiple=True, type=click.Choice(_CATEGORIES),
              help="Only these categories (repeat).")
@click.option("--search", default="", metavar="TEXT", help="Only entries containing TEXT.")
@click.option("--since", metavar="TIME", help="From this local time ('2026-03-02 08:00').")
@click.option("--until", metavar="TIME", help="Up to this local time.")
@click.option("--author", default="", metavar="NAME", help="Only entries by NAME.")
@click.option("--hide-corrected", is_flag=True, help="Leave out entries that were corrected.")
@json_option
@pdf_option
@pass_cli
def list_cmd(cli: CliContext, incident: str | None, categories: tuple[str, ...], search: str,
             since: str | None, until: str | None, author: str, hide_corrected: bool,
             as_json: bool, pdf_path: str | None) -> None:
    """The log in time order, filtered and searched.

    \b
    Example: crisisdesk timeline list --category media --search WRBN
    Example: crisisdesk timeline list --since "2026-03-02 00:00" --pdf activity-log.pdf
    """
    session = cli.session()
    target = incident_service.get_incident(session, incident)
    filters: dict[str, Any] = {"categories": [parse_category(c) for c in categories],
                               "text": search, "since": since, "until": until,
                               "author": author, "include_corrected": not hide_corrected}
    lines = timeline_service.list_entries(session, target.id, **filters)
    origins = record_origins.origins(session, entry_ids(lines))
    if as_json:
        emit_json([line_json(line, origins) for line in lines])
    else:
        rows = []
        for line in lines:
            e = line.entry
            text = e.text.replace("\n", " ")
            if line.corrected_by:
                text = f"[corrected by {line.corrected_by.id[:8]}] {text}"
            if e.corrects:
                text = f"[corrects {e.corrects[:8]}] {text}"
            rows.append([when(session, e.at), e.id[:8], e.category.value,
                         origins.who(e.author, e.id), text])
        if rows:
            table(rows, ["WHEN", "ID", "CATEGORY", "BY", "TEXT"])
        else:
            click.echo("No entries match.")
    if pdf_path:
        from crisisdesk.printing import crisis_reports

        shown = [f"{k}={v}" for k, v in (("category", ",".join(categories)),
                                          ("search", search), ("since", since or ""),
                                          ("until", until or ""), ("author", author)) if v]
        write_pdf(crisis_reports.activity_log(session, target.id,
                                              filters_text="; ".join(shown), **filters),
                  pdf_path, f"Activity Log (HICS 214) — {target.title}")


COMMANDS = [timeline_group]
