"""Two wording checks for texts that leave the building, driven by reviewed lists in
`resources/wording/` (read by `store/wording.py`; this module does no I/O):

- risky phrases (`risky_phrases.toml`): "your information is safe", guarantees, speculation
  about the attacker, ransom talk, clichés. Matched sentence by sentence in the rendered text.
- fixed factual claims (`fact_claims.toml`): a sentence in the template's own fixed text that
  says HHS or the police were told, that the incident was contained, that letters were mailed
  or that monitoring is offered must sit inside `{% if <fact> %}` on the recorded fact (or
  print the fact itself), or a letter would say it for an incident where it is not true.

Each list entry carries its reason and source, so a finding can say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.templates import Audience
from crisisdesk.domain.templating import make_environment

# Who the checks apply to: texts read by patients, reporters, regulators (and the answers
# agents read to callers). Staff, board and law-enforcement texts are internal or privileged.
RISKY_AUDIENCES = frozenset({Audience.PATIENTS, Audience.MEDIA, Audience.REGULATORS,
                             Audience.CALL_CENTER})
CLAIM_AUDIENCES = RISKY_AUDIENCES | {Audience.BUSINESS_ASSOCIATES}

_SEVERITIES = ("error", "warning")
# A sentence ends at . ! or ? and a space, except after these abbreviations.
_ABBREVIATIONS = ("U.S.", "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "a.m.", "p.m.", "e.g.", "i.e.",
                  "Inc.", "Jr.", "Sr.", "No.")
_SENTENCE_END = re.compile("".join(f"(?<!\\b{re.escape(a)})" for a in _ABBREVIATIONS)
                           + r"(?<=[.!?])[\"')\]]*\s+|\n+")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|h\d|br|tr|td|th|table|div)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class SentenceRule:
    """A rule that fires on a sentence its pattern finds, unless its `unless` pattern does too."""

    id: str
    pattern: re.Pattern[str]
    reason: str
    source: str
    unless: re.Pattern[str] | None = None

    def matches(self, sentence: str) -> bool:
        return bool(self.pattern.search(sentence)) and not (
            self.unless is not None and self.unless.search(sentence))


@dataclass(frozen=True, kw_only=True)
class RiskyPhrase(SentenceRule):
    phrase: str
    severity: str  # "error" blocks approval, "warning" must be acknowledged


@dataclass(frozen=True, kw_only=True)
class FactClaim(SentenceRule):
    claim: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class WordingRules:
    phrases: tuple[RiskyPhrase, ...] = ()
    claims: tuple[FactClaim, ...] = ()


@dataclass(frozen=True)
class RiskyHit:
    rule: RiskyPhrase
    sentence: str


@dataclass(frozen=True)
class ClaimHit:
    claim: FactClaim
    sentence: str
    line: int | None


# --- reading the lists -----------------------------------------------------------------------

def _text(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where}: '{name}' must be non-empty text.", {name: "missing"})
    return value.strip()


def _regex(text: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise ValidationError(f"{where}: the pattern is not a valid regular expression ({exc}).",
                              {"pattern": "invalid"}) from None


def _rule_fields(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The fields every `SentenceRule` reads from its TOML entry."""
    unless = entry.get("unless")
    return {"id": _text(entry, "id", where),
            "pattern": _regex(_text(entry, "pattern", where), where),
            "reason": _text(entry, "reason", where), "source": _text(entry, "source", where),
            "unless": _regex(unless, where) if unless else None}


def parse_rules(phrases: Mapping[str, Any], claims: Mapping[str, Any]) -> WordingRules:
    """The decoded TOML lists as rules; a bad entry is a ValidationError naming it (the lists
    ship with CrisisDesk, so a broken one is a bug, not something to skip)."""
    out_phrases = []
    for i, entry in enumerate(phrases.get("phrase", []), start=1):
        where = f"risky phrase {entry.get('id', i)!r}"
        severity = _text(entry, "severity", where)
        if severity not in _SEVERITIES:
            raise ValidationError(f"{where}: severity must be error or warning.",
                                  {"severity": "invalid"})
        out_phrases.append(RiskyPhrase(phrase=_text(entry, "phrase", where), severity=severity,
                                       **_rule_fields(entry, where)))
    out_claims = []
    for i, entry in enumerate(claims.get("claim", []), start=1):
        where = f"fact claim {entry.get('id', i)!r}"
        facts = entry.get("facts")
        if not isinstance(facts, list) or not facts or not all(isinstance(f, str) for f in facts):
            raise ValidationError(f"{where}: 'facts' must list template variable names.",
                                  {"facts": "missing"})
        out_claims.append(FactClaim(claim=_text(entry, "claim", where), facts=tuple(facts),
                                    **_rule_fields(entry, where)))
    return WordingRules(tuple(out_phrases), tuple(out_claims))


# --- sentences ------------------------------------------------------------------------------

def sentences(text: str) -> list[str]:
    """Plain text (or HTML) split into sentences, whitespace collapsed."""
    text = _TAG.sub(" ", _BLOCK_TAG.sub("\n", text))
    out = []
    for part in _SENTENCE_END.split(text):
        sentence = " ".join(part.split())
        if sentence:
            out.append(sentence)
    return out


def risky_wording(text: str, rules: WordingRules) -> list[RiskyHit]:
    """Each risky phrase found, with the sentence it is in (one hit per phrase and sentence)."""
    hits = []
    for sentence in sentences(text):
        for rule in rules.phrases:
            if rule.matches(sentence):
                hits.append(RiskyHit(rule, sentence))
    return hits


# --- fixed claims in the template's own text --------------------------------------------------

def _names(node: nodes.Node) -> set[str]:
    found = {n.name for n in node.find_all(nodes.Name)}
    return found | {node.name} if isinstance(node, nodes.Name) else found


def _outputs(node: nodes.Node, guards: frozenset[str]
             ) -> Iterator[tuple[nodes.Output, frozenset[str]]]:
    """Every output node with the variables whose `{% if %}` it sits inside (then-branches)."""
    if isinstance(node, nodes.Output):
        yield node, guards
        # an output can hold no statements, so there is nothing below it to visit
        return
    if isinstance(node, nodes.If):
        inner = guards | _names(node.test)
        for child in node.body:
            yield from _outputs(child, inner)
        for elif_ in node.elif_:
            yield from _outputs(elif_, guards)
        for child in node.else_:
            yield from _outputs(child, guards)
        return
    for child in node.iter_child_nodes():
        yield from _outputs(child, guards)


def _output_text(output: nodes.Output) -> tuple[str, int | None]:
    """The output's fixed text with each `{{ ... }}` as a marker naming its variables."""
    parts, line = [], None
    for child in output.nodes:
        if isinstance(child, nodes.TemplateData):
            parts.append(child.data)
            if line is None and child.data.strip():
                line = child.lineno
        else:
            parts.append(" \u00ab" + " ".join(sorted(_names(child))) + "\u00bb ")
    return "".join(parts), line


def _sentence_line(lines: list[str], sentence: str, first_line: int | None) -> int | None:
    """The body line holding the start of the sentence's longest fixed-text piece."""
    if first_line is None:
        return None
    pieces = [p.strip() for p in re.split(r"\u00ab[^\u00bb]*\u00bb", sentence) if p.strip()]
    if not pieces:
        return first_line
    probe = max(pieces, key=len)[:30]
    for number in range(first_line, len(lines) + 1):
        if probe in " ".join(_TAG.sub(" ", lines[number - 1]).split()):
            return number
    return first_line


def fixed_claims(body: str, rules: WordingRules, *, html: bool) -> list[ClaimHit]:
    """Claim sentences in the template's fixed text that no recorded fact backs.

    A sentence is backed when it sits inside `{% if %}` on one of the claim's facts or prints
    one of them itself. Text that comes from variables is not read: it is fed by facts.
    """
    tree = make_environment(html=html).parse(body)
    lines = body.split("\n")
    hits: list[ClaimHit] = []
    for output, guards in _outputs(tree, frozenset()):
        text, line = _output_text(output)
        for sentence in sentences(text):
            printed = set(re.findall(r"\u00ab([^\u00bb]*)\u00bb", sentence))
            shown = {name for group in printed for name in group.split()}
            plain = re.sub(r"\s*\u00ab[^\u00bb]*\u00bb\s*", " X ", sentence)
            for claim in rules.claims:
                if not claim.matches(plain):
                    continue
                if set(claim.facts) & (guards | shown):
                    continue
                hits.append(ClaimHit(claim, " ".join(plain.split()),
                                     _sentence_line(lines, sentence, line)))
    return hits


def phrases_named(hits: Iterable[RiskyHit]) -> list[str]:
    """The distinct phrases found, in the order they first appear."""
    seen: dict[str, None] = {}
    for hit in hits:
        seen.setdefault(hit.rule.phrase, None)
    return list(seen)


__all__ = ["CLAIM_AUDIENCES", "RISKY_AUDIENCES", "ClaimHit", "FactClaim", "RiskyHit",
           "RiskyPhrase", "WordingRules", "fixed_claims", "parse_rules", "phrases_named",
           "risky_wording", "sentences"]
