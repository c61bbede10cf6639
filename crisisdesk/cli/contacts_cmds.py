"""`crisisdesk contacts import|export|list|search|add|remove`."""

from __future__ import annotations

from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.domain.contact_columns import EMAILS
from crisisdesk.domain.contacts import FIELDS, Contact, ContactDraft, ContactKind
from crisisdesk.domain.errors import ImportRejected, UserError
from crisisdesk.domain.formatting import shorten
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.contact_import import UnreadColumns

KINDS = click.Choice([k.value for k in ContactKind], case_sensitive=False)


@click.group("contacts")
def contacts_group() -> None:
    """The people the crisis team calls: staff, agencies, media, regulators, vendors."""


def _pairs(values: tuple[str, ...], what: str, example: str) -> list[tuple[str, str]]:
    """'left=right' options as pairs (split at the last '=' so names may contain one)."""
    pairs = []
    for value in values:
        left, sep, right = value.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise click.BadParameter(f"{value!r} is not {what} (e.g. {example}).")
        pairs.append((left.strip(), right.strip()))
    return pairs


def _show(contacts: list[Contact], as_json: bool) -> None:
    """A list of contacts as JSON or as the table `list` and `search` both print."""
    if as_json:
        emit_json([c.as_dict() for c in contacts])
        return
    table([[c.name, c.kind.value, c.organisation, c.phones[0].shown if c.phones else "",
            c.id] for c in contacts], ["NAME", "KIND", "ORGANISATION", "PHONE", "ID"])


@contacts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--map", "maps", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN as FIELD, or 'COLUMN=ignore' to drop it on purpose; "
                   f"repeatable. Fields: {', '.join(FIELDS)}.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows, list the bad ones.")
@click.option("--dry-run", is_flag=True, help="Check everything, write nothing.")
@json_option
@pass_cli
def import_cmd(cli: CliContext, file: Path, maps: tuple[str, ...], skip_invalid: bool,
               dry_run: bool, as_json: bool) -> None:
    """Import contacts from CSV, Excel (.xlsx) or vCard (.vcf): all rows or none.

    A column that holds phone numbers or e-mail addresses is never dropped silently: map it,
    or ignore it on purpose with --map 'COLUMN=ignore'.

    Example: crisisdesk contacts import staff.csv --map "Cell Phone=mobile" --dry-run
    """
    overrides = dict(_pairs(maps, "COLUMN=FIELD", "--map 'Cell Phone=mobile'"))
    session = cli.session()
    try:
        report = contact_service.import_contacts(
            session, file, mapping_overrides=overrides, skip_invalid=skip_invalid,
            dry_run=dry_run)
    except ImportRejected as rejected:
        for problem in rejected.problems:
            click.echo(f"{file.name}: {problem}", err=True)
        raise
    except UnreadColumns as unread:
        raise UserError(_unread_text(unread.columns)) from None
    if as_json:
        emit_json({"imported": report.imported, "skipped": report.skipped,
                   "total_rows": report.total_rows, "dry_run": report.dry_run,
                   "ignored_columns": report.ignored_columns,
                   "sources": [{"field": s.field, "cells": s.cells, "columns": list(s.columns)}
                               for s in report.sources],
                   "problems": [{"line": p.line, "reason": p.reason} for p in report.problems]})
        return
    for problem in report.problems:
        click.echo(f"{file.name}: skipped {problem}", err=True)
    verb = "Would import" if dry_run else "Imported"
    skipped = f"; skipped {report.skipped} bad rows" if report.skipped else ""
    click.echo(f"{verb} {report.imported} of {report.total_rows} contacts from {file.name}"
               f"{skipped}.")
    if report.sources:
        click.echo(f"Read {report.sources_text()}.")
    if report.ignored_columns:
        click.echo(f"Ignored columns: {', '.join(report.ignored_columns)}")


def _shell_quote(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def _unread_text(columns: dict[str, str]) -> str:
    """One line naming each unread column and the --map options that settle it."""
    parts = []
    for header, what in columns.items():
        fld = "email" if what == EMAILS else "phone"
        if len(header) > 60:  # too long to type: the header itself needs fixing
            parts.append(f"column \"{shorten(header)}\" holds {what} but is not read: give it "
                         "a shorter header, then map it with --map")
            continue
        read, drop = (_shell_quote(f"{header}={target}") for target in (fld, "ignore"))
        parts.append(f"column \"{header}\" holds {what} but is not read: add --map {read} "
                     f"to read it or --map {drop} to drop it")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


@contacts_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def export_cmd(cli: CliContext, file: Path) -> None:
    """Export every contact to a spreadsheet-safe CSV (UTF-8, opens in Excel).

    Example: crisisdesk contacts export ~/contacts-2026-11-25.csv
    """
    count = contact_service.export_contacts_csv(cli.session(), file)
    click.echo(f"Exported {count} contacts to {file}.")


@contacts_group.command("list")
@click.option("--kind", type=KINDS, help="Only contacts of this kind.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N (by name).")
@json_option
@pass_cli
def list_cmd(cli: CliContext, kind: str | None, limit: int | None, as_json: bool) -> None:
    """List contacts by name.  Example: crisisdesk contacts list --kind media --json"""
    contacts = contact_service.list_contacts(
        cli.session(), kind=ContactKind(kind.lower()) if kind else None, limit=limit)
    _show(contacts, as_json)


@contacts_group.command("search")
@click.argument("query")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@json_option
@pass_cli
def search_cmd(cli: CliContext, query: str, limit: int, as_json: bool) -> None:
    """Find contacts by name, title, organisation, tag or phone digits, best first.

    Example: crisisdesk contacts search "555 0142"
    """
    contacts = contact_service.search_contacts(cli.session(), query, limit=limit)
    _show(contacts, as_json)


@contacts_group.command("add")
@click.argument("name")
@click.option("--title", default="", help="Job title.")
@click.option("--org", default="", help="Organisation.")
@click.option("--kind", type=KINDS, default=ContactKind.STAFF.value, show_default=True)
@click.option("--phone", "phones", multiple=True, metavar="LABEL=NUMBER",
              help="A phone number with its label; repeatable.")
@click.option("--email", "emails", multiple=True, help="An e-mail address; repeatable.")
@click.option("--notes", default="")
@click.option("--tag", "tags", multiple=True, help="A tag; repeatable.")
@json_option
@pass_cli
def add_cmd(cli: CliContext, name: str, title: str, org: str, kind: str,
            phones: tuple[str, ...], emails: tuple[str, ...], notes: str, tags: tuple[str, ...],
            as_json: bool) -> None:
    """Add one contact.

    Example: crisisdesk contacts add "Dana Reyes" --org Riverside --phone "mobile=212 555 0142"
    """
    draft = ContactDraft(name, title, org, ContactKind(kind.lower()),
                         _pairs(phones, "LABEL=NUMBER", "--phone 'mobile=212 555 0142'"),
                         ", ".join(emails), notes, list(tags))
    contact = contact_service.add_contact(cli.session(), draft)
    if as_json:
        emit_json(contact.as_dict())
    else:
        click.echo(f"Added {contact.name} ({contact.id}).")


@contacts_group.command("remove")
@click.argument("contact_id", metavar="ID")
@pass_cli
def remove_cmd(cli: CliContext, contact_id: str) -> None:
    """Delete a contact by its ID (see 'contacts list').

    Example: crisisdesk contacts remove 3f2b9c1e-6d0a-4a57-9a43-0c1d2e3f4a5b
    """
    session = cli.session()
    contact = contact_service.get_contact(session, contact_id)
    contact_service.delete_contact(session, contact_id)
    click.echo(f"Removed {contact.name}.")


COMMANDS = [contacts_group]
