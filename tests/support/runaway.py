"""Templates that attack the desk: one that never finishes, one that nests too deeply."""

from __future__ import annotations

from crisisdesk.domain.template_files import parse_file
from crisisdesk.domain.templates import TemplateMeta

# Two lists nested forty deep, compared: one C-level comparison of 2**40 pairs.
NESTED_LISTS = ("{% set ns = namespace(l=[1]) %}{% set ns.m=[1] %}{% for i in range(40) %}"
                "{% set ns.l = [ns.l, ns.l] %}{% set ns.m = [ns.m, ns.m] %}{% endfor %}"
                "{{ ns.l == ns.m }}")
NESTED_IFS = "{% if true %}" * 100 + "x" + "{% endif %}" * 100


def runaway_file(key: str = "nested-lists", body: str = NESTED_LISTS) -> str:
    """A `.tmpl` file as someone might hand it over: staff e-mail, no variables."""
    return (f'+++\nkey = "{key}"\nname = "Runaway {key}"\naudience = "staff"\n'
            f'channel = "email"\nlanguage = "en"\n+++\n{body}\n')


def runaway_meta(key: str = "nested-lists") -> TemplateMeta:
    return parse_file(runaway_file(key), f"{key}.tmpl").meta
