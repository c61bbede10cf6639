"""The breach risk assessment of 45 CFR 164.402(2): four factors, their facts, a signed conclusion.

An impermissible use or disclosure of PHI is presumed to be a breach unless the covered entity
shows, by a documented assessment of at least four factors, a low probability that the PHI was
compromised; 164.414(b) puts the burden of proof on the entity. So the record is kept the way
proof needs it:

- each factor holds the facts that support it, each fact with who recorded it and when;
- the conclusion is "breach presumed" until someone concludes otherwise, and a "low
  probability" conclusion needs reasons and a fact on every factor;
- ransomware: OCR's 2016 fact sheet treats ePHI encrypted by ransomware as acquired, so a
  ransomware incident is a breach unless the assessment shows otherwise, with reasons that
  address the "acquired or viewed" factor;
- a signed version is never changed: a new version (copied from it) supersedes it, and the
  difference between versions names both signers.

The signature is the privacy officer's Ed25519 signature (their operator key, as for template
approvals in domain/roster.py) over a SHA-256 of the version's content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from crisisdesk.domain.errors import ValidationError

SIGNED_AS = "Privacy Officer"
MAX_FACT = 2000
MAX_REASONS = 4000
MIN_REASONS = 20  # "with reasons": a word or two is not a reason


class Factor(StrEnum):
    """The four factors of 164.402(2)(i)-(iv), in the rule's order."""

    NATURE = "nature"
    PERSON = "person"
    ACQUIRED = "acquired"
    MITIGATION = "mitigation"

    @property
    def heading(self) -> str:
        return FACTOR_TITLES[self]

    @property
    def question(self) -> str:
        return FACTOR_QUESTIONS[self]


FACTOR_TITLES = {
    Factor.NATURE: "Nature and extent of the PHI",
    Factor.PERSON: "The unauthorized person",
    Factor.ACQUIRED: "Whether the PHI was actually acquired or viewed",
    Factor.MITIGATION: "Extent to which the risk has been mitigated",
}
FACTOR_QUESTIONS = {
    Factor.NATURE: "Which identifiers were involved, and how likely is re-identification?",
    Factor.PERSON: "Who used the PHI or to whom was it disclosed (e.g. another covered "
                   "entity, a criminal)?",
    Factor.ACQUIRED: "Was the PHI actually acquired or viewed, or only exposed?",
    Factor.MITIGATION: "What has been done to reduce the risk (assurances, recovery, "
                       "destruction)?",
}


class Conclusion(StrEnum):
    BREACH = "breach"
    LOW_PROBABILITY = "low_probability"

    @property
    def label(self) -> str:
        return {"breach": "Breach presumed: notification required",
                "low_probability": "Low probability that the PHI has been compromised: "
                                   "not a reportable breach"}[self.value]


def parse_factor(text: str) -> Factor:
    value = text.strip().casefold().replace("-", "_").replace(" ", "_")
    for factor in Factor:
        if value in (factor.value, factor.name.casefold()):
            return factor
    raise ValidationError(f"factor: unknown factor {text!r}; choose one of "
                          f"{', '.join(f.value for f in Factor)}.", {"factor": "unknown"})


def parse_conclusion(text: str) -> Conclusion:
    value = text.strip().casefold().replace("-", "_").replace(" ", "_")
    aliases = {"breach": Conclusion.BREACH, "presumed": Conclusion.BREACH,
               "breach_presumed": Conclusion.BREACH, "low": Conclusion.LOW_PROBABILITY,
               "low_probability": Conclusion.LOW_PROBABILITY}
    if value not in aliases:
        raise ValidationError(f"conclusion: unknown conclusion {text!r}; choose breach or "
                              "low-probability.", {"conclusion": "unknown"})
    return aliases[value]


@dataclass(frozen=True)
class Fact:
    factor: Factor
    text: str
    recorded_by: str
    recorded_at: str  # UTC ISO

    def as_dict(self) -> dict[str, str]:
        return {"factor": self.factor.value, "text": self.text, "recorded_by": self.recorded_by,
                "recorded_at": self.recorded_at}


@dataclass(frozen=True)
class Signature:
    signer: str
    key: str
    signature: str
    signed_at: str
    signed_as: str = SIGNED_AS


@dataclass(frozen=True)
class Assessment:
    """One version of an incident's assessment. Unsigned: a draft; signed: locked for good."""

    id: str
    incident_id: str
    version: int
    facts: tuple[Fact, ...] = ()
    conclusion: Conclusion = Conclusion.BREACH
    reasons: str = ""
    ransomware: bool = False
    created_at: str = ""
    created_by: str = ""
    content_hash: str = ""
    signed: Signature | None = None

    def facts_for(self, factor: Factor) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.factor is factor)

    @property
    def is_signed(self) -> bool:
        return self.signed is not None

    def content(self) -> dict[str, object]:
        """What the signature covers (and what a diff compares)."""
        return {"incident_id": self.incident_id, "version": self.version,
                "facts": [f.as_dict() for f in self.facts],
                "conclusion": self.conclusion.value, "reasons": self.reasons,
                "ransomware": self.ransomware}


def content_hash(desk_id: str, assessment: Assessment) -> str:
    doc = {"desk_id": desk_id, "id": assessment.id, **assessment.content()}
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def signature_payload(desk_id: str, assessment_id: str, version: int, sha256: str) -> bytes:
    """What the privacy officer signs: this desk's assessment version with exactly this
    content."""
    return f"crisisdesk-breach-assessment:v1:{desk_id}:{assessment_id}:{version}:{sha256}".encode()


def clean_fact(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError("fact: write what supports the factor (it is empty).",
                              {"fact": "empty"})
    if len(cleaned) > MAX_FACT:
        raise ValidationError(f"fact: at most {MAX_FACT} characters ({len(cleaned)} given).",
                              {"fact": "too long"})
    return cleaned


def check_conclusion(conclusion: Conclusion, reasons: str, facts: Sequence[Fact],
                     ransomware: bool) -> str:
    """The reasons as they will be kept; ValidationError when a low-probability conclusion
    is not shown (164.402(2): all four factors, with reasons; ransomware: the acquisition)."""
    text = " ".join(reasons.split())
    if len(text) > MAX_REASONS:
        raise ValidationError(f"reasons: at most {MAX_REASONS} characters.",
                              {"reasons": "too long"})
    if conclusion is Conclusion.BREACH:
        return text
    if len(text) < MIN_REASONS:
        raise ValidationError("reasons: a low-probability conclusion needs the reasons that "
                              "show it (at least a sentence).", {"reasons": "missing"})
    empty = [f.heading for f in Factor if not any(x.factor is f for x in facts)]
    if empty:
        raise ValidationError("facts: a low-probability conclusion needs a fact on every "
                              f"factor; none yet on: {'; '.join(empty)}.", {"facts": "missing"})
    return text


def sign_problems(assessment: Assessment) -> list[str]:
    """Why this draft cannot be signed yet (empty: it can)."""
    if assessment.is_signed:
        return [f"version {assessment.version} is already signed"]
    if not assessment.facts:
        return ["no facts are recorded yet"]
    return []


@dataclass(frozen=True)
class Change:
    what: str  # "fact added", "fact removed", "conclusion", "reasons"
    factor: Factor | None
    before: str
    after: str


@dataclass(frozen=True)
class Diff:
    old: Assessment
    new: Assessment
    changes: tuple[Change, ...] = field(default_factory=tuple)


def diff(old: Assessment, new: Assessment) -> Diff:
    """What changed from `old` to `new`: facts added and removed per factor (a fact is the
    same fact when its factor, text and recorder match), the conclusion and the reasons."""
    changes: list[Change] = []
    for factor in Factor:
        before = [(f.text, f.recorded_by) for f in old.facts_for(factor)]
        after = [(f.text, f.recorded_by) for f in new.facts_for(factor)]
        for text, by in before:
            if (text, by) not in after:
                changes.append(Change("fact removed", factor, f"{text} ({by})", ""))
        for text, by in after:
            if (text, by) not in before:
                changes.append(Change("fact added", factor, "", f"{text} ({by})"))
    if old.conclusion is not new.conclusion:
        changes.append(Change("conclusion", None, old.conclusion.label, new.conclusion.label))
    if old.reasons != new.reasons:
        changes.append(Change("reasons", None, old.reasons, new.reasons))
    return Diff(old, new, tuple(changes))
