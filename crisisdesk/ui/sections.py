"""The sidebar's sections, in order: the one list to edit when a page is added.

Each entry builds its page from the `UiContext`, importing the page's module only when the
section is first opened (the `warm` modules are imported in the background before that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[UiContext], Page]
    # Service modules the page imports: loaded in a worker once the window is up, so the first
    # click on the section does not freeze the window while Python imports them.
    warm: tuple[str, ...] = ()


def _contacts(ctx: UiContext) -> Page:
    from crisisdesk.ui.contacts.page import ContactsPage

    return ContactsPage(ctx)


def _settings(ctx: UiContext) -> Page:
    from crisisdesk.ui.settings.page import SettingsPage

    return SettingsPage(ctx)


def _templates(ctx: UiContext) -> Page:
    from crisisdesk.ui.templates.page import TemplatesPage

    return TemplatesPage(ctx)


def _dashboard(ctx: UiContext) -> Page:
    from crisisdesk.ui.dashboard.page import DashboardPage

    return DashboardPage(ctx)


def _roles(ctx: UiContext) -> Page:
    from crisisdesk.ui.roles.page import RolesPage

    return RolesPage(ctx)


def _timeline(ctx: UiContext) -> Page:
    from crisisdesk.ui.timeline.page import TimelinePage

    return TimelinePage(ctx)


def _media(ctx: UiContext) -> Page:
    from crisisdesk.ui.media.page import MediaPage

    return MediaPage(ctx)


def _calling_trees(ctx: UiContext) -> Page:
    from crisisdesk.ui.calling_trees.page import CallingTreesPage

    return CallingTreesPage(ctx)


def _letters(ctx: UiContext) -> Page:
    from crisisdesk.ui.letters.page import LettersPage

    return LettersPage(ctx)


def default_sections() -> list[Section]:
    return [
        Section("dashboard", "Dashboard", _dashboard,
                warm=("crisisdesk.services.clocks", "crisisdesk.printing.crisis_reports")),
        Section("contacts", "Contacts", _contacts, warm=("crisisdesk.services.contacts",)),
        Section("calling_trees", "Calling trees", _calling_trees,
                warm=("crisisdesk.services.calling_trees.activations",
                      "crisisdesk.services.calling_trees.files")),
        Section("roles", "Roles", _roles, warm=("crisisdesk.services.roles",)),
        Section("templates", "Templates", _templates,
                warm=("crisisdesk.services.templates", "crisisdesk.services.messages",
                      "crisisdesk.store.syllables")),
        Section("letters", "Letters", _letters,
                warm=("crisisdesk.services.letters.render",
                      "crisisdesk.services.letters.mailing_log")),
        Section("media", "Media desk", _media,
                warm=("crisisdesk.services.media.inquiries",
                      "crisisdesk.services.media.statements")),
        Section("timeline", "Timeline", _timeline, warm=("crisisdesk.services.timeline",)),
        Section("settings", "Settings", _settings, warm=("crisisdesk.services.backup",)),
    ]
