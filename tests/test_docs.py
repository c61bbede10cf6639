"""Every CLI command is documented in the README, and every setting too, in a table generated
from the settings' own declarations."""

from __future__ import annotations

import runpy
from pathlib import Path

import click
import pytest

from crisisdesk.cli import cli
from crisisdesk.domain.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str) -> list[str]:
    out = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            if command.invoke_without_command:  # the group itself does something
                out.append(path)
            out += _commands(command, path)
        else:
            out.append(path)
    return out


@pytest.mark.parametrize("command", _commands(cli, "crisisdesk"))
def test_command_is_in_the_readme(command: str) -> None:
    assert f"`{command}" in README, f"README.md does not document `{command}`"


@pytest.mark.parametrize("key", [spec.key for spec in SETTINGS])
def test_setting_is_in_the_readme(key: str) -> None:
    assert f"`{key}`" in README, f"README.md does not document the setting `{key}`"


def test_the_settings_table_is_the_generated_one() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "gen_settings_table.py"))
    assert script["readme_table"](README) == script["settings_table"](), (
        f"README.md's settings table differs from crisisdesk/domain/settings.py: run "
        f"{script['COMMAND']}")
