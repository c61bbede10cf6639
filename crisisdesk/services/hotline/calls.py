"""The call log: every call, verified or not, with its topics, outcome and follow-up.

Counts per hour and per topic feed the Dashboard and `crisisdesk hotline stats`; the CSV
export carries no patient identifiers (no lookup handle, no free text, which may hold what a
caller said), through the one spreadsheet-safe writer.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from crisisdesk.domain.errors import ValidationError
from crisisdesk.domain.hotline import FOLLOW_UPS, LANGUAGES, OUTCOMES, TOPICS, check_choice
from crisisdesk.domain.operators import Role
from crisisdesk.services.files.csv_export import write_csv
from crisisdesk.services.hotline.verify import lookup_row
from crisisdesk.services.session import Session, agent_allowed
from crisisdesk.store import hotline as store

MAX_TEXT = 500
MAX_DURATION_S = 4 * 3600
EXPORT_HEADER = ("time", "agent", "language", "verified", "topics", "outcome", "follow_up")


@dataclass(frozen=True)
class CallStats:
    calls: int
    verified: int
    per_hour: dict[str, int]  # "YYYY-MM-DDTHH" (UTC) -> calls
    per_topic: dict[str, int]


@agent_allowed
def log_call(session: Session, *, language: str, topics: Sequence[str], outcome: str,
             follow_up: str = "", topic_text: str = "", handle: str = "",
             duration_s: int | None = None) -> str:
    """Record one call; `verified` comes from the lookup `handle`, never from the agent.
    `duration_s` is the handling time (the desk times it from the lookup to the log)."""
    session.require(Role.AGENT, "use the hotline")
    lang = check_choice(language, LANGUAGES, "language")
    chosen = sorted({check_choice(t, TOPICS, "topic") for t in topics})
    if not chosen:
        raise ValidationError("Choose at least one topic.", {"topic": "missing"})
    result = check_choice(outcome, OUTCOMES, "outcome")
    follow = check_choice(follow_up, FOLLOW_UPS, "follow_up")
    text = " ".join(topic_text.split())
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The topic note is at most {MAX_TEXT} characters.",
                              {"topic_text": "too long"})
    if duration_s is not None and not 0 <= duration_s <= MAX_DURATION_S:
        raise ValidationError(f"A call's handling time is 0 to {MAX_DURATION_S // 3600} hours.",
                              {"duration_s": "out of range"})
    call_id = uuid.uuid4().hex
    with session.action("hotline.log_call", "hotline_call", call_id,
                        f"Hotline call logged: {result}") as act:
        verified = bool(lookup_row(session, handle).verified_id) if handle.strip() else False
        store.add_call(session.db, (call_id, act.at, session.operator.name, lang, int(verified),
                                    ",".join(chosen), text, result, follow, handle.strip(),
                                    duration_s, ""))
    return call_id


@agent_allowed
def stats(session: Session, since: str = "") -> CallStats:
    """Calls per hour and per topic since `since` (an ISO UTC prefix; "" for all)."""
    session.require(Role.AGENT, "use the hotline")
    per_hour: Counter[str] = Counter()
    per_topic: Counter[str] = Counter()
    total = verified = 0
    for call in store.calls(session.db, since):
        total += 1
        verified += int(call["verified"])
        per_hour[str(call["at"])[:13]] += 1
        per_topic.update(str(call["topics"]).split(","))
    return CallStats(total, verified, dict(sorted(per_hour.items())),
                     dict(per_topic.most_common()))


def export_csv(session: Session, path: Path, since: str = "") -> int:
    """The call log as CSV, without patient identifiers; returns the rows written."""
    session.require(Role.OPERATOR, "export the hotline call log")

    def rows() -> Iterator[list[object]]:
        for call in store.calls(session.db, since):
            yield [call["at"], call["agent"], call["language"],
                   "yes" if call["verified"] else "no", call["topics"].replace(",", " "),
                   call["outcome"], call["follow_up"]]

    with session.action("hotline.export", "hotline_call", "", "Exported the hotline call log"):
        return write_csv(path, EXPORT_HEADER, rows())
