"""`.tmpl` files against whatever a file can hold: a template is imported as a draft exactly as
written (formula-like and markup text included), or refused with the file's name and the
reason; what the desk exports reads back unchanged."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.template_files import TemplateFile, dump_file, parse_file
from crisisdesk.domain.templates import Audience, Channel, Language, VarType
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from tests.support.importers import (
    IMPORTS,
    LITERALS,
    any_bytes,
    attempt,
    audit_entries,
    cells,
    chance,
    check_refusal,
    module_desk,
)

_keys = itertools.count()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    yield from module_desk(tmp_path_factory, "template-props")


def toml(value: Any) -> str:
    """A TOML value, written independently of the code under test."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


TEXT = st.one_of(st.text(max_size=20), st.sampled_from(LITERALS))
SAMPLES = st.one_of(
    TEXT, st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.booleans(),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(dt.UTC)), st.times(),
    st.lists(TEXT, max_size=3), st.sampled_from(("12.50", "$1,200", "(212) 555-0142",
                                                 "a@example.org", "www.example.org", "2026-03-02")))
VAR_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
ODD_NAMES = st.one_of(st.sampled_from(("loop", "class", "Org", "1x", "a-b", "x\n", "")),
                      st.text(max_size=8))


def usually(draw: st.DrawFn, good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any],
            percent: int = 90) -> Any:
    return draw(good if chance(draw, percent) else odd)


@st.composite
def headers(draw: st.DrawFn, odd: int = 5) -> dict[str, Any]:
    """A header, mostly well-formed: about `odd` in a hundred fields are anything at all."""
    good = 100 - odd
    head: dict[str, Any] = {
        "key": usually(draw, st.builds(lambda: f"prop-{next(_keys)}"),
                       st.one_of(st.from_regex(r"[a-z0-9][a-z0-9-]{1,12}", fullmatch=True),
                                 TEXT), good),
        "name": usually(draw, st.sampled_from(LITERALS), TEXT, min(good, 60)),
        "audience": usually(draw, st.sampled_from([a.value for a in Audience]), TEXT, good),
        "channel": usually(draw, st.sampled_from([c.value for c in Channel]), TEXT, good),
        "language": usually(draw, st.sampled_from([la.value for la in Language]), TEXT, good),
    }
    for optional, values in (("description", TEXT), ("translation_group", TEXT),
                             ("hipaa_notice", st.booleans()),
                             ("required_sections", st.lists(VAR_NAMES, max_size=2))):
        if chance(draw, 40):
            head[optional] = draw(values)
    if chance(draw, odd):
        head[draw(st.sampled_from(("key", "name", "audience", "language")))] = draw(SAMPLES)
    if chance(draw, odd):
        head["colour"] = "blue"
    variables = {}
    for _ in range(draw(st.integers(0, 3))):
        spec: dict[str, Any] = {
            "type": usually(draw, st.sampled_from([t.value for t in VarType]), TEXT, good),
            "description": usually(draw, st.sampled_from(("What it is", *LITERALS)), TEXT, good)}
        if chance(draw, 50):
            spec["sample"] = draw(SAMPLES)
        if chance(draw, 20):
            spec["required"] = draw(st.booleans())
        variables[usually(draw, VAR_NAMES, ODD_NAMES, good)] = spec
    if variables:
        head["variables"] = variables
    return head


def tmpl_text(head: dict[str, Any], body: str) -> str:
    out = ["+++"]
    for key, value in head.items():
        if key != "variables":
            out.append(f"{json.dumps(key)} = {toml(value)}")
    for name, spec in head.get("variables", {}).items():
        out.append(f"[variables.{json.dumps(name, ensure_ascii=False)}]")
        out += [f"{k} = {toml(v)}" for k, v in spec.items()]
    out.append("+++")
    return "\n".join(out) + "\n" + body


BODIES = st.one_of(st.text(max_size=60), st.sampled_from(LITERALS),
                   st.just("Dear {{ org_name }},\n{% block notice %}{% endblock %}\n+++\n"),
                   st.just("{{ unclosed"), st.just("\x00\x00"))


def _import(desk: Session, text: str, name: str) -> template_service.ImportResult | UserError:
    audit = audit_entries(desk)
    result = attempt(desk, lambda: template_service.import_template(desk, text,
                                                                   source_name=name),
                     last_line=text.count("\n") + 1)
    if isinstance(result, template_service.ImportResult):
        assert audit_entries(desk) == audit + (result.outcome != "unchanged")
    return result


@IMPORTS
@given(head=headers(), body=BODIES, damage=st.sampled_from(("", "", "", "crlf", "bom", "cut",
                                                            "nul", "noclose", "noopen")),
       data=st.data())
def test_tmpl_imports_as_written_or_is_refused_with_the_file_name(
        desk: Session, head: dict[str, Any], body: str, damage: str,
        data: st.DataObject) -> None:
    text = tmpl_text(head, body)
    if damage == "crlf":
        text = text.replace("\n", "\r\n")
    elif damage == "bom":
        text = "\ufeff" + text
    elif damage in ("cut", "nul"):
        # where, as a share of the text: the text's length varies with the key's serial number
        at = len(text) * data.draw(st.integers(0, 1000)) // 1000
        text = text[:at] if damage == "cut" else text[:at] + "\x00" + text[at:]
    elif damage == "noclose":
        text = text.replace("\n+++\n", "\n", 1)
    elif damage == "noopen":
        text = text[4:]
    name = f"notice-{next(_keys)}.tmpl"
    result = _import(desk, text, name)
    try:
        parsed = parse_file(text, name)
    except ValidationError:
        assert isinstance(result, ValidationError), result
        assert str(result).startswith(f"{name}: "), (
            f"a file that cannot be read must be refused naming it: {result}")
        return
    if isinstance(result, template_service.ImportResult):
        stored = template_service.get_version(desk, result.key, result.version)
        assert stored.body == parsed.body
        assert stored.meta.name == parsed.meta.name


@IMPORTS
@given(cell=cells(), body=st.text(max_size=40))
def test_tmpl_of_any_text_never_crashes(desk: Session, cell: str, body: str) -> None:
    _import(desk, f"+++\n{cell}\n+++\n{body}", "odd.tmpl")
    _import(desk, cell + body, "odd.tmpl")


@IMPORTS
@given(head=headers(odd=0),
       body=st.text(st.characters(blacklist_characters="\r"), max_size=60))
def test_exported_tmpl_reads_back_unchanged(head: dict[str, Any], body: str) -> None:
    """What `templates export` writes, `templates import` reads back to the same template."""
    try:
        first = parse_file(tmpl_text(head, body))
    except ValidationError:
        event("not a template")
        return
    event("read back")
    again = parse_file(dump_file(first.meta, first.body))
    assert again == TemplateFile(first.meta, first.body)


@IMPORTS
@given(raw=st.one_of(any_bytes(), st.builds(lambda t, e: t.encode(e, errors="replace"),
                                              st.text(max_size=40),
                                              st.sampled_from(("utf-16", "utf-16-le", "utf-8",
                                                               "utf-8-sig", "cp1252")))))
def test_tmpl_file_of_any_bytes_is_read_or_refused(desk: Session, tmp_path_factory:
                                                   pytest.TempPathFactory, raw: bytes) -> None:
    """The CLI's and the GUI's readers of a .tmpl file: text, or one sentence saying why not."""
    from crisisdesk.cli.templates_cmds import read_text_file
    from crisisdesk.ui.templates.library_actions import read_template_file

    path = tmp_path_factory.getbasetemp() / f"odd-{next(_keys)}.tmpl"
    path.write_bytes(raw)
    for read in (lambda: read_text_file(str(path)), lambda: read_template_file(path)):
        try:
            text = read()
        except UserError as err:
            check_refusal(err, 1)
            continue
        _import(desk, text, path.name)
