"""Checking a template: the same report live in the editor, before review and at approval.

Pure domain code (no I/O): the caller passes the syllable counter and the desk's reading-grade
target. Errors block submission and approval; warnings (reading level, a long voicemail, an
unused variable) must be acknowledged by the approver; notes just inform (score, SMS segments,
speaking time).

For HIPAA breach notices (patients, parents, next of kin, substitute and media notices) every
45 CFR 164.404(c)(1) element must be a non-empty section after rendering with the sample data,
"what happened" must state both the breach date and the discovery date, and the contact section
must give a toll-free number (800, 833, 844, 855, 866, 877 or 888) plus an e-mail address,
website or postal address.

With the reviewed wording lists (`domain/wording.py`), texts for patients, the media,
regulators and call-center answers are also checked for risky phrases (each named with its
sentence; errors block approval, warnings must be acknowledged), and their fixed text for
claims about the response ("we told HHS", "we stopped it") that no recorded fact backs.
These two findings block approval, not submission: the reviewer is the one who decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import phonenumbers

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.formatting import DATE_STYLES, format_date
from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.readability import Readability, SyllableCounter, analyse, speaking_seconds
from crisisdesk.domain.sms import MAX_SEGMENTS, SUGGESTIONS, SmsCount, count_segments
from crisisdesk.domain.templates import (
    HIPAA_DATE_VARIABLES,
    HIPAA_SECTIONS,
    Channel,
    TemplateMeta,
    VarType,
    check_meta,
    coerce_values,
)
from crisisdesk.domain.templating import (
    TemplateError,
    block_names,
    compile_template,
    render,
    render_block,
    variables_used,
)
from crisisdesk.domain.wording import (
    CLAIM_AUDIENCES,
    RISKY_AUDIENCES,
    WordingRules,
    fixed_claims,
    risky_wording,
)

TOLL_FREE_PREFIXES = ("800", "833", "844", "855", "866", "877", "888")
VOICEMAIL_MAX_SECONDS = 60
# Findings about wording: they block approval but not submission for review.
APPROVAL_ONLY_CODES = frozenset({"risky-wording", "fixed-claim"})

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_WEBSITE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\."
                      r"(?:org|com|gov|net|edu|us|info|health)(?:/\S*)?\b", re.IGNORECASE)
_POSTAL = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")


class Severity(StrEnum):
    ERROR = "error"  # blocks submission and approval
    WARNING = "warning"  # the approver must acknowledge it
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    section: str = ""
    line: int | None = None
    column: int | None = None
    phrase: str = ""  # for wording findings: the risky phrase or the claim, as listed

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
            where += ": "
        return f"{where}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message,
                "section": self.section, "line": self.line, "column": self.column,
                "phrase": self.phrase}


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    preview: str = ""  # the template rendered with the sample data ("" when it failed)
    preview_is_html: bool = False
    readability: Readability | None = None
    sms: SmsCount | None = None
    speaking_seconds: float | None = None
    grade_target: int = 8

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def notes(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def submit_errors(self) -> tuple[Finding, ...]:
        """The errors that stop a draft going to review (wording is the reviewer's call)."""
        return tuple(f for f in self.errors if f.code not in APPROVAL_ONLY_CODES)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "grade_target": self.grade_target,
            "findings": [f.to_dict() for f in self.findings],
            "readability": self.readability.to_dict() if self.readability else None,
            "sms": None if self.sms is None else {
                "encoding": self.sms.encoding, "units": self.sms.units,
                "segments": self.sms.segments, "characters": self.sms.characters,
                "forcing_ucs2": list(self.sms.forcing_ucs2)},
            "speaking_seconds": (None if self.speaking_seconds is None
                                 else round(self.speaking_seconds)),
        }


def _first_line_using(body: str, name: str) -> int | None:
    pattern = re.compile(r"\b" + re.escape(name) + r"\b")
    for i, line in enumerate(body.split("\n"), start=1):
        if ("{{" in line or "{%" in line) and pattern.search(line):
            return i
    return None


def check_template(body: str, meta: TemplateMeta, sample_data: Mapping[str, Any] | None = None,
                   *, syllables: SyllableCounter, grade_target: int = 8,
                   phone_region: str = "US", wording: WordingRules | None = None
                   ) -> CheckReport:
    """Every check for one template text; fast enough to run on each edit (off the GUI thread).

    `sample_data` (e.g. an incident's facts) overrides the variables' own sample values.
    `wording` (the reviewed lists) adds the risky-wording and fixed-claim checks.
    """
    findings: list[Finding] = []

    def add(code: str, severity: Severity, message: str, section: str = "",
            line: int | None = None, column: int | None = None, phrase: str = "") -> None:
        findings.append(Finding(code, severity, message, section, line, column, phrase))

    def report(**kwargs: Any) -> CheckReport:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return CheckReport(tuple(sorted(findings, key=lambda f: order[f.severity])),
                           grade_target=grade_target, **kwargs)

    try:
        check_meta(meta)
    except ValidationError as exc:
        add("definition", Severity.ERROR, str(exc))
        return report()
    html, lang = meta.channel.is_html, meta.language.value
    try:
        compiled = compile_template(body, html=html, language=lang, phone_region=phone_region)
    except TemplateError as exc:
        add("syntax", Severity.ERROR, exc.reason, line=exc.line, column=exc.column)
        return report()

    declared = {v.name for v in meta.variables}
    used = variables_used(body, html=html)
    for name in sorted(used - declared):
        add("undeclared-variable", Severity.ERROR,
            f"{name} is used but not declared; declare it with a type and a description "
            "(or fix the spelling).", line=_first_line_using(body, name))
    for name in sorted(declared - used):
        add("unused-variable", Severity.WARNING, f"{name} is declared but never used.")
    if used - declared:
        return report()
    if wording is not None and meta.audience in CLAIM_AUDIENCES:
        for hit in fixed_claims(body, wording, html=html):
            fact = hit.claim.facts[0]
            add("fixed-claim", Severity.ERROR,
                f"Fixed claim that {hit.claim.claim}, with no recorded fact behind it: "
                f"\"{_clip(hit.sentence)}\" Put it inside {{% if {fact} %}}...{{% endif %}} "
                f"and say what is true otherwise ({hit.claim.reason})", line=hit.line,
                phrase=hit.claim.claim)

    raw = {**meta.sample_values(), **dict(sample_data or {})}
    no_sample = [v.name for v in meta.variables if v.required and raw.get(v.name) is None]
    if no_sample:
        add("sample", Severity.ERROR,
            f"No sample value for {', '.join(no_sample)}: every variable needs one so the "
            "template can be checked.")
        return report()
    try:
        values = coerce_values(meta, raw, phone_region=phone_region)
    except ValidationError as exc:
        add("sample", Severity.ERROR, str(exc))
        return report()
    try:
        preview = render(compiled, values)
    except TemplateError as exc:
        add("render", Severity.ERROR, exc.reason, line=exc.line, column=exc.column)
        return report()
    text = html_to_text(preview) if html else preview
    if wording is not None and meta.audience in RISKY_AUDIENCES:
        for risky in risky_wording(text, wording):
            severity = Severity.ERROR if risky.rule.severity == "error" else Severity.WARNING
            add("risky-wording", severity,
                f"Risky wording \"{risky.rule.phrase}\" in: \"{_clip(risky.sentence)}\" "
                f"({risky.rule.reason})", phrase=risky.rule.phrase)

    sections = _check_sections(compiled, meta, values, html, add)
    if meta.hipaa_notice:
        _check_hipaa(meta, values, sections, add)

    readable = _check_reading(text, preview, html, meta, syllables, grade_target, add)
    sms = _check_sms(text, add) if meta.channel is Channel.SMS else None
    seconds = None
    if meta.channel.spoken:
        seconds = speaking_seconds(text, lang)
        add("speaking-time", Severity.INFO, f"About {_duration(seconds)} to read aloud.")
        if meta.channel is Channel.VOICEMAIL and seconds > VOICEMAIL_MAX_SECONDS:
            add("speaking-time-long", Severity.WARNING,
                f"The voicemail takes about {_duration(seconds)} to read; keep it under "
                f"{VOICEMAIL_MAX_SECONDS} seconds so it is not cut off.")
    return report(preview=preview, preview_is_html=html, readability=readable, sms=sms,
                  speaking_seconds=seconds)


def _check_sections(compiled: Any, meta: TemplateMeta, values: dict[str, Any], html: bool,
                    add: Any) -> dict[str, str]:
    """Render each required section; report each missing or empty one separately."""
    names = set(block_names(compiled))
    hipaa = {name: (cite, what) for name, cite, what in HIPAA_SECTIONS} if meta.hipaa_notice \
        else {}
    texts: dict[str, str] = {}
    for name in meta.all_required_sections:
        label = f"{hipaa[name][0]} ({hipaa[name][1]})" if name in hipaa else f"section {name}"
        if name not in names:
            add("missing-section", Severity.ERROR,
                f"Missing {label}: add {{% block {name} %}}...{{% endblock %}}.", section=name)
            continue
        try:
            rendered = render_block(compiled, name, values)
        except TemplateError as exc:
            add("render", Severity.ERROR, exc.reason, section=name, line=exc.line)
            continue
        texts[name] = " ".join((html_to_text(rendered) if html else rendered).split())
        content = html_to_text(rendered, keep_headings=False) if html else texts[name]
        if not content.strip():
            add("empty-section", Severity.ERROR,
                f"Empty {label}: it renders as nothing but a heading with the sample data."
                if texts[name] else f"Empty {label}: it renders as nothing with the sample data.",
                section=name)
    return texts


def _check_hipaa(meta: TemplateMeta, values: dict[str, Any], sections: dict[str, str],
                 add: Any) -> None:
    happened = sections.get("what_happened")
    for name in HIPAA_DATE_VARIABLES:
        var = meta.variable(name)
        label = "breach" if name == "breach_date" else "discovery"
        if var is None or var.type is not VarType.DATE:
            add(f"hipaa-{label}-date", Severity.ERROR,
                f"A breach notice needs a date variable {name} for the date of the {label} "
                "(164.404(c)(1)(A)).", section="what_happened")
            continue
        if happened is None:
            continue  # already reported as a missing or failing section
        forms = {format_date(values[name], style, meta.language.value) for style in DATE_STYLES}
        if not any(form in happened for form in forms):
            add(f"hipaa-{label}-date", Severity.ERROR,
                f"'What happened' does not state the date of the {label} ({name}), which "
                "164.404(c)(1)(A) requires.", section="what_happened")
    contact = sections.get("contact")
    if contact is None:
        return
    if not _has_toll_free(contact):
        add("contact-toll-free", Severity.ERROR,
            "The contact section has no toll-free number (800, 833, 844, 855, 866, 877 or 888) "
            "(164.404(c)(1)(E)).", section="contact")
    rest = _EMAIL.sub(" ", contact)
    if not (_EMAIL.search(contact) or _WEBSITE.search(rest) or _POSTAL.search(contact)):
        add("contact-other", Severity.ERROR,
            "The contact section needs an e-mail address, website or postal address as well "
            "as the toll-free number (164.404(c)(1)(E)).", section="contact")


def _has_toll_free(text: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        number = match.number
        if number.country_code == 1 and str(number.national_number)[:3] in TOLL_FREE_PREFIXES:
            return True
    return False


def _check_reading(text: str, preview: str, html: bool, meta: TemplateMeta,
                   syllables: SyllableCounter, grade_target: int, add: Any) -> Readability:
    prose = html_to_text(preview, keep_headings=False) if html else text
    result = analyse(prose, meta.language.value, syllables)
    if result.words == 0:
        add("reading-level", Severity.INFO, "No sentences to score for reading level.")
        return result
    held = meta.audience.plain_language
    if held and not result.meets(grade_target):
        longest = result.longest_sentences[0]
        hard = ", ".join(w for w, _ in result.hardest_words[:5])
        add("reading-level", Severity.WARNING,
            f"Reads at {result.summary()}; the target for {meta.audience.value.replace('_', ' ')}"
            f" is {result.target_text(grade_target)}. Longest sentence ({longest[1]} words): "
            f"\"{_clip(longest[0])}\"" + (f". Hardest words: {hard}." if hard else "."))
    else:
        add("reading-level", Severity.INFO,
            f"{result.summary()}" + (f" (target: {result.target_text(grade_target)})."
                                     if held else "."))
    return result


def _check_sms(text: str, add: Any) -> SmsCount:
    count = count_segments(text.strip())
    if count.segments > MAX_SEGMENTS:
        swaps = [f"{c!r} -> {SUGGESTIONS[c]!r}" for c in count.forcing_ucs2 if c in SUGGESTIONS]
        hint = f" Replacing {', '.join(swaps)} keeps it in GSM-7." if swaps else ""
        add("sms-segments", Severity.ERROR,
            f"The text message needs {count.describe()}; keep it within {MAX_SEGMENTS}.{hint}")
    else:
        add("sms-segments", Severity.INFO, f"Text message: {count.describe()}.")
    return count


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["APPROVAL_ONLY_CODES", "TOLL_FREE_PREFIXES", "CheckReport", "Finding", "Severity",
           "check_template"]
