"""Who gets which letter: the breach-notice rules for one affected person, as pure functions.

45 CFR 164.404(d): a letter goes by first-class mail to the individual; for a minor, to the
parent or guardian (the personal representative, 164.502(g)); for someone known to have died,
to the next of kin or personal representative *only if their address is known*, and otherwise
no letter and no substitute notice (d)(2). People whose contact information is insufficient get
substitute notice, whose form depends on whether there are fewer than 10 of them or 10 or more.
The same person listed twice (same name, birth date and address after normalisation) gets one
letter, and the merge is recorded. A wrong letter is itself a breach, so every outcome carries
the reason it was chosen.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.recipients import Address, RecipientFields

AGE_OF_MAJORITY = 18
SUBSTITUTE_NOTICE_THRESHOLD = 10  # 164.404(d)(2): fewer than 10 vs 10 or more


class Variant(StrEnum):
    ADULT = "adult"
    MINOR = "minor"
    DECEASED = "deceased"


class Outcome(StrEnum):
    LETTER = "letter"
    NO_NOTICE = "no_notice"  # deceased, next of kin's address unknown: (d)(2)
    INSUFFICIENT = "insufficient"  # no usable address: substitute notice
    DUPLICATE = "duplicate"  # merged into another recipient

    @property
    def label(self) -> str:
        return {"letter": "letter", "no_notice": "no letter (deceased, no next-of-kin address)",
                "insufficient": "insufficient address (substitute notice)",
                "duplicate": "duplicate (merged)"}[self.value]


class LetterStatus(StrEnum):
    PENDING = "pending"
    RENDERED = "rendered"
    PRINTED = "printed"
    MAILED = "mailed"
    RETURNED = "returned"
    REMAILED = "remailed"


# Which mailing-log states may follow which (a reprint keeps the state; remail needs a return).
NEXT_STATUS: dict[LetterStatus, frozenset[LetterStatus]] = {
    LetterStatus.PENDING: frozenset({LetterStatus.RENDERED, LetterStatus.PRINTED}),
    LetterStatus.RENDERED: frozenset({LetterStatus.PRINTED, LetterStatus.RENDERED}),
    LetterStatus.PRINTED: frozenset({LetterStatus.MAILED, LetterStatus.PRINTED}),
    LetterStatus.MAILED: frozenset({LetterStatus.RETURNED}),
    LetterStatus.RETURNED: frozenset({LetterStatus.REMAILED}),
    LetterStatus.REMAILED: frozenset({LetterStatus.RETURNED}),
}


@dataclass(frozen=True)
class Classification:
    variant: Variant
    outcome: Outcome
    reason: str
    addressee: str = ""
    address: Address = Address()


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years on `day`; a 29 February birthday comes of age on 1 March in common years."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def classify(person: RecipientFields, notice_date: dt.date,
             age_of_majority: int = AGE_OF_MAJORITY) -> Classification:
    """The letter (or the reason for none) for one person, at the date the notice goes out."""
    if person.death_date is not None:
        if not person.nok_address_problem:
            addressee, address = addressee_for(person, Variant.DECEASED)
            return Classification(Variant.DECEASED, Outcome.LETTER,
                                  "deceased: letter to the next of kin or personal "
                                  "representative", addressee, address)
        return Classification(Variant.DECEASED, Outcome.NO_NOTICE,
                              "deceased and no next-of-kin address: no letter and no "
                              "substitute notice (45 CFR 164.404(d)(2))")
    minor = (person.birth_date is not None
             and age_on(person.birth_date, notice_date) < age_of_majority)
    variant = Variant.MINOR if minor else Variant.ADULT
    problem = person.address_problem
    if problem:
        return Classification(variant, Outcome.INSUFFICIENT,
                              f"insufficient address ({problem}): counts toward substitute "
                              "notice")
    addressee, address = addressee_for(person, variant)
    if minor:
        return Classification(variant, Outcome.LETTER,
                              f"minor (under {age_of_majority} on {notice_date.isoformat()}): "
                              "letter to the parent or guardian", addressee, address)
    return Classification(variant, Outcome.LETTER, "adult: letter to the patient",
                          addressee, address)


def addressee_for(person: RecipientFields, variant: Variant) -> tuple[str, Address]:
    """Who the envelope is addressed to, and where, for a letter of `variant`."""
    if variant is Variant.DECEASED:
        return person.nok_name or f"Next of kin of {person.name}", person.nok_address
    if variant is Variant.MINOR:
        return person.guardian_name or f"Parent or Guardian of {person.name}", person.address
    return person.name, person.address


@dataclass(frozen=True)
class Letter:
    """One letter of a batch, with everything needed to print it."""

    id: str
    batch_id: str
    seq: int
    reference: str
    variant: Variant
    language: str
    template_key: str
    template_version: int
    status: LetterStatus
    state: str
    recipient_id: str
    person: RecipientFields
    code: str = ""
    file: str = ""

    @property
    def addressee(self) -> str:
        return addressee_for(self.person, self.variant)[0]

    @property
    def address(self) -> Address:
        return addressee_for(self.person, self.variant)[1]

    def address_lines(self) -> list[str]:
        return [self.addressee, *self.address.lines()]


_ABBREVIATIONS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln",
    "boulevard": "blvd", "court": "ct", "place": "pl", "terrace": "ter", "circle": "cir",
    "highway": "hwy", "parkway": "pkwy", "apartment": "apt", "suite": "ste", "north": "n",
    "south": "s", "east": "e", "west": "w", "unit": "apt", "#": "apt",
}


_NOT_WORD = re.compile(r"[^\w#]+")


def _fold(text: str) -> str:
    """Case, accents and punctuation removed; words single-spaced. (Plain ASCII has no
    accents to remove: the decomposition is skipped, a million rows are mostly that.)"""
    plain = text.casefold()
    if not plain.isascii():
        plain = "".join(c for c in unicodedata.normalize("NFKD", plain)
                        if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def dedupe_key(person: RecipientFields) -> str:
    """Equal for the same person listed twice: name, birth date and address, normalised."""
    address = person.address
    street = " ".join(_ABBREVIATIONS.get(w, w) for w in
                      _fold(f"{address.line1} {address.line2}").split())
    name = _fold(person.name)
    return "|".join((name, person.birth_date.isoformat() if person.birth_date else "",
                     street, address.zip[:5] or _fold(address.city)))


# The three forms the substitute-notice duty takes, by `SubstituteNotice.required`.
SUBSTITUTE_KINDS = {"": "none", "alternative": "fewer-than-10", "web_or_media": "10-or-more"}


@dataclass(frozen=True)
class SubstituteNotice:
    """Who counts toward substitute notice and the form it takes (45 CFR 164.404(d)(2)).

    The rule says "insufficient or out-of-date contact information", so three groups count:
    people listed without a usable address, people whose letter came back undeliverable and
    who have no new address yet, and rows set aside for review (not mailable until fixed).
    Deceased people are never counted: without a next-of-kin address there is no notice at all.
    `insufficient` is everyone counted; `returned` and `set_aside` say how many of them are in
    those two groups.
    """

    insufficient: int
    required: str  # "", "alternative" or "web_or_media"
    returned: int = 0
    set_aside: int = 0

    @property
    def no_address(self) -> int:
        return self.insufficient - self.returned - self.set_aside

    @property
    def kind(self) -> str:
        """"none", "fewer-than-10" or "10-or-more"."""
        return SUBSTITUTE_KINDS[self.required]

    @property
    def breakdown(self) -> str:
        """"400 without a usable address, 10 letters returned with no new address, ..."."""
        parts = [f"{self.no_address:,} without a usable address"]
        if self.returned:
            parts.append(f"{count_of(self.returned, 'letter')} returned with no new address")
        if self.set_aside:
            parts.append(f"{count_of(self.set_aside, 'row')} set aside for review")
        return ", ".join(parts)

    @property
    def short(self) -> str:
        """One line for the Dashboard: the kind, how many, and what it takes."""
        if not self.required:
            return "none needed"
        if self.required == "alternative":
            return (f"fewer than 10 ({self.insufficient:,} people): another written notice, "
                    "telephone or other means")
        return (f"10 or more ({self.insufficient:,} people): web posting or major media, with "
                "the toll-free number")

    @property
    def text(self) -> str:
        if not self.required:
            return "No substitute notice is needed: every person has a usable address."
        who = (f"{count_of(self.insufficient, 'person', 'people')} "
               f"{'lacks' if self.insufficient == 1 else 'lack'} a usable or current address")
        if self.returned or self.set_aside:
            who += f" ({self.breakdown})"
        if self.required == "alternative":
            return (f"{who}; fewer than 10: give substitute notice by another written notice, "
                    "telephone or other means.")
        return (f"{who}; 10 or more: post a conspicuous notice on the home page for 90 days or "
                "in major print or broadcast media, with a toll-free number active for at "
                "least 90 days.")


def substitute_change(before: SubstituteNotice, after: SubstituteNotice, cause: str) -> str:
    """The timeline line when the substitute-notice form changes ("" when it does not).

    `cause` starts the sentence ("Returned mail", "Re-mailing")."""
    if before.required == after.required:
        return ""
    order = list(SUBSTITUTE_KINDS)
    verb = "raised" if order.index(after.required) > order.index(before.required) else "lowered"
    if not after.required:
        return f"{cause} {verb} substitute notice to none needed (0 people)."
    people = "person" if after.insufficient == 1 else "people"
    return (f"{cause} {verb} substitute notice to the {after.kind} kind "
            f"({after.insufficient:,} {people}: {after.breakdown}).")


SUBSTITUTE_OBLIGATION_KEY = "hipaa.substitute_notice"
SUBSTITUTE_WEB_TEMPLATE = "substitute-web-notice-en"


def substitute_obligation_title(notice: SubstituteNotice) -> str:
    """The line the deadlines and the obligations sheet show (45 CFR 164.404(d)(2))."""
    if notice.required == "web_or_media":
        return ("Substitute notice required: website posting for 90 days or major print/"
                "broadcast media, with a toll-free number active 90 days")
    return "Substitute notice: alternative written notice, telephone or other means"


def substitute_notice(no_address: int, returned: int = 0, set_aside: int = 0
                      ) -> SubstituteNotice:
    """The duty for `no_address` people listed without a usable address, `returned` whose
    letter came back with no new address and `set_aside` rows awaiting review."""
    total = max(0, no_address) + max(0, returned) + max(0, set_aside)
    if total <= 0:
        return SubstituteNotice(0, "")
    required = "alternative" if total < SUBSTITUTE_NOTICE_THRESHOLD else "web_or_media"
    return SubstituteNotice(total, required, max(0, returned), max(0, set_aside))


def reference_number(n: int) -> str:
    """'CD' + 7 digits + a Luhn check digit, so a mistyped reference is caught, not misfiled."""
    digits = f"{n:07d}"
    return f"CD{digits}{_luhn(digits)}"


def parse_reference(text: str) -> str:
    """The canonical reference for what someone typed or scanned, or '' if it cannot be one."""
    clean = re.sub(r"[\s\-]", "", text).upper()
    m = re.fullmatch(r"(?:CD)?(\d{7})(\d)", clean)
    if m is None or _luhn(m.group(1)) != m.group(2):
        return ""
    return f"CD{m.group(1)}{m.group(2)}"


def _luhn(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)
