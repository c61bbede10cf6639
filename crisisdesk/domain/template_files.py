"""The `.tmpl` file format, used by the shipped library, import and export: a TOML header
between `+++` lines, then the Jinja body:

    +++
    key = "staff-notice-en"
    name = "Staff notice"
    audience = "staff"
    channel = "email"
    language = "en"
    [variables.org_name]
    type = "text"
    description = "The organisation's name as patients know it"
    sample = "Riverside Clinics"
    +++
    Dear colleagues, ...
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.templates import (
    TemplateMeta,
    Variable,
    audience,
    channel,
    check_key,
    check_meta,
    check_variable_name,
    coerce_value,
    language,
    var_type,
)


@dataclass(frozen=True)
class TemplateFile:
    meta: TemplateMeta
    body: str


def parse_file(text: str, source: str = "template") -> TemplateFile:
    """Read a `.tmpl` file; errors name the file and what is wrong in it."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ValidationError(f"{source}: a template file starts with a '+++' line.",
                              {"file": "header"})
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "+++")
    except StopIteration:
        raise ValidationError(f"{source}: the header is not closed with a '+++' line.",
                              {"file": "header"}) from None
    try:
        head = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source}: the header is not valid TOML ({exc}).",
                              {"file": "header"}) from None
    body = "\n".join(lines[end + 1:])
    try:
        meta = meta_from_header(head)
    except ValidationError as exc:
        raise ValidationError(f"{source}: {exc}", exc.fields) from None
    return TemplateFile(meta, body)


def meta_from_header(head: Mapping[str, Any]) -> TemplateMeta:
    for required in ("key", "name", "audience", "channel", "language"):
        if required not in head:
            raise ValidationError(f"the header needs '{required}'.", {required: "missing"})
    known = {"key", "name", "audience", "channel", "language", "translation_group",
             "hipaa_notice", "description", "required_sections", "variables"}
    unknown = sorted(set(head) - known)
    if unknown:
        raise ValidationError(f"unknown header field {unknown[0]!r}.", {unknown[0]: "unknown"})
    variables: list[Variable] = []
    raw_vars = head.get("variables", {})
    if not isinstance(raw_vars, dict):
        raise ValidationError("'variables' must be a table of [variables.NAME] entries.",
                              {"variables": "invalid"})
    for name, spec in raw_vars.items():
        check_variable_name(name)
        if not isinstance(spec, dict) or "type" not in spec:
            raise ValidationError(f"variable {name} needs a type.", {name: "type"})
        vtype = var_type(spec["type"], name)
        var = Variable(name, vtype, str(spec.get("description", "")), None,
                       bool(spec.get("required", True)))
        if spec.get("sample") is not None:
            var = replace(var, sample=coerce_value(var, spec["sample"]))
        variables.append(var)
    sections = head.get("required_sections", [])
    if not isinstance(sections, list):
        raise ValidationError("'required_sections' must be a list of block names.",
                              {"required_sections": "invalid"})
    meta = TemplateMeta(
        key=check_key(str(head["key"])), name=" ".join(str(head["name"]).split()),
        audience=audience(head["audience"]), channel=channel(head["channel"]),
        language=language(head["language"]),
        translation_group=str(head.get("translation_group", "")).strip(),
        hipaa_notice=bool(head.get("hipaa_notice", False)),
        description=str(head.get("description", "")).strip(),
        variables=tuple(variables), required_sections=tuple(str(s) for s in sections))
    return check_meta(meta)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        # Every digit and the offset, so the sample reads back as the same moment; TOML
        # offsets are whole minutes, so an odd historical offset is written in UTC.
        offset = value.utcoffset()
        if offset is not None and offset.seconds % 60:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return _toml_str(str(value))


def dump_file(meta: TemplateMeta, body: str) -> str:
    """The `.tmpl` text for `meta` and `body`; `parse_file` reads it back unchanged."""
    out = ["+++", f"key = {_toml_str(meta.key)}", f"name = {_toml_str(meta.name)}",
           f"audience = {_toml_str(meta.audience.value)}",
           f"channel = {_toml_str(meta.channel.value)}",
           f"language = {_toml_str(meta.language.value)}"]
    if meta.translation_group:
        out.append(f"translation_group = {_toml_str(meta.translation_group)}")
    if meta.hipaa_notice:
        out.append("hipaa_notice = true")
    if meta.description:
        out.append(f"description = {_toml_str(meta.description)}")
    if meta.required_sections:
        out.append(f"required_sections = {_toml_value(list(meta.required_sections))}")
    for var in meta.variables:
        out += ["", f"[variables.{var.name}]", f"type = {_toml_str(var.type.value)}",
                f"description = {_toml_str(var.description)}"]
        if var.sample is not None:
            out.append(f"sample = {_toml_value(var.sample)}")
        if not var.required:
            out.append("required = false")
    out.append("+++")
    return "\n".join(out) + "\n" + body
