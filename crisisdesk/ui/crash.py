"""The one crash path: `sys.excepthook` -> a dialog with a report the user can copy and send.

Anything that is not a `UserError` is a bug. The report must be safe to paste into an email
to a vendor during a breach, so it carries the stack (code locations only: files inside
CrisisDesk or a library, line numbers, function names) and the exception's *type*; the
exception's message goes through `scrub()`, which replaces quoted text, e-mail addresses,
paths and numbers wholesale rather than guessing which of them is personal. Frame locals are
never included.
"""

from __future__ import annotations

import functools
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from crisisdesk import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crisisdesk.ui.crash_dialog import CrashDialog as CrashDialog
    from crisisdesk.ui.prompts import Prompts

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent

_RULES: list[tuple[str, str]] = [
    (r"'[^']*'|\"[^\"]*\"|‘[^’]*’|“[^”]*”", "<text>"),
    (r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "<email>"),
    (r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/:]+)+[\\/]?", "<path>"),
    (r"\+?\d[\d\s().-]{1,}\d|\d", "<n>"),
]


@functools.cache
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    """The rules, compiled on first use: the app starts without paying for a crash."""
    return [(re.compile(pattern), replacement) for pattern, replacement in _RULES]


MAX_MESSAGE = 300


def scrub(text: str) -> str:
    """Remove from an exception message what could identify a person or a file."""
    for pattern, replacement in _compiled():
        text = pattern.sub(replacement, text)
    return text[:MAX_MESSAGE]


def _where(filename: str) -> str:
    """A frame's file, as a path inside the package or a library, never the user's folders."""
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(_PACKAGE_ROOT))
    except (ValueError, OSError):
        pass
    parts = path.parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1:])
    if filename.startswith("<"):
        return filename
    return path.name


def crash_report(exc_type: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> str:
    import platform  # here, not at import: only a crash needs it

    from PySide6 import __version__ as pyside_version

    lines = [
        f"CrisisDesk {__version__} crash report",
        f"Python {platform.python_version()}, PySide6 {pyside_version}, "
        f"{platform.system()} {platform.release()}",
        "",
        "Traceback (most recent call last):",
    ]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{_where(frame.filename)}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    chain = exc.__cause__ or exc.__context__
    if chain is not None:
        lines.append(f"(while handling {type(chain).__module__}.{type(chain).__qualname__})")
    message = scrub(str(exc))
    name = f"{exc_type.__module__}.{exc_type.__qualname__}"
    lines.append(f"{name}: {message}" if message else name)
    return "\n".join(lines)


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def __getattr__(name: str) -> Any:
    if name == "CrashDialog":  # the dialog's widgets load with the first crash, not at start-up
        from crisisdesk.ui.crash_dialog import CrashDialog

        return CrashDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def install(prompts: Prompts, parent: Callable[[], QWidget | None] = lambda: None) -> ExceptHook:
    """Route uncaught exceptions to the crash dialog; returns the previous hook."""
    previous = sys.excepthook
    showing = [False]

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            from PySide6.QtWidgets import QApplication

            QApplication.quit()
            return
        report = crash_report(exc_type, exc, tb)
        print(report, file=sys.stderr)
        if showing[0]:  # a crash inside the crash dialog: stderr only
            return
        showing[0] = True
        try:
            prompts.crash(parent(), report)
        except Exception:  # never recurse into the hook
            traceback.print_exc()
        finally:
            showing[0] = False

    sys.excepthook = hook
    return previous


def report_unexpected(exc: BaseException) -> None:
    """Send an exception caught elsewhere (e.g. a worker's) down the one crash path."""
    sys.excepthook(type(exc), exc, exc.__traceback__)
