"""What goes on the spokesperson's one-page brief, gathered from the desk (Qt-free).

The brief is what the spokesperson takes to a press briefing when the laptop stays behind: the
incident as we have approved it for release (the last statement issued), the key messages, the
most-used approved answers, what never to say, when each audience's next update is due, who
to call, and when it was printed (an old brief must look old). `printing/media_brief.py` lays
it out; the GUI runs both in a worker, the CLI directly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from crisisdesk.domain.cadence import CadenceState
from crisisdesk.domain.media import DO_NOT_SAY, KEY_MESSAGE_PREFIX
from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.roles import INCIDENT_COMMANDER, SPOKESPERSON
from crisisdesk.domain.times import PAPER_MINUTES
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import messages as message_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.localtime import show, zone
from crisisdesk.services.media import bank as media_bank
from crisisdesk.services.media import cadence as cadence_service
from crisisdesk.services.media import inquiries as media_service
from crisisdesk.services.media import statements as statement_service
from crisisdesk.services.session import Session

TOP_QA = 6
FIRST_ROLES = (INCIDENT_COMMANDER, SPOKESPERSON)


@dataclass(frozen=True)
class BriefStatement:
    name: str
    key: str
    version: int
    issued_at: str  # local, for people
    text: str  # plain text as issued


@dataclass(frozen=True)
class BriefCall:
    role: str
    name: str
    phone: str
    acting: str  # "" or "acting (backup 1)"


@dataclass(frozen=True)
class BriefData:
    org: str
    incident: str
    incident_line: str  # kind and discovery date, as recorded
    statement: BriefStatement | None
    key_messages: tuple[media_bank.BankEntry, ...]
    top_qa: tuple[media_bank.BankEntry, ...]
    do_not_say: tuple[str, ...]
    updates: tuple[tuple[str, str, str], ...]  # audience, next due (local), state
    calls: tuple[BriefCall, ...]
    open_inquiries: int
    overdue_inquiries: int
    printed: str  # local time and operator


def _due(session: Session, moment: dt.datetime | None) -> str:
    """'today 16:00 CST': the screen's short form, with the zone a sheet of paper needs."""
    if moment is None:
        return ""
    name = f"{moment.astimezone(zone(session)):%Z}"
    return f"{cadence_service.show_local(session, moment)}\u00a0{name}"


def _statement(session: Session) -> BriefStatement | None:
    issued = statement_service.issued_statements(session)
    if not issued:
        return None
    last = issued[-1]
    text = message_service.issued_content(session, last.id)
    return BriefStatement(last.template_name, last.template_key, last.version,
                          show(session, last.issued_at, PAPER_MINUTES), html_to_text(text).strip())


def _calls(session: Session) -> tuple[BriefCall, ...]:
    roster = role_service.roster(session)
    statuses = sorted(roster.statuses, key=lambda s: (s.role.key not in FIRST_ROLES,
                                                      FIRST_ROLES.index(s.role.key)
                                                      if s.role.key in FIRST_ROLES else 0))
    out = []
    for status in statuses:
        if status.acting is None:
            continue
        slot = status.acting.slot
        out.append(BriefCall(status.role.title, slot.person.name, slot.person.phone,
                             f"acting ({slot.label})" if status.acting.is_backup else ""))
    return tuple(out[:10])


def gather_brief(session: Session) -> BriefData:
    entries = media_bank.bank(session)
    used = Counter(e.template_key for e in message_service.communication_log(session))
    qa = [e for e in entries if not e.key.startswith(KEY_MESSAGE_PREFIX)]
    qa.sort(key=lambda e: (-used[e.key], e.question.casefold()))
    incident = incident_service.current_incident(session)
    line = ""
    if incident is not None:
        found = incident.discovered_on
        line = (f"{incident.kind.label.capitalize()}; discovered {found:%B} {found.day}, "
                f"{found.year}; status {incident.status.value}")
    updates = tuple(
        (s.audience.label, _due(session, s.next_due),
         {CadenceState.OVERDUE: "OVERDUE", CadenceState.NEAR: "due soon"}.get(s.state, ""))
        for s in cadence_service.cadence_status(session) if s.state is not CadenceState.NOT_SET)
    summary = media_service.media_summary(session)
    return BriefData(
        org=settings_service.display_org(session),
        incident=incident.title if incident else "No current incident",
        incident_line=line, statement=_statement(session),
        key_messages=tuple(e for e in entries if e.key.startswith(KEY_MESSAGE_PREFIX)),
        top_qa=tuple(qa[:TOP_QA]), do_not_say=DO_NOT_SAY, updates=updates,
        calls=_calls(session), open_inquiries=summary.open_inquiries,
        overdue_inquiries=summary.overdue_inquiries,
        printed=f"{show(session, session.now_iso(), PAPER_MINUTES)} by {session.operator.name}")


def note_printed(session: Session, where: str) -> None:
    """Record that a brief was printed (one audit entry; it names no person)."""
    with session.action("media.brief", "media_brief", summary=f"Printed the spokesperson "
                        f"brief ({where})"):
        pass
