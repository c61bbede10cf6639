"""`crisisdesk settings list|get|set|reset`: the same declared settings the GUI's page shows."""

from __future__ import annotations

import click

from crisisdesk.cli.common import CliContext, emit_json, json_option, pass_cli, table
from crisisdesk.domain.settings import SETTINGS, SettingSpec, SettingValue, spec_for
from crisisdesk.services import settings as settings_service


def _show(value: SettingValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else '""'


def _spec_json(spec: SettingSpec) -> dict[str, object]:
    return {"key": spec.key, "type": spec.type_name, "default": spec.default,
            "label": spec.label, "help": spec.help, "allowed": spec.allowed(),
            "minimum": spec.minimum, "maximum": spec.maximum,
            "choices": list(spec.choices) if spec.choices else None}


@click.group("settings")
def settings_group() -> None:
    """Desk settings: auto-lock, call escalation, reading grade, phone region, time zone."""


@settings_group.command("list")
@json_option
@pass_cli
def list_cmd(cli: CliContext, as_json: bool) -> None:
    """Show every setting, its value and whether it is the default.

    \b
    Example: crisisdesk settings list --json
    """
    states = settings_service.all_settings(cli.session())
    if as_json:
        emit_json([{**_spec_json(s.spec), "value": s.value, "is_default": s.is_default}
                   for s in states])
        return
    table([[s.spec.key, _show(s.value) + (" (default)" if s.is_default else ""), s.spec.label]
           for s in states], ["KEY", "VALUE", "MEANING"])


@settings_group.command("get")
@click.argument("key")
@json_option
@pass_cli
def get_cmd(cli: CliContext, key: str, as_json: bool) -> None:
    """Print one setting's value.

    \b
    Example: crisisdesk settings get autolock_minutes
    """
    spec = spec_for(key)
    session = cli.session()
    value = settings_service.get(session, spec.key)
    if as_json:
        state = next(s for s in settings_service.all_settings(session) if s.spec is spec)
        emit_json({**_spec_json(spec), "value": state.value, "is_default": state.is_default})
    else:
        click.echo(_show(value))


def _keys_epilog() -> str:
    lines = ["\b", "Settings:"]
    lines += [f"  {s.key:<26} {s.allowed()} (default {_show(s.default)})" for s in SETTINGS]
    return "\n".join(lines)


@settings_group.command("set", epilog=_keys_epilog())
@click.argument("key")
@click.argument("value")
@pass_cli
def set_cmd(cli: CliContext, key: str, value: str) -> None:
    """Change a setting (admins only).

    \b
    Example: crisisdesk settings set autolock_minutes 15
    """
    spec = spec_for(key)
    session = cli.session()
    typed = settings_service.set(session, spec.key, value)
    click.echo(f"{spec.key} is now {_show(typed)}.")


@settings_group.command("reset")
@click.argument("key")
@pass_cli
def reset_cmd(cli: CliContext, key: str) -> None:
    """Put a setting back to its default (admins only).

    \b
    Example: crisisdesk settings reset timezone
    """
    spec = spec_for(key)
    session = cli.session()
    changed = settings_service.reset(session, spec.key)
    state = "back to" if changed else "already at"
    click.echo(f"{spec.key} is {state} its default, {_show(spec.default)}.")


COMMANDS = [settings_group]
