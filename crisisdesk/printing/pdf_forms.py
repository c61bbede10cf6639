"""Static page content written once per PDF file and drawn on many pages (PDF Form XObjects).

Mail shops print large runs as variable-data PDFs: the part of a page every copy shares is
stored once and each page only references it. QPdfWriter cannot write a Form XObject, but it
does write each distinct image once per file and reference it from every page that draws it.
So a page draws a small placeholder image over the whole sheet where the static content goes
(`Placeholder`), and once the writer has closed the file, `append_forms` appends an
incremental update (PDF 1.4, section 3.4.5) that replaces each placeholder image object with
a Form XObject holding the static content, copied with its fonts (embedded subsets) from a
small PDF Qt wrote of the static pages alone (`StaticPages`). Every page that drew the
placeholder then shows the static content, as vector text, at the placeholder's place.

Only Qt's own output is parsed here (a classic cross-reference table, plain dictionaries), so
the parser stays small; anything unexpected raises `FormError` rather than writing a file
that might show the wrong page. No patient data passes through this module: the static pages
hold only text every letter of a body shares.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtGui import QColor, QImage

MARK_WIDTH = 7  # the placeholders' width in pixels: an odd size no logo has
_serials = itertools.count(1)
_REF = re.compile(rb"(\d+) 0 R\b")
_OBJ = re.compile(rb"(\d+) 0 obj\s*")
_LENGTH = re.compile(rb"/Length (\d+)(?: 0 R)?")


class FormError(Exception):
    """A PDF that is not the plain shape Qt writes: the caller falls back to drawing pages."""


class Placeholder:
    """A tiny image standing for one static page: drawn over the whole sheet, replaced by the
    static page in `append_forms`. Its height is a serial number, which is how its image
    object is found in the written file."""

    def __init__(self) -> None:
        self.height = 100 + next(_serials)
        self.image = QImage(MARK_WIDTH, self.height, QImage.Format.Format_RGB32)
        self.image.fill(QColor("white"))


@dataclass
class _Object:
    head: bytes  # the dictionary (or other value), references as they were in the source
    stream: bytes | None = None  # raw (still compressed) stream data


@dataclass
class StaticPages:
    """The pages of a PDF Qt wrote, ready to be copied into other files as Form XObjects:
    each page's content stream and resources, and every object they need."""

    objects: dict[int, _Object] = field(default_factory=dict)
    pages: list[tuple[int, bytes]] = field(default_factory=list)  # (content obj, resources)
    width: float = 612.0
    height: float = 792.0

    @classmethod
    def from_pdf(cls, data: bytes) -> StaticPages:
        reader = _Reader(data)
        out = cls()
        for page in reader.page_objects():
            head = reader.object(page).head
            contents = _single_ref(head, b"/Contents")
            resources = _single_ref(head, b"/Resources")
            box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", head)
            if contents is None or resources is None or box is None:
                raise FormError("a static page without contents, resources or media box")
            out.width, out.height = float(box.group(1)), float(box.group(2))
            out.pages.append((contents, b"%d 0 R" % resources))
            for num in reader.closure([contents, resources]):
                out.objects[num] = reader.object(num)
        return out


def append_forms(path: Path, forms: dict[int, tuple[StaticPages, int]]) -> int:
    """Replace the placeholder images in the PDF at `path` by their static pages.

    `forms` maps a placeholder's height to (static pages, page index). Placeholders not drawn
    in this file are skipped. Returns how many were replaced. The update is appended, so
    what Qt wrote stays byte for byte as it was, and the file keeps its page count.
    """
    with open(path, "rb") as fh:
        data = fh.read()
    reader = _Reader(data)
    found: dict[int, int] = {}  # placeholder height -> its image object
    pattern = re.compile(rb"(\d+) 0 obj\s*<<\s*/Type /XObject\s*/Subtype /Image\s*/Width %d\s*"
                         rb"/Height (\d+)\b" % MARK_WIDTH)
    for match in pattern.finditer(data):
        num, height = int(match.group(1)), int(match.group(2))
        if height in forms and reader.offsets.get(num) == match.start():
            found[height] = num
    if not found:
        return 0
    size = reader.size
    numbers: dict[tuple[int, int], int] = {}  # (id of static pages, its object) -> here
    chunks: list[bytes] = []
    offsets: dict[int, int] = {}
    position = len(data) + (0 if data.endswith(b"\n") else 1)
    if not data.endswith(b"\n"):
        chunks.append(b"\n")

    def write(num: int, body: bytes) -> None:
        nonlocal position
        offsets[num] = position
        piece = b"%d 0 obj\n" % num + body + b"\nendobj\n"
        chunks.append(piece)
        position += len(piece)

    def renumber(static: StaticPages, text: bytes) -> bytes:
        return _REF.sub(lambda m: b"%d 0 R" % numbers[(id(static), int(m.group(1)))], text)

    statics = {id(s): s for s, _ in (forms[h] for h in found)}
    for static in statics.values():
        for num in static.objects:
            numbers[(id(static), num)] = size
            size += 1
        for num, obj in static.objects.items():
            body = renumber(static, obj.head)
            if obj.stream is not None:
                body += b"\nstream\n" + obj.stream + b"\nendstream"
            write(numbers[(id(static), num)], body)
    for height, num in sorted(found.items(), key=lambda kv: kv[1]):
        static, index = forms[height]
        contents, resources = static.pages[index]
        obj = static.objects[contents]
        if obj.stream is None:
            raise FormError("a static page's contents are not a stream")
        extra = re.sub(rb"/Length \d+(?: 0 R)?\s*", b"", obj.head.strip()[2:-2])
        # The placeholder's unit square covers the sheet: map the page's points onto it.
        write(num, b"<<\n/Type /XObject\n/Subtype /Form\n/BBox [0 0 %s %s]\n"
                   b"/Matrix [%s 0 0 %s 0 0]\n/Resources %s\n/Length %d\n%s\n>>\nstream\n"
              % (_num(static.width), _num(static.height), _num(1 / static.width),
                 _num(1 / static.height), renumber(static, resources), len(obj.stream),
                 renumber(static, extra.strip())) + obj.stream + b"\nendstream")
    xref = position
    lines = [b"xref\n"]
    for first, run in _runs(sorted(offsets)):
        lines.append(b"%d %d\n" % (first, len(run)))
        lines.extend(b"%010d 00000 n \n" % offsets[n] for n in run)
    trailer = reader.trailer
    keep = b"".join(m.group(0) + b"\n" for m in re.finditer(
        rb"/(?:Root|Info) \d+ 0 R|/ID \[[^\]]*\]", trailer))
    lines.append(b"trailer\n<<\n/Size %d\n%s/Prev %d\n>>\nstartxref\n%d\n%%%%EOF\n"
                 % (size, keep, reader.startxref, xref))
    with open(path, "ab") as out:
        out.write(b"".join(chunks) + b"".join(lines))
    return len(found)


def _num(value: float) -> bytes:
    return (b"%.10f" % value).rstrip(b"0").rstrip(b".")


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    runs: list[tuple[int, list[int]]] = []
    for n in numbers:
        if runs and runs[-1][1][-1] == n - 1:
            runs[-1][1].append(n)
        else:
            runs.append((n, [n]))
    return runs


def _single_ref(head: bytes, key: bytes) -> int | None:
    match = re.search(re.escape(key) + rb"\s+(\d+) 0 R", head)
    return int(match.group(1)) if match else None


class _Reader:
    """Objects of a PDF with one classic cross-reference table, as QPdfWriter writes it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        tail = data[-1024:]
        match = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
        if match is None:
            raise FormError("no startxref")
        self.startxref = int(match.group(1))
        table = re.compile(rb"xref\s+0 (\d+)\s+").match(data, self.startxref)
        if table is None:
            raise FormError("no single cross-reference table")
        self.size = int(table.group(1))
        self.offsets: dict[int, int] = {}
        at = table.end()
        for num in range(self.size):
            entry = data[at + 20 * num: at + 20 * num + 18]
            if entry.endswith(b"n"):
                self.offsets[num] = int(entry[:10])
        end = at + 20 * self.size
        trailer = re.compile(rb"\s*trailer\s*(<<.*?>>)\s*startxref", re.S).match(data, end)
        if trailer is None:
            raise FormError("no trailer")
        self.trailer = trailer.group(1)

    def object(self, num: int) -> _Object:
        at = self.offsets.get(num)
        match = _OBJ.match(self.data, at) if at is not None else None
        if match is None or int(match.group(1)) != num:
            raise FormError(f"object {num} is not where the table says")
        start = match.end()
        stop = self.data.find(b"endobj", start)
        stream_at = self.data.find(b"stream", start, stop if stop >= 0 else None)
        if stream_at < 0:
            if stop < 0:
                raise FormError(f"object {num} has no end")
            return _Object(self.data[start:stop].strip())
        head = self.data[start:stream_at].strip()
        length = _LENGTH.search(head)
        if length is None:
            raise FormError(f"stream {num} without a length")
        size = (int(self.object(int(length.group(1))).head) if length.group(0).endswith(b"R")
                else int(length.group(1)))
        body = stream_at + len(b"stream")
        body += 2 if self.data[body:body + 2] == b"\r\n" else 1
        if self.data[body + size: body + size + 20].strip()[:9] != b"endstream":
            raise FormError(f"stream {num} has the wrong length")
        head = _LENGTH.sub(b"/Length %d" % size, head)
        return _Object(head, self.data[body:body + size])

    def page_objects(self) -> list[int]:
        root = _single_ref(self.trailer, b"/Root")
        pages = _single_ref(self.object(root).head, b"/Pages") if root is not None else None
        if pages is None:
            raise FormError("no page tree")
        kids = re.search(rb"/Kids\s*\[([^\]]*)\]", self.object(pages).head)
        if kids is None:
            raise FormError("no page list")
        return [int(m.group(1)) for m in _REF.finditer(kids.group(1))]

    def closure(self, start: list[int]) -> list[int]:
        """Every object reachable from `start`, `start` included, never the page tree (a
        resource dictionary does not point back up, but a copy must not pull pages in)."""
        seen: list[int] = []
        todo = list(start)
        while todo:
            num = todo.pop()
            if num in seen:
                continue
            seen.append(num)
            head = self.object(num).head
            if re.search(rb"/Type\s*/Pages?\b", head):
                raise FormError("a static page's resources point at the page tree")
            todo.extend(int(m.group(1)) for m in _REF.finditer(head))
        return sorted(seen)
