"""The wheel carries every module and every shipped data file, and finds the data once installed.

The data sits in the top-level resources/ folder, outside the package, and only the build's
mapping puts it inside as `crisisdesk.resources`; a mistake there passes every other test (they
read the checkout) and ships an app with no templates, rules or fonts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _package_dirs() -> set[str]:
    return {p.parent.relative_to(ROOT).as_posix().replace("/", ".")
            for p in (ROOT / "crisisdesk").rglob("__init__.py")}


def test_every_package_is_listed_for_the_build() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
                 ["tool"]["setuptools"]["packages"])
    missing = sorted(_package_dirs() - listed)
    assert not missing, f"add {missing} to [tool.setuptools] packages in pyproject.toml"
    assert "crisisdesk.resources" in listed


@pytest.mark.slow
def test_the_wheel_holds_the_code_and_the_shipped_data(tmp_path: Path) -> None:
    source = tmp_path / "src"  # build from a copy: the checkout gets no build/ or egg-info
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("crisisdesk", "resources"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "--no-index", "-q", "-w", str(out),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr  # needs setuptools>=70.1
    [wheel] = out.glob("crisisdesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    shipped = {f"crisisdesk/resources/{p.relative_to(ROOT / 'resources').as_posix()}"
               for p in (ROOT / "resources").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    code = {p.relative_to(ROOT).as_posix() for p in (ROOT / "crisisdesk").rglob("*.py")}
    assert "crisisdesk/resources/fonts/DejaVuSans.ttf" in shipped
    assert "crisisdesk/resources/rules/notification_rules.toml" in shipped
    assert not shipped - names, f"missing from the wheel: {sorted(shipped - names)}"
    assert not code - names, f"missing from the wheel: {sorted(code - names)}"
    assert not [n for n in names if n.startswith("resources/")], "data outside the package"

    # Installed from the wheel, away from any checkout, the app reads its data through
    # importlib.resources: templates, wording lists, rules, and the fonts as real files.
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import crisisdesk.paths as p\n"
        "from crisisdesk.store.library import library_files\n"
        "from crisisdesk.store import rule_files, wording\n"
        "assert p.__file__.startswith(sys.argv[1]), p.__file__\n"
        "assert not rule_files.notification_rules().problem\n"
        "assert wording.wording_rules()\n"
        "print(len(library_files()), (p.FONTS_DIR / 'DejaVuSans.ttf').is_file())\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(target)], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    templates = len(list((ROOT / "resources" / "templates").glob("*.tmpl")))
    assert run.stdout.split() == [str(templates), "True"]
