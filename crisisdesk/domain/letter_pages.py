"""What a printed letter is made of, handed from the services to `printing/` as plain data.

The services decide *what* goes on paper (which approved template, filled with what, addressed
to whom); `printing/` decides *where* (letterhead, the address inside the envelope window, the
body below it, page numbers). Keeping this boundary as frozen data means the page layout can be
tested without a desk, and the services never import Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.envelopes import Window


@dataclass(frozen=True)
class LetterLayout:
    """The page furniture shared by every letter of a batch."""

    window: Window
    org_name: str
    return_address: str = ""
    logo_path: str = ""
    stock_label: str = ""


@dataclass(frozen=True)
class LetterContent:
    """One letter: the address block, the filled-in approved template, its reference."""

    reference: str
    address_lines: tuple[str, ...]
    body_html: str
    language: str = "en"
    seq: int = 0
    # The same body with markers where the person fields go, and (marker, plain value) for
    # each: a printer may lay the marked body out once and only swap the fields per letter.
    marked_html: str = ""
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CoverSheet:
    """The first page of each output file: what the stack of paper is (no patient data)."""

    org_name: str
    incident_title: str
    batch_number: int
    part: int
    parts: int
    first_reference: str
    last_reference: str
    first_seq: int
    last_seq: int
    letters: int
    printed_on: str
    note: str = ""

