"""The demo desk's people: Riverbend Community Health, a fictional four-site clinic, and the
outside organisations a breach response calls on.

Everything here is invented. Phone numbers are only ever 555-0100..555-0199 (the range NANP
reserves for fiction) and e-mail domains end in `.example` (reserved by RFC 2606), so nobody can
be called or mailed by mistake. Names are deliberately varied (accents, apostrophes, hyphens,
family-name-first) because real staff lists are, and the screens, search and printing must cope.
Plain data and one deterministic generator; no Qt, no I/O.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.operators import Role

ORG = "Riverbend Community Health"
DEMO_OPERATOR = "demo"
DEMO_PASSPHRASE = "demo-passphrase-2026"
# (name, role, passphrase): the first is the desk's creator.
DEMO_OPERATORS: tuple[tuple[str, Role, str], ...] = (
    (DEMO_OPERATOR, Role.ADMIN, DEMO_PASSPHRASE),
    ("approver", Role.APPROVER, "approver-passphrase-2026"),
    ("operator", Role.OPERATOR, "operator-passphrase-2026"),
)
DOMAIN = "riverbendhealth.example"

SITES = {
    "Main Street": "312",  # headquarters, urgent care, pharmacy, lab
    "Northside": "773",  # family medicine
    "Eastgate": "630",  # women's and children's
    "Westfield": "708",  # behavioral health and dental
}
MOBILE_AREA_CODES = ("872", "847", "815", "224", "331")


@dataclass(frozen=True)
class Staff:
    name: str
    title: str
    department: str
    site: str
    tags: tuple[str, ...] = ()
    email_name: str = ""  # when "first.last" would be wrong (family name first, etc.)


# (name, job title, department, site, extra tags). Department names double as tags.
STAFF: tuple[Staff, ...] = (
    # Executive
    Staff("Adaeze Okafor", "Chief Executive Officer", "executive", "Main Street",
          ("exec", "incident-command", "after-hours")),
    Staff("Marcus Feldman", "Chief Financial Officer", "executive", "Main Street", ("exec",)),
    Staff("Rosa Delgado-Pérez", "Chief Medical Officer (MD)", "executive", "Main Street",
          ("exec", "incident-command", "after-hours", "spanish")),
    Staff("Siobhán O'Connor", "Chief Nursing Officer", "executive", "Main Street",
          ("exec", "after-hours")),
    Staff("Hyun-woo Park", "Chief Operating Officer", "executive", "Main Street",
          ("exec", "incident-command")),
    Staff("Patricia Bellamy", "Executive Assistant to the CEO", "executive", "Main Street",
          ("after-hours",)),
    Staff("Tyrone Washington", "Site Operations Manager", "executive", "Westfield"),
    # Clinical
    Staff("Tomás Ó Briain", "Medical Director, Northside (MD)", "clinical", "Northside",
          ("after-hours",)),
    Staff("Priya Raghunathan", "Family Physician (MD)", "clinical", "Northside"),
    Staff("Jean-Luc Baptiste", "Pediatrician (MD)", "clinical", "Eastgate", ("french",)),
    Staff("Mei-Ling Chen", "Obstetrician-Gynecologist (MD)", "clinical", "Eastgate",
          ("mandarin",)),
    Staff("Kwame Asante", "Psychiatrist (MD)", "clinical", "Westfield"),
    Staff("Sofía Ramírez", "Family Physician (MD)", "clinical", "Main Street", ("spanish",)),
    Staff("Aleksander Nowak", "Dentist (DDS)", "clinical", "Westfield", ("polish",)),
    Staff("Yusuf Demir", "Physician Assistant (PA-C)", "clinical", "Main Street"),
    Staff("Hannah Goldberg-Reyes", "Clinical Psychologist (PsyD)", "clinical", "Westfield"),
    Staff("Ifeoma Nwosu", "Pharmacist-in-Charge (PharmD)", "clinical", "Main Street"),
    Staff("Samuel Kiprotich", "Laboratory Supervisor", "clinical", "Main Street"),
    Staff("Gabriela Nowicka", "Radiologic Technologist", "clinical", "Northside", ("polish",)),
    # Nursing
    Staff("Marisol Gutiérrez", "Nurse Manager (RN)", "nursing", "Main Street",
          ("spanish", "after-hours")),
    Staff("Ngozi Okonkwo", "Charge Nurse (RN)", "nursing", "Northside"),
    Staff("Nguyễn Thị Lan", "Charge Nurse (RN)", "nursing", "Eastgate", ("vietnamese",),
          email_name="lan.nguyen"),
    Staff("Kateřina Dvořáková", "Registered Nurse", "nursing", "Westfield"),
    Staff("D'Andre Jackson", "Licensed Practical Nurse", "nursing", "Main Street"),
    Staff("Aoife Byrne-Kowalski", "Nurse Practitioner (APRN)", "nursing", "Eastgate"),
    Staff("Liam O'Shea", "Triage Nurse (RN)", "nursing", "Main Street", ("after-hours",)),
    Staff("Fatima Zahra El-Amrani", "Care Coordinator (RN)", "nursing", "Northside",
          ("arabic", "french")),
    Staff("Beatriz Santos", "Medical Assistant", "nursing", "Westfield",
          ("spanish", "portuguese")),
    Staff("Paulo Mendes", "Night Nursing Supervisor (RN)", "nursing", "Main Street",
          ("after-hours", "portuguese")),
    # IT and security
    Staff("Rajesh Iyer", "Director of Information Technology", "it-security", "Main Street",
          ("incident-command", "after-hours")),
    Staff("Chloé Lefèvre", "Information Security Officer", "it-security", "Main Street",
          ("incident-command", "after-hours")),
    Staff("Björn Åkesson", "Network Engineer", "it-security", "Main Street", ("after-hours",)),
    Staff("Tanisha Brooks", "Systems Administrator", "it-security", "Main Street",
          ("after-hours",)),
    Staff("Mateo Rossi", "EHR Application Analyst", "it-security", "Northside"),
    Staff("Keanu Kahananui", "Help Desk Lead", "it-security", "Main Street", ("after-hours",)),
    Staff("Olamide Adeyemi", "Security Analyst", "it-security", "Main Street", ("after-hours",)),
    # Privacy and compliance
    Staff("Margaret Whitfield", "Privacy Officer", "privacy-compliance", "Main Street",
          ("incident-command", "after-hours")),
    Staff("Daniel Cohen", "Compliance Director", "privacy-compliance", "Main Street",
          ("incident-command",)),
    Staff("Ayesha Siddiqui", "Privacy Analyst", "privacy-compliance", "Main Street", ("urdu",)),
    Staff("Grace Achterberg", "Health Information Management Manager", "privacy-compliance",
          "Main Street"),
    Staff("Eilidh MacLeod", "Risk Manager", "privacy-compliance", "Main Street"),
    # Communications
    Staff("Zoë Mbeki-Adams", "Director of Communications (PIO)", "communications",
          "Main Street", ("incident-command", "after-hours")),
    Staff("Luis Fernando Ortega", "Communications Specialist", "communications", "Main Street",
          ("spanish",), email_name="luis.ortega"),
    Staff("Emily Nakamura", "Social Media Coordinator", "communications", "Main Street",
          ("after-hours",)),
    Staff("Benedikt Huber", "Internal Communications Manager", "communications",
          "Main Street"),
    # Legal
    Staff("Caroline St. Clair", "General Counsel", "legal", "Main Street",
          ("exec", "incident-command")),
    Staff("Ravi Menon", "Associate Counsel", "legal", "Main Street"),
    Staff("Imani Okoro", "Paralegal", "legal", "Main Street"),
    # Facilities
    Staff("Stanisław Wiśniewski", "Director of Facilities", "facilities", "Main Street",
          ("after-hours", "polish")),
    Staff("Jorge Villanueva", "Maintenance Supervisor", "facilities", "Northside", ("spanish",)),
    Staff("Moana Taufa", "Security Supervisor", "facilities", "Main Street", ("after-hours",)),
    Staff("Bill McAllister", "Facilities Technician", "facilities", "Eastgate"),
    Staff("Thandiwe Ndlovu", "Environmental Services Lead", "facilities", "Westfield"),
    # Patient services
    Staff("Renée Dubois-Martin", "Director of Patient Services", "patient-services",
          "Main Street", ("french",)),
    Staff("Carmen Rodríguez", "Patient Access Supervisor", "patient-services", "Main Street",
          ("spanish",)),
    Staff("Huang Wei", "Front Desk Lead", "patient-services", "Northside", ("mandarin",),
          email_name="wei.huang"),
    Staff("Anjali Desai", "Call Center Manager", "patient-services", "Main Street",
          ("after-hours", "gujarati")),
    Staff("Mohammed Al-Sayed", "Patient Advocate", "patient-services", "Eastgate", ("arabic",)),
    Staff("Kristin Halvorsen", "Patient Financial Services Manager", "patient-services",
          "Main Street"),
    Staff("José Martínez-Ruiz", "Interpreter Services Coordinator", "patient-services",
          "Main Street", ("spanish", "after-hours")),
    Staff("Trần Lan Anh", "Front Desk Lead", "patient-services", "Eastgate", ("vietnamese",),
          email_name="anh.tran"),
    Staff("Shawn O'Malley", "Front Desk Lead", "patient-services", "Westfield"),
)


@dataclass(frozen=True)
class Outside:
    name: str
    title: str
    organisation: str
    kind: ContactKind
    area_code: str
    email_domain: str
    labels: tuple[str, ...] = ("work", "mobile")
    tags: tuple[str, ...] = ()
    notes: str = ""


_K = ContactKind
EXTERNAL: tuple[Outside, ...] = (
    Outside("Victoria Hollis", "Partner, Privacy & Data Security", "Hollis Reed LLP",
            _K.EXTERNAL, "312", "hollisreed.example", tags=("breach-counsel", "after-hours"),
            notes="Breach coach under the cyber policy. Engage counsel first so the forensic "
                  "work is privileged."),
    Outside("Samir Haddad", "Senior Associate", "Hollis Reed LLP", _K.EXTERNAL, "312",
            "hollisreed.example", tags=("breach-counsel",)),
    Outside("Nadia Petrova", "Lead Incident Responder", "Ironbark Forensics", _K.VENDOR, "646",
            "ironbarkir.example", tags=("forensics", "after-hours"),
            notes="Retained through Hollis Reed LLP; do not contract directly."),
    Outside("Ironbark 24/7 Incident Hotline", "Incident intake", "Ironbark Forensics",
            _K.VENDOR, "646", "ironbarkir.example", labels=("24/7",),
            tags=("forensics", "after-hours"), notes="Have the policy number ready."),
    Outside("Gregory Lindqvist", "Cyber Claims Specialist", "Great Lakes Mutual Insurance",
            _K.EXTERNAL, "414", "greatlakesmutual.example", tags=("insurance",),
            notes="Notify within 72 hours of discovery; claim line is staffed around the clock."),
    Outside("Janelle Whitaker", "Account Executive", "Harbor & Pine Insurance Brokers",
            _K.EXTERNAL, "312", "harborpine.example", tags=("insurance",)),
    Outside("Michael Torres", "Special Agent, Cyber Squad", "FBI Chicago Field Office",
            _K.LAW_ENFORCEMENT, "312", "fbi-demo.example", tags=("after-hours",),
            notes="Ransom notes, wallet addresses and indicators go to the FBI; also file at "
                  "IC3."),
    Outside("FBI Chicago Duty Agent", "Duty agent (24 hours)", "FBI Chicago Field Office",
            _K.LAW_ENFORCEMENT, "312", "fbi-demo.example", labels=("24/7",),
            tags=("after-hours",)),
    Outside("Kimberly Osei", "Special Agent, Cyber Fraud Task Force",
            "U.S. Secret Service, Chicago Field Office", _K.LAW_ENFORCEMENT, "312",
            "usss-demo.example"),
    Outside("Frank Kowalczyk", "Detective Sergeant, Financial Crimes",
            "Riverbend Police Department", _K.LAW_ENFORCEMENT, "815", "riverbendpd.example",
            tags=("polish",)),
    Outside("Elena Vásquez", "Assistant Attorney General, Privacy Unit",
            "Office of the Illinois Attorney General", _K.REGULATOR, "217", "ilag-demo.example",
            labels=("work",), notes="State breach notice goes to this unit when 500 or more "
                                    "residents are affected."),
    Outside("Harold Jenkins", "Regional Investigator, Region V",
            "HHS Office for Civil Rights", _K.REGULATOR, "312", "hhs-ocr-demo.example",
            labels=("work",)),
    Outside("Leah Brennan", "Preparedness & Response Coordinator",
            "Illinois Department of Public Health", _K.REGULATOR, "217", "idph-demo.example"),
    Outside("Dana Whitmore", "Health Reporter", "WRBN-TV Channel 7", _K.MEDIA, "312",
            "wrbn7.example", tags=("tv",), notes="Fair and careful; prefers a call before 2 pm "
                                                 "for the evening news."),
    Outside("Carlos Ibáñez", "Assignment Editor", "WRBN-TV Channel 7", _K.MEDIA, "312",
            "wrbn7.example", labels=("newsroom",), tags=("tv", "spanish", "after-hours")),
    Outside("Priscilla Oyelaran", "Morning News Host", "WRVR 101.3 FM", _K.MEDIA, "773",
            "wrvr.example", tags=("radio",)),
    Outside("Tom Gallagher", "Metro Reporter", "The Riverbend Courier", _K.MEDIA, "815",
            "riverbendcourier.example", tags=("newspaper",)),
    Outside("Ana Lucía Fuentes", "Reporter", "La Voz del Valle", _K.MEDIA, "773",
            "lavozdelvalle.example", tags=("newspaper", "spanish"),
            notes="Spanish-language weekly read by many Northside patients."),
    Outside("Courtney Blake", "Customer Success Manager", "Meridian Health Systems (EHR)",
            _K.VENDOR, "608", "meridianhealthsys.example", tags=("ehr",)),
    Outside("Meridian 24x7 Support", "Critical incident line", "Meridian Health Systems (EHR)",
            _K.VENDOR, "608", "meridianhealthsys.example", labels=("24/7",),
            tags=("ehr", "after-hours"), notes="Ask for a Severity 1 ticket; quote the client "
                                               "ID on the support contract."),
    Outside("Derek Osterman", "Service Delivery Manager", "Lakeview Tech Partners", _K.VENDOR,
            "630", "lakeviewtech.example", tags=("managed-it", "after-hours")),
    Outside("Linda Kowalski", "Account Manager", "Prairie Print & Mail", _K.VENDOR, "309",
            "prairieprint.example", tags=("mailing",),
            notes="Needs the final letter PDF and address file 3 business days before "
                  "drop date."),
    Outside("Marcus Greene", "Breach Response Account Lead", "ClearShield Identity Services",
            _K.VENDOR, "469", "clearshield.example", tags=("credit-monitoring",)),
    Outside("Olivia Sandoval", "Senior Vice President, Crisis Communications",
            "Blue Heron Strategies", _K.EXTERNAL, "312", "blueheron.example",
            tags=("pr", "after-hours")),
    Outside("Rachel Adeyemi-Stone", "Program Manager", "Beacon Contact Solutions", _K.VENDOR,
            "402", "beaconcontact.example", tags=("call-center",),
            notes="Runs the patient breach hotline; needs the approved FAQ before go-live."),
    Outside("Pieter van der Berg", "Member Services, Threat Intelligence", "Health-ISAC",
            _K.EXTERNAL, "202", "h-isac-demo.example", tags=("threat-intel",)),
)


class FictionalNumbers:
    """Hands out distinct numbers in 555-0100..555-0199 (reserved for fiction) per area code."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._free: dict[str, list[int]] = {}

    def take(self, area_code: str) -> str:
        free = self._free.setdefault(area_code, list(range(100, 200)))
        if not free:
            raise ValueError(f"no fictional numbers left in area code {area_code}")
        suffix = free.pop(self._rng.randrange(len(free)))
        return f"{area_code}-555-{suffix:04d}"


_NOT_DECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                                   "ß": "ss"})


def email_local(name: str) -> str:
    """'Siobhán O'Connor' -> 'siobhan.oconnor' (ASCII, for a plausible address)."""
    ascii_name = unicodedata.normalize("NFKD", name.translate(_NOT_DECOMPOSABLE))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii").lower()
    parts = ["".join(ch for ch in word if ch.isalnum() or ch == "-")
             for word in ascii_name.split()]
    parts = [p for p in parts if p]
    return f"{parts[0]}.{''.join(parts[1:])}" if len(parts) > 1 else parts[0]


def _nanp(number: str, style: int) -> str:
    area, exchange, line = number.split("-")
    return (f"({area}) {exchange}-{line}", f"+1 {area} {exchange} {line}",
            f"{area}.{exchange}.{line}")[style]


def staff_drafts(rng: random.Random, numbers: FictionalNumbers) -> list[ContactDraft]:
    """Every staff member with a work and a mobile number, in a deterministic order."""
    drafts = []
    for person in STAFF:
        work = _nanp(numbers.take(SITES[person.site]), 0)
        mobile = _nanp(numbers.take(rng.choice(MOBILE_AREA_CODES)), rng.choice((1, 2)))
        local = person.email_name or email_local(person.name)
        drafts.append(ContactDraft(
            name=person.name, job_title=person.title, organisation=ORG, kind=ContactKind.STAFF,
            phones=[("mobile", mobile), ("work", work)], email=f"{local}@{DOMAIN}",
            tags=[person.department, person.site, *person.tags],
        ))
    return drafts


def external_drafts(rng: random.Random, numbers: FictionalNumbers) -> list[ContactDraft]:
    """Counsel, forensics, insurers, law enforcement, regulators, media and vendors."""
    drafts = []
    for person in EXTERNAL:
        phones = [(label, _nanp(numbers.take(person.area_code if label != "mobile"
                                             else rng.choice(MOBILE_AREA_CODES)), 0))
                  for label in person.labels]
        local = email_local(person.name) if person.labels != ("24/7",) else "hotline"
        drafts.append(ContactDraft(
            name=person.name, job_title=person.title, organisation=person.organisation,
            kind=person.kind, phones=phones, email=f"{local}@{person.email_domain}",
            notes=person.notes, tags=list(person.tags),
        ))
    return drafts
