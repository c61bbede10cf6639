"""Which of a person's data elements were exposed, as a letter names them.

A forensic firm's list says per person what was in the files that were taken ("SSN; DOB;
Diagnosis", "Driver's License, Address"). A letter has to name *that person's* elements, in
plain singular words ("your name, address and date of birth"), not the incident-wide list in
plurals. Cells are split on ; , / | and "and"; each piece is matched loosely against a list of
synonyms and replaced by its canonical element; a word we do not recognise is kept as given
(lower-cased only when it was all capitals) so nothing a forensic report named is dropped.
Whether a Social Security number was among them matters for state credit-monitoring rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# canonical element -> (English plain words, Spanish plain words, synonyms as header_key form)
ELEMENTS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "name": ("name", "nombre", ("name", "names", "fullname", "patientname", "firstname",
                                "lastname")),
    "address": ("address", "dirección", ("address", "addresses", "homeaddress",
                                         "mailingaddress", "streetaddress")),
    "date_of_birth": ("date of birth", "fecha de nacimiento",
                      ("dob", "dateofbirth", "datesofbirth", "birthdate", "birthday")),
    "ssn": ("Social Security number", "número de Seguro Social",
            ("ssn", "ssns", "socialsecuritynumber", "socialsecuritynumbers", "socialsecurity",
             "socialsecurityno", "ss", "ssno", "itin", "taxpayeridentificationnumber")),
    "drivers_license": ("driver's license number", "número de licencia de conducir",
                        ("dl", "dln", "driverslicense", "driverslicence", "driverlicense",
                         "driverslicensenumber", "driverlicensenumber", "stateid",
                         "stateidnumber", "stateidentificationnumber")),
    "financial_account": ("financial account number", "número de cuenta bancaria o de tarjeta",
                          ("financial", "financialaccount", "financialaccountnumber",
                           "bankaccount", "bankaccountnumber", "accountnumber",
                           "creditcard", "creditcardnumber", "debitcard", "cardnumber",
                           "paymentcard", "financialinformation")),
    "clinical": ("diagnosis or treatment information",
                 "información sobre su diagnóstico o tratamiento",
                 ("clinical", "clinicalinformation", "diagnosis", "diagnoses",
                  "diagnosiscode", "diagnosiscodes", "treatment", "treatmentinformation",
                  "medicalinformation", "medicalhistory", "condition", "conditions",
                  "medications", "medication", "prescription", "prescriptions", "labresults",
                  "procedure", "procedures", "dx")),
    "health_insurance": ("health insurance information", "información del seguro médico",
                         ("insurance", "healthinsurance", "healthinsuranceinformation",
                          "insuranceinformation", "memberid", "memberidnumber",
                          "insuranceid", "policynumber", "medicareid", "medicaidid",
                          "subscriberid", "healthplan", "healthplaninformation")),
    "medical_record_number": ("medical record number", "número de expediente médico",
                              ("mrn", "medicalrecordnumber", "medicalrecordnumbers",
                               "medicalrecord", "patientid", "patientidnumber",
                               "patientnumber")),
    "phone": ("phone number", "número de teléfono",
              ("phone", "phonenumber", "telephone", "telephonenumber")),
    "email": ("email address", "correo electrónico",
              ("email", "emailaddress", "e-mail")),
    "passport": ("passport number", "número de pasaporte", ("passport", "passportnumber")),
}
_LOOKUP = {syn: key for key, (_, _, syns) in ELEMENTS.items() for syn in syns}
_SPLIT = re.compile(r"\s*(?:[;,/|\n]|\band\b|&|\+)\s*", re.IGNORECASE)
UNKNOWN_PREFIX = "other:"  # a stored element that is not canonical keeps its own words


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def parse_elements(cell: str) -> tuple[str, ...]:
    """A cell ('SSN; DOB; Diagnosis') as canonical element keys, in the order given, once
    each; an unrecognised piece is kept as 'other:<its words>'."""
    found: list[str] = []
    for piece in _SPLIT.split(cell or ""):
        piece = piece.strip(" .'\"")
        if not piece:
            continue
        key = _LOOKUP.get(_key(piece)) or _LOOKUP.get(_key(piece).removesuffix("s"))
        if key is None:
            words = piece.lower() if piece.isupper() and len(piece) > 4 else piece
            key = UNKNOWN_PREFIX + words
        if key not in found:
            found.append(key)
    return tuple(found)


def element_words(element: str, language: str = "en") -> str:
    """The plain singular words a letter uses for one element ('date of birth')."""
    if element.startswith(UNKNOWN_PREFIX):
        return element[len(UNKNOWN_PREFIX):]
    english, spanish, _ = ELEMENTS[element]
    return spanish if language == "es" else english


def unknown_elements(elements: Iterable[str]) -> list[str]:
    """The elements kept as given (no Spanish wording exists for them)."""
    return [e[len(UNKNOWN_PREFIX):] for e in elements if e.startswith(UNKNOWN_PREFIX)]


def letter_list(elements: Iterable[str], language: str = "en") -> list[str]:
    """The words for `phi_types` in a letter, in the order the file gave them."""
    return [element_words(e, language) for e in elements]


def involves_ssn(elements: Iterable[str]) -> bool:
    return "ssn" in set(elements)


def encode(elements: Iterable[str]) -> str:
    """How the desk stores a person's elements (one text column; '' when the file had none)."""
    return "; ".join(e.replace(";", ",") for e in elements)


def decode(text: str | None) -> tuple[str, ...]:
    return tuple(p for p in (text or "").split("; ") if p)


# The incident record's own kinds (plural, incident-wide) as elements, for the fallback.
INFO_KIND_ELEMENTS = {
    "names": "name", "addresses": "address", "dates_of_birth": "date_of_birth", "ssn": "ssn",
    "medical_record_numbers": "medical_record_number", "diagnoses": "clinical",
    "insurance": "health_insurance", "financial": "financial_account",
}
