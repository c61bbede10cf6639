"""`crisisdesk binder [--out FILE.pdf]`: print the downtime binder, or say how old it is."""

from __future__ import annotations

from pathlib import Path

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli
from crisisdesk.domain.errors import UserError
from crisisdesk.services import binder as binder_service
from crisisdesk.services.localtime import show


@click.command("binder")
@click.option("--out", "out", metavar="FILE", help="Write the binder to FILE (one PDF).")
@json_option
@pass_cli
def binder_cmd(cli: CliContext, out: str | None, as_json: bool) -> None:
    """The downtime binder: every paper the team needs when the laptop is gone, as one PDF.

    Without --out, says when it was last printed and how many changes the desk saw since.

    \b
    Example: crisisdesk binder --out binder.pdf
    Example: crisisdesk binder --json
    """
    session = cli.session()
    if out is None:
        status = binder_service.status(session)
        if as_json:
            emit_json({"printed_at": status.printed_at, "pages": status.pages,
                       "changes_since": status.changes_since,
                       "text": status.text(session.now())})
        else:
            click.echo(status.text(session.now())
                       + (f" Printed {show(session, status.printed_at)}, {status.pages} pages."
                          if status.printed_at else ""))
        return
    target = Path(out).expanduser()
    if target.is_dir():
        raise UserError(f"--out: {target} is a folder; give a file name such as binder.pdf.")
    from crisisdesk.printing.binder import make_binder
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    result = make_binder(session, target)
    if as_json:
        emit_json(result.to_dict())
    else:
        click.echo(f"Wrote {result.path}: {result.pages} pages, {len(result.entries)} sections "
                   f"({result.seconds:.1f} s).")


COMMANDS = [binder_cmd]
