"""Every CLI command is documented in the README, and every setting too, in a table generated
from the settings' own declarations; every command the user guide shows exists, and every
picture it shows is there."""

from __future__ import annotations

import re
import runpy
import shlex
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


# -- the user guide: every command it shows exists, with the options it uses ------------------

GUIDE = ROOT / "docs" / "guide"
_CODE = re.compile(r"```[a-z]*\n(.*?)```|`([^`\n]+)`", re.S)


def guide_commands(text: str) -> list[str]:
    """Every `crisisdesk …` command line in a page's code spans and blocks (one per line,
    after any VAR=value prefix; `\\` continuations joined)."""
    found = []
    for block, span in _CODE.findall(text):
        for line in (block or span).replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            at = line.find("crisisdesk ")
            if at >= 0 and (at == 0 or line[at - 1] in " /"):
                found.append(line[at:])
    return found


def command_problem(line: str) -> str | None:
    """Why `line` is not a command `crisisdesk` would accept (None when it is)."""
    words = shlex.split(line)[1:]
    command: click.Command = cli
    path = ["crisisdesk"]
    options: set[str] = set()
    positional: list[str] = []
    while words:
        options |= {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        word = words.pop(0)
        if word.startswith("-"):
            name = word.split("=")[0]
            if name not in options | {"--help", "-h", "--version"}:
                return f"`{' '.join(path)}` has no option {name}"
            param = next((p for p in command.params if name in (*p.opts, *p.secondary_opts)),
                         None)
            if param is not None and not getattr(param, "is_flag", False) and "=" not in word \
                    and not getattr(param, "count", False):
                words = words[1:]  # its value
            continue
        if isinstance(command, click.Group) and word in command.commands:
            command = command.commands[word]
            path.append(word)
            options = set()
            continue
        if isinstance(command, click.Group):
            return f"`{' '.join(path)}` has no command {word!r}"
        positional.append(word)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if any(a.nargs == -1 for a in arguments):
        return None
    needed = sum(1 for a in arguments if a.required)
    if not needed <= len(positional) <= len(arguments):
        names = " ".join(a.human_readable_name for a in arguments)
        return f"`{' '.join(path)}` takes {names or 'no arguments'}, not {positional}"
    return None


GUIDE_PAGES = sorted(GUIDE.glob("*.md"))


def test_the_guide_has_a_page_per_job_and_the_readme_links_it() -> None:
    names = {p.stem for p in GUIDE_PAGES}
    assert {"spokesperson", "coordinator", "caller", "privacy-officer", "administrator",
            "print-this-first"} <= names
    assert "docs/guide/" in README


@pytest.mark.parametrize("page", GUIDE_PAGES, ids=lambda p: p.name)
def test_every_command_in_the_guide_exists(page: Path) -> None:
    text = page.read_text("utf-8")
    problems = [f"{line}: {why}" for line in guide_commands(text)
                if (why := command_problem(line))]
    assert not problems, f"{page.name}: " + "; ".join(problems)


@pytest.mark.parametrize("page", [*GUIDE_PAGES, ROOT / "README.md"], ids=lambda p: p.name)
def test_every_picture_the_guide_shows_exists(page: Path) -> None:
    text = page.read_text("utf-8")
    missing = [target for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
               if not (page.parent / target).is_file()]
    assert not missing, f"{page.name} shows pictures that are not there: {missing}"


def test_the_command_check_can_fail() -> None:
    assert command_problem("crisisdesk contacts import staff.csv --dry-run") is None
    assert command_problem("crisisdesk --data-dir d binder --out b.pdf") is None
    assert "no command 'imprt'" in (command_problem("crisisdesk contacts imprt x") or "")
    assert "no option --dryrun" in (command_problem("crisisdesk contacts import x --dryrun")
                                    or "")
    assert "takes KEY OLD NEW" in (command_problem("crisisdesk templates diff sms") or "")
    assert guide_commands("run `CRISISDESK_OPERATOR=pat crisisdesk media list --open`") == [
        "crisisdesk media list --open"]
