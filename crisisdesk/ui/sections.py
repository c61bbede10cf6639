"""The sidebar's sections, in order: the one list to edit when a page is added.

Each entry builds its page from the `UiContext` and imports the modules its page needs: its
services and the page's own module (`warm`). The main window runs every `warm` in a worker once
the window is up, so neither the first click on the section nor the page built while the window
is idle freezes the window while Python imports them: only the widgets are made on the GUI
thread. A page module makes no widget or other QObject when imported, so a worker may load it.
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
    # Imports the page's modules (its services, slow ones: phonenumbers, openpyxl..., and the
    # page's own module); returns them.
    warm: Callable[[], object] | None = None


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


def _regulators(ctx: UiContext) -> Page:
    from crisisdesk.ui.regulators.page import RegulatorsPage

    return RegulatorsPage(ctx)


def _warm_regulators() -> object:
    from crisisdesk.services import filings, substitute_notice, vendor_exchange
    from crisisdesk.ui.regulators import page

    return filings, substitute_notice, vendor_exchange, page


def _hotline(ctx: UiContext) -> Page:
    from crisisdesk.ui.hotline.page import HotlinePage

    return HotlinePage(ctx)


def _warm_hotline() -> object:
    from crisisdesk.services.hotline import calls, disclose
    from crisisdesk.ui.hotline import page

    return calls, disclose, page


def _warm_dashboard() -> object:
    from crisisdesk.printing import crisis_reports
    from crisisdesk.services import clocks
    from crisisdesk.ui.dashboard import page

    return clocks, crisis_reports, page


def _warm_contacts() -> object:
    from crisisdesk.services import contacts
    from crisisdesk.ui.contacts import page

    return contacts, page


def _warm_calling_trees() -> object:
    from crisisdesk.services.calling_trees import activations, files
    from crisisdesk.ui.calling_trees import page

    return activations, files, page


def _warm_roles() -> object:
    from crisisdesk.services import roles
    from crisisdesk.ui.roles import page

    return roles, page


def _warm_templates() -> object:
    from crisisdesk.services import messages, templates
    from crisisdesk.store import syllables
    from crisisdesk.ui.templates import page

    return templates, messages, syllables, page


def _warm_letters() -> object:
    from crisisdesk.services.letters import mailing_log, render
    from crisisdesk.ui.letters import page

    return render, mailing_log, page


def _warm_media() -> object:
    from crisisdesk.services.media import inquiries, statements
    from crisisdesk.ui.media import page

    return inquiries, statements, page


def _warm_timeline() -> object:
    from crisisdesk.services import timeline
    from crisisdesk.ui.timeline import page

    return timeline, page


def _team(ctx: UiContext) -> Page:
    from crisisdesk.ui.team.page import TeamPage

    return TeamPage(ctx)


def _warm_team() -> object:
    from crisisdesk.services import team, team_folder
    from crisisdesk.ui.team import page

    return team, team_folder, page


def _warm_settings() -> object:
    from crisisdesk.services import backup
    from crisisdesk.ui.settings import page

    return backup, page


def default_sections() -> list[Section]:
    return [
        Section("dashboard", "Dashboard", _dashboard, _warm_dashboard),
        Section("contacts", "Contacts", _contacts, _warm_contacts),
        Section("calling_trees", "Calling trees", _calling_trees, _warm_calling_trees),
        Section("roles", "Roles", _roles, _warm_roles),
        Section("templates", "Templates", _templates, _warm_templates),
        Section("letters", "Letters", _letters, _warm_letters),
        Section("hotline", "Hotline", _hotline, _warm_hotline),
        Section("media", "Media desk", _media, _warm_media),
        Section("regulators", "Regulators", _regulators, _warm_regulators),
        Section("timeline", "Timeline", _timeline, _warm_timeline),
        Section("team", "Team", _team, _warm_team),
        Section("settings", "Settings", _settings, _warm_settings),
    ]
