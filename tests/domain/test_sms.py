"""SMS segment counts: GSM-7 160/153, UCS-2 70/67, extension characters count twice."""

from __future__ import annotations

import pytest

from crisisdesk.domain.sms import count_segments


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("ñé@£ÄÖÜ" * 20, "GSM-7", 140, 1),  # accented letters in the GSM alphabet stay 7-bit
    ("€" * 80, "GSM-7", 160, 1),  # extension table: two units each
    ("€" * 81, "GSM-7", 162, 2),
    ("[" * 80, "GSM-7", 160, 1),
    ("a" * 159 + "]", "GSM-7", 161, 2),
    ("á" * 70, "UCS-2", 70, 1),  # one character outside GSM-7 switches the whole text
    ("á" * 71, "UCS-2", 71, 2),
    ("á" * 134, "UCS-2", 134, 2),
    ("á" * 135, "UCS-2", 135, 3),
    ("😀" * 35, "UCS-2", 70, 1),  # an emoji is a surrogate pair: two UTF-16 units
    ("😀" * 36, "UCS-2", 72, 2),
])
def test_segment_counts(text: str, encoding: str, units: int, segments: int) -> None:
    count = count_segments(text)
    assert (count.encoding, count.units, count.segments) == (encoding, units, segments)


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 152 + 2 units: the euro would straddle the 153-unit boundary, so it starts segment 2
    # and 153 + 153 no longer holds 306 units of text.
    text = "a" * 152 + "€" + "a" * 152
    count = count_segments(text)
    assert count.units == 306
    assert count.segments == 3


def test_an_emoji_is_never_split_across_segments() -> None:
    text = "á" * 66 + "😀" + "á" * 66
    count = count_segments(text)
    assert count.units == 134
    assert count.segments == 3


def test_the_characters_that_force_ucs2_are_named() -> None:
    count = count_segments("It’s time – come in")
    assert count.encoding == "UCS-2"
    assert count.forcing_ucs2 == ("’", "–")
    assert "UCS-2 because of '’', '–'" in count.describe()
    assert count_segments("a" * 200).describe() == \
        "2 segments (200 GSM-7 units; 153 per segment when split)"
