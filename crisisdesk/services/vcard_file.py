"""Reading vCard (.vcf) files, as exported by phones, Outlook and macOS Contacts.

The file is cut into cards by their BEGIN/END lines first, so every card is named by the line
it starts on and one damaged card is reported as a bad row instead of stopping the whole file.
Each card is parsed with `vobject` and turned into a row keyed by contact field names.

Two things about vobject matter for a file from anywhere. Its line pattern backtracks
exponentially on a line with many parameters that does not parse (30 of them take minutes), so
a card with such a line is refused before vobject sees it. And it logs each line it skips, text
and all, to stderr; contact details never go to logs, so its logger is silenced.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import vobject

from crisisdesk.domain.errors import UserError

logging.getLogger("vobject").setLevel(logging.CRITICAL + 1)
logging.getLogger("vobject.base").setLevel(logging.CRITICAL + 1)

Rows = Iterator[tuple[int, dict[str, str] | str]]
MAX_PARAMETERS = 12  # real exports use up to about five (TEL;TYPE=WORK;TYPE=VOICE;PREF=1)
_HEAD = re.compile(r"[^:]*")

# vCard TEL types, most telling first -> our phone label
_TEL_LABELS = (("cell", "mobile"), ("pager", "pager"), ("fax", "fax"), ("work", "work"),
               ("home", "home"))
HEADERS = ["name", "first_name", "last_name", "job_title", "organisation", "phone", "email",
           "notes", "tags"]


def split_cards(text: str) -> Iterator[tuple[int, str]]:
    """(line of BEGIN:VCARD, card text) for every card in the file."""
    start = 0
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            start, lines = number, [line]
        elif start:
            lines.append(line)
            if upper == "END:VCARD":
                yield start, "\n".join(lines) + "\n"
                start, lines = 0, []
    if start:
        yield start, "\n".join(lines) + "\n"  # an unterminated last card: let vobject judge


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _tel_label(line: Any) -> str:
    types = {t.lower() for raw in line.params.get("TYPE", []) for t in str(raw).split(",")}
    types |= {str(t).lower() for t in getattr(line, "singletonparams", [])}
    return next((label for vtype, label in _TEL_LABELS if vtype in types), "phone")


def card_row(card: Any) -> dict[str, str]:
    """One parsed card as {field: text}."""
    contents = card.contents
    row: dict[str, str] = {}

    def first(key: str) -> Any:
        lines = contents.get(key)
        return lines[0].value if lines else None

    row["name"] = _text(first("fn"))
    name = first("n")
    if name is not None and not row["name"]:
        row["first_name"] = _text(getattr(name, "given", ""))
        row["last_name"] = _text(getattr(name, "family", ""))
    row["job_title"] = _text(first("title"))
    row["organisation"] = _text(first("org"))
    phones = [f"{_tel_label(line)}: {_text(line.value)}" for line in contents.get("tel", [])
              if _text(line.value)]
    row["phone"] = "; ".join(phones)
    row["email"] = _text(first("email"))
    row["notes"] = _text(first("note"))
    tags: list[str] = []
    for line in contents.get("categories", []):
        tags.extend(line.value if isinstance(line.value, list) else [str(line.value)])
    row["tags"] = ", ".join(t.strip() for t in tags if t.strip())
    return {k: v for k, v in row.items() if v}


def _too_many_parameters(text: str) -> bool:
    """Whether a line of the card (folded lines joined, as vobject joins them) has more than
    MAX_PARAMETERS semicolons before its colon."""
    unfolded = text.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")
    for line in unfolded.split("\n"):
        head = _HEAD.match(line)
        if head is not None and head.group().count(";") > MAX_PARAMETERS:
            return True
    return False


def _parse(text: str) -> dict[str, str] | str:
    if _too_many_parameters(text):
        return f"the card could not be read: a line has more than {MAX_PARAMETERS} parameters"
    try:
        card = vobject.readOne(text, ignoreUnreadable=True)
    except Exception:  # noqa: BLE001 - vobject raises many kinds of error on damaged input
        return "the card could not be read"
    return card_row(card)


def open_vcf(text: str) -> tuple[list[str], int, Callable[[], Rows]]:
    """(headers, card count, rows) for the text of a .vcf file."""
    total = sum(1 for _ in split_cards(text))
    if total == 0:
        raise UserError("The file holds no vCards (no BEGIN:VCARD line).")

    def rows() -> Rows:
        for line, card in split_cards(text):
            yield line, _parse(card)

    return list(HEADERS), total, rows
