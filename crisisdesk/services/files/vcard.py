"""Reading vCard (.vcf) files, as exported by phones, Outlook and macOS Contacts.

The file is cut into cards by their BEGIN/END lines first, so every card is named by the line
it starts on and one damaged card is reported as a bad row instead of stopping the whole file.
Each card is parsed with `vobject` (versions 2.1, 3.0 and 4.0, folded lines, quoted-printable)
and turned into a row keyed by contact field names. Every TEL and EMAIL line is kept. A number's
label comes from Apple's `itemN.X-ABLabel` of the same group ("_$!<Mobile>!$_" or a label the
user typed), else from its TYPE (`TEL;type=CELL`, `TEL;CELL` in 2.1, `TEL;TYPE="work,voice"`
in 4.0). `ORG:Company;Department` fills the organisation and department.

Two things about vobject matter for a file from anywhere. Its line pattern backtracks
exponentially on a line with many parameters that does not parse (30 of them take minutes), so
a card with such a line, or with a line longer than MAX_FIELD_CHARS, is refused before vobject
sees it (the file's line and card counts are bounded by `limits` too). And it logs each line
it skips, text and all, to stderr; contact details never go to logs, so its logger is silenced.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import vobject

import crisisdesk.services.files.limits as limits
from crisisdesk.domain.errors import UserError
from crisisdesk.services.files.rows import Opened, Rows
from crisisdesk.services.files.text import too_many_rows

logging.getLogger("vobject").setLevel(logging.CRITICAL + 1)
logging.getLogger("vobject.base").setLevel(logging.CRITICAL + 1)

MAX_PARAMETERS = 12  # real exports use up to about five (TEL;TYPE=WORK;TYPE=VOICE;PREF=1)
_HEAD = re.compile(r"[^:]*")

# vCard TEL types, most telling first -> our phone label
_TEL_LABELS = (("cell", "mobile"), ("iphone", "mobile"), ("pager", "pager"), ("fax", "fax"),
               ("work", "work"), ("home", "home"), ("main", "main"), ("other", "other"))
_NOT_LABELS = frozenset({"voice", "pref", "internet", "x400", "msg", "text", "video", "bbs",
                         "modem", "car", "isdn", "pcs"})
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")
# the vCard property each of our columns comes from (for the import summary)
PROPERTIES = {"name": "FN", "first_name": "N", "middle_name": "N", "last_name": "N",
              "suffix": "N", "job_title": "TITLE", "organisation": "ORG", "department": "ORG",
              "phone": "TEL", "email": "EMAIL", "notes": "NOTE", "tags": "CATEGORIES"}
HEADERS = ["name", "first_name", "middle_name", "last_name", "suffix", "job_title",
           "organisation", "department", "phone", "email", "notes", "tags"]


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


def _types(line: Any) -> list[str]:
    """A line's TYPE values, lower case: 'TYPE=CELL,VOICE', repeated TYPE=, 2.1's ';CELL'."""
    raw = [*line.params.get("TYPE", []), *getattr(line, "singletonparams", [])]
    return [t.strip().strip('"').lower() for r in raw for t in str(r).split(",") if t.strip()]


def _tel_label(line: Any, ab_labels: dict[str, str]) -> str:
    group = getattr(line, "group", None)
    if group and group.lower() in ab_labels:
        return ab_labels[group.lower()]
    types = _types(line)
    if "fax" in types and ("work" in types or "home" in types):
        return "work fax" if "work" in types else "home fax"
    label = next((label for vtype, label in _TEL_LABELS if vtype in types), "")
    if label:
        return label
    custom = [t[2:] for t in types if t.startswith("x-") and len(t) > 2]
    rest = [t for t in types if t not in _NOT_LABELS and not t.startswith("x-")]
    return (custom or rest or ["phone"])[0].replace("-", " ")


def _ab_labels(contents: dict[str, list[Any]]) -> dict[str, str]:
    """{group: label} from Apple's `itemN.X-ABLabel` lines ('_$!<Mobile>!$_' -> 'mobile')."""
    labels: dict[str, str] = {}
    for line in contents.get("x-ablabel", []):
        group = getattr(line, "group", None)
        text = _text(line.value)
        m = _APPLE_LABEL.fullmatch(text)
        if group and text:
            labels[group.lower()] = " ".join((m.group(1) if m else text).split()).lower()
    return labels


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
        row["middle_name"] = _text(getattr(name, "additional", ""))
        row["last_name"] = _text(getattr(name, "family", ""))
        row["suffix"] = _text(getattr(name, "suffix", ""))
    row["job_title"] = _text(first("title"))
    org = first("org")
    parts = [str(p).strip() for p in org] if isinstance(org, list) else [_text(org)]
    parts = [p for p in parts if p]
    if parts:
        row["organisation"] = parts[0]
        row["department"] = " ".join(parts[1:])
    labels = _ab_labels(contents)
    phones = [f"{_tel_label(line, labels)}: {_text(line.value)}"
              for line in contents.get("tel", []) if _text(line.value)]
    row["phone"] = "; ".join(phones)
    row["email"] = ", ".join(_text(line.value) for line in contents.get("email", [])
                             if _text(line.value))
    row["notes"] = _text(first("note"))
    tags: list[str] = []
    for line in contents.get("categories", []):
        tags.extend(line.value if isinstance(line.value, list) else [str(line.value)])
    row["tags"] = ", ".join(t.strip() for t in tags if t.strip())
    return {k: v for k, v in row.items() if v}


def _unreadable_line(text: str) -> str:
    """Why a line of the card (folded lines joined, as vobject joins them) is not for vobject:
    more than MAX_PARAMETERS semicolons before its colon, or longer than MAX_FIELD_CHARS;
    else ""."""
    unfolded = text.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")
    for line in unfolded.split("\n"):
        if len(line) > limits.MAX_FIELD_CHARS:
            return f"a line is longer than {limits.MAX_FIELD_CHARS:,} characters"
        head = _HEAD.match(line)
        if head is not None and head.group().count(";") > MAX_PARAMETERS:
            return f"a line has more than {MAX_PARAMETERS} parameters"
    return ""


def _parse(text: str) -> dict[str, str] | str:
    why = _unreadable_line(text)
    if why:
        return f"the card could not be read: {why}"
    try:
        card = vobject.readOne(text, ignoreUnreadable=True)
    except Exception:  # vobject raises many kinds of error on damaged input
        return "the card could not be read"
    return card_row(card)


def open_vcf(text: str, name: str = "the file") -> Opened:
    """(headers, card count, rows) for the text of a .vcf file."""
    total = 0
    for line, _ in split_cards(text):
        total += 1
        if total > limits.MAX_ROWS:
            raise too_many_rows(name, line)
    if total == 0:
        raise UserError("The file holds no vCards (no BEGIN:VCARD line).")

    def rows() -> Rows:
        for line, card in split_cards(text):
            yield line, _parse(card)

    return list(HEADERS), total, rows
