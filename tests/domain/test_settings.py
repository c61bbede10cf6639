"""The settings schema: what a person can type for each setting, and what is refused."""

from __future__ import annotations

import pytest

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.settings import LOCAL_TIMEZONE, SETTINGS, spec_for

REQUIRED = {
    "autolock_minutes": 10,
    "call_attempts_before_flag": 3,
    "call_minutes_before_flag": 30,
    "reading_grade_target": 8,
    "default_phone_region": "US",
    "timezone": LOCAL_TIMEZONE,
    "org_display_name": "",
}


def test_every_required_setting_is_declared_with_its_default() -> None:
    declared = {s.key: s.default for s in SETTINGS}
    assert {k: declared.get(k) for k in REQUIRED} == REQUIRED


def test_every_setting_has_a_label_help_and_a_valid_default() -> None:
    for spec in SETTINGS:
        assert spec.label
        assert spec.help.endswith(".")
        assert spec.coerce(spec.default) == spec.default


def test_keys_are_unique() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("240", 240), (" 15 ", 15)])
def test_autolock_accepts_whole_minutes_in_range(text: str, value: int) -> None:
    assert spec_for("autolock_minutes").coerce(text) == value


@pytest.mark.parametrize("text", ["0", "241", "-5", "ten", "1.5", ""])
def test_autolock_refuses_out_of_range_or_non_numbers_in_one_sentence(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        spec_for("autolock_minutes").coerce(text)
    assert "from 1 to 240" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_bool_is_not_a_number() -> None:
    with pytest.raises(ValidationError):
        spec_for("autolock_minutes").coerce(True)


@pytest.mark.parametrize("zone", ["America/Chicago", "Europe/Dublin", "local", "LOCAL"])
def test_timezone_accepts_iana_names_and_local(zone: str) -> None:
    got = spec_for("timezone").coerce(zone)
    assert got == (LOCAL_TIMEZONE if zone.lower() == "local" else zone)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "CST6", "../../etc/passwd", "/etc/localtime"])
def test_timezone_refuses_unknown_zones(zone: str) -> None:
    with pytest.raises(ValidationError, match="Time zone"):
        spec_for("timezone").coerce(zone)


def test_phone_region_is_normalised_to_upper_case_and_checked() -> None:
    spec = spec_for("default_phone_region")
    assert spec.coerce("ie") == "IE"
    with pytest.raises(ValidationError):
        spec.coerce("XX")


def test_org_display_name_is_trimmed_and_limited() -> None:
    spec = spec_for("org_display_name")
    assert spec.coerce("  Riverbend   Health ") == "Riverbend Health"
    with pytest.raises(ValidationError, match="120"):
        spec.coerce("x" * 121)


def test_unknown_key_suggests_the_closest_one() -> None:
    with pytest.raises(NotFound, match="did you mean autolock_minutes"):
        spec_for("autolock_minute")


def test_keys_may_be_typed_with_dashes() -> None:
    assert spec_for("reading-grade-target").key == "reading_grade_target"
