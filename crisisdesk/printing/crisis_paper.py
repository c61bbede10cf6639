"""What the crisis printouts share: one page skeleton, one style sheet, local times.

Plain Python returning HTML that QTextDocument can lay out (tables with attributes, simple
CSS). Callers escape nothing: every builder passes values through `esc`, and this module only
joins already-escaped fragments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

STYLE = """
h1 { font-size: 14pt; margin-bottom: 1pt; }
h2 { font-size: 11pt; margin-top: 10pt; margin-bottom: 3pt; }
p.sub { font-size: 8.5pt; color: #333333; margin-top: 0; }
p.warn { font-size: 9pt; font-weight: bold; color: #8a1c1c; }
p.foot { font-size: 7.5pt; color: #444444; }
table.grid { border-collapse: collapse; }
th { background-color: #e4e4e4; text-align: left; font-size: 8.5pt; }
td { font-size: 8.5pt; vertical-align: top; }
td.box { text-align: center; }
span.role { font-weight: bold; font-size: 9pt; }
span.name { font-size: 10pt; font-weight: bold; }
span.small { font-size: 7.5pt; color: #444444; }
span.alert { font-weight: bold; color: #8a1c1c; }
span.struck { text-decoration: line-through; color: #666666; }
"""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


GRID = '<table class="grid" width="100%" border="1" cellspacing="0" cellpadding="4">'


def header_table(pairs: Iterable[tuple[str, str]]) -> str:
    """The HICS form header block: label/value cells in one row."""
    cells = "".join(f'<td><span class="small">{esc(label)}</span><br>{esc(value) or "&#160;"}'
                    "</td>" for label, value in pairs)
    return f"{GRID}<tr>{cells}</tr></table>"


def grid_table(columns: Sequence[tuple[str, int]], rows: str, *, empty: str = "") -> str:
    """A ruled table: (heading, width %) columns over `rows`, already-built <tr> HTML; with no
    rows, one full-width row saying `empty` so the printout shows the list was looked at."""
    head = "".join(f'<th width="{width}%">{esc(heading)}</th>' for heading, width in columns)
    if not rows and empty:
        rows = f'<tr><td colspan="{len(columns)}">{esc(empty)}</td></tr>'
    return f"{GRID}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def document(title: str, body: str, *, sub: str = "", foot: str = "") -> str:
    """A complete HTML page; `body` and `foot` are HTML already built from escaped values."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        + (f'<p class="sub">{esc(sub)}</p>' if sub else "")
        + body
        + (f'<p class="foot">{foot}</p>' if foot else "")
        + "</body></html>"
    )
