"""Substitute notice of the 10-or-more kind, as it is carried out: the web posting, the major
media placements and the toll-free line, with the dates each must last and reminders before
they lapse.

45 CFR 164.404(d)(2)(ii): with 10 or more people whose contact information is insufficient or
out of date, substitute notice is a conspicuous posting on the home page for 90 days or notice
in major print or broadcast media where they likely live, and in either case a toll-free number
that stays active for at least 90 days. CrisisDesk counts the line's 90 days from the first
substitute notice given (the posting or the first placement, whichever came first), and the
posting's from the day it went up. Pure dates: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from crisisdesk.domain.compliance import TOLL_FREE_PREFIXES
from crisisdesk.domain.errors import ValidationError

POSTING_DAYS = 90
HOTLINE_DAYS = 90
REMIND_DAYS = 14  # a reminder shows this many days before a posting or the line may lapse

_URL = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class MediaPlacement:
    id: str
    outlet: str
    placed_on: dt.date


@dataclass(frozen=True)
class SubstitutePlan:
    web_url: str = ""
    web_first_posted: dt.date | None = None
    hotline_number: str = ""
    hotline_open_until: dt.date | None = None
    placements: tuple[MediaPlacement, ...] = ()

    @property
    def web_posted_until(self) -> dt.date | None:
        """The last day of the 90-day posting (it must stay up until then)."""
        if self.web_first_posted is None:
            return None
        return self.web_first_posted + dt.timedelta(days=POSTING_DAYS)

    @property
    def first_notice(self) -> dt.date | None:
        days = [p.placed_on for p in self.placements]
        if self.web_first_posted is not None:
            days.append(self.web_first_posted)
        return min(days, default=None)

    @property
    def hotline_required_until(self) -> dt.date | None:
        first = self.first_notice
        return None if first is None else first + dt.timedelta(days=HOTLINE_DAYS)


@dataclass(frozen=True)
class Reminder:
    text: str
    warning: bool  # shown as a warning (in words, not only colour)
    day: dt.date | None = None


def reminders(plan: SubstitutePlan, required: bool, today: dt.date) -> list[Reminder]:
    """What the team must do or keep doing, warnings first.

    `required`: the incident needs substitute notice of the 10-or-more kind (missing pieces
    are then warnings)."""
    found: list[Reminder] = []
    if required and plan.web_first_posted is None and not plan.placements:
        found.append(Reminder("Substitute notice (10 or more people): no web posting or major "
                              "media placement is recorded yet.", True))
    if required and not plan.hotline_number:
        found.append(Reminder("Substitute notice needs a toll-free number active for 90 days: "
                              "none is recorded yet.", True))
    ends = plan.web_posted_until
    if ends is not None:
        left = (ends - today).days
        if left < 0:
            found.append(Reminder(f"The web posting's 90 days ended on {ends.isoformat()}.",
                                  False, ends))
        else:
            found.append(Reminder(
                f"Keep the web posting ({plan.web_url}) up until {ends.isoformat()} "
                f"({left} days left).", left <= REMIND_DAYS, ends))
    needed = plan.hotline_required_until
    if plan.hotline_number and needed is not None:
        booked = plan.hotline_open_until
        if booked is None:
            found.append(Reminder(f"Record until when the toll-free line {plan.hotline_number} "
                                  f"stays open: it must stay open until {needed.isoformat()}.",
                                  True, needed))
        elif booked < needed:
            found.append(Reminder(f"The toll-free line {plan.hotline_number} is open only until "
                                  f"{booked.isoformat()}; it must stay open until "
                                  f"{needed.isoformat()}.", True, booked))
        else:
            left = (needed - today).days
            if left >= 0:
                found.append(Reminder(
                    f"Keep the toll-free line {plan.hotline_number} open until "
                    f"{needed.isoformat()} ({left} days left).", left <= REMIND_DAYS, needed))
    return sorted(found, key=lambda r: not r.warning)


def check_url(url: str) -> str:
    text = url.strip()
    if not _URL.match(text):
        raise ValidationError(f"{url!r} is not a web address (e.g. https://example.org/notice).",
                              {"url": "not a web address"})
    return text


def check_toll_free(number: str) -> str:
    """The number as 1-8XX-XXX-XXXX, or a one-line error: 164.404(d)(2)(ii) asks toll-free."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[:3] not in TOLL_FREE_PREFIXES:
        raise ValidationError(f"{number!r} is not a US toll-free number (800, 833, 844, 855, "
                              "866, 877 or 888).", {"number": "not toll-free"})
    return f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def check_outlet(outlet: str) -> str:
    text = " ".join(outlet.split())
    if not text:
        raise ValidationError("Name the outlet (newspaper, station).", {"outlet": "empty"})
    return text


__all__ = ["HOTLINE_DAYS", "POSTING_DAYS", "REMIND_DAYS", "MediaPlacement", "Reminder",
           "SubstitutePlan", "check_outlet", "check_toll_free", "check_url", "reminders"]
