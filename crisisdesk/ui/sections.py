"""The sidebar's sections, in order: the one list to edit when a page is added.

Each entry builds its page from the `UiContext`. Sections whose screens are not built yet show
a `PlaceholderPage` saying what will be there, so the layout and the navigation are real from
the first version and nobody wonders whether a feature was forgotten.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from crisisdesk.ui.context import UiContext
from crisisdesk.ui.page import Page, PlaceholderPage


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[UiContext], Page]
    # Service modules the page imports: loaded in a worker once the window is up, so the first
    # click on the section does not freeze the window while Python imports them.
    warm: tuple[str, ...] = ()


def _placeholder(title: str, description: str) -> Callable[[UiContext], Page]:
    return lambda ctx: PlaceholderPage(ctx, title, description)


PLANNED = {
    "dashboard": ("Dashboard",
                  "The incident at a glance: deadlines coming due, calling trees in progress, "
                  "media inquiries waiting for an answer and letters ready to print."),
    "calling_trees": ("Calling trees",
                      "Start a calling tree with an approved script, record each call with one "
                      "keystroke, escalate to backups, print call sheets."),
    "roles": ("Roles",
              "Assign the incident command (HICS) roles to people for each shift, see who holds "
              "which role right now, and print the role roster for the command post."),
    "templates": ("Templates",
                  "Write message and letter templates, check their reading level, and have an "
                  "approver sign off each version before anyone can use it."),
    "letters": ("Letters",
                "Prepare breach-notification letters from an approved template, check each "
                "recipient's address, and print batches for #10 double-window envelopes."),
    "media": ("Media desk",
              "Log every media inquiry, answer from approved holding statements, and see who "
              "promised what to which reporter, and by when."),
    "timeline": ("Timeline",
                 "Record what happened and what was decided, in order, as entries that are "
                 "never overwritten; print it for the regulator and the after-action review."),
    "settings": ("Settings",
                 "Change desk settings such as the auto-lock time and the phone region, manage "
                 "operators and the recovery key, and make or restore backups."),
}


def _contacts(ctx: UiContext) -> Page:
    if importlib.util.find_spec("crisisdesk.services.contacts") is None:  # not in this build
        return PlaceholderPage(ctx, "Contacts",
                               "Everyone the crisis team may need to call: staff, partners, "
                               "regulators, vendors and media, with search, import and a "
                               "printable phone list.")
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
    order = ["dashboard", "contacts", "calling_trees", "roles", "templates", "letters", "media",
             "timeline", "settings"]
    sections = []
    for key in order:
        if key == "contacts":
            sections.append(Section(key, "Contacts", _contacts,
                                    warm=("crisisdesk.services.contacts",)))
        elif key == "templates":
            sections.append(Section(key, "Templates", _templates,
                                    warm=("crisisdesk.services.templates",
                                          "crisisdesk.services.messages",
                                          "crisisdesk.store.syllables")))
        elif key == "dashboard":
            sections.append(Section(key, "Dashboard", _dashboard,
                                    warm=("crisisdesk.services.clocks",
                                          "crisisdesk.printing.crisis_reports")))
        elif key == "media":
            sections.append(Section(key, "Media desk", _media,
                                    warm=("crisisdesk.services.media.inquiries",
                                          "crisisdesk.services.media.statements")))
        elif key == "calling_trees":
            sections.append(Section(key, "Calling trees", _calling_trees,
                                    warm=("crisisdesk.services.calling_trees.activations",
                                          "crisisdesk.services.calling_trees.files")))
        elif key == "roles":
            sections.append(Section(key, "Roles", _roles, warm=("crisisdesk.services.roles",)))
        elif key == "timeline":
            sections.append(Section(key, "Timeline", _timeline,
                                    warm=("crisisdesk.services.timeline",)))
        elif key == "letters":
            sections.append(Section(key, "Letters", _letters,
                                    warm=("crisisdesk.services.letters.render",
                                          "crisisdesk.services.letters.mailing_log")))
        elif key == "settings":
            sections.append(Section(key, "Settings", _settings,
                                    warm=("crisisdesk.services.backup",)))
        else:
            title, text = PLANNED[key]
            sections.append(Section(key, title, _placeholder(title, text)))
    return sections
