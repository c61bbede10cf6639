"""The Templates page on a test desk, a second operator, and a version waiting for review."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pytestqt.qtbot import QtBot

from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.templates.model import KEY
from crisisdesk.ui.templates.page import TemplatesPage
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import FAST_KDF
from tests.support.ui import RecordingPrompts, show_page, ui_context

SMS = "staff-sms-alert-en"
OTHER_PASSPHRASE = "another long passphrase"


def make_page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
              runner: JobRunner) -> TemplatesPage:
    return show_page(qtbot, TemplatesPage(ui_context(qtbot, session, prompts, runner)),
                     size=(1100, 700))


def other_session(session: Session, name: str, role: Role) -> Session:
    operator_service.add_operator(session, name, role, OTHER_PASSPHRASE, kdf=FAST_KDF)
    return desk_service.unlock(session.data_dir, name, OTHER_PASSPHRASE)


def keys(page: TemplatesPage) -> list[str]:
    proxy = page.library.proxy
    return [proxy.data(proxy.index(r, KEY)) for r in range(proxy.rowCount())]


def wait_checked(qtbot: QtBot, page: TemplatesPage) -> None:
    qtbot.waitUntil(lambda: page.editor.report is not None and page.editor.checker.idle,
                    timeout=10_000)


def in_review_without_drill_notice(session: Session) -> None:
    """A version whose only finding is a warning (a declared variable that is not used)."""
    body = template_service.get_version(session, SMS).body.replace("{{ drill_notice }}", "")
    template_service.save_draft(session, SMS, body)
    template_service.submit(session, SMS)


@contextmanager
def reviewing(qtbot: QtBot, session: Session, prompts: RecordingPrompts, runner: JobRunner,
              name: str, role: Role) -> Iterator[TemplatesPage]:
    """The SMS version in review (see `in_review_without_drill_notice`), open and checked on
    the page of another operator, `name`. Afterwards nothing queued may use that operator's
    desk once it closes: the runner stops and the page lets go of the session first."""
    in_review_without_drill_notice(session)
    other = other_session(session, name, role)
    try:
        page = make_page(qtbot, other, prompts, runner)
        page.open_template(SMS)
        wait_checked(qtbot, page)
        yield page
        runner.shutdown()
        page.ctx.state.set_session(None)
        qtbot.wait(50)
    finally:
        other.close()
