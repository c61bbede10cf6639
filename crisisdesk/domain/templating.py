"""The one template environment factory: every message and letter is rendered through here.

Templates are edited by people, so they are treated as untrusted code:

- `ImmutableSandboxedEnvironment` with an attribute policy tighter than Jinja's own (no
  `str.format`, no padding or replacing methods that can blow a string up) and a short list of
  filters (no `attr`, `format`, `safe`, `xmlattr`, `indent`, `center`, `wordwrap`, ...).
- `StrictUndefined`: a missing or misspelt variable is an error naming it, never a blank.
- Autoescape for printed and HTML channels (`html=True`); a separate non-escaping environment
  for SMS, e-mail and spoken scripts, so `&amp;` never leaks into a text message.
- CPU and memory are bounded per render: every loop iteration and call spends from a step
  budget, string building (`~`, `+`, `*`, `join`, `replace`) is size-checked *before* it
  allocates, `%` formatting is refused, and the output is capped.
- `{% include %}`, `{% extends %}`, `{% import %}` and recursive loops are refused: a template
  is one self-contained text.

Errors come out as `TemplateError` (a `UserError`) with a line and, for syntax errors, a column.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, meta, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.lexer import TokenStream
from jinja2.parser import Parser
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_eval_context
from markupsafe import Markup

from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_phone,
    format_time,
    kind_of,
)

MAX_OUTPUT_CHARS = 200_000  # a long FAQ is ~30k characters
MAX_STEPS = 200_000  # loop iterations + calls per render
MAX_SECONDS = 5.0
MAX_BODY_CHARS = 100_000

LANGUAGES = ("en", "es")

# Filters kept from Jinja: harmless, bounded, and useful in letters.
_KEPT_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
    "int", "items", "last", "length", "list", "lower", "max", "min", "reject", "rejectattr",
    "reverse", "round", "select", "selectattr", "sort", "striptags", "title", "trim",
    "truncate", "unique", "upper", "wordcount",
)
# str methods a template may not call: formatting reaches attributes; the rest pad or multiply.
_UNSAFE_STR_METHODS = frozenset({
    "format", "format_map", "center", "ljust", "rjust", "zfill", "expandtabs", "replace",
    "translate", "maketrans", "encode", "join",
})
_PRIMITIVES = (str, int, float, Decimal, dt.date, Markup)


class TemplateError(UserError):
    """A template that cannot be compiled or rendered; `line`/`column` are 1-based (or None)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None) -> None:
        where = ""
        if line is not None:
            where = f"Line {line}" + (f", column {column}" if column is not None else "") + ": "
        super().__init__(f"{where}{reason}")
        self.reason = reason
        self.line = line
        self.column = column


# --- per-render budget ---------------------------------------------------------------------

class _Budget:
    __slots__ = ("deadline", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SecurityError(f"the template does too much work (over {MAX_STEPS:,} steps)")
        if self.steps % 1024 == 0 and time.monotonic() > self.deadline:
            raise SecurityError(f"the template took longer than {MAX_SECONDS:g} seconds")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("crisisdesk_budget",
                                                                          default=None)


def _spend() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.spend()


def _check_size(n: int) -> None:
    if n > MAX_OUTPUT_CHARS:
        raise SecurityError(f"the text would be longer than {MAX_OUTPUT_CHARS:,} characters")


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | list | tuple) else len(str(value))


# --- the sandbox ---------------------------------------------------------------------------

class CrisisSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with CrisisDesk's stricter policy (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def wrap_str_format(self, value: Any) -> None:
        """Jinja would hand out a sandboxed `str.format`; CrisisDesk hands out none at all."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _UNSAFE_STR_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call(__self, __context: Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        _spend()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        seqs = (str, list, tuple)
        if operator_ == "%" and isinstance(left, str):
            raise SecurityError("'%' formatting is not allowed; use filters such as |date")
        if operator_ == "**":
            small_base = isinstance(left, int | float | Decimal) and -(10**6) <= left <= 10**6
            small_exponent = isinstance(right, int) and 0 <= right <= 64
            if not (small_base and small_exponent):
                raise SecurityError("'**' is limited to small numbers")
        elif operator_ == "*":
            if isinstance(left, seqs) and isinstance(right, int):
                _check_size(_size(left) * max(right, 0))
            elif isinstance(right, seqs) and isinstance(left, int):
                _check_size(_size(right) * max(left, 0))
            elif isinstance(left, int) and isinstance(right, int) and (
                    left.bit_length() + right.bit_length() > 256):
                raise SecurityError("the numbers are too large")
        elif operator_ == "+" and isinstance(left, seqs) and isinstance(right, seqs):
            _check_size(_size(left) + _size(right))
        return self.binop_table[operator_](left, right)


def _finalize(value: Any) -> Any:
    """Applied to every `{{ ... }}`: lists and mappings are never printed as Python reprs."""
    if isinstance(value, list | tuple | dict | set):
        raise TemplateError(
            "a list cannot be printed directly; use a loop or |join_and (e.g. "
            "{{ phi_types|join_and }})"
        )
    return value


# --- filters -------------------------------------------------------------------------------

def join_and(items: object, language: str = "en") -> str:
    """'name, address, and date of birth' / 'nombre, dirección y fecha de nacimiento'."""
    if isinstance(items, str) or not isinstance(items, list | tuple):
        raise TemplateError(f"|join_and needs a list, not {kind_of(items)}")
    words = [str(i) for i in items]
    _check_size(sum(len(w) + 2 for w in words))
    if len(words) <= 1:
        return "".join(words)
    if language == "es":
        return ", ".join(words[:-1]) + " y " + words[-1]
    if len(words) == 2:
        return f"{words[0]} and {words[1]}"
    return ", ".join(words[:-1]) + ", and " + words[-1]


@pass_eval_context
def _safe_join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    if attribute is not None:
        raise TemplateError("|join(attribute=...) is not supported")
    items = []
    for item in value:
        _spend()
        if not isinstance(item, _PRIMITIVES):
            raise TemplateError("|join works on lists of text, numbers or dates")
        items.append(item)
    _check_size(sum(_size(i) for i in items) + len(d) * max(len(items) - 1, 0))
    joined = JINJA_FILTERS["join"](eval_ctx, items, d)
    return str(joined) if not isinstance(joined, Markup) else joined


@pass_eval_context
def _safe_replace(eval_ctx: Any, s: str, old: str, new: str, count: int | None = None) -> str:
    text = str(s)
    hits = text.count(str(old)) if old else len(text) + 1
    if count is not None:
        hits = min(hits, max(count, 0))
    _check_size(len(text) + hits * max(len(str(new)) - len(str(old)), 0))
    return str(JINJA_FILTERS["replace"](eval_ctx, s, old, new, count))


def _safe_sum(iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
    total = start
    for item in iterable:
        _spend()
        if isinstance(item, bool) or not isinstance(item, int | float | Decimal):
            raise TemplateError("|sum adds numbers only")
        total = total + item
    return total


def _safe_string(value: Any) -> str:
    if not isinstance(value, _PRIMITIVES):
        raise TemplateError(f"|string cannot turn {kind_of(value)} into text")
    return str(value)


def _loop_budget(iterable: Any) -> Iterator[Any]:
    """Wrapped around every `{% for %}` iterable by `compile_template`."""
    for item in iterable:
        _spend()
        yield item


@pass_eval_context
def _guarded_concat(eval_ctx: Any, parts: list[Any]) -> str:
    """`a ~ b`, checked for size before the string is built."""
    for part in parts:
        if isinstance(part, list | tuple | dict | set):
            raise TemplateError("'~' joins text; use |join_and for a list")
    _check_size(sum(_size(p) for p in parts))
    joiner = markup_join if eval_ctx.autoescape else str_join
    return joiner(parts)


# --- the factory ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def make_environment(*, html: bool, language: str = "en",
                     phone_region: str = "US") -> CrisisSandbox:
    """The environment for one output kind and locale (cached; environments are thread-safe).

    `html=True` autoescapes (printed letters, web notices, FAQs); `html=False` is for SMS,
    e-mail and spoken scripts, where nothing must be escaped.
    """
    if language not in LANGUAGES:
        raise TemplateError(f"Unsupported language {language!r}; use one of {LANGUAGES}.")
    env = CrisisSandbox(undefined=StrictUndefined, autoescape=html, finalize=_finalize,
                        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                        auto_reload=False)
    env.filters = {name: JINJA_FILTERS[name] for name in _KEPT_FILTERS}
    lang_filters: dict[str, Callable[..., Any]] = {
        "date": lambda v, style="long": format_date(v, style, language),
        "time": lambda v: format_time(v, language),
        "datetime": lambda v: format_datetime(v, language),
        "money": lambda v: format_money(v, language),
        "number": lambda v: format_number(v, language),
        "phone": lambda v: format_phone(v, phone_region),
        "join_and": lambda v: join_and(v, language),
    }
    env.filters.update(lang_filters)
    env.filters.update({"join": _safe_join, "replace": _safe_replace, "sum": _safe_sum,
                        "string": _safe_string, "_cd_loop": _loop_budget,
                        "_cd_concat": _guarded_concat})
    env.globals = {"range": env.globals["range"], "namespace": env.globals["namespace"]}
    return env


@functools.lru_cache(maxsize=512)
def _compile_cached(body: str, html: bool, language: str, phone_region: str) -> Any:
    env = make_environment(html=html, language=language, phone_region=phone_region)
    if len(body) > MAX_BODY_CHARS:
        raise TemplateError(f"The template is longer than {MAX_BODY_CHARS:,} characters.")
    try:
        tree = env.parse(body)
        _harden(tree)
        return env.from_string(tree)
    except TemplateError:
        raise
    except TemplateSyntaxError as exc:
        if exc.source is None:  # raised by the compiler (e.g. an unknown filter), not the parser
            raise TemplateError(exc.message or str(exc), exc.lineno,
                                _column_of_name(body, exc.lineno, exc.message or "")) from None
        raise _syntax_error(env, body, exc) from None
    except (RecursionError, SyntaxError):  # Python's own limits on nesting, when compiled
        raise TemplateError("the template nests too deeply (too many blocks or expressions "
                            "inside one another)") from None
    except MemoryError:
        raise TemplateError("the template is too large to compile") from None


def compile_template(body: str, *, html: bool, language: str = "en",
                     phone_region: str = "US") -> Any:
    """Parse and compile `body`, or raise TemplateError with line and column."""
    return _compile_cached(body, html, language, phone_region)


def _harden(tree: nodes.Template) -> None:
    """Refuse includes and recursion; route loops and `~` through the budget and size checks."""
    for node in tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
        raise TemplateError("a template cannot include or import other templates", node.lineno)
    for call in tree.find_all(nodes.Filter):
        if call.name.startswith("_cd_"):
            raise TemplateError(f"no filter named {call.name!r}", call.lineno)
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise TemplateError("recursive loops are not allowed", loop.lineno)
    _rewrite(tree)


def _rewrite(node: nodes.Node) -> None:
    for field in node.fields:
        child = getattr(node, field, None)
        if isinstance(child, nodes.Node):
            setattr(node, field, _rewritten(child))
        elif isinstance(child, list):
            setattr(node, field, [_rewritten(c) if isinstance(c, nodes.Node) else c
                                  for c in child])


def _rewritten(node: nodes.Node) -> nodes.Node:
    _rewrite(node)
    if isinstance(node, nodes.For):
        node.iter = nodes.Filter(node.iter, "_cd_loop", [], [], None, None, lineno=node.lineno)
    if isinstance(node, nodes.Concat):
        return nodes.Filter(nodes.List(list(node.nodes), lineno=node.lineno), "_cd_concat", [],
                            [], None, None, lineno=node.lineno)
    return node


def _syntax_error(env: CrisisSandbox, body: str, exc: TemplateSyntaxError) -> TemplateError:
    """Re-run the parser over a token stream that remembers where each token starts."""
    where: list[tuple[int, int]] = []

    def raw_tokens() -> Iterator[tuple[int, str, str]]:
        pos = 0
        for lineno, token, value in env.lexer.tokeniter(body, None):
            start = body.find(value, pos) if value else pos
            start = pos if start < 0 else start
            line_start = body.rfind("\n", 0, start) + 1
            where.append((lineno, start - line_start + 1))
            pos = start + len(value)
            yield lineno, token, value

    column: int | None = None
    line = exc.lineno
    lexed = re.search(r" at (\d+)$", exc.message or "")
    if lexed:  # the lexer says where, as an offset into the text
        offset = int(lexed.group(1))
        line = body.count("\n", 0, offset) + 1
        column = offset - (body.rfind("\n", 0, offset) + 1) + 1
        message = (exc.message or "")[: lexed.start()]
        return TemplateError(_plain_message(message), line, column)
    try:
        parser = Parser(env, body)
        parser.stream = TokenStream(env.lexer.wrap(raw_tokens()), None, None)
        parser.parse()
    except TemplateSyntaxError as again:
        line = again.lineno
        if where and where[-1][0] == line:
            column = where[-1][1]
        elif "end of template" in (again.message or ""):
            lines = body.split("\n")
            if 0 < line <= len(lines):
                column = len(lines[line - 1]) + 1
    return TemplateError(_plain_message(exc.message or str(exc)), line, column)


def _plain_message(message: str) -> str:
    message = message.replace("Jinja was looking for the following tags:", "expected one of:")
    message = message.split("\n")[0] if "\n" in message and "expected" not in message else message
    return " ".join(message.split())


def _column_of_name(body: str, line: int | None, message: str) -> int | None:
    m = re.search(r"named '([^']+)'", message)
    lines = body.split("\n")
    if not m or line is None or not 0 < line <= len(lines):
        return None
    found = re.search(r"\|\s*" + re.escape(m.group(1)) + r"\b", lines[line - 1])
    return found.start() + 1 if found else None


# --- rendering -----------------------------------------------------------------------------

def _template_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _run(fn: Callable[[], Iterator[str]]) -> str:
    token = _budget.set(_Budget())
    try:
        parts: list[str] = []
        size = 0
        for chunk in fn():
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(f"The text is longer than {MAX_OUTPUT_CHARS:,} characters.")
            parts.append(chunk)
        return "".join(parts)
    except TemplateError as exc:
        if exc.line is None:
            raise TemplateError(exc.reason, _template_line(exc)) from None
        raise
    except UndefinedError as exc:
        raise TemplateError(_undefined_message(exc), _template_line(exc)) from None
    except SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", _template_line(exc)) from None
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError,
            RecursionError, AttributeError) as exc:
        raise TemplateError(_plain_message(str(exc)) or type(exc).__name__,
                            _template_line(exc)) from None
    finally:
        _budget.reset(token)


def _undefined_message(exc: UndefinedError) -> str:
    m = re.match(r"'([^']+)' is undefined", str(exc))
    if m:
        return (f"the variable {m.group(1)!r} has no value (is it misspelt, or missing from the "
                "template's variables?)")
    return _plain_message(str(exc))


def render(compiled: Any, values: Mapping[str, Any]) -> str:
    """Render a compiled template with `values` (already checked), or raise TemplateError."""
    return _run(lambda: compiled.generate(dict(values)))


def render_sections(compiled: Any, values: Mapping[str, Any], *, omit: Iterable[str] = (),
                    insert: str = "", after: str = "what_you_can_do",
                    before: str = "contact") -> str:
    """Render with the `omit` blocks left out and `insert` (text already rendered from another
    approved template) placed after block `after`, else before block `before`, else at the
    end. This is how a state's required insert joins a letter without editing the letter."""
    def gen() -> Iterator[str]:
        ctx = compiled.new_context(dict(values))
        for name in omit:
            if name in ctx.blocks:
                ctx.blocks[name] = [lambda _c: iter(())]
        placed = not insert
        if not placed and after in ctx.blocks:
            ctx.blocks[after] = [_then(ctx.blocks[after][0], insert, first=False)]
            placed = True
        elif not placed and before in ctx.blocks:
            ctx.blocks[before] = [_then(ctx.blocks[before][0], insert, first=True)]
            placed = True
        yield from compiled.root_render_func(ctx)
        if not placed:
            yield insert
    return _run(gen)


def _then(block: Callable[[Context], Iterator[str]], extra: str, *,
          first: bool) -> Callable[[Context], Iterator[str]]:
    def run(ctx: Context) -> Iterator[str]:
        if first:
            yield extra
        yield from block(ctx)
        if not first:
            yield extra
    return run


def render_block(compiled: Any, name: str, values: Mapping[str, Any]) -> str:
    """Render just one `{% block name %}` (for checking required sections)."""
    def gen() -> Iterator[str]:
        ctx = compiled.new_context(dict(values))
        yield from compiled.blocks[name](ctx)
    return _run(gen)


def block_names(compiled: Any) -> list[str]:
    return list(compiled.blocks)


def variables_used(body: str, *, html: bool = False) -> set[str]:
    """Names a template reads from its data (not ones it sets itself)."""
    compile_template(body, html=html)
    env = make_environment(html=html)
    return set(meta.find_undeclared_variables(env.parse(body))) - set(env.globals)


__all__ = [
    "MAX_OUTPUT_CHARS", "MAX_STEPS", "CrisisSandbox", "TemplateError", "block_names",
    "compile_template", "join_and", "make_environment", "render", "render_block",
    "render_sections",
    "variables_used",
]
