"""Message templates: what a template is, its variables, its versions and its file format.

A template has a fixed identity (key, audience, channel, language, whether it is a HIPAA
breach notice) and numbered versions. A version holds the Jinja body, the variables it uses
(each with a type, a description and a sample value) and the sections it must have, as named
`{% block %}`s. Versions move draft -> in review -> approved -> retired; an approved version
never changes (editing makes a new draft) and carries the SHA-256 of its content.
The `.tmpl` file format is in `template_files.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import phonenumbers

from crisisdesk.domain.choices import LabelledEnum
from crisisdesk.domain.errors import ValidationError

LIBRARY_APPROVER = "CrisisDesk library"
LEGAL_REVIEW_NOTE = (
    "Shipped with CrisisDesk as a starting point, not legal advice: have your organisation's "
    "own counsel review it, then approve your own version."
)
FILE_SUFFIX = ".tmpl"


class Audience(StrEnum):
    PATIENTS = "patients"
    STAFF = "staff"
    MEDIA = "media"
    REGULATORS = "regulators"
    BUSINESS_ASSOCIATES = "business_associates"
    LAW_ENFORCEMENT = "law_enforcement"
    BOARD = "board"
    CALL_CENTER = "call_center_agents"

    @property
    def plain_language(self) -> bool:
        """Audiences held to the reading-grade target (the others get the score as a note)."""
        return self in (Audience.PATIENTS, Audience.STAFF, Audience.CALL_CENTER)


class Channel(StrEnum):
    PRINTED_LETTER = "printed_letter"
    PHONE_SCRIPT = "phone_script"
    VOICEMAIL = "voicemail"
    PRESS_STATEMENT = "press_statement"
    EMAIL = "email"
    SMS = "sms"
    WEB_NOTICE = "web_notice"
    FAQ = "faq"
    HANDOUT = "handout"  # a printed flyer or fact sheet
    WORKSHEET = "worksheet"  # a printed form to fill in (e.g. the HHS breach report)
    QA = "qa"  # an approved answer for the spokesperson's Q&A bank (plain text to copy)

    @property
    def is_html(self) -> bool:
        """Printed and web output is HTML (autoescaped); texts, e-mails and scripts are plain."""
        return self not in (Channel.PHONE_SCRIPT, Channel.VOICEMAIL, Channel.EMAIL, Channel.SMS,
                            Channel.QA)

    @property
    def spoken(self) -> bool:
        return self in (Channel.PHONE_SCRIPT, Channel.VOICEMAIL)


class Language(StrEnum):
    EN = "en"
    ES = "es"


class Status(LabelledEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"


class VarType(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    MONEY = "money"
    NUMBER = "number"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    LIST = "list"

    @property
    def example(self) -> str:
        return {
            VarType.TEXT: "any text", VarType.DATE: "a date like 2026-03-02",
            VarType.DATETIME: "a date and time like 2026-03-02 14:30",
            VarType.MONEY: "an amount like 125.00", VarType.NUMBER: "a whole number like 1200",
            VarType.PHONE: "a phone number like 800-555-0199",
            VarType.EMAIL: "an e-mail address like help@example.org",
            VarType.URL: "a web address like www.example.org/notice",
            VarType.LIST: "a list of items (separate them with ';')",
        }[self]


# The 45 CFR 164.404(c)(1) elements, as the block names every HIPAA breach notice must have.
HIPAA_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("what_happened", "164.404(c)(1)(A)",
     "what happened, with the date of the breach and the date of discovery"),
    ("what_information", "164.404(c)(1)(B)", "the types of information involved"),
    ("what_you_can_do", "164.404(c)(1)(C)",
     "the steps people should take to protect themselves"),
    ("what_we_are_doing", "164.404(c)(1)(D)",
     "what the organisation is doing to investigate, limit the harm and prevent a repeat"),
    ("contact", "164.404(c)(1)(E)",
     "how to reach us: a toll-free number plus an e-mail address, website or postal address"),
)
HIPAA_DATE_VARIABLES = ("breach_date", "discovery_date")

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RESERVED = frozenset({"loop", "range", "namespace", "self", "super", "caller", "varargs",
                       "kwargs", "true", "false", "none", "True", "False", "None"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Variable:
    """One value a template needs: its type, what it means, and a realistic sample."""

    name: str
    type: VarType
    description: str
    sample: Any = None
    required: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type.value, "description": self.description,
                "sample": _jsonable(self.sample), "required": self.required}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> Variable:
        vtype = VarType(str(data["type"]))
        sample = data.get("sample")
        return Variable(str(data["name"]), vtype, str(data.get("description", "")),
                        _from_json(vtype, sample), bool(data.get("required", True)))


@dataclass(frozen=True)
class TemplateMeta:
    """Everything about a template except its body (identity plus the versioned parts)."""

    key: str
    name: str
    audience: Audience
    channel: Channel
    language: Language
    translation_group: str = ""
    hipaa_notice: bool = False
    description: str = ""
    variables: tuple[Variable, ...] = ()
    required_sections: tuple[str, ...] = ()

    @property
    def all_required_sections(self) -> tuple[str, ...]:
        extra = tuple(s for s, _, _ in HIPAA_SECTIONS) if self.hipaa_notice else ()
        return tuple(dict.fromkeys(extra + self.required_sections))

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    def sample_values(self) -> dict[str, Any]:
        return {v.name: v.sample for v in self.variables if v.sample is not None}


@dataclass(frozen=True)
class TemplateVersion:
    """One stored version of a template, with its lifecycle record."""

    template_id: str
    version: int
    status: Status
    meta: TemplateMeta
    body: str
    sha256: str
    created_at: str
    created_by: str
    note: str = ""
    submitted_at: str | None = None
    submitted_by: str | None = None
    approved_at: str | None = None
    approved_by: str | None = None
    acknowledged_warnings: tuple[str, ...] = ()
    retired_at: str | None = None
    retired_by: str | None = None
    retired_reason: str = ""

    @property
    def needs_legal_review(self) -> bool:
        return self.approved_by == LIBRARY_APPROVER

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.meta.key, "name": self.meta.name, "version": self.version,
            "status": self.status.value, "audience": self.meta.audience.value,
            "channel": self.meta.channel.value, "language": self.meta.language.value,
            "translation_group": self.meta.translation_group,
            "hipaa_notice": self.meta.hipaa_notice, "sha256": self.sha256,
            "created_at": self.created_at, "created_by": self.created_by, "note": self.note,
            "submitted_at": self.submitted_at, "submitted_by": self.submitted_by,
            "approved_at": self.approved_at, "approved_by": self.approved_by,
            "acknowledged_warnings": list(self.acknowledged_warnings),
            "retired_at": self.retired_at, "retired_by": self.retired_by,
            "retired_reason": self.retired_reason,
            "needs_legal_review": self.needs_legal_review,
            "required_sections": list(self.meta.all_required_sections),
            "variables": [v.to_dict() for v in self.meta.variables], "body": self.body,
        }


# --- validation ----------------------------------------------------------------------------

def check_key(key: str) -> str:
    key = key.strip()
    if not _KEY.fullmatch(key):
        raise ValidationError(
            f"A template key is 2-63 lower-case letters, digits and dashes (not {key!r}).",
            {"key": "invalid"})
    return key


def _choice(enum: type[StrEnum], raw: object, what: str) -> Any:
    text = str(raw).strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(text)
    except ValueError:
        values = [e.value for e in enum]
        close = difflib.get_close_matches(text, values, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise ValidationError(
            f"Unknown {what} {raw!r}; use one of: {', '.join(values)}.{hint}", {what: "unknown"}
        ) from None


def audience(raw: object) -> Audience:
    return _choice(Audience, raw, "audience")


def channel(raw: object) -> Channel:
    return _choice(Channel, raw, "channel")


def language(raw: object) -> Language:
    return _choice(Language, raw, "language")


def var_type(raw: object, name: str) -> VarType:
    try:
        return _choice(VarType, raw, "type")
    except ValidationError as exc:
        raise ValidationError(f"Variable {name}: {exc}", {name: "type"}) from None


def check_variable_name(name: str) -> str:
    if not _NAME.fullmatch(name) or name in _RESERVED or keyword.iskeyword(name):
        raise ValidationError(
            f"{name!r} cannot be a variable name: use lower-case letters, digits and "
            "underscores, starting with a letter.", {name: "name"})
    return name


def check_meta(meta: TemplateMeta) -> TemplateMeta:
    """Refuse a malformed template definition with one sentence naming the problem."""
    check_key(meta.key)
    if not meta.name.strip():
        raise ValidationError(f"Template {meta.key} needs a name.", {"name": "missing"})
    seen: set[str] = set()
    for var in meta.variables:
        check_variable_name(var.name)
        if var.name in seen:
            raise ValidationError(f"Variable {var.name} is declared twice.", {var.name: "twice"})
        seen.add(var.name)
        if not var.description.strip():
            raise ValidationError(f"Variable {var.name} needs a description.",
                                  {var.name: "description"})
    for section in meta.required_sections:
        check_variable_name(section)
    return meta


# --- values --------------------------------------------------------------------------------

def coerce_value(var: Variable, raw: Any, *, phone_region: str = "US") -> Any:
    """`raw` (typed, or text typed by a person) as `var`'s type, or a ValidationError naming it."""
    def refuse(detail: str = "") -> ValidationError:
        shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:37] + "..."
        return ValidationError(
            f"Variable {var.name} must be {var.type.example}, not {shown!r}{detail}.",
            {var.name: "type"})

    vt = var.type
    if vt is VarType.LIST:
        if isinstance(raw, str):
            return [p.strip() for p in raw.split(";") if p.strip()]
        if isinstance(raw, list | tuple) and all(isinstance(x, str | int) for x in raw):
            return [str(x) for x in raw]
        raise refuse()
    if isinstance(raw, list | tuple | dict | set | bool) or raw is None:
        raise refuse()
    if vt is VarType.TEXT:
        return str(raw)
    if vt in (VarType.DATE, VarType.DATETIME):
        kind = dt.date if vt is VarType.DATE else dt.datetime
        if isinstance(raw, dt.datetime) and kind is dt.date:
            return raw.date()
        if isinstance(raw, kind):
            return raw
        try:
            return kind.fromisoformat(str(raw).strip())
        except ValueError:
            raise refuse() from None
    if vt in (VarType.MONEY, VarType.NUMBER):
        try:
            number = Decimal(str(raw).replace(",", "").replace("$", "").strip())
        except InvalidOperation:
            raise refuse() from None
        if not number.is_finite():
            raise refuse()
        if vt is VarType.NUMBER:
            if number != number.to_integral_value():
                raise refuse()
            return int(number)
        return number
    text = str(raw).strip()
    if vt is VarType.PHONE:
        try:
            parsed = phonenumbers.parse(text, phone_region)
        except phonenumbers.NumberParseException:
            raise refuse() from None
        if not phonenumbers.is_possible_number(parsed):
            raise refuse()
        same = parsed.country_code == phonenumbers.country_code_for_region(phone_region)
        fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if same
               else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return phonenumbers.format_number(parsed, fmt)
    if vt is VarType.EMAIL:
        if not _EMAIL.match(text):
            raise refuse()
        return text
    if not _URL.match(text):  # URL
        raise refuse()
    return text


def coerce_values(meta: TemplateMeta, raw: Mapping[str, Any], *, phone_region: str = "US",
                  require_all: bool = True) -> dict[str, Any]:
    """Typed values for every declared variable; a missing required one is named."""
    out: dict[str, Any] = {}
    missing: list[str] = []
    for var in meta.variables:
        value = raw.get(var.name)
        if value is None or (isinstance(value, str) and not value.strip()
                             and var.type is not VarType.TEXT):
            if var.required and require_all:
                missing.append(var.name)
            out[var.name] = [] if var.type is VarType.LIST else ("" if var.type is VarType.TEXT
                                                                  else None)
            continue
        out[var.name] = coerce_value(var, value, phone_region=phone_region)
    if missing:
        first = meta.variable(missing[0])
        what = f" ({first.description.rstrip('.')})" if first is not None else ""
        more = f"; also missing: {', '.join(missing[1:])}" if len(missing) > 1 else ""
        raise ValidationError(f"No value for {missing[0]}{what}{more}.",
                              {m: "missing" for m in missing})
    return out


# --- hashing and diffs ---------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _from_json(vtype: VarType, value: Any) -> Any:
    if value is None:
        return None
    try:
        return coerce_value(Variable("sample", vtype, "sample"), value)
    except ValidationError:
        return value  # kept as given; the check reports it


def variables_json(variables: Iterable[Variable]) -> str:
    return json.dumps([v.to_dict() for v in variables], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def variables_from_json(text: str) -> tuple[Variable, ...]:
    return tuple(Variable.from_dict(d) for d in json.loads(text or "[]"))


def content_sha256(body: str, variables: Sequence[Variable],
                   required_sections: Sequence[str]) -> str:
    """SHA-256 of the exact body and variables (and the required sections) of a version.

    The input is the canonical JSON `{"body": ..., "required_sections": [...], "variables":
    [...]}` with sorted keys and no spaces, encoded as UTF-8: the body byte for byte, each
    variable with its name, type, description, sample and required flag.
    """
    canonical = json.dumps(
        {"body": body, "required_sections": list(required_sections),
         "variables": [v.to_dict() for v in variables]},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _variable_lines(variables: Sequence[Variable]) -> list[str]:
    out = []
    for v in variables:
        req = "" if v.required else ", optional"
        out.append(f"{v.name} ({v.type.value}{req}): {v.description} "
                   f"[sample: {_jsonable(v.sample)}]")
    return out


def diff_versions(old: TemplateVersion, new: TemplateVersion) -> str:
    """A readable unified diff of two versions: body first, then variables and sections."""
    def label(v: TemplateVersion) -> str:
        return f"version {v.version} ({v.status.label})"

    parts: list[str] = []
    body = list(difflib.unified_diff(old.body.splitlines(), new.body.splitlines(),
                                     label(old), label(new), lineterm="", n=2))
    parts += body or [f"The body of {label(old)} and {label(new)} is the same."]
    variables = list(difflib.unified_diff(
        _variable_lines(old.meta.variables), _variable_lines(new.meta.variables),
        f"variables, {label(old)}", f"variables, {label(new)}", lineterm="", n=0))
    if variables:
        parts += ["", *variables]
    if old.meta.required_sections != new.meta.required_sections:
        parts += ["", f"Required sections: {', '.join(old.meta.required_sections) or 'none'}"
                  f" -> {', '.join(new.meta.required_sections) or 'none'}"]
    return "\n".join(parts)


# --- lifecycle -----------------------------------------------------------------------------

def next_status_allowed(current: Status, wanted: Status) -> bool:
    return wanted in {
        Status.DRAFT: {Status.IN_REVIEW, Status.RETIRED},
        Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT, Status.RETIRED},
        Status.APPROVED: {Status.RETIRED},
        Status.RETIRED: set(),
    }[current]
