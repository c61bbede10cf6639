"""The Linux menu entry: `make install-desktop` puts a valid .desktop file, pointing at the
installed app, and the icon in every size where a desktop looks for them.

Run against a stand-in bundle and a private HOME, so it needs no `make dist` and touches
nothing of the user's. The installed file is checked with `desktop-file-validate` when it is
installed, and parsed (the keys a menu needs) always.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

pytestmark = pytest.mark.skipif(shutil.which("make") is None or os.name == "nt",
                                reason="make install-desktop is for Linux, with make")


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.fixture
def installed(tmp_path: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
    bundle = tmp_path / "dist" / "crisisdesk"
    bundle.mkdir(parents=True)
    executable = bundle / "crisisdesk"
    executable.write_text("#!/bin/sh\necho stand-in\n")
    executable.chmod(0o755)
    home = tmp_path / "home"
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "install-desktop",
                           f"BUNDLE={bundle}", f"HOME={home}"],
                          capture_output=True, text=True, timeout=60, check=False)
    return home, done


def test_install_desktop_installs_entry_icons_and_app(
        installed: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    home, done = installed
    assert done.returncode == 0, done.stderr
    app = home / ".local" / "lib" / "crisisdesk" / "crisisdesk"
    assert os.access(app, os.X_OK)
    entry_file = home / ".local" / "share" / "applications" / "crisisdesk.desktop"
    entry = _entry(entry_file)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "CrisisDesk"
    assert entry["Exec"] == str(app)
    assert entry["Terminal"] == "false"
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert entry["Icon"] == "crisisdesk"
    for size in SIZES:
        image = QImage(str(icons / f"{size}x{size}" / "apps" / "crisisdesk.png"))
        assert (image.width(), image.height()) == (size, size)
    assert (icons / "scalable" / "apps" / "crisisdesk.svg").read_text().lstrip().startswith("<?xml")
    validator = shutil.which("desktop-file-validate")
    if validator is not None:
        checked = subprocess.run([validator, str(entry_file)], capture_output=True, text=True,
                                 check=False)
        assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_install_desktop_without_a_bundle_says_to_build_it(tmp_path: Path) -> None:
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "install-desktop",
                           f"BUNDLE={tmp_path / 'missing'}", f"HOME={tmp_path / 'home'}"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "run 'make dist' first" in done.stderr
    assert not (tmp_path / "home").exists()
