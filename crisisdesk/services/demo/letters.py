"""The demo's affected-patient list: a small, entirely fictional set that shows every case.

Names are invented, streets are "Example" streets in real towns with the towns' real ZIP
codes, and birth dates are chosen relative to the demo's today, so the list always holds
adults, two minors (one turning 18 the day after the notice), a deceased patient with a next
of kin and one without, an exact duplicate, people with no usable address and Spanish
speakers. Batch 1 (Illinois) went straight to the printer, was printed and mailed, and one
letter came back; the rest are ready for the next batch. The list is a sample, so the
incident's affected counts (from the incident step) are left as they are.
"""

from __future__ import annotations

import datetime as dt
import random

from crisisdesk.domain.letters import LetterStatus
from crisisdesk.domain.recipients import Address, RecipientFields
from crisisdesk.services.incident_translations import set_translations
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import codes as letter_codes
from crisisdesk.services.letters import mailing_log as mailing_log
from crisisdesk.services.letters.imports import add_recipients
from crisisdesk.services.localtime import today as local_today
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store

FIRST = ("Avery", "Jordan", "Casey", "Morgan", "Riley", "Quinn", "Harper", "Rowan", "Emery",
         "Sage", "Marisol", "Tomás", "Lucía", "Renée", "Siobhán", "Zoë", "Dmitri", "Aiyana")
LAST = ("Ashford", "Bellweather", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Greer",
        "Hollis", "Ivers", "Jessup", "Kestrel", "Lindqvist", "Montoya-Ruiz", "O'Farrell",
        "Prewitt", "Quarles", "Ramírez", "Stroud")
TOWNS = (("Springfield", "IL", "62701"), ("Peoria", "IL", "61602"), ("Decatur", "IL", "62521"),
         ("Champaign", "IL", "61820"), ("Madison", "WI", "53703"),
         ("Indianapolis", "IN", "46204"), ("Milwaukee", "WI", "53202"))
# The demo incident's free-text facts in Spanish (see incident_demo.py and the demo settings).
SPANISH = {
    "summary": "alguien bloqueó nuestros servidores con un programa de secuestro de datos y "
               "puede haber copiado archivos de pacientes de un servidor antes de bloquearlo",
    "hours": "Atiende de lunes a sábado, de 8 a. m. a 8 p. m., hora del centro",
    "signer_title": "Oficial de Privacidad",
    "law_enforcement_agency": "el Servicio Secreto de los EE. UU., oficina de Chicago",
}
STREETS = ("Example Street", "Example Avenue", "Sample Road", "Specimen Lane", "Placeholder Drive")


def _person(rng: random.Random, i: int, day0: dt.date, **kw: object) -> RecipientFields:
    town, state, zip_code = TOWNS[i % len(TOWNS)] if i % 3 else TOWNS[i % 4]
    birth = day0.replace(year=day0.year - rng.randint(22, 88)) - dt.timedelta(
        days=rng.randint(0, 360))
    first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
    args: dict[str, object] = {
        "name": f"{first} {last}", "first_name": first, "last_name": last,
        "birth_date": birth,
        "address": Address(f"{100 + 7 * i} {STREETS[i % len(STREETS)]}",
                           "Apt 2" if i % 5 == 0 else "", town, state, zip_code),
        "language": "es" if first in ("Marisol", "Tomás", "Lucía") else "en",
        "external_id": f"DEMO-{1000 + i}",
    }
    args.update(kw)
    return RecipientFields(**args)  # type: ignore[arg-type]


def seed_letters_demo(session: Session, rng: random.Random) -> str:
    day0 = local_today(session)
    people = [_person(rng, i, day0) for i in range(36)]
    kid = day0.replace(year=day0.year - 18) + dt.timedelta(days=1)
    people += [
        _person(rng, 40, day0, name="Theo Calloway", birth_date=day0.replace(
            year=day0.year - 9), guardian_name="Dana Calloway"),
        _person(rng, 41, day0, name="Willa Greer", birth_date=kid),
        _person(rng, 42, day0, name="Harold Ivers", birth_date=dt.date(1938, 6, 2),
                death_date=day0 - dt.timedelta(days=200), nok_name="Margaret Ivers",
                nok_address=Address("88 Example Court", "", "Peoria", "IL", "61602")),
        _person(rng, 43, day0, name="Edna Stroud", birth_date=dt.date(1931, 1, 9),
                death_date=day0 - dt.timedelta(days=400)),
        _person(rng, 44, day0, address=Address()),
        _person(rng, 45, day0, address=Address("", "", "Springfield", "IL", "")),
    ]
    people.append(people[3])  # listed twice by the EHR export
    add_recipients(session, people)
    report = letter_service.classify_recipients(session, update_counts=False)
    letter_codes.add_code_pool(
        session, [f"RBH-{rng.randrange(36**6):06X}-{i:03d}" for i in range(80)],
        expires_on=day0 + dt.timedelta(days=120),
        enrollment_url="www.example-monitoring.com/enroll", monitoring_months=24,
        source_name="demo vendor codes")
    set_translations(session, "es", SPANISH)  # so the Spanish speakers get Spanish letters
    batch = letter_service.create_batch(session, spec=letter_service.BatchSpec(state="IL"))
    letter_service.record_direct_print(session, str(batch.number))  # sent to the printer
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.PRINTED)
    mailing_log.mark_batch(session, str(batch.number), LetterStatus.MAILED, on_date=day0)
    [(_seq, first)] = letter_store.references_in_range(session.db, batch.id, 1, 1)
    mailing_log.mark_returned(session, first, note="Moved, left no address")
    c = report.counts
    return (f"a sample of {report.total} fictional letter recipients ({c.get('minor', 0)} minors, "
            f"{c.get('deceased', 0)} next-of-kin letter, {c.get('duplicate', 0)} duplicate); "
            f"batch {batch.number} of {batch.letter_count} letters mailed, one returned")
