"""Shared fixtures: every test gets its own data dir, a cheap KDF, an in-memory keychain, and
Qt in test mode on the offscreen platform. Nothing touches the real user's files or keychain."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("CRISISDESK_HOME", "CRISISDESK_PASSPHRASE", "CRISISDESK_OPERATOR",
             "CRISISDESK_NEW_PASSPHRASE"):
    os.environ.pop(_var, None)

from crisisdesk.services import desk as desk_service  # noqa: E402
from crisisdesk.services.session import Session  # noqa: E402
from crisisdesk.store import vault  # noqa: E402
from tests.support.desk import FAST_KDF, PASSPHRASE, MemoryKeyring  # noqa: E402
from tests.support.templates import approve_library  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp: Any) -> Iterator[Any]:
    """A QApplication exists before any test runs: if a printing test made a bare
    QGuiApplication first (as `ensure_gui_app()` does for the CLI), every later widget test
    would abort the process ("Cannot create a QWidget without QApplication").

    At the end the clipboard is emptied: Qt's offscreen platform segfaults while exiting when
    its clipboard still holds QMimeData (seen after the templates "Copy" test; xcb is fine).

    The shipped fonts are registered first, as the app does before any window after the
    unlock dialog: a label measured before they arrive is drawn wider after (a page then
    looked clipped or not depending on which test of the process registered them first).
    """
    from crisisdesk.printing.fonts import register_fonts

    register_fonts()
    yield qapp
    qapp.clipboard().clear()


@pytest.fixture(autouse=True)
def _isolation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setattr(vault, "DEFAULT_KDF", FAST_KDF)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        from PySide6.QtCore import QStandardPaths

        QStandardPaths.setTestModeEnabled(True)
    except ImportError:  # pragma: no cover
        pass
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "desk"


@pytest.fixture(scope="session")
def _library_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `session` desk, built once per test process: creating a desk and approving the
    whole shipped library takes a second or two, copying the closed desk a blink."""
    built = tmp_path_factory.mktemp("library-desk") / "desk"
    patch = pytest.MonkeyPatch()
    previous = keyring.get_keyring()
    try:
        patch.setattr(vault, "DEFAULT_KDF", FAST_KDF)
        patch.setenv("HOME", str(built.parent / "home"))
        keyring.set_keyring(MemoryKeyring())
        result = desk_service.init_desk(built, org="Riverside Clinics", operator="alex",
                                        passphrase=PASSPHRASE)
        approve_library(result.session)
        result.session.close()
    finally:
        keyring.set_keyring(previous)
        patch.undo()
    return built


@pytest.fixture
def session(data_dir: Path, _library_desk: Path) -> Iterator[Session]:
    """A fresh desk unlocked by its first admin, 'alex', who has approved the shipped template
    library (a new desk gets it in review; see `new_desk_session` for that state): a copy of
    one built for this test process, so every test still has a desk of its own."""
    shutil.copytree(_library_desk, data_dir)
    opened = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    yield opened
    opened.close()


@pytest.fixture
def new_desk_session(data_dir: Path) -> Iterator[Session]:
    """A desk exactly as `crisisdesk init` leaves it: the library in review, nothing approved."""
    result = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                    passphrase=PASSPHRASE)
    yield result.session
    result.session.close()


@pytest.fixture
def recovery(data_dir: Path) -> Iterator[tuple[Session, str]]:
    result = desk_service.init_desk(data_dir, org="Riverside Clinics", operator="alex",
                                    passphrase=PASSPHRASE)
    yield result.session, result.recovery_code
    result.session.close()
