"""Compliance checks on a good letter and on deliberately broken ones (one fault at a time)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from crisisdesk.domain.compliance import CheckReport, Severity, check_template
from crisisdesk.domain.templates import (
    HIPAA_SECTIONS,
    Audience,
    Channel,
    Language,
    TemplateMeta,
    Variable,
    VarType,
)
from crisisdesk.store.syllables import counter

V = Variable
LETTER_VARS = (
    V("name", VarType.TEXT, "The patient's name", "Ann Smith"),
    V("breach_date", VarType.DATE, "When it started", dt.date(2026, 2, 20)),
    V("discovery_date", VarType.DATE, "When we found it", dt.date(2026, 3, 2)),
    V("phi_types", VarType.LIST, "What was involved", ["name", "date of birth"]),
    V("phone", VarType.PHONE, "The help line", "855-555-0142"),
    V("email", VarType.EMAIL, "The e-mail address", "privacy@riverside.org"),
)
META = TemplateMeta("test-letter", "Test letter", Audience.PATIENTS, Channel.PRINTED_LETTER,
                    Language.EN, hipaa_notice=True, variables=LETTER_VARS)

SECTIONS = {
    "what_happened": "<p>On {{ discovery_date|date }}, we found a problem with our computers. "
                     "It started on {{ breach_date|date }}.</p>",
    "what_information": "<p>It may have included your {{ phi_types|join_and }}.</p>",
    "what_you_can_do": "<p>Read the statements you get from your doctor and your bank.</p>",
    "what_we_are_doing": "<p>We fixed the problem and we are adding safeguards.</p>",
    "contact": "<p>Call us free at {{ phone|phone }} or email {{ email }}.</p>",
}


def letter(**replace: str) -> str:
    parts = ["<p>Dear {{ name }},</p>"]
    for name, text in {**SECTIONS, **replace}.items():
        if text is not None:
            parts.append(f"{{% block {name} %}}{text}{{% endblock %}}")
    return "\n".join(parts)


def check(body: str, meta: TemplateMeta = META, **kwargs: object) -> CheckReport:
    return check_template(body, meta, syllables=counter(meta.language.value), **kwargs)  # type: ignore[arg-type]


def error_codes(report: CheckReport) -> list[tuple[str, str]]:
    return [(f.code, f.section) for f in report.errors]


def test_a_complete_letter_passes() -> None:
    report = check(letter())
    assert report.ok, report.errors
    assert "On March 2, 2026, we found a problem" in report.preview
    assert report.readability is not None
    assert report.readability.meets(8)


@pytest.mark.parametrize("section", [s for s, _, _ in HIPAA_SECTIONS])
def test_each_missing_element_is_reported_on_its_own(section: str) -> None:
    body = "\n".join(line for line in letter().split("\n") if f"block {section} " not in line)
    report = check(body)
    assert error_codes(report) == [("missing-section", section)]  # and nothing else
    cite = next(c for s, c, _ in HIPAA_SECTIONS if s == section)
    assert cite in str(report.errors[0])


@pytest.mark.parametrize("section", [s for s, _, _ in HIPAA_SECTIONS if s != "what_happened"])
def test_each_empty_element_is_reported_on_its_own(section: str) -> None:
    report = check(letter(**{section: "{% if false %}<p>Later.</p>{% endif %}"}))
    codes = error_codes(report)
    assert ("empty-section", section) in codes
    assert all(s == section for _, s in codes)  # nothing else is blamed


def test_a_section_with_only_its_heading_is_empty() -> None:
    report = check(letter(what_information="<h3>What information was involved</h3>"))
    assert error_codes(report) == [("empty-section", "what_information")]
    assert "nothing but a heading" in str(report.errors[0])


def test_the_breach_and_discovery_dates_are_each_required() -> None:
    no_breach = check(letter(what_happened="<p>On {{ discovery_date|date }}, we found a "
                                           "problem.</p>"))
    assert error_codes(no_breach) == [("hipaa-breach-date", "what_happened")]
    no_discovery = check(letter(what_happened="<p>It started on {{ breach_date|date }}.</p>"))
    assert error_codes(no_discovery) == [("hipaa-discovery-date", "what_happened")]
    short_form = check(letter(what_happened="<p>Found {{ discovery_date|date('short') }}; "
                                            "started {{ breach_date|date('iso') }}.</p>"))
    assert short_form.ok
    undeclared = dataclasses.replace(META, variables=tuple(
        v for v in LETTER_VARS if v.name != "breach_date"))
    report = check(letter(what_happened="<p>On {{ discovery_date|date }} we found it.</p>"),
                   undeclared)
    assert ("hipaa-breach-date", "what_happened") in error_codes(report)


@pytest.mark.parametrize("prefix", ["800", "833", "844", "855", "866", "877", "888"])
def test_every_toll_free_prefix_is_accepted(prefix: str) -> None:
    report = check(letter(), sample_data={"phone": f"{prefix}-555-0142"})
    assert report.ok, report.errors


@pytest.mark.parametrize("number", ["217-555-0142", "900-555-0142", "+44 20 7946 0958"])
def test_a_number_that_is_not_toll_free_is_refused(number: str) -> None:
    report = check(letter(), sample_data={"phone": number})
    assert error_codes(report) == [("contact-toll-free", "contact")]


def test_the_contact_section_needs_a_second_way_to_reach_us() -> None:
    only_phone = check(letter(contact="<p>Call us free at {{ phone|phone }}.</p>"))
    assert error_codes(only_phone) == [("contact-other", "contact")]
    for other in ("visit www.riverside.org/notice", "write to PO Box 9, Springfield, IL 62701",
                  "email privacy@riverside.org"):
        report = check(letter(contact=f"<p>Call us free at {{{{ phone|phone }}}}, or {other}."
                                      "</p>"))
        assert report.ok, (other, report.errors)


def test_a_syntax_error_is_one_finding_with_line_and_column() -> None:
    report = check("<p>Dear {{ name }},</p>\n<p>{{ name | }}</p>")
    assert [(f.code, f.line, f.column) for f in report.errors] == [("syntax", 2, 14)]
    assert report.preview == ""


def test_variables_must_be_declared_and_should_be_used() -> None:
    report = check(letter(what_information="<p>Your {{ phi_typos|join_and }}.</p>"))
    assert [(f.code, f.line) for f in report.errors] == [("undeclared-variable", 3)]
    assert "phi_typos" in str(report.errors[0])
    assert [f.code for f in report.warnings] == ["unused-variable"]
    assert "phi_types" in str(report.warnings[0])


def test_a_sample_of_the_wrong_type_names_the_variable() -> None:
    report = check(letter(), sample_data={"breach_date": "last week"})
    assert [f.code for f in report.errors] == ["sample"]
    assert "breach_date" in str(report.errors[0])
    assert "date" in str(report.errors[0])


def test_reading_level_is_a_warning_for_patients_and_a_note_for_the_media() -> None:
    hard = ("<p>Notwithstanding comprehensive organizational cybersecurity investments, "
            "unauthorized exfiltration of individually identifiable information "
            "necessitated immediate remediation activities.</p>")
    report = check(letter(what_we_are_doing=hard))
    assert report.ok
    warning = next(f for f in report.warnings if f.code == "reading-level")
    assert "target for patients is grade 8 or below" in warning.message
    assert "Longest sentence (15 words)" in warning.message
    assert "Hardest words" in warning.message
    media = dataclasses.replace(META, audience=Audience.MEDIA)
    notes = check(letter(what_we_are_doing=hard), media)
    assert not notes.warnings
    assert any(f.code == "reading-level" and f.severity is Severity.INFO for f in notes.findings)
    easier_target = check(letter(what_we_are_doing=hard), grade_target=16)
    assert not easier_target.warnings


SMS = TemplateMeta("test-sms", "Test SMS", Audience.STAFF, Channel.SMS, Language.EN,
                   variables=(V("text", VarType.TEXT, "The message", "Come in now."),))


def test_sms_segments_are_counted_and_more_than_two_is_an_error() -> None:
    ok = check("Alert: {{ text }}", SMS)
    assert ok.ok
    assert ok.sms is not None
    assert ok.sms.segments == 1
    long = check("Alert: {{ text }} " + "Please come in. " * 20 + "It’s urgent.", SMS)
    assert [f.code for f in long.errors] == ["sms-segments"]
    assert "UCS-2 because of '’'" in long.errors[0].message
    assert "keeps it in GSM-7" in long.errors[0].message


def test_voicemail_speaking_time_is_shown_and_a_long_one_warned() -> None:
    vm = dataclasses.replace(SMS, channel=Channel.VOICEMAIL)
    short = check("Hello. {{ text }} Please call us back.", vm)
    assert short.speaking_seconds is not None
    assert short.speaking_seconds < 10
    assert any(f.code == "speaking-time" for f in short.notes)
    long = check("Hello. {{ text }} " + "Please call us back today. " * 40, vm)
    assert [f.code for f in long.warnings] == ["speaking-time-long"]
