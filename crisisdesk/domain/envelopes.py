"""Where the envelope window falls on the letter sheet, per envelope stock, in inches.

There is no single standard #10 window, so the geometry is a setting: pick a stock, or give
`custom` numbers measured with the printed alignment page. Geometry here is on the *sheet*
(from its top-left corner, tri-folded with the top panel behind the window). USPS Publication
25 asks for 1/8 in of clear space between the address and every window edge with the insert
shifted to its limits, so the address goes in the "safe box": the window inset by 1/8 in.

Defaults: a #10 single window of 1-1/8 x 4-1/2 in, 7/8 in from the envelope's left and 1/2 in
from its bottom, lands 3/8 in from the sheet's left and 2.042 in from its top when the folded
letter (11/3 in panel) rests at the bottom of a 9-1/2 in envelope; the double-window stock uses
the vendor address box of 3-1/2 x 7/8 in at 1/2 in and 2.042 in (domain.md §6.1-6.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.domain.errors import ValidationError

SHEET_WIDTH_IN = 8.5
SHEET_HEIGHT_IN = 11.0
FOLD_PANEL_IN = 11.0 / 3.0
CLEARANCE_IN = 0.125
MIN_ADDRESS_PT = 10.0  # USPS allows 8 pt; 10 pt is what we promise (and California asks)


@dataclass(frozen=True)
class Window:
    """A rectangle on the sheet, inches from the top-left corner."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def inset(self, by: float = CLEARANCE_IN) -> Window:
        return Window(self.left + by, self.top + by, self.width - 2 * by, self.height - 2 * by)

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def text(self) -> str:
        return f"{self.left:g},{self.top:g},{self.width:g},{self.height:g}"


STOCKS: dict[str, tuple[str, Window]] = {
    "single-window-10": ("#10 single window (1-1/8 x 4-1/2 in, 7/8 in left, 1/2 in bottom)",
                         Window(0.375, 2.042, 4.5, 1.125)),
    "double-window-10": ("#10 double window (address box 3-1/2 x 7/8 in at 1/2 in, 2.042 in)",
                         Window(0.375, 1.917, 3.75, 1.125)),
}
STOCK_NAMES = (*STOCKS, "custom")


def parse_window(text: str, field_name: str = "envelope_window") -> Window:
    """'LEFT,TOP,WIDTH,HEIGHT' in inches on the sheet, checked to fit the top panel."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        left, top, width, height = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            f"Give the window as LEFT,TOP,WIDTH,HEIGHT in inches (e.g. 0.375,2.042,4.5,1.125), "
            f"not {text!r}.", {field_name: "not four numbers"}) from None
    window = Window(left, top, width, height)
    if min(left, top) < 0 or width < 2.0 or height < 0.75:
        raise ValidationError("The window must be at least 2 in wide and 3/4 in high, inside "
                              "the sheet.", {field_name: "too small"})
    if window.right > SHEET_WIDTH_IN or window.bottom > FOLD_PANEL_IN:
        raise ValidationError("The window must lie on the top third of the sheet (the panel "
                              "that faces it when folded).", {field_name: "off the panel"})
    return window


def window_for(stock: str, custom: str = "") -> Window:
    if stock == "custom":
        return parse_window(custom)
    if stock not in STOCKS:
        raise ValidationError(f"{stock!r} is not an envelope stock; use one of "
                              f"{', '.join(STOCK_NAMES)}.", {"envelope_stock": "unknown"})
    return STOCKS[stock][1]


def check_custom_window(text: str) -> str:
    """The settings check for `envelope_window` ('' means: not used)."""
    return parse_window(text).text() if text.strip() else ""
