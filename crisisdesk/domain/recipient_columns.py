"""Which column of an affected-patient list holds which recipient field.

Lists come from an EHR export, a forensics firm's spreadsheet or a synthetic-patient generator,
each with its own headers (`FIRST`, `LAST`, `BIRTHDATE`, `ADDRESS`, `ZIP`, "Patient Last Name",
"DOB", "Zip Code"), so headers are matched loosely, the same way contact imports match theirs;
a guess is only a proposal that the user confirms or overrides, and the confirmed mapping is
kept per source (a header signature) so next week's file from the same system maps itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from crisisdesk.domain.column_scheme import ColumnScheme

FIELDS: tuple[str, ...] = (
    "name", "first_name", "middle_name", "last_name", "suffix", "birth_date", "death_date",
    "address1", "address2", "city", "state", "zip", "language", "guardian_name", "nok_name",
    "nok_address1", "nok_address2", "nok_city", "nok_state", "nok_zip", "external_id",
    "information",
)
NAME_FIELDS = ("name", "first_name", "last_name")
DATE_FIELDS = ("birth_date", "death_date")
# Several columns may feed these (their cells are joined with a space).
MULTI_FIELDS = frozenset({"address1", "address2"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "fullname", "patientname", "patient", "displayname"),
    "first_name": ("first", "firstname", "givenname", "given", "forename", "patientfirstname",
                   "fname"),
    "middle_name": ("middle", "middlename", "mi", "middleinitial"),
    "last_name": ("last", "lastname", "surname", "familyname", "patientlastname", "lname"),
    "suffix": ("suffix", "namesuffix"),
    "birth_date": ("birthdate", "dob", "dateofbirth", "birthday", "born", "patientdob"),
    "death_date": ("deathdate", "dod", "dateofdeath", "deceaseddate", "died"),
    "address1": ("address", "address1", "addressline", "addressline1", "street",
                 "streetaddress", "mailingaddress", "addr", "addr1", "homeaddress"),
    "address2": ("address2", "addressline2", "addr2", "apt", "unit", "suite"),
    "city": ("city", "town", "municipality"),
    "state": ("state", "st", "province", "stateprovince", "region"),
    "zip": ("zip", "zipcode", "postalcode", "postcode", "zippostalcode", "zip4"),
    "language": ("language", "preferredlanguage", "lang", "primarylanguage"),
    "guardian_name": ("guardian", "guardianname", "parent", "parentname", "parentguardian",
                      "responsibleparty", "guarantor", "guarantorname"),
    "nok_name": ("nextofkin", "nok", "nokname", "nextofkinname", "personalrepresentative",
                 "representative", "executor"),
    "nok_address1": ("nokaddress", "nextofkinaddress", "nokaddress1", "nokstreet"),
    "nok_address2": ("nokaddress2", "nextofkinaddress2"),
    "nok_city": ("nokcity", "nextofkincity"),
    "nok_state": ("nokstate", "nextofkinstate"),
    "nok_zip": ("nokzip", "nextofkinzip", "nokzipcode", "nokpostalcode"),
    "external_id": ("id", "mrn", "medicalrecordnumber", "patientid", "recordid", "accountnumber",
                    "account"),
    "information": ("information", "dataelements", "informationinvolved", "phi",
                    "dataexposed", "exposeddata", "elementsexposed", "datatypes"),
}
SCHEME = ColumnScheme("recipient", FIELDS, _SYNONYMS, MULTI_FIELDS, keep_digits=True)


def missing_columns(mapping: Mapping[str, str]) -> list[str]:
    """What the mapping lacks before any row can be read (in words, for one sentence)."""
    fields = set(mapping.values())
    missing = []
    if not fields & set(NAME_FIELDS):
        missing.append("a name (or first and last name) column")
    if "birth_date" not in fields:
        missing.append("a date of birth column (needed to find minors)")
    if "address1" not in fields:
        missing.append("a street address column")
    return missing


def source_signature(headers: Iterable[str]) -> str:
    """Identifies files from the same source (same columns), to remember their mapping."""
    keys = "|".join(sorted(SCHEME.header_key(h) or h.casefold() for h in headers))
    return hashlib.sha256(keys.encode("utf-8")).hexdigest()[:16]
