"""How many SMS segments a text message costs (3GPP TS 23.038 alphabets, TS 23.040 concatenation).

A message that uses only the GSM 7-bit alphabet fits 160 characters in one segment, 153 per
segment when split (the rest holds the concatenation header). The extension table characters
(`^ { } \\ [ ~ ] | €` and form feed) are sent as escape + character, so they count twice and an
escape pair is never split across segments. One character outside the alphabet (a curly quote,
an accented capital, an emoji) switches the whole message to UCS-2: 70 UTF-16 units in one
segment, 67 per segment when split, and a surrogate pair (most emoji) is never split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67
MAX_SEGMENTS = 2  # what CrisisDesk lets an SMS template cost

# Characters word processors put in that silently force UCS-2, and what to type instead.
SUGGESTIONS = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
               "\u00a0": " "}


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    characters: int
    forcing_ucs2: tuple[str, ...] = ()  # the distinct characters outside the GSM alphabet

    @property
    def single_limit(self) -> int:
        return GSM7_SINGLE if self.encoding == "GSM-7" else UCS2_SINGLE

    @property
    def multi_limit(self) -> int:
        return GSM7_MULTI if self.encoding == "GSM-7" else UCS2_MULTI

    def describe(self) -> str:
        noun = "segment" if self.segments == 1 else "segments"
        text = f"{self.segments} {noun} ({self.units} {self.encoding} units"
        if self.segments <= 1:
            text += f" of {self.single_limit})"
        else:
            text += f"; {self.multi_limit} per segment when split)"
        if self.forcing_ucs2:
            shown = ", ".join(repr(c) for c in self.forcing_ucs2[:5])
            text += f"; UCS-2 because of {shown}"
        return text


def _pack(units: list[int], per_segment: int) -> int:
    """Segments needed when each character's units must stay in one segment."""
    segments, used = 1, 0
    for n in units:
        if used + n > per_segment:
            segments += 1
            used = 0
        used += n
    return segments


def count_segments(text: str) -> SmsCount:
    """The encoding, length in units and number of segments of `text` as one SMS."""
    if not text:
        return SmsCount("GSM-7", 0, 0, 0)
    outside = [c for c in text if c not in _BASIC and c not in _EXTENSION]
    if not outside:
        units = [2 if c in _EXTENSION else 1 for c in text]
        single, multi, encoding = GSM7_SINGLE, GSM7_MULTI, "GSM-7"
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, multi, encoding = UCS2_SINGLE, UCS2_MULTI, "UCS-2"
    total = sum(units)
    segments = 1 if total <= single else _pack(units, multi)
    return SmsCount(encoding, total, segments, len(text), tuple(dict.fromkeys(outside)))
