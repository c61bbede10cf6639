"""Spreadsheet-safe cells (OWASP "CSV Injection").

A spreadsheet treats a cell that begins with = + - @ (or Tab, CR, LF) as a formula, so an
exported "=HYPERLINK(...)" name or even a "+1 555 0142" phone number could run as one. Every
exported cell that begins with such a character gets a leading apostrophe, which spreadsheets
show as plain text.

A spreadsheet set to another locale's separator (";" in much of Europe, tab, "|") cuts our
comma-separated cells at that character, so `Bob;=1+1` would arrive as "Bob" and a formula
"=1+1"; quoting does not help a reader that ignores quotes in the middle of a line. So a
trigger right after any of , ; Tab | CR LF inside a cell (or after quotes that follow it) gets
the apostrophe too (`Bob;'=1+1`). A trigger after a space is left alone ("+1 555; +1 556"):
no spreadsheet reads " =1" as a formula, and phone lists stay readable.

On import we strip those apostrophes again, but only where they sit in front of a trigger at
the start or after a separator, i.e. exactly where our own export put them; any other
apostrophe is the user's and is kept.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
SEPARATORS = ",;\t|"  # the field separators of the common locales' CSV
# a separator, any quotes a reader would take for the start of a quoted cell, then a trigger
_AFTER_SEPARATOR = re.compile(r"([,;\t|\r\n]\"*)(?=[=+\-@])")
_OURS_AFTER_SEPARATOR = re.compile(r"([,;\t|\r\n]\"*)'(?=[=+\-@])")


def neutralise_cell(value: object) -> str:
    """The cell text, with an apostrophe before each trigger a spreadsheet would read as the
    start of a formula (at the start, or right after a separator)."""
    text = "" if value is None else str(value)
    text = _AFTER_SEPARATOR.sub(r"\1'", text)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unneutralise_cell(text: str) -> str:
    """Undo `neutralise_cell` (only an apostrophe followed by a trigger character, at the
    start or right after a separator, is ours)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        text = text[1:]
    if "'" in text:
        text = _OURS_AFTER_SEPARATOR.sub(r"\1", text)
    return text
