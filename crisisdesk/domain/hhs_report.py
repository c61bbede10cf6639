"""The HHS "Notice to the Secretary of HHS of Breach of Unsecured PHI" (45 CFR 164.408), field by
field, in the portal's own sections, order and answer categories.

The portal is online; the desk may not be. So the report is prepared here exactly as the portal
asks it, so that whoever files types (or pastes) each answer in order the moment a connection
exists, and a printout per section can be filled in by hand if the laptop fails too.

Each field's value comes from one source, named with it: the incident record, the signed risk
assessment, the mailing log, the desk's settings, the privacy officer role's holder, or an
answer the privacy officer entered. A field no source knows is *missing*, and only fields that
apply are: the business-associate address only when a business associate was involved,
"describe other actions" only when "Other" is chosen, and so on.

Rules for counting: the approximate number of individuals is never smaller than the number of
people on the incident's list (every affected person counts), nor than the incident's count.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.incidents import IncidentKind, InfoKind, normalise_state, parse_date

INITIAL = "Initial Breach Report"
ADDENDUM = "Addendum to Previous Report"
FIVE_HUNDRED_OR_MORE = "500 or More Individuals"
FEWER_THAN_500 = "Fewer Than 500 Individuals"
HHS_THRESHOLD = 500  # 164.408(b): "500 or more individuals" in total
YES, NO = "Yes", "No"
LIST_SEP = "; "

ATTESTATION_TEXT = (
    "By submitting this form, I attest that, to the best of my knowledge, the information "
    "provided is accurate and complete, and that I am authorized to submit it on behalf of "
    "the covered entity. False statements may be punishable under 18 U.S.C. 1001.")


@dataclass(frozen=True)
class PortalField:
    key: str
    section: str
    label: str
    kind: str = "text"  # text, date, number, choice, multi, state, states, email, phone
    options: tuple[tuple[str, str], ...] = ()  # (short key, the portal's label)
    optional: bool = False
    when: tuple[str, str] | None = None  # applies only when field `[0]` holds answer `[1]`
    desk_wide: bool = False  # the same for every incident of this desk (the entity itself)
    help: str = ""


def _opts(*pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple((pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2))


YES_NO = _opts("yes", YES, "no", NO)
BREACH_TYPES = _opts(
    "hacking", "Hacking/IT Incident", "disposal", "Improper Disposal", "loss", "Loss",
    "theft", "Theft", "unauthorized", "Unauthorized Access/Disclosure", "other", "Other")
LOCATIONS = _opts(
    "desktop", "Desktop Computer", "emr", "Electronic Medical Record", "email", "Email",
    "laptop", "Laptop", "server", "Network Server", "portable",
    "Other Portable Electronic Device", "paper", "Paper/Films", "other", "Other")
PHI_TYPES = _opts("demographic", "Demographic", "financial", "Financial", "clinical",
                  "Clinical", "other", "Other")
ENTITY_TYPES = _opts("plan", "Health Plan", "clearinghouse", "Healthcare Clearinghouse",
                     "provider", "Healthcare Provider", "ba", "Business Associate")
SAFEGUARDS = _opts(
    "none", "None",
    "privacy", "Privacy Rule Safeguards (Training, Policies and Procedures, etc.)",
    "administrative", "Security Rule Administrative Safeguards (Risk Analysis, Risk "
                      "Management, etc.)",
    "physical", "Security Rule Physical Safeguards (Facility Access Controls, Workstation "
                "Security, etc.)",
    "technical", "Security Rule Technical Safeguards (Access Controls, Transmission "
                 "Security, etc.)")
ACTIONS = _opts(
    "encryption", "Adopted encryption technologies",
    "passwords", "Changed password/strengthened password requirements",
    "risk-plan", "Created a new/updated Security Rule Risk Management Plan",
    "technical", "Implemented new technical safeguards",
    "evaluations", "Implemented periodic technical and nontechnical evaluations",
    "physical", "Improved physical security",
    "risk-analysis", "Performed a new/updated Security Rule Risk Analysis",
    "ba-training", "Provided business associate with additional training on HIPAA "
                   "requirements",
    "monitoring", "Provided individuals with free credit monitoring",
    "ba-contracts", "Revised business associate contracts",
    "policies", "Revised policies and procedures",
    "sanctions", "Sanctioned workforce members involved (including termination)",
    "mitigate", "Took steps to mitigate harm",
    "training", "Trained or retrained workforce members",
    "other", "Other")

GENERAL = "General"
ENTITY = "Covered Entity"
BA = "Business Associate"
BREACH = "Breach"
NOTICE = "Notice of Breach and Actions Taken"
ATTEST = "Attestation"
SECTIONS = (GENERAL, ENTITY, BA, BREACH, NOTICE, ATTEST)
_BA_ON = ("ba_involved", YES)


def _ba(key: str, label: str, kind: str = "text", optional: bool = False) -> PortalField:
    return PortalField(key, BA, label, kind, optional=optional, when=_BA_ON)


FIELDS: tuple[PortalField, ...] = (
    PortalField("report_type", GENERAL, "Report Type", "choice",
                _opts("initial", INITIAL, "addendum", ADDENDUM)),
    PortalField("breach_affecting", GENERAL, "Breach Affecting", "choice",
                _opts("500-or-more", FIVE_HUNDRED_OR_MORE, "fewer", FEWER_THAN_500)),
    PortalField("ce_name", ENTITY, "Name of Covered Entity", desk_wide=True),
    PortalField("ce_street1", ENTITY, "Street Address Line 1", desk_wide=True),
    PortalField("ce_street2", ENTITY, "Street Address Line 2", optional=True, desk_wide=True),
    PortalField("ce_city", ENTITY, "City", desk_wide=True),
    PortalField("ce_state", ENTITY, "State", "state", desk_wide=True),
    PortalField("ce_zip", ENTITY, "ZIP", desk_wide=True),
    PortalField("ce_contact_first", ENTITY, "Covered Entity Point of Contact First Name"),
    PortalField("ce_contact_last", ENTITY, "Covered Entity Point of Contact Last Name"),
    PortalField("ce_contact_email", ENTITY, "Contact Email", "email"),
    PortalField("ce_contact_phone", ENTITY, "Contact Phone Number (Include area code)",
                "phone"),
    PortalField("ce_type", ENTITY, "Type of Covered Entity", "choice", ENTITY_TYPES,
                desk_wide=True),
    PortalField("ba_involved", BA, "Breach Occurred at or by a Business Associate", "choice",
                YES_NO),
    _ba("ba_name", "Name of Business Associate"),
    _ba("ba_street1", "Business Associate Street Address Line 1"),
    _ba("ba_street2", "Business Associate Street Address Line 2", optional=True),
    _ba("ba_city", "Business Associate City"),
    _ba("ba_state", "Business Associate State", "state"),
    _ba("ba_zip", "Business Associate ZIP"),
    _ba("ba_contact_first", "Business Associate Point of Contact First Name"),
    _ba("ba_contact_last", "Business Associate Point of Contact Last Name"),
    _ba("ba_contact_email", "Business Associate Contact Email", "email"),
    _ba("ba_contact_phone", "Business Associate Contact Phone Number", "phone"),
    PortalField("breach_start", BREACH, "Breach Start Date", "date"),
    PortalField("breach_end", BREACH, "Breach End Date", "date"),
    PortalField("discovery_start", BREACH, "Discovery Start Date", "date"),
    PortalField("discovery_end", BREACH, "Discovery End Date", "date"),
    PortalField("individuals", BREACH, "Approximate Number of Individuals Affected by the "
                "Breach", "number"),
    PortalField("breach_type", BREACH, "Type of Breach", "multi", BREACH_TYPES),
    PortalField("location", BREACH, "Location of Breached Information", "multi", LOCATIONS),
    PortalField("phi_types", BREACH, "Type of Protected Health Information Involved in Breach",
                "multi", PHI_TYPES),
    PortalField("description", BREACH, "Brief Description of the Breach"),
    PortalField("safeguards", BREACH, "Safeguards in Place Prior to Breach", "multi",
                SAFEGUARDS),
    PortalField("notice_start", NOTICE, "Individual Notice Provided Start Date", "date"),
    PortalField("notice_end", NOTICE, "Individual Notice Provided Projected/Expected End Date",
                "date"),
    PortalField("substitute", NOTICE, "Was Substitute Notice Required?", "choice", YES_NO),
    PortalField("substitute_date", NOTICE, "Substitute Notice Date", "date",
                when=("substitute", YES)),
    PortalField("media", NOTICE, "Was Media Notice Required?", "choice", YES_NO),
    PortalField("media_states", NOTICE, "State(s) and/or Territories in Which Media Notice Was "
                "Provided", "states", when=("media", YES)),
    PortalField("media_date", NOTICE, "Media Notice Date", "date", when=("media", YES)),
    PortalField("actions", NOTICE, "Actions Taken in Response to Breach", "multi", ACTIONS),
    PortalField("actions_other", NOTICE, "Describe Other Actions Taken", when=("actions",
                                                                               "Other")),
    PortalField("attest_name", ATTEST, "Attestation: Name of Person Submitting",
                help=ATTESTATION_TEXT),
)
BY_KEY = {f.key: f for f in FIELDS}
LABELS = tuple(f.label for f in FIELDS)


# --- prefill mappings -------------------------------------------------------------------------

BREACH_TYPE_BY_KIND = {IncidentKind.RANSOMWARE: "Hacking/IT Incident"}
PHI_TYPE_BY_KIND = {
    InfoKind.NAMES: "Demographic", InfoKind.ADDRESSES: "Demographic",
    InfoKind.DATES_OF_BIRTH: "Demographic", InfoKind.SSN: "Demographic",
    InfoKind.MEDICAL_RECORD_NUMBERS: "Demographic", InfoKind.DIAGNOSES: "Clinical",
    InfoKind.INSURANCE: "Financial", InfoKind.FINANCIAL: "Financial",
}
# words in a system's name -> the portal's location (first match wins; none -> Other)
LOCATION_WORDS = (
    (("ehr", "emr", "medical record", "health record", "epic", "cerner"),
     "Electronic Medical Record"),
    (("email", "e-mail", "mail server", "exchange", "outlook"), "Email"),
    (("laptop", "notebook"), "Laptop"),
    (("desktop", "workstation", "pc"), "Desktop Computer"),
    (("phone", "tablet", "usb", "portable", "thumb drive"), "Other Portable Electronic Device"),
    (("paper", "film", "x-ray", "print"), "Paper/Films"),
    (("server", "file share", "network", "database", "nas", "cloud"), "Network Server"),
)


def locations_for(systems: Iterable[str]) -> list[str]:
    """The portal's locations for the incident's affected systems, by the words in their
    names ("File servers" -> Network Server); a system no word places is "Other"."""
    found: list[str] = []
    for system in systems:
        name = system.casefold()
        words = set(re.findall(r"[a-z0-9]+", name))
        words |= {w[:-1] for w in words if w.endswith("s")}
        label = next((label for keys, label in LOCATION_WORDS
                      if any((k in name) if " " in k or "-" in k else (k in words)
                             for k in keys)), "Other")
        if label not in found:
            found.append(label)
    return _in_portal_order(found, LOCATIONS)


def phi_types_for(kinds: Iterable[InfoKind]) -> list[str]:
    return _in_portal_order({PHI_TYPE_BY_KIND[k] for k in kinds if k in PHI_TYPE_BY_KIND},
                            PHI_TYPES)


def _in_portal_order(labels: Iterable[str], options: Sequence[tuple[str, str]]) -> list[str]:
    chosen = set(labels)
    return [label for _key, label in options if label in chosen]


_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<city>[^,]+?),\s*(?P<state>[A-Za-z]{2})\s+"
                      r"(?P<zip>\d{5}(?:-\d{4})?)\s*$")


def split_address(text: str) -> dict[str, str]:
    """'400 River Road, Springfield, IL 62701' -> street, city, state, zip ({} if the text
    is not in that shape, so the fields stay missing rather than wrongly split)."""
    m = _ADDRESS.match(" ".join(text.split()))
    if not m:
        return {}
    return {"street1": m["street"], "city": m["city"], "state": m["state"].upper(),
            "zip": m["zip"]}


def split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return (parts[0], "") if parts else ("", "")
    return " ".join(parts[:-1]), parts[-1]


def portal_count(incident_total: int, people_on_list: int) -> int:
    """Every affected person counts: never fewer than the people we were given."""
    return max(incident_total, people_on_list)


# --- answers ----------------------------------------------------------------------------------

def _choice(f: PortalField, text: str) -> str:
    wanted = text.strip().casefold()
    for key, label in f.options:
        if wanted in (key, label.casefold()):
            return label
    starts = [label for _key, label in f.options if label.casefold().startswith(wanted)]
    if wanted and len(starts) == 1:
        return starts[0]
    raise ValidationError(f"{f.key}: {text.strip()!r} is not one of: "
                          f"{', '.join(k for k, _ in f.options)}.", {f.key: "unknown choice"})


def _state(code: str, key: str) -> str:
    try:
        return normalise_state(code, key)
    except ValidationError as exc:
        raise ValidationError(f"{key}: {exc}", exc.fields) from None


def clean_answer(key: str, text: str, *, people_on_list: int = 0) -> str:
    """An answer as it will be stored (dates ISO, lists in the portal's order), or
    ValidationError naming the field. '' clears the answer."""
    f = BY_KEY.get(key)
    if f is None:
        raise ValidationError(f"{key}: not a field of the HHS report (see `crisisdesk hhs "
                              "report` for the field names).", {key: "unknown field"})
    value = " ".join(text.split())
    if not value:
        return ""
    if f.kind == "date":
        day = parse_date(value, f.key)
        return day.isoformat() if day else ""
    if f.kind == "number":
        digits = value.replace(",", "")
        if not digits.isdigit():
            raise ValidationError(f"{f.key}: {value!r} is not a whole number.",
                                  {f.key: "not a number"})
        if int(digits) < people_on_list:
            raise ValidationError(
                f"{f.key}: {int(digits):,} is fewer than the {people_on_list:,} people on the "
                "incident's list; every affected person counts.", {f.key: "too small"})
        return str(int(digits))
    if f.kind == "choice":
        return _choice(f, value)
    if f.kind == "multi":
        picked = [_choice(f, part) for part in re.split(r"\s*;\s*", value) if part]
        return LIST_SEP.join(_in_portal_order(picked, f.options))
    if f.kind == "state":
        return _state(value, f.key)
    if f.kind == "states":
        return ", ".join(sorted({_state(s, f.key) for s in re.split(r"[\s,;]+", value) if s}))
    if f.kind == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValidationError(f"{f.key}: {value!r} is not an e-mail address.",
                              {f.key: "not an e-mail address"})
    if f.kind == "phone" and len(re.sub(r"\D", "", value)) < 10:
        raise ValidationError(f"{f.key}: {value!r} needs the area code (10 digits).",
                              {f.key: "too short"})
    return value


# --- the report -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldValue:
    field: PortalField
    value: str  # "" when missing or not applicable; dates ISO
    source: str = ""  # where it came from ("incident", "entered by Bea", ...)
    applies: bool = True

    @property
    def text(self) -> str:
        """As typed into the portal: dates MM/DD/YYYY, everything else as stored."""
        if self.field.kind == "date" and self.value:
            day = dt.date.fromisoformat(self.value)
            return f"{day.month:02d}/{day.day:02d}/{day.year}"
        return self.value

    @property
    def missing(self) -> bool:
        return self.applies and not self.value and not self.field.optional


@dataclass(frozen=True)
class HhsReport:
    incident_id: str
    incident_title: str
    values: tuple[FieldValue, ...]
    notes: tuple[str, ...] = ()
    version: int = 0  # 0: the live draft; N: a saved version
    saved_at: str = ""
    saved_by: str = ""

    def value(self, key: str) -> FieldValue:
        return next(v for v in self.values if v.field.key == key)

    @property
    def missing(self) -> tuple[PortalField, ...]:
        return tuple(v.field for v in self.values if v.missing)

    def sections(self) -> list[tuple[str, list[FieldValue]]]:
        return [(name, [v for v in self.values if v.field.section == name])
                for name in SECTIONS]

    @property
    def report_type(self) -> str:
        return self.value("report_type").value


def assemble(incident_id: str, incident_title: str, prefill: Mapping[str, tuple[str, str]],
             answers: Mapping[str, tuple[str, str]], notes: Sequence[str] = ()) -> HhsReport:
    """Every portal field, in order: an entered answer wins over a prefilled value; a field
    whose condition does not hold does not apply (and is never missing)."""
    chosen: dict[str, tuple[str, str]] = {}
    for f in FIELDS:
        if answers.get(f.key, ("", ""))[0]:
            chosen[f.key] = answers[f.key]
        elif prefill.get(f.key, ("", ""))[0]:
            chosen[f.key] = prefill[f.key]
    values = []
    for f in FIELDS:
        applies = True
        if f.when is not None:
            other = chosen.get(f.when[0], ("", ""))[0]
            applies = f.when[1] in other.split(LIST_SEP)
        value, source = chosen.get(f.key, ("", "")) if applies else ("", "")
        values.append(FieldValue(f, value, source, applies))
    return HhsReport(incident_id, incident_title, tuple(values), tuple(notes))


# --- the annual log of breaches affecting fewer than 500 (164.408(c)) ---------------------------

def annual_due(year: int) -> dt.date:
    """Not later than 60 days after the end of the calendar year: March 1, or February 29 in
    a leap year."""
    return dt.date(year, 12, 31) + dt.timedelta(days=60)


@dataclass(frozen=True)
class AnnualEntry:
    incident_id: str
    title: str
    discovered_on: dt.date
    breach_start: str
    breach_end: str
    individuals: int
    breach_type: str
    location: str
    conclusion: str  # the assessment's, or "not assessed (breach presumed)"
    saved_version: int  # the newest saved HHS report version (0: none yet)
    missing: int  # how many fields of its report are still missing


@dataclass(frozen=True)
class AnnualLog:
    year: int
    due: dt.date
    entries: tuple[AnnualEntry, ...] = field(default_factory=tuple)
