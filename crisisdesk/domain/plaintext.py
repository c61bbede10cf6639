"""Readable plain text from rendered HTML, for checks, previews and reading-level scores."""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
               "table", "section", "header", "footer", "blockquote", "address", "dt", "dd",
               "hr", "pre", "article"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class _TextExtractor(HTMLParser):
    def __init__(self, keep_headings: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_headings = keep_headings
        self.parts: list[str] = []
        self.in_heading = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag in _HEADINGS:
            self.in_heading += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag in _HEADINGS:
            self.in_heading = max(0, self.in_heading - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip or (self.in_heading and not self.keep_headings):
            return
        self.parts.append(data)


def html_to_text(html: str, *, keep_headings: bool = True) -> str:
    """Readable plain text from rendered HTML: one line per block, blank lines collapsed."""
    parser = _TextExtractor(keep_headings)
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
