"""Turning whatever a user types into a safe SQLite FTS5 query.

FTS5 has its own syntax (quotes, AND/OR/NOT, NEAR, column filters, `*`, `^`, parentheses), and a
query that breaks it raises an error instead of finding nothing. So user text is never passed
through: it is cut into runs of letters and digits (what the unicode61 tokenizer indexes), each
whitespace-separated word becomes one quoted prefix phrase, and the phrases are AND-ed. A query
that looks like a phone number is searched against the `phone_digits` column only, by its digit
groups or by all its digits run together.
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 16
MIN_PHONE_DIGITS = 3
PHONE_COLUMN = "phone_digits"

_PHONE_LIKE = re.compile(r"[\d\s()+.\-/]+")
_DIGITS = re.compile(r"\d+")


def _runs(word: str) -> list[str]:
    """Runs of token characters: letters, digits and combining marks (as in unicode61)."""
    runs: list[str] = []
    current: list[str] = []
    for ch in word:
        if ch.isalnum() or (current and unicodedata.category(ch).startswith("M")):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def _phrase(runs: list[str]) -> str:
    return '"' + " ".join(runs) + '"*'


def fts_query(user_text: str) -> str:
    """A MATCH expression that FTS5 always accepts; "" when there is nothing to search for."""
    text = unicodedata.normalize("NFC", user_text)
    stripped = text.strip()
    if stripped and _PHONE_LIKE.fullmatch(stripped):
        groups = _DIGITS.findall(text)[:MAX_WORDS]
        if sum(len(g) for g in groups) >= MIN_PHONE_DIGITS:
            by_group = " AND ".join(f'"{g}"*' for g in groups)
            if len(groups) == 1:
                return f"{PHONE_COLUMN} : {by_group}"
            return f'{PHONE_COLUMN} : (({by_group}) OR "{"".join(groups)}"*)'
    phrases = []
    for word in text.split():
        runs = _runs(word)
        if runs:
            phrases.append(_phrase(runs))
        if len(phrases) >= MAX_WORDS:
            break
    return " AND ".join(phrases)
