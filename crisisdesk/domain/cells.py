"""Spreadsheet-safe cells (OWASP "CSV Injection").

A spreadsheet treats a cell that begins with = + - @ (or Tab, CR, LF) as a formula, so an
exported "=HYPERLINK(...)" name or even a "+1 555 0142" phone number could run as one. Every
exported cell that begins with such a character gets a leading apostrophe, which spreadsheets
show as plain text. On import we strip that apostrophe again, but only where it sits in front of
one of those characters, i.e. exactly where our own export put it; any other leading apostrophe
is the user's and is kept.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: object) -> str:
    """The cell text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def unneutralise_cell(text: str) -> str:
    """Undo `neutralise_cell` (only an apostrophe followed by a trigger character is ours)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text
