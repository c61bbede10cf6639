"""Helpers for the letter tests: an incident with everything a letter needs, and lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crisisdesk.domain.incidents import IncidentKind, InfoKind
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.session import Session
from tests.support.crisis import freeze

HEADER = "FIRST,LAST,BIRTHDATE,DEATHDATE,ADDRESS,CITY,STATE,ZIP,LANGUAGE,GUARDIAN,NOK,"\
         "NOK ADDRESS,NOK CITY,NOK STATE,NOK ZIP"
PUBLIC = (("public_phone", "1-833-555-0142"), ("public_hours", "It is open 8 a.m. to 8 p.m."),
          ("public_email", "privacy@example.org"), ("public_website", "www.example.org/notice"),
          ("public_postal_address", "Privacy Office, 100 River Road, Springfield, IL 62701"),
          ("signer_name", "Maria Lopez"), ("signer_title", "Privacy Officer"))


def letter_desk(session: Session) -> str:
    """Freeze the clock at 2026-03-20, fill the public settings, open an incident."""
    freeze(session)
    for key, value in PUBLIC:
        settings_service.set(session, key, value)
    return incident_service.create_incident(
        session, title="Ransomware", kind=IncidentKind.RANSOMWARE,
        discovered_on=dt.date(2026, 3, 2), breach_started_on=dt.date(2026, 2, 20),
        summary="someone outside our organization got into part of our network",
        info_kinds=(InfoKind.NAMES, InfoKind.ADDRESSES, InfoKind.DATES_OF_BIRTH)).id


def adult_rows(n: int, start: int = 0, state: str = "IL", zip_code: str = "62701") -> list[str]:
    return [f"Pat{i},Tester{i},1970-01-{1 + i % 28:02d},,{100 + i} Elm St,Springfield,{state},"
            f"{zip_code},,,,,,," for i in range(start, start + n)]


def write_list(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def add_codes(session: Session, tmp: Path, n: int, prefix: str = "AB") -> None:
    path = tmp / f"codes-{prefix}.csv"
    path.write_text("Activation Code\n" + "\n".join(f"{prefix}{i:05d}-Q" for i in range(n)) + "\n")
    letter_codes.import_codes(session, path, expires_on=dt.date(2026, 7, 31),
                              enrollment_url="www.example-monitoring.com/enroll",
                              monitoring_months=12)


SPANISH = (("summary", "alguien de fuera de nuestra organización entró en parte de nuestra red"),
           ("hours", "Atiende de 8 a. m. a 8 p. m."), ("signer_title", "Oficial de Privacidad"))


def spanish_facts(session: Session) -> None:
    """Give the current incident the Spanish wording of its free-text facts."""
    from crisisdesk.services import incident_translations

    for fld, text in SPANISH:
        incident_translations.set_translation(session, fld, "es", text)
