"""Every desk setting, declared once: key, type, default, label, help and what values are valid.

One table drives validation (services/settings.py), the CLI (`crisisdesk settings`), the GUI's
settings page and the docs, so a setting cannot be valid in one place and refused in another.
Values are stored as JSON; `coerce` turns what a person typed (always text on the command line)
into the typed value, or raises one `ValidationError` sentence that says what is allowed.
"""

from __future__ import annotations

import difflib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from crisisdesk.domain.envelopes import STOCK_NAMES, check_custom_window
from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.operators import MIN_PASSPHRASE_LENGTH

SettingValue = int | str | bool

LOCAL_TIMEZONE = "local"  # "use this computer's time zone"

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class SettingSpec:
    key: str
    type: type[int] | type[str] | type[bool]
    default: SettingValue
    label: str
    help: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    max_length: int | None = None
    values: str = ""  # what is allowed, in words, when a range or choice list cannot say it
    # Extra check for rules a range or a choice list cannot say; returns the normalised value.
    check: Callable[[str], str] | None = None

    @property
    def type_name(self) -> str:
        return {int: "integer", str: "text", bool: "yes/no"}[self.type]

    def allowed(self) -> str:
        """What values are valid, in words (for help text and error messages)."""
        if self.values:
            return self.values
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.type is bool:
            return "yes or no"
        if self.max_length:
            return f"text of up to {self.max_length} characters"
        return self.type_name

    def coerce(self, raw: object) -> SettingValue:
        """The typed, normalised value for `raw` (typed or text), or a ValidationError."""
        if self.type is bool:
            return self._coerce_bool(raw)
        if self.type is int:
            return self._coerce_int(raw)
        return self._coerce_str(raw)

    def _refuse(self, raw: object) -> ValidationError:
        return ValidationError(
            f"{self.label} must be {self.allowed()}, not {raw!r}.", {self.key: "invalid"}
        )

    def _coerce_bool(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self._refuse(raw)

    def _coerce_int(self, raw: object) -> int:
        if isinstance(raw, bool):
            raise self._refuse(raw)
        if isinstance(raw, int):
            value = raw
        else:
            try:
                value = int(str(raw).strip())
            except ValueError:
                raise self._refuse(raw) from None
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise self._refuse(raw)
        return value

    def _coerce_str(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise self._refuse(raw)
        value = " ".join(raw.split())
        if self.max_length is not None and len(value) > self.max_length:
            raise self._refuse(raw)
        if self.choices is not None and value not in self.choices:
            raise self._refuse(raw)
        if self.check is not None:
            try:
                value = self.check(value)
            except ValueError:
                raise self._refuse(raw) from None
        return value


def _check_timezone(value: str) -> str:
    if value.lower() == LOCAL_TIMEZONE:
        return LOCAL_TIMEZONE
    if not value or value.startswith(("/", ".")) or ".." in value:
        raise ValueError(value)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(value) from None
    return value


def _check_region(value: str) -> str:
    region = value.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(value)
    return region


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "autolock_minutes", int, 10, "Lock after idle (minutes)",
        "Lock the app after this many minutes without use; unlocking needs the passphrase again.",
        minimum=1, maximum=240,
    ),
    SettingSpec(
        "call_attempts_before_flag", int, 3, "Call attempts before escalating",
        "After this many failed attempts to reach someone in a calling tree, flag the call and "
        "hand it to the backup caller.",
        minimum=1, maximum=20,
    ),
    SettingSpec(
        "call_minutes_before_flag", int, 30, "Minutes before escalating a call",
        "Flag a calling-tree call that is still open after this many minutes.",
        minimum=5, maximum=1440,
    ),
    SettingSpec(
        "reading_grade_target", int, 8, "Reading grade target",
        "Warn when a message or letter reads above this school grade (NIH and CDC advise 8 "
        "or below; the AMA advises 6).",
        minimum=3, maximum=16,
    ),
    SettingSpec(
        "template_time_limit_seconds", int, 1, "Template time limit (seconds)",
        "A template that takes longer than this to fill in (a check, a preview, one letter) is "
        "stopped and refused, naming the reason; a normal letter takes a few milliseconds.",
        minimum=1, maximum=30,
    ),
    SettingSpec(
        "template_memory_limit_mb", int, 512, "Template memory limit (MB)",
        "The most memory the separate process that fills in templates may use; a template "
        "that needs more is refused (not enforced on Windows, where the time limit still is).",
        minimum=128, maximum=8192,
    ),
    SettingSpec(
        "default_phone_region", str, "US", "Default phone region",
        "Two-letter country code used for phone numbers typed without a +country prefix.",
        max_length=3, check=_check_region, values="a two-letter country code such as US or CA",
    ),
    SettingSpec(
        "timezone", str, LOCAL_TIMEZONE, "Time zone",
        "Time zone for showing times and deadlines, e.g. America/Chicago; 'local' follows "
        "this computer.",
        max_length=64, check=_check_timezone,
        values="a time zone name such as America/Chicago, or local",
    ),
    SettingSpec(
        "org_display_name", str, "", "Organisation name on paper",
        "The organisation's name as printed on letters and reports; empty uses the desk's name.",
        max_length=120,
    ),
    # How the public reaches the organisation: filled into every notice (45 CFR 164.404(c)(1)(E)
    # asks for a toll-free number plus an email address, website or postal address).
    SettingSpec(
        "public_phone", str, "", "Toll-free help line",
        "The toll-free number printed on notices for questions (e.g. 1-833-555-0142).",
        max_length=40,
    ),
    SettingSpec(
        "public_hours", str, "", "Help line hours",
        "When the help line answers, as printed (e.g. Monday to Friday, 8 a.m. to 8 p.m. CT).",
        max_length=120,
    ),
    SettingSpec(
        "public_email", str, "", "Public email address",
        "The email address printed on notices for questions.", max_length=120,
    ),
    SettingSpec(
        "public_website", str, "", "Public website",
        "The web page with information about the incident (e.g. www.example.org/notice).",
        max_length=200,
    ),
    SettingSpec(
        "public_postal_address", str, "", "Postal address",
        "The organisation's mailing address for questions, as printed on letters.",
        max_length=300,
    ),
    SettingSpec(
        "signer_name", str, "", "Letters signed by",
        "The name that signs patient letters and notices.", max_length=120,
    ),
    SettingSpec(
        "signer_title", str, "", "Signer's title",
        "The job title printed under the signature (e.g. Chief Privacy Officer).",
        max_length=120,
    ),
    SettingSpec(
        "staff_hotline", str, "", "Staff hotline",
        "The internal number staff call for instructions during the incident.", max_length=40,
    ),
    SettingSpec(
        "tree_fan_out_limit", int, 5, "Calling-tree fan-out limit",
        "Warn when a caller in a calling tree has more than this many people to call.",
        minimum=1, maximum=50,
    ),
    SettingSpec(
        "stale_contact_days", int, 180, "Stale contact after (days)",
        "List calling-tree members whose numbers no call has confirmed for this many days.",
        minimum=7, maximum=3650,
    ),
    # Patient letters: envelope stock geometry, file splitting, age of majority.
    SettingSpec(
        "envelope_stock", str, "single-window-10", "Envelope stock",
        "The window envelope letters are folded into; 'custom' uses the window geometry below.",
        choices=STOCK_NAMES,
    ),
    SettingSpec(
        "envelope_window", str, "", "Custom envelope window",
        "For the custom stock: LEFT,TOP,WIDTH,HEIGHT of the window on the letter sheet in "
        "inches, measured with the printed alignment page (e.g. 0.375,2.042,4.5,1.125).",
        max_length=60, check=check_custom_window,
        values="four numbers in inches: LEFT,TOP,WIDTH,HEIGHT",
    ),
    SettingSpec(
        "letters_per_file", int, 500, "Letters per PDF file",
        "Letter batches are split into PDF files of at most this many letters, each with a "
        "cover sheet.", minimum=1, maximum=5000,
    ),
    SettingSpec(
        "age_of_majority", int, 18, "Age of majority",
        "Patients younger than this on the notice date are minors: their letter goes to the "
        "parent or guardian.", minimum=14, maximum=21,
    ),
    SettingSpec(
        "letterhead_logo", str, "", "Letterhead logo",
        "A PNG or JPEG file printed at the top left of every letter; empty prints the "
        "organisation's name only.", max_length=400,
    ),
    # Media desk: when an inquiry's deadline and an audience's update turn amber.
    SettingSpec(
        "media_due_soon_minutes", int, 30, "Media deadline 'due soon' (minutes)",
        "Mark a media inquiry 'due soon' when its deadline is this many minutes away or less.",
        minimum=5, maximum=720,
    ),
    SettingSpec(
        "cadence_near_minutes", int, 30, "Update cadence warning (minutes)",
        "Warn that an audience's scheduled update is near a quarter of its interval before it "
        "is due, but never earlier than this many minutes.", minimum=5, maximum=720,
    ),
    # Scheduled backups: a folder (a USB stick), how often, and when the Dashboard warns.
    SettingSpec(
        "backup_folder", str, "", "Scheduled backup folder",
        "While the app runs, back the desk up into this folder (e.g. a USB stick) when it "
        "changed, and on exit; empty turns scheduled backups off.", max_length=400,
    ),
    SettingSpec(
        "backup_interval_minutes", int, 30, "Scheduled backup every (minutes)",
        "Make a scheduled backup at most this often, and only when the desk changed.",
        minimum=5, maximum=1440,
    ),
    SettingSpec(
        "backup_max_age_hours", int, 24, "Warn when the last backup is older than (hours)",
        "The Dashboard and doctor warn when the newest verified backup is older than this.",
        minimum=1, maximum=720,
    ),
    SettingSpec(
        "team_exchange_folder", str, "", "Team exchange folder",
        "For a team desk: a folder (a USB stick carried between laptops, or a shared folder) "
        "where 'Sync with folder' leaves this laptop's bundle and imports the other laptops' "
        "new ones; empty turns it off.", max_length=400,
    ),
    SettingSpec(
        "min_passphrase_chars", int, MIN_PASSPHRASE_LENGTH, "Shortest new passphrase",
        "A new or changed passphrase needs at least this many characters that are not spaces; "
        "passphrases already set keep working.",
        minimum=8, maximum=128,
    ),
    SettingSpec(
        "hotline_max_failed_verifications", int, 3, "Hotline: failed verifications before lock",
        "After this many failed verification attempts on one record, the record is locked for "
        "that agent and flagged on the Dashboard as possible impersonation.",
        minimum=1, maximum=20,
    ),
)

_BY_KEY = {spec.key: spec for spec in SETTINGS}

# On a team desk these replicate to every laptop (store/replica_edits.py: a change is an edit
# record, two concurrent changes a conflict): what the organisation says and how the team
# works. The others stay on the laptop: its lock, printer and machine limits, its folders
# and files (a logo is a file on this laptop), its time zone and its operators' passphrases.
TEAM_WIDE = frozenset({
    "org_display_name", "public_phone", "public_hours", "public_email", "public_website",
    "public_postal_address", "signer_name", "signer_title", "staff_hotline",
    "call_attempts_before_flag", "call_minutes_before_flag", "reading_grade_target",
    "default_phone_region", "tree_fan_out_limit", "stale_contact_days", "age_of_majority",
    "media_due_soon_minutes", "cadence_near_minutes", "hotline_max_failed_verifications",
})


def spec_for(key: str) -> SettingSpec:
    """The spec of `key`, or NotFound naming the closest real key."""
    spec = _BY_KEY.get(key.strip().lower().replace("-", "_"))
    if spec is not None:
        return spec
    close = difflib.get_close_matches(key, list(_BY_KEY), n=1)
    hint = f"; did you mean {close[0]}?" if close else "; see 'crisisdesk settings list'."
    raise NotFound(f"There is no setting named {key!r}{hint}")
