"""The soak desk, made once per run: fast key derivation, an approved template library, a
second approver, an incident ready for letters, a started calling tree and a code pool.

Everything is done through the services, as a user would; the writer then acts on this desk
again and again across kills.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crisisdesk.domain.incidents import IncidentKind, InfoKind
from crisisdesk.domain.operators import Role
from crisisdesk.services import desk as desk_service
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.session import Session
from tests.support.crisis import NOW, freeze, staff
from tests.support.desk import FAST_KDF, PASSPHRASE
from tests.support.letters import PUBLIC
from tests.support.templates import SECOND_APPROVER, approve_library

OPERATOR = "alex"
APPROVER = SECOND_APPROVER
APPROVER_PASSPHRASE = "second approver passphrase"
LETTERS_PER_FILE = 3
CALLERS = 8
CODES = 20_000


def open_as(data_dir: Path, operator: str = OPERATOR, passphrase: str = PASSPHRASE) -> Session:
    """Unlock the soak desk with the clock at the scenario's day (letters depend on it)."""
    session = desk_service.unlock(data_dir, operator, passphrase)
    freeze(session, NOW)
    return session


def build(data_dir: Path) -> str:
    """Create the desk in `data_dir`; returns the started activation's id."""
    session = desk_service.init_desk(data_dir, org="Riverside Clinics", operator=OPERATOR,
                                     passphrase=PASSPHRASE, kdf=FAST_KDF).session
    try:
        freeze(session, NOW)
        approve_library(session)
        operator_service.add_operator(session, APPROVER, Role.APPROVER, APPROVER_PASSPHRASE,
                                      kdf=FAST_KDF)
        for key, value in PUBLIC:
            settings_service.set(session, key, value)
        settings_service.set(session, "letters_per_file", LETTERS_PER_FILE)
        incident_service.create_incident(
            session, title="Ransomware", kind=IncidentKind.RANSOMWARE,
            discovered_on=dt.date(2026, 3, 2), breach_started_on=dt.date(2026, 2, 20),
            summary="someone outside our organization got into part of our network",
            info_kinds=(InfoKind.NAMES, InfoKind.ADDRESSES, InfoKind.DATES_OF_BIRTH))
        letter_codes.add_code_pool(session, [f"SK{i:06d}-Q" for i in range(CODES)],
                                   expires_on=dt.date(2026, 7, 31),
                                   enrollment_url="www.example-monitoring.com/enroll",
                                   monitoring_months=12, source_name="soak codes")
        people = [staff(session, f"Caller {i:02d}", phone=f"(312) 555-02{i:02d}").id
                  for i in range(CALLERS)]
        tree = tree_service.create_tree(session, "Soak staff")
        tree_service.add_person(session, tree.id, people[0])
        for person in people[1:]:
            tree_service.add_person(session, tree.id, person, caller_id=people[0])
        return activation_service.start_activation(
            session, tree.id, message="Systems are down.", action="Use paper.",
            report_back_to="the command center",
            values={"staff_hotline": "312-555-0199"}).id
    finally:
        session.close()
