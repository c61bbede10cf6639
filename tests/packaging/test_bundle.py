"""The packaged app (`make dist`): its executable, not this checkout's Python, creates a desk,
renders a letter, and opens the unlock dialog and the main window, all with no network.

Skipped (with the reason) when dist/ holds no bundle; `make dist-check` builds it and sets
CRISISDESK_REQUIRE_BUNDLE=1, which turns the skip into a failure so CI cannot pass without it.
Every run of the bundle gets a clean environment (no PYTHONPATH, a private HOME), and runs in
a network namespace of its own when `unshare -n` works here (root), so a code path that
needed the network would fail. Where strace is installed, the letter render is traced and
must not try to open an internet connection.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_DIR = ROOT / "dist" / "crisisdesk"
EXECUTABLE = BUNDLE_DIR / ("crisisdesk.exe" if sys.platform == "win32" else "crisisdesk")
REQUIRED = os.environ.get("CRISISDESK_REQUIRE_BUNDLE") == "1"
DEMO_OPERATOR = "demo"
DEMO_PASSPHRASE = "demo-passphrase-2026"
ORG = "Riverbend Community Health"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not EXECUTABLE.is_file():
        why = f"no bundle at {EXECUTABLE.relative_to(ROOT)}: run `make dist` or `make dist-check`"
        if REQUIRED:
            pytest.fail(why)
        pytest.skip(why)
    return EXECUTABLE


def _no_network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def _env(home: Path, **extra: str) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(HOME=str(home), USERPROFILE=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), QT_QPA_PLATFORM="offscreen")
    env.update(extra)
    return env


def _run(bundle: Path, home: Path, *args: str, trace: Path | None = None,
         timeout: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    command = [str(bundle), *args]
    if trace is not None:
        command = ["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), *command]
    return subprocess.run(_no_network_prefix() + command, capture_output=True, text=True,
                          timeout=timeout, env=_env(home, **env), check=False)


@pytest.fixture(scope="module")
def demo_desk(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo desk created by the bundle: templates approved, a letter batch to render."""
    home = tmp_path_factory.mktemp("bundle-home")
    desk = tmp_path_factory.mktemp("bundle-desk") / "desk"
    done = _run(bundle, home, "--data-dir", str(desk), "demo")
    assert done.returncode == 0, done.stderr
    assert (desk / "desk.db").is_file()
    assert f"{DEMO_OPERATOR}" in done.stdout
    assert "Traceback" not in done.stderr
    return home, desk


def test_bundle_renders_a_letter_offline(bundle: Path, demo_desk: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    home, desk = demo_desk
    out = tmp_path / "letters"
    trace = tmp_path / "connect.trace" if shutil.which("strace") else None
    done = _run(bundle, home, "--data-dir", str(desk), "letters", "render", "1",
                "--out", str(out), "--range", "1-1", trace=trace,
                CRISISDESK_OPERATOR=DEMO_OPERATOR, CRISISDESK_PASSPHRASE=DEMO_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == 1, done.stdout
    data = pdfs[0].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 10_000
    # The shipped fonts travelled with the bundle: the letter embeds DejaVu, not a fallback.
    assert b"DejaVuSans" in data
    if trace is not None:
        internet = [line for line in trace.read_text().splitlines()
                    if re.search(r"AF_INET6?\b", line)]
        assert internet == []


def test_bundle_reports_its_libraries_and_never_pyside_6_12_0(
        bundle: Path, demo_desk: tuple[Path, Path]) -> None:
    home, desk = demo_desk
    done = _run(bundle, home, "--data-dir", str(desk), "doctor", "--json",
                CRISISDESK_OPERATOR=DEMO_OPERATOR, CRISISDESK_PASSPHRASE=DEMO_PASSPHRASE)
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["versions"]["pyside6"] not in ("6.12.0", "not installed")
    assert report["versions"]["crisisdesk"] != "unknown"
    checks = {check["name"]: check for check in report["checks"]}
    assert all(checks[f"font {name}"]["status"] == "ok" for name in (
        "DejaVuSans.ttf", "DejaVuSerif.ttf")), checks
    # The icon font and its licence travel with the app (the sidebar and buttons draw it).
    icons = BUNDLE_DIR / "_internal" / "crisisdesk" / "resources" / "icons"
    assert {"materialdesignicons6.ttf", "LICENSE-MaterialDesignIcons.txt"} <= {
        path.name for path in icons.iterdir()}
    # No Qt networking binding travels with the app: nothing in it can open a Qt socket.
    assert not list(BUNDLE_DIR.rglob("QtNetwork.*"))


def test_bundle_opens_the_unlock_dialog_and_quits_cleanly(
        bundle: Path, demo_desk: tuple[Path, Path]) -> None:
    home, desk = demo_desk
    done = _run(bundle, home, "--data-dir", str(desk), CRISISDESK_TEST_QUIT_AFTER_MS="3000")
    assert done.returncode == 0, done.stderr
    assert f"window: Unlock {ORG} — CrisisDesk" in done.stdout.splitlines(), done.stdout


def test_bundle_unlocks_to_the_main_window(bundle: Path, demo_desk: tuple[Path, Path]) -> None:
    home, desk = demo_desk
    done = _run(bundle, home, "--data-dir", str(desk), CRISISDESK_TEST_QUIT_AFTER_MS="60000",
                CRISISDESK_OPERATOR=DEMO_OPERATOR, CRISISDESK_PASSPHRASE=DEMO_PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert f"window: {ORG} — CrisisDesk" in done.stdout.splitlines(), done.stdout

