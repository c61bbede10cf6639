"""End-to-end journeys in a real X window (Xvfb, started by pytest-xvfb).

The rest of the suite runs on Qt's offscreen platform, and a process can hold only one
QApplication, on one platform. So a test marked `journey` is run, by the hook below, in a
child pytest on the xcb platform against pytest-xvfb's display; the child writes its figures
(time, longest stall, screenshots) to a file the parent reads and lists at the end of the run.
Without Xvfb the journeys skip, saying how to install it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

IN_WINDOW = "CRISISDESK_JOURNEY_WINDOW"
REPORT = "CRISISDESK_JOURNEY_REPORT"
TIMEOUT_S = 600
_reports: list[dict[str, Any]] = []


def in_real_window() -> bool:
    return os.environ.get(IN_WINDOW) == "1"


def _xvfb_display() -> str | None:
    try:
        import pytest_xvfb
    except ImportError:
        return None
    xvfb = pytest_xvfb.xvfb_instance
    return f":{xvfb.display}" if xvfb is not None and xvfb.display is not None else None


@pytest.fixture
def journey(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The person's session (in the child); None in the parent, which never runs the body."""
    if not in_real_window():
        yield None
        return
    from tests.journeys.driver import Journey

    driver = Journey(request.getfixturevalue("qtbot"), tmp_path, request.node.name)
    try:
        yield driver
    finally:
        driver.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if pyfuncitem.get_closest_marker("journey") is None or in_real_window():
        return None
    display = _xvfb_display()
    if display is None:
        pytest.skip("Xvfb is not installed (journeys need a real X display): run "
                    "`make sysdeps` or `apt-get install xvfb`")
    tmp = pyfuncitem.funcargs["tmp_path"]
    report = Path(tmp) / "journey.json"
    root = pyfuncitem.config.rootpath
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display, **{IN_WINDOW: "1",
               REPORT: str(report)})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env.pop("PYTEST_XDIST_WORKER", None)
    command = [sys.executable, "-m", "pytest", pyfuncitem.nodeid, "-q", "--no-xvfb",
               "-p", "no:cacheprovider", "--basetemp", str(Path(tmp) / "w")]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        pytest.fail(f"the journey failed in the real window (exit {done.returncode}):\n"
                    f"{done.stdout[-6000:]}\n{done.stderr[-3000:]}", pytrace=False)
    if report.exists():
        figures = json.loads(report.read_text("utf-8"))
        _reports.append(figures)
        pyfuncitem.user_properties.append(("journey", figures))
    return True


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _reports:
        return
    terminalreporter.section("journeys in a real window")
    for r in _reports:
        terminalreporter.write_line(
            f"{r['journey']}: {r['seconds']} s, longest stall {r['longest_stall_ms']} ms "
            f"({r['stall_during']}), screenshots: {', '.join(r['screenshots']) or 'none'}")
