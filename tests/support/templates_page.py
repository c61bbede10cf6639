"""The Templates page on a test desk, a second operator, and a version waiting for review."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import DeskState, UiContext
from crisisdesk.ui.message_bar import MessageBar
from crisisdesk.ui.templates.model import KEY
from crisisdesk.ui.templates.page import TemplatesPage
from crisisdesk.ui.workers import JobRunner
from tests.support.desk import FAST_KDF
from tests.support.ui import RecordingPrompts

SMS = "staff-sms-alert-en"
OTHER_PASSPHRASE = "another long passphrase"


def make_page(qtbot: QtBot, session: Session, prompts: RecordingPrompts,
              runner: JobRunner) -> TemplatesPage:
    bar = MessageBar()
    qtbot.addWidget(bar)
    page = TemplatesPage(UiContext(DeskState(session), runner, prompts, bar))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    return page


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
