"""The "Getting ready" checklist: what a new desk still needs before the bad day comes.

Nothing is stored: every item is worked out from the desk each time it is asked for, so the
list ticks itself off as the desk fills (a contact added, a tree built, a drill closed) and
unticks if the work is undone (the last contact deleted). Each item that is not done names the
page and the action that does it, in the app and on the command line. The Dashboard shows it
as a panel and `crisisdesk desk checklist` prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.roles import REQUIRED_ROLES
from crisisdesk.domain.templates import Status
from crisisdesk.services import binder as binder_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.session import Session

DONE, TO_DO = "Done", "To do"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    done: bool
    detail: str  # what the desk has now, in words
    how: str  # the page and action that does it (shown while not done)

    @property
    def word(self) -> str:
        return DONE if self.done else TO_DO

    @property
    def line(self) -> str:
        return f"{self.title}: {self.detail}" + ("" if self.done else f" — {self.how}")

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "title": self.title, "done": self.done,
                "detail": self.detail, "how": self.how}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _contacts(session: Session) -> ChecklistItem:
    n = contact_service.count_contacts(session)
    return ChecklistItem("contacts", "Contacts", n > 0,
                         _plural(n, "contact") if n else "none yet",
                         "Contacts › Import…")


def _calling_tree(session: Session) -> ChecklistItem:
    trees = tree_service.list_trees(session)
    filled = [t for t in trees if t.people > 0]
    detail = (f"{_plural(len(filled), 'tree')} with people in it" if filled
              else "a tree with nobody in it yet" if trees else "none yet")
    return ChecklistItem("calling_tree", "A calling tree", bool(filled), detail,
                         "Calling trees › New tree…, then add people")


def _roles(session: Session) -> ChecklistItem:
    roster = role_service.roster(session)
    missing = []
    for key in REQUIRED_ROLES:
        status = roster.status(key)
        if status is None or not status.slots:
            missing.append(status.role.short if status is not None else key.upper())
    assigned = sum(1 for s in roster.statuses if s.slots)
    detail = (f"{_plural(assigned, 'role')} assigned" +
              (f"; nobody holds {' or '.join(missing)}" if missing else ""))
    return ChecklistItem("roles", "Roles assigned", not missing, detail,
                         "Roles › Assign… (IC and PIO first)")


def _templates(session: Session) -> ChecklistItem:
    summaries = template_service.list_templates(session)
    approved = sum(1 for t in summaries if t.approved_version is not None)
    waiting = sum(1 for t in summaries if t.latest_status is Status.IN_REVIEW)
    done = approved > 0 and waiting == 0
    detail = f"{approved:,} of {len(summaries):,} approved"
    if waiting:
        detail += f", {waiting:,} waiting for review"
    return ChecklistItem("templates", "Templates reviewed by an approver", done, detail,
                         "Templates › Approve (an approver)")


def _binder(session: Session) -> ChecklistItem:
    state = binder_service.status(session)
    printed = state.printed_at is not None
    return ChecklistItem("binder", "Downtime binder printed", printed,
                         binder_service.status_text(session).rstrip(".") if printed
                         else "never printed",
                         "Settings › Print downtime binder…")


def _drill(session: Session) -> ChecklistItem:
    drills = [a for a in activation_service.list_activations(session) if a.is_drill]
    closed = [a for a in drills if not a.is_open]
    if closed:
        detail = f"{_plural(len(closed), 'drill')} run and closed"
    elif drills:
        detail = "a drill is running; close it when the calls are done"
    else:
        detail = "none yet"
    return ChecklistItem("drill", "A drill run", bool(closed), detail,
                         "Calling trees › Start activation… as a drill, then Close activation")


ITEMS: tuple[Callable[[Session], ChecklistItem], ...] = (
    _contacts, _calling_tree, _roles, _templates, _binder, _drill)


def checklist(session: Session) -> list[ChecklistItem]:
    """Every item, in the order a new desk does them."""
    return [item(session) for item in ITEMS]


def dashboard_summary(session: Session) -> DashboardSummary:
    """The list while something is left to do; one line once everything is done (the panel
    then stays small for the days the desk is in use)."""
    items = checklist(session)
    left = sum(1 for i in items if not i.done)
    if not left:
        return DashboardSummary.text("Everything on the list is done: contacts, a calling "
                                     "tree, roles, templates, the binder and a drill.")
    head = f"{left} of {len(items)} still to do."
    return DashboardSummary((("", head),) + tuple((i.word, i.line) for i in items))


__all__ = ["DONE", "TO_DO", "ChecklistItem", "checklist", "dashboard_summary"]
