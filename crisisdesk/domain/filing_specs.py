"""Who a notice goes to and what it must hold: the `[rule.filing]` part of a rule.

The rules data says when a regulator (or HHS, the media, the consumer reporting agencies) must
be told; its `filing` table says to whom (office, postal address, how to submit, as text a
person can act on with no network), the content the law asks for, and whether a sample of the
resident notice goes with it. One rule may name several recipients (New York: the Attorney
General, the Department of State and the State Police; each nationwide consumer reporting
agency): each is a filing of its own. Parsed here, Qt- and I/O-free, and kept on the `Rule`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class FilingSpecProblem(ValueError):
    """A `filing` table that cannot be used (the rule is reported by key and skipped)."""


@dataclass(frozen=True)
class Recipient:
    id: str  # "" for a rule's only recipient; "dos", "equifax" ... when there are several
    office: str
    address: str = ""  # postal address on one line ("" when there is none to write to)
    submit: str = ""  # how it is sent: portal, e-mail or post, in words


@dataclass(frozen=True)
class FilingSpec:
    recipients: tuple[Recipient, ...]
    content: tuple[str, ...] = ()  # what the law asks the filing to contain
    sample_notice: bool = False  # a sample of the resident notice must go with it
    source: str = ""


_SPEC_FIELDS = {"to", "content", "sample_notice", "source"}
_TO_FIELDS = {"id", "office", "address", "submit"}


def _str(raw: Mapping[str, object], name: str, where: str, *, required: bool = False) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise FilingSpecProblem(f"'{where}{name}' must be text")
    if required and not value.strip():
        raise FilingSpecProblem(f"'{where}{name}' is missing")
    return " ".join(value.split())


def parse_filing_spec(raw: object) -> FilingSpec:
    """The decoded `[rule.filing]` table as a FilingSpec, or FilingSpecProblem naming the field."""
    if not isinstance(raw, Mapping):
        raise FilingSpecProblem("'filing' must be a table ([rule.filing])")
    unknown = set(raw) - _SPEC_FIELDS
    if unknown:
        raise FilingSpecProblem(f"'filing' has unknown field {sorted(unknown)[0]!r}")
    to = raw.get("to", [])
    if not isinstance(to, list) or not to:
        raise FilingSpecProblem("'filing' needs at least one [[rule.filing.to]] recipient")
    recipients: list[Recipient] = []
    for item in to:
        if not isinstance(item, Mapping):
            raise FilingSpecProblem("'filing.to' must be tables")
        extra = set(item) - _TO_FIELDS
        if extra:
            raise FilingSpecProblem(f"'filing.to' has unknown field {sorted(extra)[0]!r}")
        recipients.append(Recipient(_str(item, "id", "filing.to."),
                                    _str(item, "office", "filing.to.", required=True),
                                    _str(item, "address", "filing.to."),
                                    _str(item, "submit", "filing.to.")))
    ids = [r.id for r in recipients]
    if len(recipients) > 1 and (not all(ids) or len(set(ids)) != len(ids)):
        raise FilingSpecProblem("several 'filing.to' recipients each need their own 'id'")
    content = raw.get("content", [])
    if not isinstance(content, list) or not all(isinstance(c, str) for c in content):
        raise FilingSpecProblem("'filing.content' must be a list of text")
    sample = raw.get("sample_notice", False)
    if not isinstance(sample, bool):
        raise FilingSpecProblem("'filing.sample_notice' must be true or false")
    return FilingSpec(tuple(recipients), tuple(" ".join(c.split()) for c in content), sample,
                      _str(raw, "source", "filing."))


__all__ = ["FilingSpec", "FilingSpecProblem", "Recipient", "parse_filing_spec"]
