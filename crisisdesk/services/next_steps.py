"""Each page's one next step, decided from the desk's counts ("Next: import your contact list").

A newcomer on a bad day should not have to work out what comes first. Each function here looks
at a few cheap counts and returns the step in words with the label of the button that does it,
or None when nothing on that page is waiting. The pages only show it (`ui.page.Page.next_step`);
the words live here so a test, the page and any later checklist agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.formatting import count_of
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.session import Session


@dataclass(frozen=True)
class NextStep:
    text: str  # "Import your contact list" (the page adds "Next: ")
    action: str = ""  # the button's label ("" when the step is done elsewhere)


def dashboard(session: Session) -> NextStep | None:
    if incident_service.current_incident(session) is None:
        return NextStep("Open an incident when something happens (or to run a drill)",
                        "New incident…")
    return None


def contacts(session: Session) -> NextStep | None:
    if contact_service.count_contacts(session) == 0:
        return NextStep("Import your contact list", "Import contacts…")
    return None


def calling_trees(session: Session) -> NextStep | None:
    from crisisdesk.services.calling_trees import trees

    if contact_service.count_contacts(session) == 0:
        return NextStep("Import your contact list on the Contacts page first")
    if not trees.list_trees(session):
        return NextStep("Build a calling tree", "New tree…")
    return None


def roles(session: Session) -> NextStep | None:
    from crisisdesk.services import roles as role_service

    if role_service.current_period(session) is None:
        return NextStep("Start an operational period, then assign its roles", "Start period…")
    return None


def templates(session: Session) -> NextStep | None:
    from crisisdesk.services import templates as template_service

    waiting = sum(1 for t in template_service.list_templates(session)
                  if t.approved_version is None)
    if waiting:
        return NextStep(f"Have the approver review {count_of(waiting, 'template')} not "
                        "approved yet")
    return None


def media(session: Session) -> NextStep | None:
    from crisisdesk.services.media import inquiries

    if incident_service.current_incident(session) is None:
        return None
    summary = inquiries.media_summary(session)
    overdue, open_ = summary.overdue_inquiries, summary.open_inquiries
    if overdue:
        return NextStep(f"Answer {count_of(overdue, 'overdue inquiry', 'overdue inquiries')} "
                        "first")
    if open_:
        return NextStep(f"Answer {count_of(open_, 'open inquiry', 'open inquiries')}")
    return None


def timeline(session: Session) -> NextStep | None:
    if incident_service.current_incident(session) is None:
        return NextStep("Open an incident on the Dashboard to start its log")
    return None


def settings(session: Session) -> NextStep | None:
    from crisisdesk.services import backup

    if backup.latest_verified_backup(session.paths.data_dir) is None:
        return NextStep("Make a first backup of the desk", "Create backup…")
    return None


def letters_step(title: str, detail: str, action: str) -> NextStep:
    """The Letters page's next step from its pipeline (see `services.letters.pipeline`)."""
    return NextStep(f"{title}: {detail}" if detail else title, action)
