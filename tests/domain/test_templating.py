"""The one template environment: sandbox escapes fail clearly, escaping, strictness, errors."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisdesk.domain.plaintext import html_to_text
from crisisdesk.domain.templating import (
    MAX_OUTPUT_CHARS,
    TemplateError,
    compile_template,
    make_environment,
    render,
)


def run(body: str, *, html: bool = True, language: str = "en", **values: Any) -> str:
    return render(compile_template(body, html=html, language=language), values)


ESCAPES = {
    "class of a string": "{{ ''.__class__ }}",
    "mro walk": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "attr filter reaching format (CVE-2025-27516)":
        "{{ ('{0.__class__.__mro__}'|attr('format'))(1) }}",
    "format reaching dunders": "{{ '{0.__class__.__init__.__globals__}'.format(x) }}",
    "format on a variable": "{{ x.format(x) }}",
    "stored format reference (CVE-2024-56326)": "{% set f = x.format %}{{ f('{0.__class__}') }}",
    "format_map": "{{ x.format_map({}) }}",
    "function globals": "{{ range.__globals__ }}",
    "cycler init globals": "{{ cycler.__init__.__globals__.os }}",
    "huge range": "{{ range(10**7)|list|length }}",
    "string bomb": "{{ 'x' * 10**9 }}",
    "percent formatting with a huge width": "{{ '%0999999999d' % 1 }}",
    "format filter": "{{ '%s'|format(x) }}",
    "include": "{% include 'secrets.txt' %}",
    "import": "{% import 'macros' as m %}",
    "list mutation": "{% set l = [] %}{{ l.append(1) }}",
}


@pytest.mark.parametrize("body", list(ESCAPES.values()), ids=list(ESCAPES))
def test_sandbox_escape_attempts_fail_with_a_clear_error(body: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateError) as info:
        run(body, x="{0}")
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert message.startswith("Line 1")  # it says where
    assert "<class" not in message
    assert "Traceback" not in message


def test_the_format_payload_runs_no_code_and_leaks_nothing() -> None:
    with pytest.raises(TemplateError, match="No filter named 'attr'"):
        run("{{ ('{0.__class__}'|attr('format'))(1) }}")
    with pytest.raises(TemplateError, match="format.*unsafe"):
        run("{{ '{0.__class__}'.format(1) }}")


def test_work_and_size_are_bounded() -> None:
    loops = "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError, match="too much work"):
        run(loops)
    doubling = ("{% macro f(s, n) %}{{ f(s ~ s, n - 1) if n else s|length }}{% endmacro %}"
                "{{ f('ab', 40) }}")
    with pytest.raises(TemplateError, match="longer than"):
        run(doubling)
    with pytest.raises(TemplateError, match="longer than"):
        run("{{ big }}{{ big }}", big="x" * (MAX_OUTPUT_CHARS // 2 + 1))
    with pytest.raises(TemplateError, match="recursive"):
        run("{% for x in items recursive %}{{ loop(x) }}{% endfor %}", items=[])


def test_html_channels_print_a_patients_name_literally() -> None:
    assert run("Dear {{ name }},", name="<b>Ann</b>") == "Dear &lt;b&gt;Ann&lt;/b&gt;,"
    assert run("{{ name }}", name="O'Brien & Co") == "O&#39;Brien &amp; Co"
    with pytest.raises(TemplateError, match="safe"):
        run("{{ name|safe }}", name="<b>Ann</b>")  # no way to switch escaping off


def test_text_channels_are_not_escaped() -> None:
    assert run("Hi {{ name }} & co", html=False, name="<b>Ann</b>") == "Hi <b>Ann</b> & co"


def test_a_missing_variable_is_an_error_naming_it() -> None:
    with pytest.raises(TemplateError) as info:
        run("Hello\nDear {{ first_nme }},", first_name="Ann")
    assert "first_nme" in str(info.value)
    assert info.value.line == 2


def test_syntax_errors_give_line_and_column() -> None:
    with pytest.raises(TemplateError) as info:
        compile_template("Dear {{ name }},\nOn {{ breach_date | }} we found", html=True)
    assert (info.value.line, info.value.column) == (2, 21)  # the '}}' the filter name is missing
    assert str(info.value).startswith("Line 2, column 21:")
    with pytest.raises(TemplateError) as info:
        compile_template("{% if x %}\nno end", html=True)
    assert info.value.line == 2
    assert "endif" in str(info.value)
    with pytest.raises(TemplateError) as info:
        compile_template("ok\n  {{ x|nosuch }}", html=True)
    assert (info.value.line, info.value.column) == (2, 7)


def test_date_money_phone_and_list_filters_in_english_and_spanish() -> None:
    d = dt.date(2026, 3, 2)
    assert run("{{ d|date }}", d=d) == "March 2, 2026"
    assert run("{{ d|date('short') }}", d=d) == "03/02/2026"
    assert run("{{ d|date('weekday') }}", d=d) == "Monday, March 2, 2026"
    assert run("{{ d|date }}", language="es", d=d) == "2 de marzo de 2026"
    assert run("{{ d|date('short') }}", language="es", d=d) == "02/03/2026"
    assert run("{{ t|datetime }}", t=dt.datetime(2026, 3, 2, 14, 5)) == \
        "March 2, 2026 at 2:05 PM"
    assert run("{{ m|money }}", m=Decimal("1234.5")) == "$1,234.50"
    assert run("{{ m|money }}", m=-5) == "-$5.00"
    assert run("{{ n|number }}", n=48200) == "48,200"
    assert run("{{ p|phone }}", p="8555550142") == "(855) 555-0142"
    assert run("{{ p|phone }}", p="+44 20 7946 0958") == "+44 20 7946 0958"
    assert run("{{ l|join_and }}", l=["name", "address", "date of birth"]) == \
        "name, address, and date of birth"
    assert run("{{ l|join_and }}", language="es", l=["nombre", "dirección", "fecha"]) == \
        "nombre, dirección y fecha"


def test_a_filter_given_the_wrong_type_says_so_and_where() -> None:
    with pytest.raises(TemplateError) as info:
        run("a\n{{ name|date }}", name="Ann")
    assert info.value.line == 2
    assert "|date needs a date" in str(info.value)
    with pytest.raises(TemplateError, match="not a phone number"):
        run("{{ p|phone }}", p="call us")
    with pytest.raises(TemplateError, match="list cannot be printed"):
        run("{{ items }}", items=["a", "b"])


def test_environments_are_one_per_output_kind_and_locale() -> None:
    assert make_environment(html=True) is make_environment(html=True)
    assert make_environment(html=True).autoescape is True
    assert make_environment(html=False).autoescape is False
    assert "attr" not in make_environment(html=True).filters
    with pytest.raises(TemplateError, match="language"):
        make_environment(html=True, language="fr")


def test_html_to_text_keeps_one_line_per_block() -> None:
    html = "<h2>Notice</h2><p>One &amp; two.</p><ul><li>A</li><li>B</li></ul>"
    lines = [line for line in html_to_text(html).splitlines() if line]
    assert lines == ["Notice", "One & two.", "- A", "- B"]
    assert html_to_text(html, keep_headings=False).splitlines()[0] == "One & two."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}%#-+~*|()[]'\"ab x.\n=!<>", max_size=40))
def test_any_text_typed_in_the_editor_compiles_or_gives_a_template_error(body: str) -> None:
    try:
        compiled = compile_template(body, html=True)
    except TemplateError as exc:  # either outcome is right; a refusal must say where
        where = (exc.line, exc.column)
    else:
        where = None
    if where is not None:
        assert where[0] is None or where[0] >= 1
        assert where[1] is None or where[1] >= 1
        return
    with contextlib.suppress(TemplateError):
        render(compiled, {"a": "x", "b": 2})
