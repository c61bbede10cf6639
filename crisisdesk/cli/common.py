"""What every command shares: finding the desk, unlocking it (`CliContext`, in context.py),
printing results."""

from __future__ import annotations

import json
from typing import Any

import click

from crisisdesk.cli.context import CliContext, read_secret_file

__all__ = ["CliContext", "emit_json", "json_option", "pass_cli", "read_secret_file", "table"]

pass_cli = click.make_pass_decorator(CliContext)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def table(rows: list[list[str]], headers: list[str]) -> None:
    """Plain aligned columns for terminal output."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(fmt.format(*headers).rstrip())
    for row in rows:
        click.echo(fmt.format(*row).rstrip())
