"""Demo data for the crisis features: the role roster filled with demo staff, one open
ransomware incident with affected counts in three states, the systems board, and a dozen
timeline entries. Everything goes through the ordinary services (validated, audited).

Public API
----------
seed_incident_demo(session, *, today=None) -> str
    Seeds the current desk and returns one summary line. Role holders are found among the
    desk's contacts by job title (see `ROLE_TITLES`), so it works with whatever demo staff
    `services/demo/data.py` ships; roles nobody matches stay unassigned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crisisdesk.domain.contacts import Contact, ContactKind
from crisisdesk.domain.errors import NotFound
from crisisdesk.domain.incidents import (
    DelayForm,
    IncidentKind,
    IncidentStatus,
    InfoKind,
    LawEnforcementDelay,
)
from crisisdesk.domain.systems import SystemStatus
from crisisdesk.domain.timeline import Category
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import roles as role_service
from crisisdesk.services import systems as system_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.localtime import today as local_today
from crisisdesk.services.localtime import zone
from crisisdesk.services.session import Session, iso
from crisisdesk.store import contacts as contact_store

# Role key -> job-title fragments, best first: the first contact matching each fragment is taken
# (primary, then backups), skipping anyone already chosen for that role.
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "ic": ("chief executive officer", "chief operating officer", "chief medical officer"),
    "pio": ("director of communications", "communications specialist",
            "internal communications manager"),
    "liaison": ("compliance director", "risk manager", "executive assistant"),
    "safety": ("chief nursing officer", "night nursing supervisor", "security supervisor"),
    "operations": ("chief operating officer", "site operations manager", "nurse manager"),
    "planning": ("health information management manager", "privacy analyst",
                 "executive assistant"),
    "logistics": ("director of facilities", "maintenance supervisor"),
    "finance": ("chief financial officer", "patient financial services manager"),
    "privacy": ("privacy officer", "privacy analyst", "compliance director"),
    "security_it": ("information security officer", "director of information technology",
                    "security analyst"),
    "legal": ("general counsel", "associate counsel", "partner, privacy"),
    "calling_tree": ("internal communications manager", "executive assistant to the ceo",
                     "help desk lead"),
    "call_center": ("call center manager", "patient access supervisor"),
    "letters": ("director of patient services", "health information management manager"),
}

AFFECTED = {"IL": 14_210, "IN": 2_380, "WI": 640}


def _pick(contacts: Sequence[Contact], fragments: Sequence[str]) -> list[Contact]:
    chosen: list[Contact] = []
    for fragment in fragments:
        for contact in contacts:
            if fragment in contact.job_title.casefold() and contact not in chosen:
                chosen.append(contact)
                break
    return chosen[:3]


def _at(session: Session, day: dt.date, hhmm: str) -> str:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    moment = dt.datetime.combine(day, dt.time(hours, minutes), zone(session))
    return iso(min(moment, session.now()))


def seed_incident_demo(session: Session, *, today: dt.date | None = None) -> str:
    day0 = today or local_today(session)
    discovered = day0 - dt.timedelta(days=9)
    contacts = list(contact_store.iter_all(session.db))
    staff = [c for c in contacts if c.kind is ContactKind.STAFF] + [
        c for c in contacts if c.kind is not ContactKind.STAFF]

    # The standing roster from the crisis plan (before the incident, so no timeline noise).
    filled = 0
    by_key: dict[str, list[Contact]] = {}
    for role in role_service.catalogue(session).roles:
        people = _pick(staff, ROLE_TITLES.get(role.key, ()))
        if people:
            role_service.assign_role(session, role.key, people[0].id, [p.id for p in people[1:]])
            by_key[role.key] = people
            filled += 1

    police = [c for c in contacts if c.kind is ContactKind.LAW_ENFORCEMENT]
    officer = next((c for c in police if "special agent" in c.job_title.casefold()),
                   police[0] if police else None)
    delay = None
    if officer is not None:
        delay = LawEnforcementDelay(
            official=officer.name, agency=officer.organisation or "Law enforcement",
            form=DelayForm.ORAL, starts_on=day0 - dt.timedelta(days=2),
            notes="Asked by phone to hold public notice while the investigation continues; "
                  "written statement requested.")
    incident = incident_service.create_incident(
        session, title="Ransomware: EHR and file servers encrypted",
        kind=IncidentKind.RANSOMWARE, status=IncidentStatus.OPEN, discovered_on=discovered,
        breach_started_on=discovered - dt.timedelta(days=3),
        systems_affected=("EHR", "File servers", "Email", "Scheduling"),
        info_kinds=(InfoKind.NAMES, InfoKind.ADDRESSES, InfoKind.DATES_OF_BIRTH,
                    InfoKind.MEDICAL_RECORD_NUMBERS, InfoKind.DIAGNOSES, InfoKind.INSURANCE),
        affected_by_state=AFFECTED, delay=delay,
        summary="someone locked our computer servers with ransomware, and may have copied "
                "patient files from one file server before locking it",
    )

    def d(days_after: int) -> dt.date:
        return discovered + dt.timedelta(days=days_after)

    board = (
        ("EHR", SystemStatus.DOWN, d(0), "06:10", "Paper downtime forms; read-only viewer"),
        ("Email", SystemStatus.DEGRADED, d(0), "07:30", "Personal phones for urgent messages"),
        ("Scheduling", SystemStatus.DOWN, d(0), "06:10", "Printed day lists from last backup"),
        ("Lab", SystemStatus.DEGRADED, d(0), "08:15", "Paper requisitions; results by phone"),
        ("Pharmacy", SystemStatus.DEGRADED, d(1), "09:00", "Paper MAR; pharmacist verifies"),
        ("Billing", SystemStatus.DOWN, d(0), "06:10", "Charges held on paper"),
        ("Network", SystemStatus.DEGRADED, d(2), "13:00", "Clinical VLAN isolated"),
        ("Phones", SystemStatus.UP, d(0), "06:00", ""),
        ("Imaging", SystemStatus.RESTORED, d(5), "16:40", ""),
    )
    for name, status, day, hhmm, procedure in board:
        try:
            system_service.set_status(session, name, status, since=_at(session, day, hhmm),
                                      procedure=procedure)
        except NotFound:  # pragma: no cover - a desk that removed a default system
            continue

    entries = (
        (0, "05:52", Category.CALL, "Night help desk reports EHR and file shares unreachable; "
                                    "ransom note found on the file server."),
        (0, "06:20", Category.DECISION, "Incident Commander activates the crisis plan; "
                                        "operational period 1 set at 12 hours."),
        (0, "06:35", Category.ACTION, "IT isolates the clinical network and takes file servers "
                                      "offline to contain the spread."),
        (0, "07:05", Category.COMMUNICATION, "Cyber insurer notified; breach counsel engaged; "
                                             "forensics retained through counsel."),
        (0, "08:00", Category.DECISION, "All sites switch to paper downtime procedures."),
        (0, "09:30", Category.MEDIA, "Holding statement approved by the IC and released to "
                                     "staff and the website."),
        (1, "10:15", Category.CALL, "FBI Chicago cyber squad briefed; indicators shared."),
        (1, "15:00", Category.MEDIA, "WRBN-TV asked for comment; PIO returned the call with the "
                                     "holding statement."),
        (2, "11:00", Category.NOTE, "Forensics: data staged for exfiltration from the file "
                                    "server; scope of patient data under review."),
        (4, "14:30", Category.DECISION, "Privacy Officer: treat as a reportable breach; first "
                                        "affected counts by state recorded."),
        (5, "16:45", Category.ACTION, "Imaging restored from clean backups and verified."),
        (7, "09:00", Category.COMMUNICATION, "Staff calling tree run for the weekend update; "
                                             "all branches reported back."),
    )
    for days_after, hhmm, category, text in entries:
        timeline_service.add_entry(session, text, category=category, incident_id=incident.id,
                                   at=_at(session, d(days_after), hhmm))

    for key in ("ic", "pio"):
        if key in by_key:
            role_service.acknowledge(session, key)
    safety = by_key.get("safety", [])
    if len(safety) > 1:
        role_service.mark_unavailable(session, safety[0].id, role_key="safety",
                                      reason="on leave this week")
    return (f"roles: {filled} filled; incident: ransomware discovered {discovered.isoformat()}, "
            f"{sum(AFFECTED.values()):,} people in IL, IN and WI; {len(entries)} timeline "
            "entries; systems board")
