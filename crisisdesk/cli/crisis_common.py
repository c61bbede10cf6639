"""Bits the incident, roles, timeline, systems and deadlines commands share: dates as typed,
local times for display, and writing a printout as PDF (Qt is loaded only when asked for)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from crisisdesk.domain.incidents import parse_date
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session

pdf_option = click.option("--pdf", "pdf_path", metavar="FILE",
                          help="Also write the printable version to FILE (PDF, US Letter).")


def date_arg(value: str | None, field_name: str) -> dt.date | None:
    return parse_date(value, field_name) if value is not None else None


def when(session: Session, utc_iso: str) -> str:
    return show(session, utc_iso)


def write_pdf(html: str, path: str, title: str) -> None:
    """Lay out `html` and write it to `path`; starts an offscreen Qt app only now."""
    from crisisdesk.printing.pdf import ensure_gui_app, html_to_pdf

    ensure_gui_app()
    target = Path(path).expanduser()
    html_to_pdf(html, target, title=title)
    click.echo(f"Wrote {target}")
