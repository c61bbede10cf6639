"""Reading a written PDF back: each piece of text with its page, position and size."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


@dataclass
class Text:
    page: int
    text: str
    x_in: float  # from the sheet's left edge
    top_in: float  # baseline, from the sheet's top edge
    size_pt: float


def clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\t", " ")


def read(path: Path) -> tuple[list[Text], list[str]]:
    reader = PdfReader(str(path))
    found: list[Text] = []
    pages: list[str] = []
    for number, page in enumerate(reader.pages):
        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float,
                  number: int = number) -> None:
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found.append(Text(number, clean(text), x / 72, (792 - y) / 72,
                                  size * abs(cm[3])))
        pages.append(clean(page.extract_text(visitor_text=visit)))
    return found, pages


def page_texts(path: Path) -> list[str]:
    """Each page's text: poppler's pdftotext when installed (about fifty times faster than
    pypdf's extraction, which makes checking ten thousand letters affordable), else pypdf."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return [clean(page.extract_text() or "") for page in PdfReader(str(path)).pages]
    out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=True, timeout=300)
    pages = clean(out.stdout.decode("utf-8")).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
